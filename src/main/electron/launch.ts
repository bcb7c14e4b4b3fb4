/**
 * What a launch asks for (`--show`, `--toggle <DIALOG_ID>`, `--refresh`),
 * acted on in the running instance: the first launch's own argv, and every
 * later launch's argv through `second-instance` (the fallback for desktops
 * where global shortcuts or tray clicks do not work).
 */
import { app } from 'electron';
import type { AppCore } from '../core/app-core-types';
import { isEmptyLaunch, parseLaunchArgs, type LaunchArgs } from '../core/cli-args';
import type { Logger, Notifier, PopupControl } from '../core/ports';

/** What {@link handleLaunch} drives. */
export interface LaunchTargets {
  core: Pick<AppCore, 'toggleDialog' | 'refresh'>;
  popup: Pick<PopupControl, 'show'>;
  notifier: Notifier;
  logger: Pick<Logger, 'warn' | 'error'>;
  productName?: string;
}

/**
 * Acts on parsed launch arguments. A bad argument is shown as a
 * notification (the second process has already exited; nobody reads its
 * terminal) and never stops the other flags. A plain second launch (no
 * flags) shows the popup, as users expect from a tray app they "open" again.
 */
export async function handleLaunch(a: LaunchArgs, origin: 'first' | 'second', t: LaunchTargets): Promise<void> {
  if (a.errors.length > 0) {
    t.logger.warn('bad launch arguments', { errors: a.errors });
    t.notifier.notify({
      title: t.productName ?? 'B24 Unread Tray',
      body: a.errors.join('\n'),
      onClick: () => t.popup.show(null),
    });
  }
  const work: Promise<unknown>[] = [];
  if (a.toggle !== null) {
    work.push(
      t.core
        .toggleDialog(a.toggle)
        .catch((err: unknown) => t.logger.error('--toggle failed', { error: describe(err) })),
    );
  }
  if (a.refresh) {
    work.push(t.core.refresh().catch((err: unknown) => t.logger.error('--refresh failed', { error: describe(err) })));
  }
  if (a.show || (origin === 'second' && isEmptyLaunch(a))) t.popup.show(null);
  await Promise.all(work);
}

function describe(err: unknown): string {
  const e = err as { code?: unknown; message?: unknown };
  return typeof e?.code === 'string' ? e.code : String(e?.message ?? err);
}

/**
 * Listens for later launches. `second-instance` hands over the new
 * process's whole argv (Chromium switches included; the parser skips them).
 * Returns the unsubscribe function.
 */
export function onSecondInstance(t: LaunchTargets): () => void {
  const listener = (_event: unknown, argv: string[]) => {
    void handleLaunch(parseLaunchArgs(Array.isArray(argv) ? argv : []), 'second', t);
  };
  app.on('second-instance', listener);
  return () => app.removeListener('second-instance', listener);
}
