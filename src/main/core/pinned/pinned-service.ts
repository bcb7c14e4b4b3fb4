/**
 * The pinned lists (moved out of app-core.ts): restoring each account's
 * cached list at start, loading and merging a list (a toggle or an unpin
 * confirmed while a load was under way wins), polling (a load of one page
 * sized to the list shown, {@link pollPageSize}), and saving the cache (at
 * most one write per load, and one per confirmed unpin).
 */
import { AUTH_LOST_CODES, explain } from '../../../shared/errors';
import type { AccountRuntime, AccountsService } from '../accounts/accounts-service';
import type { CoreContext } from '../app-core-types';
import { loadPinned, pollPageSize, type LoadedDialog } from '../dialogs';
import { toAppError } from '../errors/to-app-error';
import type { Notifications } from '../notifications';
import { createPinnedListCache } from '../pinned-cache';
import { redact } from '../redact';
import { createPoller, type Poller, type PollKind } from '../sync';
import { BitrixError } from '../bitrix/types';
import { CoreError } from '../validate';

export interface PinnedService {
  readonly poller: Poller;
  /** Shows each account's cached list at once (status `loading` until a load answers). */
  restoreCachedLists(): void;
  /** The dialog as the portal last confirmed it (a cached list's too). */
  confirmedDialog(accountId: string, dialogId: string): LoadedDialog | undefined;
  /**
   * Loads an account's pinned list. `poll`: a poll's load, pages of `pageSize` rows and no retry
   * within the call (the poller backs off); without it, pages of 200.
   */
  loadAccount(id: string, poll?: { pageSize: number }): Promise<void>;
  pollAccount(id: string, kind: PollKind): Promise<PollKind>;
  /** A delivered toggle changes the confirmed dialog the way the portal now has it. */
  applyDelivered(d: LoadedDialog, unread: boolean): void;
  /** A delivered unpin: the dialog leaves the confirmed list and the cache, as the next load will have it. */
  applyUnpinned(accountId: string, dialogId: string): void;
  /** The portal answered the account: its error clears, what waited for the network goes. */
  succeeded(id: string): void;
  failed(id: string, err: unknown): void;
  /** Reloads every signed-in account now (through the poller once it runs). */
  refresh(): Promise<void>;
  /** Reloads one account's list now, the same way (a dialog pinned again comes back with it). */
  reloadAccount(id: string): Promise<void>;
  /** Saves every account's list (stop: what was delivered since the last load shows next start). */
  saveAll(): void;
  /** Drops an account's cached list (it signed out). */
  remove(id: string): void;
}

