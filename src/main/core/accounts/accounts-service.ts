/**
 * Accounts (moved out of app-core.ts): the signed-in accounts and their
 * secrets (storage/accounts.ts), one runtime per account (its client, its
 * list as the portal last confirmed it, its last error), one rate limiter
 * per portal, the auth strategy of an account with rotated OAuth tokens
 * written before use, and the sign-in-lost policy.
 */
import { explain, type ErrorCode } from '../../../shared/errors';
import { messages } from '../../../shared/messages';
import type { AppError } from '../../../shared/result';
import type { CoreContext } from '../app-core-types';
import { oauthAuth, type OAuthAuthOptions } from '../auth/oauth';
import type { AuthStrategy } from '../auth/types';
import { parseWebhookUrl, webhookAuth } from '../auth/webhook';
import { createBitrixClient, userAgentFor } from '../bitrix/client';
import { createLeakyBucket, type Limiter } from '../bitrix/limiter';
import type { BitrixClient } from '../bitrix/types';
import type { LoadedDialog } from '../dialogs';
import { registerSecret } from '../redact';
import type { AccountSecret } from '../storage/account-secrets';
import { createAccountStore, type AccountStore } from '../storage/accounts';
import type { AccountRecord } from '../storage/schema';

export interface AccountRuntime {
  client: BitrixClient | null;
  /** The pinned list as the portal last confirmed it (no queued intents applied), or null before the first load. */
  dialogs: LoadedDialog[] | null;
  /** `dialogs` came from the pinned-list cache and no load has confirmed them in this run. */
  cached: boolean;
  loading: boolean;
  lastError: AppError | null;
  updatedAt: number | null;
  /** Dialog key → when an intent for it was confirmed (protects against a load that started earlier). */
  delivered: Map<string, { unread: boolean; at: number }>;
  /** Dialog key → when its unpin was confirmed (a load that started earlier may still list it pinned). */
  unpinned: Map<string, number>;
  /** The sign-in was lost to the portal's move (PORTAL_MOVED) to this origin, when it said where. */
  movedTo?: string;
}

/** Where an OAuth client signs in: an account, or the portal of a sign-in being probed (no account yet). */
export type OAuthTarget = Pick<AccountRecord, 'origin' | 'portal' | 'userId'>;

export interface AccountsService {
  readonly store: AccountStore;
  /** Resolves once every stored secret is decrypted (safeStorage's async API); what needs a client awaits it. */
  readonly unlocked: Promise<void>;
  readonly runtimes: ReadonlyMap<string, AccountRuntime>;
  /** The account's runtime, made on first use. */
  runtime(id: string): AccountRuntime;
  /** Forgets the account's runtime (it signed out). */
  forget(id: string): void;
  limiterFor(origin: string): Limiter;
  /** The account's client, built on first use; null when it cannot send (signed out, secret lost). */
  clientFor(id: string): BitrixClient | null;
  /** A client for OAuth tokens not yet stored (the sign-in's `profile` probe): rotations are not written. */
  probeClient(target: OAuthTarget, secret: Extract<AccountSecret, { kind: 'oauth' }>): BitrixClient;
  isActive(id: string): boolean;
  /**
   * The sign-in is gone: hold the account's queue, stop its polls, tell the user once. `movedTo`:
   * the portal's new origin when the sign-in was lost to its move (PORTAL_MOVED).
   */
  authLost(id: string, code: ErrorCode, movedTo?: string): void;
}

