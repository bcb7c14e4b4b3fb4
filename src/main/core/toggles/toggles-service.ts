/**
 * Toggles (moved out of app-core.ts): the durable queue's wiring (which
 * client sends, what a delivery or a drop changes), read/unread of one or
 * many dialogs, unpin, snoozes (a due snooze queues "unread" and reminds),
 * and the tray's and the CLI's flips (slot N, a DIALOG_ID). Replies resolve
 * once the queue holds the intent on disk or the portal has confirmed it.
 *
 * Unpin: the row leaves the pushed state as soon as the intent is queued
 * (the view skips dialogs with a pending unpin), stays hidden across a
 * restart (the intent is in the store), leaves the confirmed list and the
 * cache once the portal confirms, and comes back with a notice if the portal
 * refuses for good. A snooze of the dialog is kept: the user asked for that
 * reminder before, and it still marks the dialog unread in Bitrix24.
 */
import { messages } from '../../../shared/messages';
import { ACCOUNT_REFUSED_CODES, AUTH_LOST_CODES, explain, isKnownErrorCode } from '../../../shared/errors';
import { parseDialogId, sgRefusal } from '../../../shared/dialog-id';
import type { DialogRef } from '../../../shared/ipc';
import { rowKey } from '../../../shared/row-key';
import type { PinnedDialog, ViewState } from '../../../shared/types';
import type { AccountsService } from '../accounts/accounts-service';
import type { CoreContext } from '../app-core-types';
import type { LoadedDialog } from '../dialogs';
import { toAppError } from '../errors/to-app-error';
import type { Notifications } from '../notifications';
import type { PinnedService } from '../pinned/pinned-service';
import { redact } from '../redact';
import { createSnoozeSchedule, type SnoozeSchedule } from '../snooze';
import { CoreError } from '../validate';
import { dialogView } from '../view';
import { createActionQueue, type ActionQueue, type QueuedAction } from './actions';

/** What an intent queued: the reply's value, and the intents the reply waits for (see ActionQueue.safe). */
interface Queued<T> {
  value: T;
  actions: QueuedAction[];
}

export interface TogglesService {
  readonly queue: ActionQueue;
  readonly snoozes: SnoozeSchedule;
  /** The dialog's row as the popup shows it (its pending intent and snooze applied). */
  viewOf(d: LoadedDialog): PinnedDialog;
  /** Queues the intent; resolves with the row once the queue holds it on disk or the portal confirmed it. */
  setUnread(accountId: string, dialogId: string, unread: boolean): Promise<PinnedDialog>;
  /** Queues every target at once (one durable write, then batches); resolves with how many rows. */
  setUnreadMany(targets: readonly DialogRef[], unread: boolean): Promise<{ queued: number }>;
  snooze(accountId: string, dialogId: string, until: number): Promise<PinnedDialog>;
  unsnooze(accountId: string, dialogId: string): PinnedDialog;
  /** Queues an unpin of a row of the list; resolves once the queue holds it on disk or the portal confirmed it. */
  unpin(accountId: string, dialogId: string): Promise<void>;
  /**
   * Queues a pin again of a dialog of the account (the popup's undo of an unpin; the row may have
   * left the list already); resolves the same way. Once the portal confirms, the account's list is
   * reloaded and the row comes back with it.
   */
  pin(accountId: string, dialogId: string): Promise<void>;
  /** Flips the Nth (1-based) row of the view (hotkey slots, tray menu). */
  toggleSlot(n: number): Promise<void>;
  /** Flips a dialog by DIALOG_ID (`--toggle chat74`); a bad or unknown id is a notice. */
  toggleDialog(dialogId: string, accountId?: string): Promise<void>;
}

