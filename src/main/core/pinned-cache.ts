/**
 * The pinned-list cache: the last list loaded for each account, persisted
 * under the store's optional `cache` key, so the popup has something to
 * show the moment the app starts (and while offline) instead of an empty
 * list. Only the popup's fields are kept (no secret, no bookkeeping), text
 * is cut to {@link CACHED_TEXT_LIMITS} and masked with `redact`, and at most
 * {@link MAX_CACHED_DIALOGS} dialogs per account. A damaged entry is dropped
 * when read; a write that fails is logged and otherwise ignored: the cache
 * is a convenience, never a reason for an error.
 */
import type { PinnedDialog } from '../../shared/types';
import type { KeyValueStore, Logger } from './ports';
import type { CachedDialog, PinnedCacheEntry } from './storage/schema';
import { ACCOUNT_ID_PATTERN, CACHED_TEXT_LIMITS, MAX_CACHED_DIALOGS } from './storage/store-constants';
import { isPinnedCacheEntry } from './storage/validators';

/**
 * A list that did not change is rewritten only to move its `at` forward, and
 * at most this often: the "updated" time an offline start shows is then at
 * most this much older than the truth, for one small write an hour.
 */
export const CACHE_AT_REFRESH_MS = 3600_000;

/** What is cached of a dialog: the popup's fields (a LoadedDialog or a PinnedDialog both fit). */
export type CacheableDialog = Omit<PinnedDialog, 'pending' | 'snoozedUntil'>;

function cut(value: string, max: number): string {
  if (value.length <= max) return value;
  // By code points, as the schema counts them (a cut never splits a surrogate pair).
  return [...value].slice(0, max).join('');
}

/**
 * The cached form of a dialog: exactly the popup's fields (anything else the
 * object carries is left out), text cut to the limits and passed through
 * `mask`. An avatar URL that `mask` would change is dropped (the popup draws
 * the initials instead).
 */
export function toCachedDialog(d: CacheableDialog, mask: (text: string) => string = (t) => t): CachedDialog {
  const text = (value: string, max: number) => cut(mask(value), max);
  const avatar = d.avatarUrl !== null && mask(d.avatarUrl) === d.avatarUrl ? d.avatarUrl : null;
  return {
    accountId: d.accountId,
    dialogId: d.dialogId,
    kind: d.kind,
    title: text(d.title, CACHED_TEXT_LIMITS.title),
    avatarUrl: avatar !== null && avatar.length <= CACHED_TEXT_LIMITS.avatarUrl ? avatar : null,
    color: text(d.color, CACHED_TEXT_LIMITS.color),
    initials: text(d.initials, CACHED_TEXT_LIMITS.initials),
    snippet: text(d.snippet, CACHED_TEXT_LIMITS.snippet),
    counter: d.counter,
    unreadMark: d.unreadMark,
    unread: d.unread,
    muted: d.muted,
    lastActivity: d.lastActivity === null ? null : cut(d.lastActivity, CACHED_TEXT_LIMITS.lastActivity),
  };
}

/**
 * The valid entries of a stored `cache` value, keyed by account id: an entry
 * that fails its schema, holds another account's dialogs or a dialog twice,
 * or sits under a key that is not an account id is dropped. Never throws.
 */
export function readPinnedCache(raw: unknown): Map<string, PinnedCacheEntry> {
  const out = new Map<string, PinnedCacheEntry>();
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return out;
  for (const [accountId, entry] of Object.entries(raw)) {
    if (!ACCOUNT_ID_PATTERN.test(accountId) || !isPinnedCacheEntry(entry)) continue;
    const ids = new Set(entry.dialogs.map((d) => d.dialogId));
    if (ids.size !== entry.dialogs.length || entry.dialogs.some((d) => d.accountId !== accountId)) continue;
    out.set(accountId, entry);
  }
  return out;
}

/** The cache over the store. */
export interface PinnedListCache {
  /**
   * The cached lists of the signed-in accounts. Damaged entries and those of
   * other (signed-out) accounts are left out, and dropped from the store with
   * the next write.
   */
  load(accountIds: Iterable<string>): Map<string, PinnedCacheEntry>;
  /**
   * Stores an account's freshly loaded list, loaded at `at`. Skipped (returns
   * false) when the cached list is the same and its `at` is younger than
   * {@link CACHE_AT_REFRESH_MS}, or when the store refuses the write.
   */
  save(accountId: string, at: number, dialogs: readonly CacheableDialog[]): boolean;
  /** Forgets an account's list (sign-out). */
  remove(accountId: string): void;
}

/**
 * Creates the cache. `mask` hides secrets in the cached text (the core passes
 * `redact`: a webhook URL pasted into a chat must not reach the disk through
 * a snippet).
 */
export function createPinnedListCache(deps: {
  store: KeyValueStore;
  logger: Pick<Logger, 'warn'>;
  mask?: (text: string) => string;
}): PinnedListCache {
  let entries: Map<string, PinnedCacheEntry> | null = null;
  /** Account id → the JSON of its stored dialogs: "nothing changed" without re-reading the store. */
  const stored = new Map<string, string>();

  function current(): Map<string, PinnedCacheEntry> {
    if (!entries) {
      entries = readPinnedCache(deps.store.get('cache'));
      for (const [id, e] of entries) stored.set(id, JSON.stringify(e.dialogs));
    }
    return entries;
  }

  function write(): boolean {
    try {
      deps.store.set('cache', Object.fromEntries(current()));
      return true;
    } catch (err) {
      // Only the error's kind: the message could quote what was being written.
      deps.logger.warn('Could not store the pinned-list cache', { error: err instanceof Error ? err.name : 'unknown' });
      return false;
    }
  }

  return {
    load(accountIds) {
      const all = current();
      const known = new Set(accountIds);
      const out = new Map<string, PinnedCacheEntry>();
      for (const [id, e] of [...all]) {
        if (!known.has(id)) {
          all.delete(id);
          stored.delete(id);
          continue;
        }
        out.set(id, { at: e.at, dialogs: e.dialogs.map((d) => ({ ...d })) });
      }
      return out;
    },
    save(accountId, at, dialogs) {
      const all = current();
      const cached = dialogs.slice(0, MAX_CACHED_DIALOGS).map((d) => toCachedDialog(d, deps.mask));
      const json = JSON.stringify(cached);
      const prev = all.get(accountId);
      if (prev && stored.get(accountId) === json && at - prev.at < CACHE_AT_REFRESH_MS) return false;
      const before = prev;
      all.set(accountId, { at, dialogs: cached });
      if (!write()) {
        // Keep memory in step with the disk, so the next load tries again.
        if (before) all.set(accountId, before);
        else all.delete(accountId);
        return false;
      }
      stored.set(accountId, json);
      return true;
    },
    remove(accountId) {
      const all = current();
      stored.delete(accountId);
      const raw = deps.store.get('cache');
      // Also a damaged entry that was never read: sign-out leaves nothing of the account behind.
      const onDisk = typeof raw === 'object' && raw !== null && Object.hasOwn(raw, accountId);
      if (all.delete(accountId) || onDisk) write();
    },
  };
}
