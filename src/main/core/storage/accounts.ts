/**
 * Signed-in accounts and their secrets. Records live in the store under
 * `accounts`; secrets only ever reach the disk as `SecretBox` ciphertext.
 * Where the OS cannot encrypt (or the user asked so), secrets stay in a Map
 * in this process and the record says `storage: 'memory'`.
 */
import { createHash } from 'node:crypto';
import type { AccountSummary } from '../../../shared/types';
import { BitrixError } from '../bitrix/types';
import { systemClock, type Clock, type KeyValueStore, type SecretBox } from '../ports';
import { isAccountRecord, type AccountRecord, type SecretRef } from './schema';

/** An account's credentials. Never persisted in plaintext, never sent to the renderer. */
export type AccountSecret =
  | { kind: 'webhook'; url: string }
  | {
      kind: 'oauth';
      clientId: string;
      clientSecret: string;
      accessToken: string;
      refreshToken: string;
      /** Epoch ms when the access token expires. */
      expiresAt: number;
      clientEndpoint: string;
      serverEndpoint: string;
      memberId: string;
    };

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
  /** All accounts, in sign-in order (copies). */
  list(): AccountRecord[];
  get(id: string): AccountRecord | undefined;
  /**
   * Adds an account, or replaces the one with the same portal and user,
   * keeping its id (so queued actions still match) and its `createdAt`;
   * the status becomes `ok`. Throws `BitrixError` `INVALID_PORTAL_URL` or
   * `INVALID_ARGUMENT` for bad input (the message never holds the secret).
   */
  add(input: NewAccount): AccountRecord;
  /**
   * The account's secret, decrypted (or from memory). Null when it is lost
   * (memory-only after a restart) or cannot be decrypted: the account is
   * then marked `needs-sign-in`.
   */
  secret(id: string): AccountSecret | null;
  /** Replaces the secret (token rotation); written to disk before returning. Throws UNKNOWN_ACCOUNT. */
  setSecret(id: string, secret: AccountSecret): void;
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
   * Call after changing the `secretsInMemoryOnly` setting.
   */
  reconcileStorage(): void;
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

const isText = (v: unknown, max = 4096): v is string => typeof v === 'string' && v.length > 0 && v.length <= max;

/** Checks a secret's shape. Reports field names only, never values. */
function secretProblem(secret: unknown): string | null {
  if (typeof secret !== 'object' || secret === null) return 'the secret is missing';
  const s = secret as Record<string, unknown>;
  if (s.kind === 'webhook') return isText(s.url, 1000) ? null : 'the webhook URL is missing';
  if (s.kind !== 'oauth') return 'the secret is of an unknown kind';
  for (const f of ['clientId', 'clientSecret', 'accessToken', 'refreshToken', 'clientEndpoint', 'serverEndpoint']) {
    if (!isText(s[f])) return `the OAuth "${f}" is missing`;
  }
  if (typeof s.memberId !== 'string') return 'the OAuth "memberId" is missing';
  if (typeof s.expiresAt !== 'number' || !Number.isFinite(s.expiresAt)) return 'the OAuth "expiresAt" is not a time';
  return null;
}

/** Copies only the known fields, so nothing unexpected rides along into storage. */
function cleanSecret(s: AccountSecret): AccountSecret {
  return s.kind === 'webhook'
    ? { kind: 'webhook', url: s.url }
    : {
        kind: 'oauth',
        clientId: s.clientId,
        clientSecret: s.clientSecret,
        accessToken: s.accessToken,
        refreshToken: s.refreshToken,
        expiresAt: s.expiresAt,
        clientEndpoint: s.clientEndpoint,
        serverEndpoint: s.serverEndpoint,
        memberId: s.memberId,
      };
}

