/**
 * The secret side of the account store (moved as is out of accounts.ts): an
 * account's credentials ({@link AccountSecret}), their shape check, and how a
 * secret goes into and comes out of the {@link SecretBox}: placed where the
 * policy wants it (encrypted on disk, or in memory only), decrypted and
 * checked, announced to redaction, and written in order per account. The
 * records, and when each of these runs, stay in accounts.ts.
 */
import type { OAuthTokens } from '../auth/oauth';
import { SecretTemporarilyUnavailableError, type SecretBox } from '../ports';
import type { SecretRef } from './schema';

/** The token fields of an OAuth sign-in (auth/oauth.ts) an account keeps: the rest is not secret. */
type KeptTokens = Pick<
  OAuthTokens,
  'accessToken' | 'refreshToken' | 'expiresAt' | 'clientEndpoint' | 'serverEndpoint' | 'memberId'
>;

/** An account's credentials. Never persisted in plaintext, never sent to the renderer. */
export type AccountSecret =
  { kind: 'webhook'; url: string } | ({ kind: 'oauth'; clientId: string; clientSecret: string } & KeptTokens);

const isText = (v: unknown, max = 4096): v is string => typeof v === 'string' && v.length > 0 && v.length <= max;

/** Checks a secret's shape. Reports field names only, never values. */
export function secretProblem(secret: unknown): string | null {
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
export function cleanSecret(s: AccountSecret): AccountSecret {
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

/** What {@link createSecretHandling} uses (a part of the account store's deps). */
export interface SecretHandlingDeps {
  secretBox: SecretBox;
  /** The user's choice (`secretsInMemoryOnly`), read at each write. */
  memoryOnly: () => boolean;
  /** Called with every secret string loaded or stored (the app passes redact's `registerSecret`). */
  onSecret?: (secret: string) => void;
}

/** The secret operations of one account store. */
export interface SecretHandling {
  /** Registers the strings of `s` that must never be shown (each once). */
  announce(s: AccountSecret): void;
  /** Whether secrets stay in memory only now (the user's choice, or no encryption). */
  useMemory(): boolean;
  /** Where `secret` goes under the current policy; falls back to memory if encryption fails. */
  place(secret: AccountSecret): Promise<SecretRef>;
  /** Runs `job` after every earlier job of account `id`: writes land in the order they were made. */
  serial<T>(id: string, job: () => Promise<T>): Promise<T>;
  /**
   * The secret in `cipher`, checked and cleaned; `later` when the keyring has not given the key
   * yet (try again, keep the ciphertext); null when it cannot be decrypted or is not a secret.
   */
  decrypt(cipher: string): Promise<{ secret: AccountSecret; shouldReEncrypt: boolean } | 'later' | null>;
}

/** The secret operations over `deps.secretBox`. */
export function createSecretHandling(deps: SecretHandlingDeps): SecretHandling {
  const { secretBox } = deps;
  const announced = new Set<string>();

  const announce = (s: AccountSecret): void => {
    for (const str of secretStrings(s)) {
      if (str && !announced.has(str)) {
        announced.add(str);
        deps.onSecret?.(str);
      }
    }
  };

  const useMemory = (): boolean => deps.memoryOnly() || !secretBox.encryptionAvailable;

  /** Where `secret` goes under the current policy; falls back to memory if encryption fails. */
  const place = async (secret: AccountSecret): Promise<SecretRef> => {
    if (useMemory()) return { storage: 'memory' };
    try {
      return { storage: 'encrypted', cipher: await secretBox.encrypt(JSON.stringify(secret)) };
    } catch {
      return { storage: 'memory' };
    }
  };

  // One chain of secret writes per account: each waits for the one before, so writes land in order.
  const chains = new Map<string, Promise<unknown>>();
  const serial = <T>(id: string, job: () => Promise<T>): Promise<T> => {
    const run = (chains.get(id) ?? Promise.resolve()).then(job, job);
    const tail = run.catch(() => undefined);
    chains.set(id, tail);
    void tail.then(() => {
      if (chains.get(id) === tail) chains.delete(id);
    });
    return run;
  };

  const decrypt = async (
    cipher: string,
  ): Promise<{ secret: AccountSecret; shouldReEncrypt: boolean } | 'later' | null> => {
    try {
      const { result, shouldReEncrypt } = await secretBox.decrypt(cipher);
      const parsed: unknown = JSON.parse(result);
      return secretProblem(parsed) ? null : { secret: cleanSecret(parsed as AccountSecret), shouldReEncrypt };
    } catch (err) {
      return err instanceof SecretTemporarilyUnavailableError ? 'later' : null;
    }
  };

  return { announce, useMemory, place, serial, decrypt };
}
