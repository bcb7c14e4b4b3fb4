/**
 * Signed-in accounts and their secrets. Records live in the store under
 * `accounts`; secrets only ever reach the disk as `SecretBox` ciphertext.
 * Where the OS cannot encrypt (or the user asked so), secrets stay in a Map
 * in this process and the record says `storage: 'memory'`. How a secret is
 * checked, encrypted, decrypted and written in order is account-secrets.ts;
 * this file keeps the records and decides when each of those runs.
 *
 * The {@link SecretBox} is asynchronous (Electron 45's `encryptStringAsync` /
 * `decryptStringAsync`; the sync calls are deprecated and go in 46). So:
 * - {@link AccountStore.open} decrypts every stored secret once, at start
 *   (the core's `start()` awaits it); plaintext then lives only in memory and
 *   {@link AccountStore.secret} stays synchronous.
 * - Writes of an account's secret go through a per-account chain: they land
 *   on disk in the order they were made, and an older ciphertext never
 *   overwrites a newer one.
 * - The in-memory copy is updated at once (it is always the newest), the
 *   ciphertext follows; the returned promise resolves once it is on disk.
 *
 * Token rotation (why `setSecret` must be awaited): Bitrix24 rotates refresh
 * tokens — the refresh grant spends the old one — so the new pair is the
 * only one the portal will accept. The OAuth client (auth/oauth.ts) awaits
 * `onTokens`, which returns {@link AccountStore.setSecret}'s promise, before it
 * uses the new access token or refresh token: by the time anything relies on
 * the rotated pair, its ciphertext is on disk, and a crash after that point
 * restarts with the pair that works. A crash *between* the portal's answer and
 * the write cannot be covered by any ordering on our side (the old token is
 * already spent and the new one was never on disk); what the store
 * guarantees there is that the file still holds the previous record whole —
 * never a half-written or plaintext one — so the app comes back up, asks that
 * one account to sign in again, and loses nothing else. That window is one
 * encryption long; it was one file write long with the sync API.
 */
import { createHash } from 'node:crypto';
import type { AccountSummary } from '../../../shared/types';
import { BitrixError } from '../bitrix/types';
import { systemClock, type Clock, type KeyValueStore, type SecretBox } from '../ports';
import { cleanSecret, createSecretHandling, secretProblem, type AccountSecret } from './account-secrets';
import type { AccountRecord } from './schema';
import { isAccountRecord } from './validators';

/** What {@link AccountStore.add} takes. */
export interface NewAccount {
  kind: 'webhook' | 'oauth';
  /** The portal's origin, e.g. `https://acme.bitrix24.ru` (a trailing path is ignored). */
  origin: string;
  userId: number;
  userName: string;
  secret: AccountSecret;
}

/** Accounts and their secrets. No method throws for a lost or undecryptable secret. */
export interface AccountStore {
  /**
   * Decrypts every stored secret (once; later calls share the first run) and
   * re-encrypts those safeStorage asks to (`shouldReEncrypt`: a rotated key).
   * An undecryptable secret marks its account `needs-sign-in`; its
   * ciphertext is kept. One whose key the keyring has not given yet (still
   * locked) is not marked: it waits for {@link retryKeyring}.
   * Until it resolves, {@link secret} answers null for stored secrets.
   */
  open(): Promise<void>;
  /** All accounts, in sign-in order (copies). */
  list(): AccountRecord[];
  get(id: string): AccountRecord | undefined;
  /** Whether `id` is signed in (no copy of the record: asked on every toggle). */
  has(id: string): boolean;
  /**
   * Adds an account, or replaces the one with the same portal and user,
   * keeping its id (so queued actions still match) and its `createdAt`;
   * the status becomes `ok`. Resolves once the record (with the secret's
   * ciphertext) is on disk. Rejects with `BitrixError` `INVALID_PORTAL_URL` or
   * `INVALID_ARGUMENT` for bad input (the message never holds the secret).
   */
  add(input: NewAccount): Promise<AccountRecord>;
  /**
   * The account's secret, from memory (decrypted by {@link open}). Null when
   * it is lost (memory-only after a restart) or could not be decrypted: the
   * account is then marked `needs-sign-in`. Null before {@link open} resolves.
   */
  secret(id: string): AccountSecret | null;
  /**
   * Replaces the secret (token rotation). Later calls of {@link secret} see it
   * at once; the promise resolves when its ciphertext is on disk (await it
   * before relying on a rotated token: see the header). Rejects with
   * UNKNOWN_ACCOUNT or INVALID_ARGUMENT.
   */
  setSecret(id: string, secret: AccountSecret): Promise<void>;
  /** The account's stored secret waits for the keyring (its key was not available yet when read). */
  waitingForKeyring(id: string): boolean;
  /**
   * Reads a secret that {@link waitingForKeyring} again; resolves true once it is in memory.
   * Still waiting: false, nothing changes. Undecryptable now: false, the account is marked
   * `needs-sign-in`. The ciphertext is never dropped.
   */
  retryKeyring(id: string): Promise<boolean>;
  /** Throws UNKNOWN_ACCOUNT. */
  setStatus(id: string, status: 'ok' | 'needs-sign-in'): void;
  /** Removes the account and forgets its secret. Unknown ids are ignored. */
  remove(id: string): void;
  /** The renderer-safe view of an account. Throws UNKNOWN_ACCOUNT. */
  summary(id: string): AccountSummary;
  /** {@link summary} of every account, in order. */
  summaries(): AccountSummary[];
  /**
   * Moves secrets to where the current policy wants them: into memory
   * (wiping the ciphertext from disk) when `memoryOnly()` turned true, or
   * onto disk, encrypted, when it turned false and encryption is available.
   * Call after changing the `secretsInMemoryOnly` setting. Resolves when
   * every move is on disk.
   */
  reconcileStorage(): Promise<void>;
}