/** The strings of a secret that must never be shown: redaction registers each. */
function secretStrings(s: AccountSecret): string[] {
  if (s.kind === 'oauth') return [s.clientSecret, s.accessToken, s.refreshToken];
  const out = [s.url];
  // The webhook code alone (…/rest/<user>/<code>/) may show up without the rest of the URL.
  const m = /\/rest\/\d+\/([^/?#]+)/.exec(s.url);
  if (m?.[1]) out.push(m[1]);
  return out;
}

/** The account store over `deps.store`, with secrets through `deps.secretBox`. */
export function createAccountStore(deps: AccountStoreDeps): AccountStore {
  const { store, secretBox } = deps;
  const clock = deps.clock ?? systemClock;
  // Decrypted secrets of this run: the only copy for memory-only accounts, a cache for the others.
  const secrets = new Map<string, AccountSecret>();
  const announced = new Set<string>();

  const announce = (s: AccountSecret): void => {
    for (const str of secretStrings(s)) {
      if (str && !announced.has(str)) {
        announced.add(str);
        deps.onSecret?.(str);
      }
    }
  };

  const read = (): AccountRecord[] => {
    const raw = store.get('accounts');
    // The store validates on write, but a port may be a plain map in tests: trust nothing.
    return Array.isArray(raw)
      ? raw.filter((r): r is AccountRecord => isAccountRecord(r)).map((r) => structuredClone(r))
      : [];
  };
  const write = (records: AccountRecord[]): void => store.set('accounts', records);

  const useMemory = (): boolean => deps.memoryOnly() || !secretBox.encryptionAvailable;

  /** Where `secret` goes under the current policy; falls back to memory if encryption fails. */
  const place = (id: string, secret: AccountSecret): SecretRef => {
    secrets.set(id, secret);
    if (useMemory()) return { storage: 'memory' };
    try {
      return { storage: 'encrypted', cipher: secretBox.encrypt(JSON.stringify(secret)) };
    } catch {
      return { storage: 'memory' };
    }
  };

  const update = (id: string, change: (r: AccountRecord) => void): void => {
    const records = read();
    const rec = records.find((r) => r.id === id);
    if (!rec) throw unknownAccount();
    change(rec);
    write(records);
  };

  const decrypt = (rec: AccountRecord): AccountSecret | null => {
    if (rec.secret.storage !== 'encrypted') return null;
    try {
      const parsed: unknown = JSON.parse(secretBox.decrypt(rec.secret.cipher));
      return secretProblem(parsed) ? null : cleanSecret(parsed as AccountSecret);
    } catch {
      return null;
    }
  };

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
    list: read,

    get: (id) => read().find((r) => r.id === id),

    add(input) {
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
        secret: place(id, secret),
      };
      if (existing) records.splice(records.indexOf(existing), 1, record);
      else records.push(record);
      write(records);
      return structuredClone(record);
    },

    secret(id) {
      const rec = read().find((r) => r.id === id);
      if (!rec) return null;
      const cached = secrets.get(id);
      if (cached) return structuredClone(cached);
      const loaded = decrypt(rec);
      if (!loaded) {
        // Lost (memory-only after a restart) or undecryptable (keyring changed,
        // file copied from another machine). The ciphertext is kept: a keyring
        // that is merely locked now may open later.
        if (rec.status !== 'needs-sign-in') markNeedsSignIn(id);
        return null;
      }
      announce(loaded);
      secrets.set(id, loaded);
      return structuredClone(loaded);
    },

    setSecret(id, secret) {
      const problem = secretProblem(secret);
      if (problem) throw invalid(problem);
      const rec = read().find((r) => r.id === id);
      if (!rec) throw unknownAccount();
      if (secret.kind !== rec.kind) throw invalid(`${kindName(rec.kind)} account needs ${kindName(rec.kind)} secret`);
      const clean = cleanSecret(secret);
      announce(clean);
      // store.set writes the file synchronously (atomic rename): a rotated
      // refresh token is on disk before anyone can use it.
      update(id, (r) => {
        r.secret = place(id, clean);
      });
    },

    setStatus(id, status) {
      if (status !== 'ok' && status !== 'needs-sign-in') throw invalid('the status must be "ok" or "needs-sign-in"');
      update(id, (r) => {
        r.status = status;
      });
    },

    remove(id) {
      secrets.delete(id);
      const records = read();
      const rest = records.filter((r) => r.id !== id);
      if (rest.length !== records.length) write(rest);
    },

    summary(id) {
      const rec = read().find((r) => r.id === id);
      if (!rec) throw unknownAccount();
      return toSummary(rec);
    },

    summaries: () => read().map(toSummary),

    reconcileStorage() {
      const records = read();
      let changed = false;
      for (const r of records) {
        const secret = secrets.get(r.id) ?? decrypt(r);
        if (!secret) continue;
        secrets.set(r.id, secret);
        const wantMemory = useMemory();
        if (wantMemory && r.secret.storage === 'encrypted') {
          r.secret = { storage: 'memory' };
          changed = true;
        } else if (!wantMemory && r.secret.storage === 'memory') {
          r.secret = place(r.id, secret);
          changed = true;
        }
      }
      if (changed) write(records);
    },
  };
  return api;
}