export function createTogglesService(
  ctx: CoreContext,
  accounts: AccountsService,
  pinned: PinnedService,
  notifications: Notifications,
  view: { state(): ViewState },
): TogglesService {
  const { clock, logger } = ctx.deps;
  const { options, lang, push } = ctx;
  const addNotice = ctx.notices.add;
  const { runtimes, runtime, isActive, clientFor } = accounts;
  const { confirmedDialog, applyDelivered, applyUnpinned, succeeded } = pinned;
  /**
   * Titles of the dialogs unpinned in this run, by row key: a pin again (the undo) that the portal
   * refuses names its dialog, which left the confirmed list with the unpin.
   */
  const unpinnedTitles = new Map<string, string>();
  /** The notice saying the queue could not be written, while it is shown. */
  let writeFailed: string | null = null;

  const queue: ActionQueue = createActionQueue({
    store: ctx.deps.store,
    clock,
    clientFor: (id) => (isActive(id) ? clientFor(id) : null),
    random: ctx.random,
    batchWindowMs: options.batchWindowMs,
    backoff: options.backoff,
    // A cached list may be stale: an intent that matches it is still sent.
    confirmedUnread: (a, d) => (runtimes.get(a)?.cached ? undefined : confirmedDialog(a, d)?.unread),
    // The unread count the user was shown, a cached list's too: "read" reads what they saw.
    confirmedCounter: (a, d) => confirmedDialog(a, d)?.counter,
    onChange: push,
    onError: (err) => logger.error('Action queue failed', { error: String(err) }),
    onWriteFailed: (err) => {
      const code = (err as NodeJS.ErrnoException | null)?.code;
      logger.error('Action queue not saved', { code: typeof code === 'string' ? code : String(err) });
      if (writeFailed) return;
      const where = typeof code === 'string' && /^E[A-Z]+$/.test(code) ? `${code}: ` : '';
      writeFailed = addNotice({
        level: 'error',
        code: 'STORE_WRITE_FAILED',
        message: `${explain('STORE_WRITE_FAILED', lang())} (${where}${ctx.deps.store.path ?? ''})`,
      }).id;
    },
    onWritten: () => {
      if (writeFailed === null) return;
      ctx.notices.dismiss(writeFailed);
      writeFailed = null;
    },
    rewriteAfterMs: options.rewriteAfterMs,
    onDelivered: (action: QueuedAction) => {
      const r = runtimes.get(action.accountId);
      if (!r) return;
      if (action.kind === 'unpin') {
        applyUnpinned(action.accountId, action.dialogId);
      } else if (action.kind === 'pin') {
        // Not in the confirmed list once its unpin was delivered: the portal's list brings it back.
        void pinned.reloadAccount(action.accountId);
      } else {
        r.delivered.set(action.dialogId, { unread: action.unread, at: clock.now() });
        const d = confirmedDialog(action.accountId, action.dialogId);
        if (d) applyDelivered(d, action.unread);
      }
      if (r.lastError && !AUTH_LOST_CODES.has(r.lastError.code)) succeeded(action.accountId);
      push();
    },
    onDropped: (action, error) => {
      // The row (still in the confirmed list) shows again: the pushed state is what the portal has.
      const title =
        confirmedDialog(action.accountId, action.dialogId)?.title ??
        unpinnedTitles.get(rowKey(action)) ??
        action.dialogId;
      const m = messages(lang()).core;
      const what = {
        unpin: m.notUnpinned,
        pin: m.notPinned,
        unread: action.unread ? m.notMarkedUnread : m.notMarkedRead,
      }[action.kind];
      addNotice({
        level: 'error',
        code: error.code,
        message: `«${title}» ${what}: ${isKnownErrorCode(error.code) ? explain(error.code, lang()) : redact(error.message)}`,
        accountId: action.accountId,
        dialogId: action.dialogId,
        title,
      });
    },
    onAuthLost: (id, code, error) => accounts.authLost(id, code, error.opts.movedTo),
    onRetry: (action, error) => {
      // A toggle that could not reach the portal is as good a sign of "offline" as a failed poll,
      // and one the portal refused for the whole account says why the toggles wait.
      if (error.code === 'NETWORK' || error.code === 'TIMEOUT' || ACCOUNT_REFUSED_CODES.has(error.code)) {
        runtime(action.accountId).lastError = toAppError(error, { extra: { accountId: action.accountId } });
        push();
      }
    },
  });

  const snoozes = createSnoozeSchedule({
    store: ctx.deps.store,
    clock,
    onDue: (due) => {
      const live = due.filter((s) => accounts.store.has(s.accountId));
      for (const s of live) queue.enqueue(s.accountId, s.dialogId, true);
      // Many at once are one notification, not a flood of them.
      notifications.reminder(live);
      queue.requestDrain();
    },
    onChange: push,
  });

  function viewOf(d: LoadedDialog): PinnedDialog {
    return dialogView(d, queue.pendingFor(d.accountId, d.dialogId), snoozes.untilOf(d.accountId, d.dialogId));
  }

  function requireDialog(accountId: string, dialogId: string): LoadedDialog {
    const d = confirmedDialog(accountId, dialogId);
    if (!d) throw new CoreError('UNKNOWN_DIALOG', explain('UNKNOWN_DIALOG', lang()), { accountId, dialogId });
    return d;
  }

  /**
   * Queues `unread` for every target: all checked before any is queued (one unknown dialog
   * queues nothing), then enqueued in one tick so the queue stores them in one write and
   * the drain sends them as batches; the optimistic view is pushed once.
   */
  function queueToggles(
    targets: readonly DialogRef[],
    unread: boolean,
  ): { found: LoadedDialog[]; actions: QueuedAction[] } {
    const found = targets.map((t) => requireDialog(t.accountId, t.dialogId));
    const actions = queue.enqueueMany(targets, unread);
    queue.requestDrain();
    push();
    return { found, actions };
  }

  function setUnread(accountId: string, dialogId: string, unread: boolean): Queued<PinnedDialog> {
    const { found, actions } = queueToggles([{ accountId, dialogId }], unread);
    return { value: viewOf(found[0]!), actions };
  }

  async function toggleSlot(n: number): Promise<void> {
    if (!Number.isInteger(n) || n < 1) return;
    const d = view.state().dialogs[n - 1];
    if (!d) return;
    setUnread(d.accountId, d.dialogId, !d.unread);
  }

  async function toggleDialog(dialogId: string, accountId?: string): Promise<void> {
    const id = parseDialogId(dialogId);
    const refusal = id ? sgRefusal(id) : null;
    if (!id || refusal) {
      addNotice({
        level: 'error',
        code: 'INVALID_DIALOG_ID',
        message: refusal ?? explain('INVALID_DIALOG_ID', lang()),
      });
      return;
    }
    const d = view.state().dialogs.find((x) => x.dialogId === id.id && (!accountId || x.accountId === accountId));
    if (!d) {
      addNotice({
        level: 'warning',
        code: 'UNKNOWN_DIALOG',
        message: `${id.id}: ${explain('UNKNOWN_DIALOG', lang())}`,
        dialogId: id.id,
      });
      return;
    }
    setUnread(d.accountId, d.dialogId, !d.unread);
  }

  function snooze(accountId: string, dialogId: string, until: number): Queued<PinnedDialog> {
    const d = requireDialog(accountId, dialogId);
    snoozes.set({ accountId, dialogId, until, title: d.title });
    return setUnread(accountId, dialogId, false);
  }

  function unpin(accountId: string, dialogId: string): Queued<void> {
    unpinnedTitles.set(rowKey({ accountId, dialogId }), requireDialog(accountId, dialogId).title);
    const action = queue.unpin(accountId, dialogId);
    queue.requestDrain();
    push();
    return { value: undefined, actions: action ? [action] : [] };
  }

  function pin(accountId: string, dialogId: string): Queued<void> {
    const action = queue.pin(accountId, dialogId);
    queue.requestDrain();
    push();
    return { value: undefined, actions: action ? [action] : [] };
  }

  function unsnooze(accountId: string, dialogId: string): PinnedDialog {
    const d = requireDialog(accountId, dialogId);
    snoozes.remove(accountId, dialogId);
    return viewOf(d);
  }

  /** Resolves with `q.value` once the intents `q.actions` cannot be lost (see ActionQueue.safe). */
  function whenSafe<T>(q: Queued<T>): Promise<T> {
    return queue.safe(q.actions).then(() => q.value);
  }

  return {
    queue,
    snoozes,
    viewOf,
    // The reply tells the popup its toggle is safe: once the queue holds it on disk, or the portal
    // has confirmed it, whichever comes first (the request left before the write began).
    setUnread: (accountId, dialogId, unread) => whenSafe(setUnread(accountId, dialogId, unread)),
    setUnreadMany: (targets, unread) => {
      const { found, actions } = queueToggles(targets, unread);
      return whenSafe({ value: { queued: new Set(found.map(rowKey)).size }, actions });
    },
    snooze: (accountId, dialogId, until) => whenSafe(snooze(accountId, dialogId, until)),
    unsnooze,
    unpin: (accountId, dialogId) => whenSafe(unpin(accountId, dialogId)),
    pin: (accountId, dialogId) => whenSafe(pin(accountId, dialogId)),
    toggleSlot,
    toggleDialog,
  };
}
