/**
 * The one channel map. Every request the popup can make is declared here
 * with its argument and result types; `window.api` (preload), the
 * `ipcMain` adapter and the browser-preview bridge are all derived from it,
 * so a missing handler or a misspelt intent fails to compile.
 *
 * No channel string appears anywhere else: use {@link channelOf} and
 * {@link eventChannelOf}.
 */
import type { Result } from './result';
import type {
  AccountSummary,
  OAuthStartInput,
  OAuthStartResult,
  PinnedDialog,
  Settings,
  SettingsView,
  ViewState,
} from './types';

/** One pinned dialog of one account, as named in a request. */
export interface DialogRef {
  accountId: string;
  dialogId: string;
}

/** Most targets one `setUnreadMany` may name. */
export const MAX_UNREAD_TARGETS = 1000;

/** Intent name → argument tuple and result. */
export interface InvokeMap {
  getState: { args: []; result: ViewState };
  refresh: { args: []; result: ViewState };
  setUnread: { args: [accountId: string, dialogId: string, unread: boolean]; result: PinnedDialog };
  /**
   * Many toggles as one intent ("Mark all read"): all queued and stored in one durable write,
   * then sent in batches. At most {@link MAX_UNREAD_TARGETS} targets; `queued` counts distinct dialogs.
   */
  setUnreadMany: { args: [targets: DialogRef[], unread: boolean]; result: { queued: number } };
  openInBitrix: { args: [accountId: string, dialogId: string]; result: null };
  snooze: { args: [accountId: string, dialogId: string, until: number]; result: PinnedDialog };
  unsnooze: { args: [accountId: string, dialogId: string]; result: PinnedDialog };
  signInWithWebhook: { args: [url: string]; result: AccountSummary };
  startOAuth: { args: [input: OAuthStartInput]; result: OAuthStartResult };
  cancelOAuth: { args: []; result: null };
  signOut: { args: [accountId: string]; result: null };
  getSettings: { args: []; result: SettingsView };
  updateSettings: { args: [patch: Partial<Settings>]; result: SettingsView };
  dismissNotice: { args: [noticeId: string]; result: null };
  hidePopup: { args: []; result: null };
}

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

export type InvokeName = keyof InvokeMap;
export type EventName = keyof EventMap;

/** Every intent, at runtime. The `satisfies` clause plus {@link AssertAllListed} keeps it complete. */
export const INVOKE_NAMES = [
  'getState',
  'refresh',
  'setUnread',
  'setUnreadMany',
  'openInBitrix',
  'snooze',
  'unsnooze',
  'signInWithWebhook',
  'startOAuth',
  'cancelOAuth',
  'signOut',
  'getSettings',
  'updateSettings',
  'dismissNotice',
  'hidePopup',
] as const satisfies readonly InvokeName[];

/** Every event, at runtime. */
export const EVENT_NAMES = ['state', 'settings', 'shown', 'oauthDone'] as const satisfies readonly EventName[];

type AssertAllListed<Listed, All> = [All] extends [Listed] ? true : never;
// Compile-time coverage: adding an intent to InvokeMap without listing it fails here.
const invokeCoverage: AssertAllListed<(typeof INVOKE_NAMES)[number], InvokeName> = true;
const eventCoverage: AssertAllListed<(typeof EVENT_NAMES)[number], EventName> = true;
void invokeCoverage;
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

/** The popup's whole view of the main process: `window.api`. */
export type Api = {
  [K in InvokeName]: (...args: InvokeMap[K]['args']) => Promise<Result<InvokeMap[K]['result']>>;
} & {
  /** Subscribes to a pushed event; returns the unsubscribe function. */
  on<E extends EventName>(event: E, listener: (payload: EventMap[E]) => void): () => void;
};

/**
 * The handler table: one function per intent. Arguments arrive as
 * `unknown[]` because the renderer is untrusted; each handler validates.
 * Handlers may throw; the dispatcher turns that into `{ ok: false }`.
 */
export type HandlerTable = {
  [K in InvokeName]: (...args: unknown[]) => Promise<InvokeMap[K]['result']> | InvokeMap[K]['result'];
};
