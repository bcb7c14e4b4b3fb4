/**
 * The `ipcMain` side of the one channel map (GitHub Desktop's typed IPC plus
 * its `safeListener`): one `handle` per intent in INVOKE_NAMES, calls from
 * anything but the popup page refused before the core sees them, and core
 * events forwarded to the popup only. Channel names come from
 * src/shared/ipc.ts and nowhere else.
 */
import { ipcMain, type IpcMainInvokeEvent, type WebContents } from 'electron';
import type { AppCore } from '../core/app-core-types';
import type { Logger } from '../core/ports';
import { explain } from '../../shared/errors';
import { EVENT_NAMES, INVOKE_NAMES, channelOf, eventChannelOf, type EventMap, type EventName } from '../../shared/ipc';
import { fail, type Result } from '../../shared/result';

/** Options of {@link registerIpc}. */
export interface IpcOptions {
  /** True only for the popup's own webContents and its top frame on the app's URL. */
  isTrustedSender(event: IpcMainInvokeEvent): boolean;
  /** Where pushed events go: the popup's webContents, or null while there is none. */
  target(): WebContents | null;
  logger?: Pick<Logger, 'warn' | 'error'>;
}

/**
 * Registers every intent handler and event forwarder. Call before the popup
 * is created (Electron Fiddle's order), so its first `invoke` finds a
 * handler. Returns a function that removes them all.
 */
export function registerIpc(core: Pick<AppCore, 'dispatch' | 'on'>, opts: IpcOptions): () => void {
  for (const name of INVOKE_NAMES) {
    ipcMain.handle(channelOf(name), async (event, ...args: unknown[]): Promise<Result<unknown>> => {
      let trusted: boolean;
      try {
        trusted = opts.isTrustedSender(event);
      } catch {
        trusted = false;
      }
      if (!trusted) {
        opts.logger?.warn('IPC call from an untrusted sender refused', {
          channel: name,
          url: String(event.senderFrame?.url ?? '').slice(0, 200),
        });
        return fail('FORBIDDEN_SENDER', explain('FORBIDDEN_SENDER'));
      }
      try {
        // The core validates every argument (the renderer is untrusted input).
        return await core.dispatch(name, args);
      } catch (err) {
        // dispatch promises never to throw; if it does, nothing but a code crosses the bridge.
        opts.logger?.error('IPC dispatch threw', {
          channel: name,
          error: err instanceof Error ? err.name : typeof err,
        });
        return fail('UNKNOWN_ERROR', explain('UNKNOWN_ERROR'));
      }
    });
  }

  const unsubscribers = EVENT_NAMES.map((name) =>
    core.on(name, (payload: EventMap[EventName]) => sendToPopup(opts.target(), name, payload)),
  );

  return () => {
    for (const name of INVOKE_NAMES) ipcMain.removeHandler(channelOf(name));
    for (const off of unsubscribers) off();
  };
}

/** Sends a pushed event to the popup, if it is alive. */
export function sendToPopup<E extends EventName>(target: WebContents | null, name: E, payload: EventMap[E]): void {
  if (!target || target.isDestroyed()) return;
  target.send(eventChannelOf(name), payload);
}
