/**
 * The handler table behind every IPC channel (ipcMain and the browser
 * preview alike): one function per intent of src/shared/intents.ts. The
 * dispatcher validates the untrusted arguments against the intent's schema
 * ({@link validateArgs}) before a handler sees them, so each handler gets
 * typed, checked arguments and only adds the rules a schema cannot state
 * (a signed-in account, a future time, the settings patch's fields).
 * {@link dispatch} turns every outcome into a Result whose error message is
 * redacted and never carries a stack.
 */
import type { DialogIdText } from '../../shared/dialog-id';
import { isInvokeName, type DialogRef, type HandlerTable, type InvokeName } from '../../shared/ipc';
import type { AppError, Result } from '../../shared/result';
import type {
  AccountSummary,
  OAuthStartInput,
  OAuthStartResult,
  PinnedDialog,
  SettingsPatch,
  SettingsView,
  ViewState,
} from '../../shared/types';
import type { Logger } from './ports';
import { toAppError as normalise } from './errors/to-app-error';
import { validateSettingsPatch } from './storage/settings';
import { asFutureTime, knownAccount, toggleable, validateArgs } from './validate';

/** What the handlers call, with arguments already validated. Implemented by app-core.ts. */
export interface CoreOps {
  getState(): ViewState;
  refresh(): Promise<ViewState>;
  setUnread(accountId: string, dialogId: DialogIdText, unread: boolean): Promise<PinnedDialog> | PinnedDialog;
  /** Queues every target at once: one durable write, then batches. */
  setUnreadMany(targets: DialogRef[], unread: boolean): Promise<{ queued: number }> | { queued: number };
  openInBitrix(accountId: string, dialogId: DialogIdText): Promise<void>;
  snooze(accountId: string, dialogId: DialogIdText, until: number): Promise<PinnedDialog> | PinnedDialog;
  unsnooze(accountId: string, dialogId: DialogIdText): Promise<PinnedDialog> | PinnedDialog;
  /** Queues an unpin; resolves once it is on disk. */
  unpin(accountId: string, dialogId: DialogIdText): Promise<void> | void;
  /** Queues a pin again (the undo of an unpin); resolves once it is on disk. */
  pin(accountId: string, dialogId: DialogIdText): Promise<void> | void;
  signInWithWebhook(url: string): Promise<AccountSummary>;
  startOAuth(input: OAuthStartInput): Promise<OAuthStartResult>;
  cancelOAuth(): void;
  signOut(accountId: string): Promise<void> | void;
  getSettings(): SettingsView;
  updateSettings(patch: SettingsPatch): Promise<SettingsView> | SettingsView;
  dismissNotice(noticeId: string): void;
  hidePopup(): void;
  /** Whether `accountId` names a signed-in account. */
  hasAccount(accountId: string): boolean;
  now(): number;
}

/** Builds the handler table over the core's operations (arguments arrive validated by their schema). */
export function createHandlers(core: CoreOps): HandlerTable {
  const known = (id: string) => core.hasAccount(id);
  /** `known`, asked once per distinct account of one call (a "Mark all read" names hundreds of rows of a few accounts). */
  const knownOnce = () => {
    const seen = new Set<string>();
    return (id: string) => seen.has(id) || (known(id) && seen.add(id) !== undefined);
  };
  return {
    getState: () => core.getState(),
    refresh: () => core.refresh(),
    // A bad DIALOG_ID (or an sg id, which cannot be toggled) sends nothing.
    setUnread: (accountId, dialogId, unread) => {
      const id = toggleable(dialogId);
      return core.setUnread(knownAccount(accountId, known), id, unread);
    },
    setUnreadMany: (targets, unread) => {
      const isKnown = knownOnce();
      return core.setUnreadMany(
        targets.map((t) => ({ dialogId: toggleable(t.dialogId), accountId: knownAccount(t.accountId, isKnown) })),
        unread,
      );
    },
    openInBitrix: async (accountId, dialogId) => {
      await core.openInBitrix(knownAccount(accountId, known), dialogId);
      return null;
    },
    snooze: (accountId, dialogId, until) => {
      // A snooze ends in toggles: an id that cannot be toggled is refused now.
      const id = toggleable(dialogId);
      const at = asFutureTime(until, core.now());
      return core.snooze(knownAccount(accountId, known), id, at);
    },
    unsnooze: (accountId, dialogId) => core.unsnooze(knownAccount(accountId, known), dialogId),
    unpin: async (accountId, dialogId) => {
      await core.unpin(knownAccount(accountId, known), dialogId);
      return null;
    },
    pin: async (accountId, dialogId) => {
      await core.pin(knownAccount(accountId, known), dialogId);
      return null;
    },
    signInWithWebhook: (url) => core.signInWithWebhook(url),
    startOAuth: (input) =>
      core.startOAuth({
        portal: input.portal.trim(),
        clientId: input.clientId.trim(),
        clientSecret: input.clientSecret.trim(),
      }),
    cancelOAuth: () => {
      core.cancelOAuth();
      return null;
    },
    signOut: async (accountId) => {
      await core.signOut(knownAccount(accountId, known));
      return null;
    },
    getSettings: () => core.getSettings(),
    updateSettings: (patch) => core.updateSettings(validateSettingsPatch(patch)),
    dismissNotice: (id) => {
      core.dismissNotice(id);
      return null;
    },
    hidePopup: () => {
      core.hidePopup();
      return null;
    },
  };
}

/** The AppError for anything a handler threw (the core's one error normaliser). */
export function toAppError(err: unknown, logger?: Logger, intent?: string): AppError {
  return normalise(err, { logger, intent });
}

/**
 * Runs the handler of `name` with `args`; never throws. An unknown name is
 * UNKNOWN_CHANNEL, arguments that are not a list are INVALID_ARGUMENT.
 */
export async function dispatch(
  handlers: HandlerTable,
  name: InvokeName | string,
  args: unknown,
  logger?: Logger,
): Promise<Result<unknown>> {
  if (!isInvokeName(name)) {
    return { ok: false, error: { code: 'UNKNOWN_CHANNEL', message: 'Unknown request.' } };
  }
  try {
    // Validate everything before acting: a bad DIALOG_ID must send nothing.
    const valid = validateArgs(name, args) as unknown[];
    const handler = handlers[name] as (...a: unknown[]) => unknown;
    const data = await handler(...valid);
    return { ok: true, data: data === undefined ? null : data };
  } catch (err) {
    return { ok: false, error: toAppError(err, logger, name) };
  }
}
