/**
 * The channels of the one channel map (src/shared/intents.ts declares the
 * intents; this file derives `window.api` and the handler table from it and
 * declares the pushed events). `window.api` (preload), the `ipcMain` adapter
 * and the browser-preview bridge are all derived from it, so a missing
 * handler or a misspelt intent fails to compile.
 *
 * No channel string appears anywhere else: use {@link channelOf} and
 * {@link eventChannelOf}.
 */
import type { Result } from './result';
import type { AccountSummary, SettingsView, ViewState } from './types';
import type { ArgsOf, InvokeName, ResultOf, WireArgsOf } from './intents';
import { INVOKE_NAMES } from './intent-names';

// Values from the schema-free name list (the preload and the popup load this file); types from the table.
export { INVOKE_NAMES, MAX_UNREAD_TARGETS } from './intent-names';
export type { ArgsOf, DialogRef, InvokeName, ResultOf, WireArgsOf } from './intents';

/** Events the main process pushes to the popup. */
export interface EventMap {
  /** The view changed (list, pending actions, status). */
  state: ViewState;
  /** Settings or hotkey registration changed. */
  settings: SettingsView;
  /**
   * The popup was shown; `focus` names a row to focus (`${accountId}/${dialogId}`), if any;
   * `view: 'settings'` when it was opened from the tray menu's Settings item.
   */
  shown: { focus: string | null; view?: 'list' | 'settings' };
  /** An OAuth sign-in finished (account) or failed (error shown via state.notices). */
  oauthDone: { account: AccountSummary | null };
}

export type EventName = keyof EventMap;

/** Every event, at runtime. */
export const EVENT_NAMES = ['state', 'settings', 'shown', 'oauthDone'] as const satisfies readonly EventName[];

type AssertAllListed<Listed, All> = [All] extends [Listed] ? true : never;
// Compile-time coverage: adding an event to EventMap without listing it fails here.
const eventCoverage: AssertAllListed<(typeof EVENT_NAMES)[number], EventName> = true;
void eventCoverage;

/** The IPC channel of an intent. */
export function channelOf(name: InvokeName): string {
  return `b24:invoke:${name}`;
}

/** The IPC channel of a pushed event. */
export function eventChannelOf(name: EventName): string {
  return `b24:event:${name}`;
}

/** True when `name` is a declared intent (the renderer is untrusted input). */
export function isInvokeName(name: unknown): name is InvokeName {
  return typeof name === 'string' && (INVOKE_NAMES as readonly string[]).includes(name);
}

/** The popup's whole view of the main process: `window.api` (plain strings where a handler gets a checked id). */
export type Api = {
  [K in InvokeName]: (...args: WireArgsOf<K>) => Promise<Result<ResultOf<K>>>;
} & {
  /** Subscribes to a pushed event; returns the unsubscribe function. */
  on<E extends EventName>(event: E, listener: (payload: EventMap[E]) => void): () => void;
};

/**
 * The handler table: one function per intent, typed from its schema. A
 * handler receives the arguments already VALIDATED by {@link validateArgs}
 * (src/main/core/validate.ts) against src/shared/intents.ts, so a missing
 * or mistyped handler fails `tsc -b`. Handlers may throw; the dispatcher
 * turns that into `{ ok: false }`.
 */
export type HandlerTable = {
  [K in InvokeName]: (...args: ArgsOf<K>) => Promise<ResultOf<K>> | ResultOf<K>;
};