/** Dependencies of {@link createAccountStore}. */
export interface AccountStoreDeps {
  store: KeyValueStore;
  secretBox: SecretBox;
  /** The user's choice (`secretsInMemoryOnly`), read at each write. */
  memoryOnly: () => boolean;
  clock?: Clock;
  /** Called with every secret string loaded or stored (the app passes redact's `registerSecret`). */
  onSecret?: (secret: string) => void;
}

/**
 * The stable id of `userId` on `origin`: the same person signing in again
 * on the same portal gets the same id. A hash, so it holds no dots (conf
 * reads keys by dot path) and does not reveal the portal in logs.
 */
export function accountIdFor(origin: string, userId: number): string {
  return `a${createHash('sha256').update(`${origin}\n${userId}`).digest('hex').slice(0, 20)}`;
}

/** The canonical origin of a portal address, or null when it is not an http(s) URL. */
export function normalizeOrigin(input: unknown): string | null {
  if (typeof input !== 'string' || input.length > 300) return null;
  let url: URL;
  try {
    url = new URL(input.trim());
  } catch {
    return null;
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return null;
  if (url.username || url.password || !url.hostname) return null;
  return url.origin;
}

function invalid(why: string): BitrixError {
  return new BitrixError('INVALID_ARGUMENT', `Account: ${why}.`);
}

const kindName = (kind: 'webhook' | 'oauth'): string => (kind === 'oauth' ? 'an OAuth' : 'a webhook');

function unknownAccount(): BitrixError {
  return new BitrixError('UNKNOWN_ACCOUNT', 'That portal account is not signed in.');
}

/** The account store over `deps.store`, with secrets through `deps.secretBox`. */
export function createAccountStore(deps: AccountStoreDeps): AccountStore {
  const { store } = deps;
  const clock = deps.clock ?? systemClock;
  // Decrypted secrets of this run: the only copy for memory-only accounts, a cache for the others.
  const secrets = new Map<string, AccountSecret>();
  // Accounts whose stored secret the keyring could not open yet (SecretTemporarilyUnavailableError).
  const waiting = new Set<string>();
  const { announce, useMemory, place, serial, decrypt } = createSecretHandling(deps);
  /** The stored records, read and checked once per write (issue 14); only this store writes them. Never handed out. */
  let known: readonly AccountRecord[] | null = null;
  const stored = (): readonly AccountRecord[] => {
    // The store validates on write, but a port may be a plain map in tests: trust nothing.
    const raw = known ? null : store.get('accounts');
    known ??= Array.isArray(raw)
      ? raw.filter((r): r is AccountRecord => isAccountRecord(r)).map((r) => structuredClone(r))
      : [];
    return known;
  };
  const find = (id: string): AccountRecord | undefined => stored().find((r) => r.id === id);
  /** Copies to change and {@link write} back. */
  const read = (): AccountRecord[] => stored().map((r) => structuredClone(r));
  const write = (list: AccountRecord[]): void => {
    store.set('accounts', list);
    known = null; // after the write: a schema violation throws and changes nothing
  };

  const update = (id: string, change: (r: AccountRecord) => void): void => {
    const records = read();
    const rec = records.find((r) => r.id === id);
    if (!rec) throw unknownAccount();
    change(rec);
    write(records);
  };

  /**
   * Writes `secret` (by default the in-memory one) where the policy wants it,
   * if `still` holds for the record then. Chained: an older secret's
   * ciphertext lands before a newer one's, never after it.
   */
  const persist = (
    id: string,
    given?: AccountSecret,
    still: (r: AccountRecord) => boolean = () => true,
  ): Promise<void> =>
    serial(id, async () => {
      const secret = given ?? secrets.get(id);
      if (!secret || !stored().some((r) => r.id === id && still(r))) return;
      const ref = await place(secret);
      // Read after the await; removed (signed out) while encrypting: nothing of it may come back.
      const records = read();
      const rec = records.find((r) => r.id === id);
      if (!rec || !still(rec)) return;
      rec.secret = ref;
      write(records);
    });

  let unlocked = false;
  let opening: Promise<void> | null = null;
  /** Reads `r`'s stored secret into memory; false when it is not there (waiting or undecryptable). */
  const readStored = async (r: AccountRecord): Promise<boolean> => {
    if (r.secret.storage !== 'encrypted' || secrets.has(r.id)) return secrets.has(r.id);
    const cipher = r.secret.cipher;
    const got = await decrypt(cipher);
    // A newer secret arrived (sign-in) while decrypting: it wins.
    if (secrets.has(r.id)) return true;
    if (got === 'later') {
      // The keyring is still locked: not a lost sign-in. The ciphertext stays; read again later.
      if (find(r.id)) waiting.add(r.id);
      return false;
    }
    waiting.delete(r.id);
    if (!got) {
      if (r.status !== 'needs-sign-in') markNeedsSignIn(r.id);
      return false;
    }
    announce(got.secret);
    secrets.set(r.id, got.secret);
    // Re-encrypt only where the result goes to disk encrypted again: on a run without real
    // encryption (a keyring locked at start) the new ref would be `memory`, and the
    // ciphertext — readable again once the keyring opens — would be gone from the disk.
    if (got.shouldReEncrypt && !useMemory()) {
      await persist(r.id, got.secret, (x) => x.secret.storage === 'encrypted' && x.secret.cipher === cipher);
    }
    return true;
  };
  const unlock = async (): Promise<void> => {
    await Promise.all(stored().map(readStored));
    unlocked = true;
  };
  // One read per waiting account at a time (a poll and a queued send may both ask).
  const retrying = new Map<string, Promise<boolean>>();

  const markNeedsSignIn = (id: string): void => {
    try {
      update(id, (r) => {
        r.status = 'needs-sign-in';
      });
    } catch {
      // Removed meanwhile: nothing to mark.
    }
  };

  const toSummary = (r: AccountRecord): AccountSummary => ({
    id: r.id,
    portal: r.portal,
    origin: r.origin,
    kind: r.kind,
    userId: r.userId,
    userName: r.userName,
    status: r.secret.storage === 'memory' && !secrets.has(r.id) ? 'needs-sign-in' : r.status,
    secretStorage: r.secret.storage,
  });

  // A fresh process has no memory-only secrets: those accounts must sign in again.
  {
    const records = read();
    const lost = records.filter((r) => r.secret.storage === 'memory' && r.status !== 'needs-sign-in');
    if (lost.length > 0) {
      for (const r of lost) r.status = 'needs-sign-in';
      write(records);
    }
  }

  const api: AccountStore = {
    open: () => (opening ??= unlock()),

    list: read,

    get: (id) => {
      const rec = find(id);
      return rec && structuredClone(rec);
    },
    has: (id) => find(id) !== undefined,

    async add(input) {
      if (typeof input !== 'object' || input === null) throw invalid('the sign-in details are missing');
      if (input.kind !== 'webhook' && input.kind !== 'oauth') throw invalid('the kind must be "webhook" or "oauth"');
      const origin = normalizeOrigin(input.origin);
      if (!origin) {
        throw new BitrixError(
          'INVALID_PORTAL_URL',
          'That is not a portal address. It looks like https://your-portal.bitrix24.ru.',
        );
      }
      if (typeof input.userId !== 'number' || !Number.isSafeInteger(input.userId) || input.userId < 1) {
        throw invalid('the user id must be a positive whole number');
      }
      if (typeof input.userName !== 'string' || input.userName.length > 300) {
        throw invalid('the user name must be text of at most 300 characters');
      }
      const problem = secretProblem(input.secret);
      if (problem) throw invalid(problem);
      if (input.secret.kind !== input.kind)
        throw invalid(`${kindName(input.kind)} account needs ${kindName(input.kind)} secret`);
      if (input.secret.kind === 'webhook' && normalizeOrigin(input.secret.url) !== origin) {
        throw invalid('the webhook URL belongs to another portal');
      }
      const secret = cleanSecret(input.secret);
      announce(secret);

      const id = accountIdFor(origin, input.userId);
      secrets.set(id, secret);
      waiting.delete(id);
      return serial(id, async () => {
        const ref = await place(secret);
        // Read after the await: the file may have changed meanwhile.
        const records = read();
        const existing = records.find((r) => r.id === id);
        const record: AccountRecord = {
          id,
          kind: input.kind,
          origin,
          portal: new URL(origin).host,
          userId: input.userId,
          userName: input.userName.trim(),
          status: 'ok',
          createdAt: existing?.createdAt ?? clock.now(),
          secret: ref,
        };
        if (existing) records.splice(records.indexOf(existing), 1, record);
        else records.push(record);
        write(records);
        return structuredClone(record);
      });
    },

    secret(id) {
      const rec = find(id);
      if (!rec) return null;
      const cached = secrets.get(id);
      if (cached) return structuredClone(cached);
      // Not decrypted yet: no verdict before open() has run.
      if (rec.secret.storage === 'encrypted' && !unlocked) return null;
      // The keyring has not given the key yet: no verdict either (retryKeyring reads it again).
      if (waiting.has(id)) return null;
      // Lost (memory-only after a restart) or undecryptable (keyring changed,
      // file copied from another machine). The ciphertext is kept: a keyring
      // that is merely locked now may open later.
      if (rec.status !== 'needs-sign-in') markNeedsSignIn(id);
      return null;
    },

    async setSecret(id, secret) {
      const problem = secretProblem(secret);
      if (problem) throw invalid(problem);
      const rec = find(id);
      if (!rec) throw unknownAccount();
      if (secret.kind !== rec.kind) throw invalid(`${kindName(rec.kind)} account needs ${kindName(rec.kind)} secret`);
      const clean = cleanSecret(secret);
      announce(clean);
      // Memory first (a client rebuilt meanwhile must not pick the spent token),
      // then the ciphertext, in order; store.set writes the file synchronously
      // (atomic rename), so when this resolves the rotated token is on disk.
      secrets.set(id, clean);
      waiting.delete(id);
      await persist(id, clean);
    },

    waitingForKeyring: (id) => waiting.has(id),

    retryKeyring(id) {
      if (!waiting.has(id)) return Promise.resolve(secrets.has(id));
      let run = retrying.get(id);
      if (!run) {
        const rec = find(id);
        run = (rec ? readStored(rec) : Promise.resolve(false)).finally(() => retrying.delete(id));
        retrying.set(id, run);
      }
      return run;
    },

    setStatus(id, status) {
      if (status !== 'ok' && status !== 'needs-sign-in') throw invalid('the status must be "ok" or "needs-sign-in"');
      update(id, (r) => {
        r.status = status;
      });
    },

    remove(id) {
      secrets.delete(id);
      waiting.delete(id);
      const records = read();
      const rest = records.filter((r) => r.id !== id);
      if (rest.length !== records.length) write(rest);
    },

    summary(id) {
      const rec = find(id);
      if (!rec) throw unknownAccount();
      return toSummary(rec);
    },

    summaries: () => stored().map(toSummary),

    async reconcileStorage() {
      await api.open();
      await Promise.all(
        stored().map((r) =>
          serial(r.id, async () => {
            const rec = find(r.id);
            if (!rec || !secrets.has(rec.id)) return;
            const wantMemory = useMemory();
            if (wantMemory && rec.secret.storage === 'encrypted') {
              update(rec.id, (x) => {
                x.secret = { storage: 'memory' };
              });
            } else if (!wantMemory && rec.secret.storage === 'memory') {
              const secret = secrets.get(rec.id)!;
              const ref = await place(secret);
              if (secrets.get(rec.id) !== secret) return;
              update(rec.id, (x) => {
                if (x.secret.storage === 'memory') x.secret = ref;
              });
            }
          }).catch(() => undefined),
        ),
      );
    },
  };
  return api;
}
