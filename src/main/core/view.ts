/**
 * The ViewState the popup renders, derived from the accounts, their loaded
 * pinned lists, the queued toggles and unpins, the snoozes and the notices.
 * Pure: the core calls {@link buildViewState} on every change and pushes the
 * result.
 */
import { explain, type Lang } from '../../shared/errors';
import type { AppError } from '../../shared/result';
import type { AccountSummary, ConnectionStatus, Notice, PinnedDialog, ViewState } from '../../shared/types';
import type { LoadedDialog } from './dialogs';
import { inWords } from './errors/to-app-error';

/** What the view needs of one account's runtime. */
export interface AccountView {
  /** The pinned list as the portal last confirmed it (no queued intents applied), or null before the first load. */
  dialogs: readonly LoadedDialog[] | null;
  lastError: AppError | null;
  /** Epoch ms of the last successful load, or null. */
  updatedAt: number | null;
  /** `dialogs` come from the cache of an earlier run, not yet confirmed by a load. */
  cached?: boolean;
}

/**
 * One row of the popup: the confirmed dialog with its queued intent (if
 * any) applied, and its snooze.
 */
export function dialogView(
  d: LoadedDialog,
  pending: { unread: boolean } | undefined,
  snoozedUntil: number | null,
): PinnedDialog {
  const unreadMark = pending ? pending.unread : d.unreadMark;
  // ACTION=N also marks the dialog read (the docs), so a queued "read" shows no unread count.
  const counter = pending && !pending.unread ? 0 : d.counter;
  return {
    accountId: d.accountId,
    dialogId: d.dialogId,
    kind: d.kind,
    title: d.title,
    avatarUrl: d.avatarUrl,
    color: d.color,
    initials: d.initials,
    snippet: d.snippet,
    counter,
    unreadMark,
    unread: pending ? pending.unread : d.unread,
    pending: Boolean(pending),
    muted: d.muted,
    snoozedUntil,
    lastActivity: d.lastActivity,
  };
}

/** Everything {@link buildViewState} reads. */
export interface ViewInput {
  accounts: readonly AccountSummary[];
  account(id: string): AccountView | undefined;
  /** The queued intent of a dialog (the newest), if any. */
  pendingFor(accountId: string, dialogId: string): { unread: boolean } | undefined;
  /** An unpin of the dialog is queued or in flight: its row is not shown (it returns if the unpin is refused). */
  unpinPending(accountId: string, dialogId: string): boolean;
  snoozedUntil(accountId: string, dialogId: string): number | null;
  pendingActions: number;
  notices: readonly Notice[];
  /** The OS says the network is down. */
  offline: boolean;
  lang: Lang;
}

const isNetworkError = (e: AppError | null): boolean => e !== null && (e.code === 'NETWORK' || e.code === 'TIMEOUT');
/** No answer yet: no list, or only a cached one, and no error. */
const isLoading = (r: AccountView | undefined): boolean => (!r?.dialogs || r.cached === true) && !r?.lastError;

/**
 * The popup's state. The status, in order: `signed-out` without accounts;
 * `error` (sign in again) when no account can send; `offline` when the OS
 * says so or every active account failed on the network; `loading` while an
 * active account has neither a confirmed list (none, or only the cached one
 * from an earlier run, which is shown meanwhile) nor an error; `error` when every active
 * account failed otherwise; else `ready` (with the first error, if any).
 */
export function buildViewState(input: ViewInput): ViewState {
  const summaries = [...input.accounts];
  const dialogs: PinnedDialog[] = [];
  let updatedAt: number | null = null;
  for (const a of summaries) {
    const r = input.account(a.id);
    for (const d of r?.dialogs ?? []) {
      if (input.unpinPending(d.accountId, d.dialogId)) continue;
      dialogs.push(
        dialogView(d, input.pendingFor(d.accountId, d.dialogId), input.snoozedUntil(d.accountId, d.dialogId)),
      );
    }
    if (r?.updatedAt && (updatedAt === null || r.updatedAt > updatedAt)) updatedAt = r.updatedAt;
  }
  const active = summaries.filter((a) => a.status === 'ok');
  const errors = active.map((a) => input.account(a.id)?.lastError ?? null);
  let status: ConnectionStatus;
  let error: AppError | null = null;
  if (summaries.length === 0) {
    status = 'signed-out';
  } else if (active.length === 0) {
    status = 'error';
    const first = summaries[0]!;
    error = { code: 'SIGN_IN_EXPIRED', message: explain('SIGN_IN_EXPIRED', input.lang), accountId: first.id };
  } else if (input.offline || errors.every(isNetworkError)) {
    status = 'offline';
    error = errors.find(isNetworkError) ?? { code: 'NETWORK', message: explain('NETWORK', input.lang) };
  } else if (active.some((a) => isLoading(input.account(a.id)))) {
    status = 'loading';
  } else if (errors.every((e) => e !== null)) {
    status = 'error';
    error = errors[0] ?? null;
  } else {
    status = 'ready';
    error = errors.find((e) => e !== null) ?? null;
  }
  return {
    status,
    accounts: summaries,
    dialogs,
    updatedAt,
    pendingActions: input.pendingActions,
    notices: input.notices.map((n) => ({ ...n })),
    error: error && inWords(error, input.lang),
  };
}