export function createAccountsService(
  ctx: CoreContext,
  hooks: {
    /** The account's sign-in was lost: hold its queued toggles and stop polling it. */
    onLost(id: string): void;
  },
): AccountsService {
  const { deps, options } = ctx;
  const { clock, logger } = deps;
  const lang = ctx.lang;
  const accounts = createAccountStore({
    store: deps.store,
    secretBox: deps.secretBox,
    memoryOnly: () => ctx.settings().secretsInMemoryOnly,
    clock,
    onSecret: registerSecret,
  });
  // Every stored secret is decrypted once, starting now.
  const unlocked = accounts.open();
  const runtimes = new Map<string, AccountRuntime>();
  const limiters = new Map<string, Limiter>();

  function runtime(id: string): AccountRuntime {
    let r = runtimes.get(id);
    if (!r) {
      r = {
        client: null,
        dialogs: null,
        cached: false,
        loading: false,
        lastError: null,
        updatedAt: null,
        delivered: new Map(),
        unpinned: new Map(),
      };
      runtimes.set(id, r);
    }
    return r;
  }

  function limiterFor(origin: string): Limiter {
    // One bucket per portal: the portal counts requests per portal (and IP), not per sign-in.
    let l = limiters.get(origin);
    if (!l) {
      l = createLeakyBucket({ ...options.limiter, clock });
      limiters.set(origin, l);
    }
    return l;
  }

  function clientOptions(auth: AuthStrategy, origin: string) {
    return {
      auth,
      fetch: deps.fetch,
      clock,
      logger,
      limiter: limiterFor(origin),
      userAgent: userAgentFor(deps.version),
      timeoutMs: options.timeoutMs,
      random: ctx.random,
    };
  }

  function oauthStrategy(
    rec: OAuthTarget,
    secret: Extract<AccountSecret, { kind: 'oauth' }>,
    persist: Pick<OAuthAuthOptions, 'onTokens' | 'onLost'>,
  ): AuthStrategy {
    return oauthAuth({
      origin: rec.origin,
      clientId: secret.clientId,
      clientSecret: secret.clientSecret,
      tokens: {
        accessToken: secret.accessToken,
        refreshToken: secret.refreshToken,
        expiresAt: secret.expiresAt,
        clientEndpoint: secret.clientEndpoint,
        serverEndpoint: secret.serverEndpoint,
        memberId: secret.memberId,
        userId: rec.userId,
        domain: rec.portal,
        scope: '',
      },
      fetch: deps.fetch,
      clock,
      logger,
      ...persist,
    });
  }

  function authFor(rec: AccountRecord, secret: AccountSecret): AuthStrategy {
    if (secret.kind === 'webhook') return webhookAuth(parseWebhookUrl(secret.url));
    /**
     * The refresh token of the pair this client holds as stored. A client's refresh can still be out
     * when its account signs out and in again (the same account id, a new pair): its answer belongs
     * to a sign-in that is gone, and must neither overwrite the new pair nor sign the new one out.
     */
    let held = secret.refreshToken;
    const current = (): boolean => {
      const now = accounts.get(rec.id) ? accounts.secret(rec.id) : undefined;
      return now?.kind === 'oauth' && now.refreshToken === held;
    };
    return oauthStrategy(rec, secret, {
      // Rotated tokens are written (encrypted) before the client uses them: the client awaits this promise.
      onTokens: async (t) => {
        if (!current()) return;
        await accounts.setSecret(rec.id, {
          ...secret,
          accessToken: t.accessToken,
          refreshToken: t.refreshToken,
          expiresAt: t.expiresAt,
          clientEndpoint: t.clientEndpoint,
          serverEndpoint: t.serverEndpoint,
          memberId: t.memberId,
        });
        held = t.refreshToken;
      },
      onLost: (code) => {
        if (current()) authLost(rec.id, code);
      },
    });
  }

  /** The account's client, built on first use; null when it cannot send (signed out, secret lost). */
  function clientFor(id: string): BitrixClient | null {
    // Asked for every request the queue sends: the built client needs no copy of the record.
    if (!accounts.has(id)) return null;
    const r = runtime(id);
    if (r.client) return r.client;
    const rec = accounts.get(id)!;
    const secret = accounts.secret(id);
    if (!secret) return null;
    try {
      r.client = createBitrixClient(clientOptions(authFor(rec, secret), rec.origin));
    } catch (err) {
      logger.warn('Could not build the client of an account', { accountId: id, error: String(err) });
      return null;
    }
    return r.client;
  }

  function isActive(id: string): boolean {
    try {
      return accounts.summary(id).status === 'ok';
    } catch {
      return false;
    }
  }

  function authLost(id: string, code: ErrorCode, movedTo?: string): void {
    const rec = accounts.get(id);
    if (!rec) return;
    const already = !isActive(id);
    // NO_AUTH_FOUND is a wrong access token or webhook code (D:_includes/system-errors.md); its
    // words tell a webhook user to make a new webhook. An application's refused token is a
    // sign-in to redo: say so as a refused refresh does.
    const worded: ErrorCode = code === 'NO_AUTH_FOUND' && rec.kind === 'oauth' ? 'invalid_grant' : code;
    try {
      accounts.setStatus(id, 'needs-sign-in');
    } catch {
      return;
    }
    hooks.onLost(id);
    const r = runtime(id);
    r.client = null;
    if (movedTo) r.movedTo = movedTo;
    r.lastError = { code, message: explain(worded, lang()), accountId: id };
    if (!already) {
      // A moved portal's words already say to sign in again, and where is what the user needs.
      const then =
        code !== 'PORTAL_MOVED'
          ? explain('SIGN_IN_EXPIRED', lang())
          : movedTo
            ? messages(lang()).core.newAddress(movedTo)
            : '';
      ctx.notices.add({
        level: 'warning',
        code,
        message: `${rec.portal}: ${explain(worded, lang())} ${then}`.trimEnd(),
        accountId: id,
      });
    }
    ctx.push();
  }

  return {
    store: accounts,
    unlocked,
    runtimes,
    runtime,
    forget: (id) => void runtimes.delete(id),
    limiterFor,
    clientFor,
    // No account holds these tokens yet: a rotation during the probe is not stored, a refusal is the probe's error.
    probeClient: (target, secret) =>
      createBitrixClient(
        clientOptions(
          oauthStrategy(target, secret, { onTokens: () => undefined, onLost: () => undefined }),
          target.origin,
        ),
      ),
    isActive,
    authLost,
  };
}
