/**
 * What a launch asks for (`--show`, `--toggle <DIALOG_ID>`, `--refresh`),
 * acted on in the running instance: the first launch's own argv, and every
 * later launch's argv through `second-instance` (the fallback for desktops
 * where global shortcuts or tray clicks do not work).
 */
import { app } from 'electron';
import { existsSync, writeFileSync } from 'node:fs';
import type { AppCore } from '../core/app-core-types';
import { isEmptyLaunch, parseLaunchArgs, type LaunchArgs } from '../core/cli-args';
import type { Logger, Notifier, PopupControl } from '../core/ports';
import type { Lang } from '../../shared/errors';
import { messages } from '../../shared/messages';

/** What {@link handleLaunch} drives. */
export interface LaunchTargets {
  core: Pick<AppCore, 'toggleDialog' | 'refresh'>;
  popup: Pick<PopupControl, 'show'>;
  notifier: Notifier;
  logger: Pick<Logger, 'warn' | 'error'>;
  productName?: string;
  /** The language of the notifications (the app's `pickLang`); English when absent. */
  lang?: () => Lang;
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
 * The argv of a later launch, as that launch saw it. The second process
 * sends its own `process.argv` as `additionalData` of
 * `requestSingleInstanceLock` (index.ts); the `argv` argument of
 * `second-instance` is Chromium's copy, whose switches Chromium moves so
 * that they can split `--toggle` from its id (electron/electron#20322,
 * #32933; docs/api/app.md "Event: 'second-instance'" warns the order is
 * not kept). That copy is the fallback for a sender that sent none.
 */
export function launchArgvOf(argv: unknown, additionalData: unknown): string[] {
  const sent = (additionalData as { argv?: unknown } | null | undefined)?.argv;
  if (Array.isArray(sent) && sent.every((a) => typeof a === 'string')) return sent;
  return Array.isArray(argv) ? argv.filter((a): a is string => typeof a === 'string') : [];
}

/**
 * Listens for later launches. Returns the unsubscribe function.
 */
export function onSecondInstance(t: LaunchTargets): () => void {
  const listener = (_event: unknown, argv: string[], _cwd: string, additionalData: unknown) => {
    // The updated AppImage waiting for this (old) instance to quit: not a user's launch.
    if ((additionalData as { relaunch?: unknown } | null | undefined)?.relaunch === true) return;
    void handleLaunch(parseLaunchArgs(launchArgvOf(argv, additionalData)), 'second', t);
  };
  app.on('second-instance', listener);
  return () => app.removeListener('second-instance', listener);
}

/**
 * macOS: opening the app again from Finder, Spotlight or the Dock does not
 * start a second instance; the running one gets `activate` (docs/api/app.md
 * "Event: 'activate'"). Treat it as a plain second launch: show the popup.
 */
export function onActivate(t: LaunchTargets): () => void {
  const listener = () => t.popup.show(null);
  app.on('activate', listener);
  return () => app.removeListener('activate', listener);
}

/**
 * GNOME without the AppIndicator extension has no tray host, and Electron
 * cannot tell (the StatusNotifierItem is registered either way): the user
 * would see nothing at all. So on the first run on GNOME, open the popup
 * and say how to get the tray or use `--show`. Once: a marker file in
 * userData remembers it.
 */
export function showFirstRunHint(
  t: LaunchTargets,
  env: { platform: string; desktop: string; markerPath: string },
): boolean {
  if (!env.platform.startsWith('linux') || !/(^|:)gnome(:|$)/i.test(env.desktop)) return false;
  if (existsSync(env.markerPath)) return false;
  try {
    writeFileSync(env.markerPath, `${new Date().toISOString()}\n`, { mode: 0o600 });
  } catch (err) {
    t.logger.warn('first-run marker not written', { error: describe(err) });
  }
  t.popup.show(null);
  t.notifier.notify({
    title: t.productName ?? 'B24 Unread Tray',
    body: messages(t.lang?.() ?? 'en').notify.gnomeTrayHint,
    onClick: () => t.popup.show(null),
  });
  return true;
}

/**
 * Takes the single-instance lock, sending our argv along. A process that
 * electron-updater's AppImageUpdater started right after installing
 * (`quitAndInstall(_, true)` spawns the new AppImage with
 * APPIMAGE_SILENT_INSTALL=true while the old one still runs and holds the
 * lock; node_modules/electron-updater/out/AppImageUpdater.js `doInstall`)
 * would find the lock taken and exit, leaving no app running. It waits for
 * the old instance to go instead, asking again every `intervalMs`, and marks
 * its notifications `relaunch` so the quitting instance ignores them.
 */
export async function acquireSingleInstanceLock(opts: {
  request: (additionalData: Record<string, unknown>) => boolean;
  argv: string[];
  env: NodeJS.ProcessEnv;
  wait: (ms: number) => Promise<void>;
  timeoutMs?: number;
  intervalMs?: number;
}): Promise<boolean> {
  const relaunch = opts.env.APPIMAGE_SILENT_INSTALL === 'true' && !!opts.env.APPIMAGE;
  if (opts.request(relaunch ? { argv: opts.argv, relaunch: true } : { argv: opts.argv })) return true;
  if (!relaunch) return false;
  const interval = opts.intervalMs ?? 250;
  for (let waited = 0; waited < (opts.timeoutMs ?? 15_000); waited += interval) {
    await opts.wait(interval);
    if (opts.request({ argv: opts.argv, relaunch: true })) return true;
  }
  return false;
}
