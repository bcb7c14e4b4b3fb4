/**
 * The handler table behind every IPC channel (ipcMain and the browser
 * preview alike): one function per intent of src/shared/ipc.ts. Each handler
 * validates its `unknown[]` arguments (exact arity, types, DIALOG_ID, known
 * account, strict booleans, future times, settings through
 * validateSettingsPatch) before the core sees them; {@link dispatch} turns
 * every outcome into a Result whose error message is redacted and never
 * carries a stack.
 */
import { isKnownErrorCode, type ErrorCode } from '../../shared/errors';
import { isInvokeName, type DialogRef, type HandlerTable, type InvokeName } from '../../shared/ipc';
import type { AppError, Result } from '../../shared/result';
import type {
  AccountSummary,
  OAuthStartInput,
  OAuthStartResult,
  PinnedDialog,
  SettingsView,
  ViewState,
} from '../../shared/types';
import type { Logger } from './ports';
import { redact } from './redact';
import { validateSettingsPatch, type SettingsPatch } from './storage/settings';
import {
  MAX_ID_LENGTH,
  MAX_URL_LENGTH,
  asAccountId,
  asBoolean,
  asDialogId,
  asToggleDialogId,
  asDialogRefs,
  asFutureTime,
  asOAuthInput,
  asString,
  expectArity,
} from './validate';

/** What the handlers call, with arguments already validated. Implemented by app-core.ts. */
export interface CoreOps {
  getState(): ViewState;
  refresh(): Promise<ViewState>;
  setUnread(accountId: string, dialogId: string, unread: boolean): Promise<PinnedDialog> | PinnedDialog;
  /** Queues every target at once: one durable write, then batches. */
  setUnreadMany(targets: DialogRef[], unread: boolean): Promise<{ queued: number }> | { queued: number };
  openInBitrix(accountId: string, dialogId: string): Promise<void>;
  snooze(accountId: string, dialogId: string, until: number): Promise<PinnedDialog> | PinnedDialog;
  unsnooze(accountId: string, dialogId: string): Promise<PinnedDialog> | PinnedDialog;
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

/** Builds the handler table over the core's operations. */
export function createHandlers(core: CoreOps): HandlerTable {
  const account = (v: unknown) => asAccountId(v, (id) => core.hasAccount(id));
  return {
    getState: (...args) => {
      expectArity('getState', args, 0);
      return core.getState();
    },
    refresh: (...args) => {
      expectArity('refresh', args, 0);
      return core.refresh();
    },
    setUnread: (...args) => {
      const [a, d, u] = expectArity('setUnread', args, 3);
      // Validate everything before acting: a bad DIALOG_ID must send nothing.
      const dialogId = asToggleDialogId(d);
      const unread = asBoolean(u, 'unread');
      return core.setUnread(account(a), dialogId, unread);
    },
    setUnreadMany: (...args) => {
      const [t, u] = expectArity('setUnreadMany', args, 2);
      const targets = asDialogRefs(t, (id) => core.hasAccount(id));
      const unread = asBoolean(u, 'unread');
      return core.setUnreadMany(targets, unread);
    },
    openInBitrix: async (...args) => {
      const [a, d] = expectArity('openInBitrix', args, 2);
      const dialogId = asDialogId(d);
      await core.openInBitrix(account(a), dialogId);
      return null;
    },
    snooze: (...args) => {
      const [a, d, t] = expectArity('snooze', args, 3);
      // A snooze ends in toggles: an id that cannot be toggled is refused now.
      const dialogId = asToggleDialogId(d);
      const until = asFutureTime(t, core.now());
      return core.snooze(account(a), dialogId, until);
    },
    unsnooze: (...args) => {
      const [a, d] = expectArity('unsnooze', args, 2);
      const dialogId = asDialogId(d);
      return core.unsnooze(account(a), dialogId);
    },
    signInWithWebhook: (...args) => {
      const [url] = expectArity('signInWithWebhook', args, 1);
      return core.signInWithWebhook(asString(url, 'The webhook URL', MAX_URL_LENGTH));
    },
    startOAuth: (...args) => {
      const [input] = expectArity('startOAuth', args, 1);
      return core.startOAuth(asOAuthInput(input));
    },
    cancelOAuth: (...args) => {
      expectArity('cancelOAuth', args, 0);
      core.cancelOAuth();
      return null;
    },
    signOut: async (...args) => {
      const [a] = expectArity('signOut', args, 1);
      await core.signOut(account(a));
      return null;
    },
    getSettings: (...args) => {
      expectArity('getSettings', args, 0);
      return core.getSettings();
    },
    updateSettings: (...args) => {
      const [patch] = expectArity('updateSettings', args, 1);
      return core.updateSettings(validateSettingsPatch(patch));
    },
    dismissNotice: (...args) => {
      const [id] = expectArity('dismissNotice', args, 1);
      core.dismissNotice(asString(id, 'noticeId', MAX_ID_LENGTH));
      return null;
    },
    hidePopup: (...args) => {
      expectArity('hidePopup', args, 0);
      core.hidePopup();
      return null;
    },
  };
}

const MAX_MESSAGE = 500;

/** The AppError for anything a handler threw: known codes keep their (redacted) message; the rest is UNKNOWN_ERROR. */
export function toAppError(err: unknown, logger?: Logger, intent?: string): AppError {
  const e = err as { code?: unknown; message?: unknown; extra?: unknown; dialogId?: unknown; accountId?: unknown };
  if (err instanceof Error && isKnownErrorCode(e.code) && e.code !== 'UNKNOWN_ERROR') {
    const out: AppError = { code: e.code as ErrorCode, message: redact(String(e.message)).slice(0, MAX_MESSAGE) };
    const extra = (e.extra && typeof e.extra === 'object' ? e.extra : e) as { dialogId?: unknown; accountId?: unknown };
    if (typeof extra.dialogId === 'string') out.dialogId = extra.dialogId;
    if (typeof extra.accountId === 'string') out.accountId = extra.accountId;
    return out;
  }
  // A bug, not a user error: log it (redacted by the logger) and say nothing specific across the bridge.
  logger?.error('Handler failed unexpectedly', {
    intent,
    error: err instanceof Error ? `${err.name}: ${err.message}` : String(err),
    stack: err instanceof Error ? err.stack : undefined,
  });
  return { code: 'UNKNOWN_ERROR', message: 'Something went wrong. Try again; if it keeps happening, restart the app.' };
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
  if (!Array.isArray(args)) {
    return { ok: false, error: { code: 'INVALID_ARGUMENT', message: `${name}: arguments must be a list.` } };
  }
  try {
    const handler = handlers[name] as (...a: unknown[]) => unknown;
    const data = await handler(...args);
    return { ok: true, data: data === undefined ? null : data };
  } catch (err) {
    return { ok: false, error: toAppError(err, logger, name) };
  }
}