export function createPinnedService(
  ctx: CoreContext,
  accounts: AccountsService,
  notifications: Notifications,
  hooks: {
    /** The account answers again: retry what its queue holds now (all accounts without an id). */
    retryNow(id?: string): void;
  },
): PinnedService {
  const { clock, logger } = ctx.deps;
  const lang = ctx.lang;
  const push = ctx.push;
  const { runtime, runtimes, clientFor } = accounts;
  const store = accounts.store;
  const pinnedCache = createPinnedListCache({ store: ctx.deps.store, logger, mask: redact });

  function restoreCachedLists(): void {
    const cached = pinnedCache.load(store.summaries().map((a) => a.id));
    for (const [id, entry] of cached) {
      const r = runtime(id);
      if (r.dialogs) continue;
      setList(
        r,
        entry.dialogs.map((d) => ({ ...d, pending: false, snoozedUntil: null, lastMessageId: null })),
      );
      r.cached = true;
      r.updatedAt = entry.at;
    }
  }

  /**
   * Each loaded list's dialogs by DIALOG_ID (a list is replaced whole, never changed in place): a
   * "Mark all read" of 200 rows looks dialogs up several times per row. Built when the list is set
   * ({@link setList}), so a toggle's first lookup does not build it on the way to its request
   * (issue 14: ~0.02 ms of the ~0.3 ms between a toggle and its request leaving, 40 rows).
   */
  const listIndex = new WeakMap<readonly LoadedDialog[], Map<string, LoadedDialog>>();
  function indexOf(list: readonly LoadedDialog[]): Map<string, LoadedDialog> {
    let index = listIndex.get(list);
    if (!index) {
      index = new Map();
      // The first of a DIALOG_ID wins, as find() would.
      for (const d of list) if (!index.has(d.dialogId)) index.set(d.dialogId, d);
      listIndex.set(list, index);
    }
    return index;
  }
  function setList(r: AccountRuntime, list: LoadedDialog[]): void {
    r.dialogs = list;
    indexOf(list);
  }
  function confirmedDialog(accountId: string, dialogId: string): LoadedDialog | undefined {
    const list = runtimes.get(accountId)?.dialogs;
    return list ? indexOf(list).get(dialogId) : undefined;
  }

  async function loadAccount(id: string, poll?: { pageSize: number }): Promise<void> {
    await accounts.unlocked;
    // A stored secret the keyring had not opened yet (autostart before the keyring is unlocked):
    // read it again now — each poll, with the poller's backoff, and at once after a resume — and
    // say so meanwhile, instead of asking to sign in again (its ciphertext is kept).
    if (store.waitingForKeyring(id) && !(await store.retryKeyring(id)) && store.waitingForKeyring(id)) {
      throw new CoreError('SECRET_STORAGE_LOCKED', explain('SECRET_STORAGE_LOCKED', lang()), { accountId: id });
    }
    const rec = store.get(id);
    const client = clientFor(id);
    if (!rec || !client) throw new CoreError('NOT_SIGNED_IN', explain('NOT_SIGNED_IN', lang()), { accountId: id });
    const r = runtime(id);
    const startedAt = clock.now();
    r.loading = true;
    push();
    try {
      const loaded = poll
        ? await loadPinned(client, id, rec.userId, { retries: 0 }, poll.pageSize)
        : await loadPinned(client, id, rec.userId);
      if (!store.has(id)) return; // signed out meanwhile
      // An unpin confirmed while this load was under way is newer than the load's "pinned".
      const list = loaded.filter((d) => (r.unpinned.get(d.dialogId) ?? -Infinity) < startedAt);
      r.unpinned.clear();
      // A toggle confirmed while this load was under way is newer than what the load saw.
      for (const d of list) {
        const del = r.delivered.get(d.dialogId);
        if (del && del.at >= startedAt) applyDelivered(d, del.unread);
      }
      r.delivered.clear();
      // A cached list is not "what was seen before" in this run: its changes are not news.
      notifications.newMessages(id, list, r.dialogs === null || r.cached);
      setList(r, list);
      r.cached = false;
      succeeded(id);
      // At most one write per load, and none when the list did not change.
      pinnedCache.save(id, r.updatedAt ?? clock.now(), list);
    } finally {
      r.loading = false;
      push();
    }
  }

  function applyDelivered(d: LoadedDialog, unread: boolean): void {
    d.unreadMark = unread;
    if (!unread) d.counter = 0;
    d.unread = d.unreadMark || d.counter > 0;
  }

  function applyUnpinned(id: string, dialogId: string): void {
    const r = runtimes.get(id);
    if (!r) return;
    r.unpinned.set(dialogId, clock.now());
    if (!r.dialogs?.some((d) => d.dialogId === dialogId)) return;
    setList(
      r,
      r.dialogs.filter((d) => d.dialogId !== dialogId),
    );
    // The next start must not show it from the cache (it is no longer queued then).
    if (r.updatedAt !== null && store.has(id)) pinnedCache.save(id, r.updatedAt, r.dialogs);
  }

  function succeeded(id: string): void {
    const r = runtime(id);
    const hadError = r.lastError !== null;
    r.lastError = null;
    // A cached list keeps its own time until a load confirms it.
    if (!r.cached) r.updatedAt = clock.now();
    // The portal answers again: what waited for the network goes now.
    if (hadError) hooks.retryNow(id);
  }

  function failed(id: string, err: unknown): void {
    const e = toAppError(err, { extra: { accountId: id } });
    runtime(id).lastError = e;
    if (AUTH_LOST_CODES.has(e.code))
      accounts.authLost(id, e.code, err instanceof BitrixError ? err.opts.movedTo : undefined);
    push();
  }

  async function pollAccount(id: string, kind: PollKind): Promise<PollKind> {
    await accounts.unlocked;
    try {
      const r = runtime(id);
      // A quick poll is a load of one page just past the pinned rows shown: one request that sees
      // what a full load sees. `im.counters.get` (which polls asked before) cannot see a pin, an
      // unpin, a hide, a removal from a chat, a rename or the user's own message: none of them moves
      // a count or a mark, so each showed only with the next full reload, up to 10 polls later.
      // A cached list's length is last run's: the first load of a run is a full one.
      if (kind === 'quick' && r.dialogs && !r.cached) {
        await loadAccount(id, { pageSize: pollPageSize(r.dialogs.length) });
        return 'quick';
      }
      await loadAccount(id);
      return 'full';
    } catch (err) {
      failed(id, err);
      throw err;
    }
  }

  const poller = createPoller({
    clock,
    random: ctx.random,
    intervalMs: () => ctx.settings().pollIntervalSec * 1000,
    run: pollAccount,
  });

  /** Polled accounts reload through the poller (one load at a time per account); before start(), directly. */
  async function reloadAccount(id: string): Promise<void> {
    await (poller.has(id) ? poller.refreshNow(id) : pollAccount(id, 'full').catch(() => undefined));
  }

  async function refresh(): Promise<void> {
    hooks.retryNow();
    await Promise.all(
      store
        .summaries()
        .filter((a) => a.status === 'ok')
        .map((a) => reloadAccount(a.id)),
    );
  }

  return {
    poller,
    restoreCachedLists,
    confirmedDialog,
    loadAccount,
    pollAccount,
    applyDelivered,
    applyUnpinned,
    succeeded,
    failed,
    refresh,
    reloadAccount,
    saveAll() {
      for (const [id, r] of runtimes) {
        if (r.dialogs && r.updatedAt !== null && store.has(id)) pinnedCache.save(id, r.updatedAt, r.dialogs);
      }
    },
    remove: (id) => pinnedCache.remove(id),
  };
}
