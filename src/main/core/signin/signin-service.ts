/**
 * Sign-in and sign-out (moved out of app-core.ts): a webhook (verified
 * before it is stored), the browser OAuth flow (who signed in is asked of
 * `profile` with a probe client; no account exists until then), and
 * signing out (every trace of the account goes).
 */
import type { AccountSummary, OAuthStartInput, OAuthStartResult } from '../../../shared/types';
import type { AccountsService } from '../accounts/accounts-service';
import type { CoreContext } from '../app-core-types';
import { normalizePortalUrl } from '../auth/oauth';
import { startOAuthFlow, type OAuthFlow } from '../auth/oauth-flow';
import { parseWebhookUrl, verifyWebhook } from '../auth/webhook';
import { newAddressOf, userAgentFor } from '../bitrix/client';
import { explainSignIn } from '../../../shared/errors';
import { toAppError } from '../errors/to-app-error';
import type { PinnedService } from '../pinned/pinned-service';
import type { AccountSecret } from '../storage/account-secrets';
import type { TogglesService } from '../toggles/toggles-service';

/** How long a sign-in waits for an old address to say where its portal went (see `movedAddressOf`). */
const MOVE_PROBE_TIMEOUT_MS = 5_000;

export interface SignInService {
  signInWithWebhook(url: string): Promise<AccountSummary>;
  startOAuth(input: OAuthStartInput): Promise<OAuthStartResult>;
  cancelOAuth(): void;
  signOut(accountId: string): void;
}

export function createSignInService(
  ctx: CoreContext,
  accounts: AccountsService,
  pinned: PinnedService,
  toggles: TogglesService,
  lifecycle: { started(): boolean },
): SignInService {
  const { deps, options, emit, push } = ctx;
  const { clock, logger } = deps;
  const addNotice = ctx.notices.add;
  const { runtime, limiterFor } = accounts;
  const { poller, loadAccount, failed } = pinned;
  const { queue, snoozes } = toggles;
  let oauthFlow: OAuthFlow | null = null;

  async function addSignedIn(input: {
    kind: 'webhook' | 'oauth';
    origin: string;
    userId: number;
    userName: string;
    secret: AccountSecret;
  }): Promise<AccountSummary> {
    const rec = await accounts.store.add(input);
    // A renamed portal: the account whose sign-in was lost to its move here (same user) hands its
    // waiting changes and reminders to this one and goes; they are sent below, once it loads.
    for (const { id: oldId } of accounts.store.summaries()) {
      if (oldId === rec.id || accounts.store.get(oldId)?.userId !== rec.userId) continue;
      if ((await movedAddressOf(oldId)) !== rec.origin) continue;
      queue.moveAccount(oldId, rec.id);
      snoozes.moveAccount(oldId, rec.id);
      signOut(oldId);
    }
    const r = runtime(rec.id);
    r.client = null; // a new secret: rebuild the client
    r.lastError = null;
    queue.release(rec.id);
    poller.remove(rec.id);
    if (lifecycle.started()) poller.add(rec.id);
    push();
    try {
      await loadAccount(rec.id);
    } catch (err) {
      // Signed in all the same; the list shows the problem and the poller retries.
      failed(rec.id, err);
    }
    return accounts.store.summary(rec.id);
  }

  /**
   * Where the account's portal moved: learnt when its requests met the redirect in this run, else,
   * while it waits for a sign-in, asked of its old address now (a run before learnt it and kept no
   * note of it): a REST method's address with nothing of the sign-in, not followed (client.ts
   * newAddressOf). Not kept: only a request of the account's own says where it went for good.
   * At most {@link MOVE_PROBE_TIMEOUT_MS}: the sign-in waits for it, and the old address of an
   * account that merely lost its sign-in (the same user id on another portal) may not answer.
   */
  async function movedAddressOf(id: string): Promise<string | undefined> {
    const known = runtime(id).movedTo;
    const rec = accounts.store.get(id);
    if (known !== undefined || rec?.status !== 'needs-sign-in') return known;
    return newAddressOf(`${rec.origin}/rest/profile.json`, {
      fetch: deps.fetch,
      userAgent: userAgentFor(deps.version),
      timeoutMs: Math.min(options.timeoutMs ?? MOVE_PROBE_TIMEOUT_MS, MOVE_PROBE_TIMEOUT_MS),
    });
  }

  async function signInWithWebhook(url: string): Promise<AccountSummary> {
    const parsed = parseWebhookUrl(url);
    const { webhook, profile } = await verifyWebhook(url, {
      fetch: deps.fetch,
      clock,
      logger,
      limiter: limiterFor(parsed.origin),
      userAgent: userAgentFor(deps.version),
      timeoutMs: options.timeoutMs,
    });
    return addSignedIn({
      kind: 'webhook',
      origin: webhook.origin,
      userId: profile.userId,
      userName: profile.userName,
      secret: { kind: 'webhook', url: webhook.restBase },
    });
  }

  async function startOAuth(input: OAuthStartInput): Promise<OAuthStartResult> {
    oauthFlow?.cancel();
    oauthFlow = null;
    const origin = normalizePortalUrl(input.portal);
    const flow = await startOAuthFlow({
      portal: origin,
      clientId: input.clientId,
      clientSecret: input.clientSecret,
      port: ctx.settings().oauthRedirectPort,
      lang: ctx.lang(),
      fetch: deps.fetch,
      clock,
      logger,
      timeoutMs: options.oauthTimeoutMs,
    });
    oauthFlow = flow;
    flow.result.then(
      async (tokens) => {
        if (oauthFlow === flow) oauthFlow = null;
        try {
          const secret: Extract<AccountSecret, { kind: 'oauth' }> = {
            kind: 'oauth',
            clientId: input.clientId,
            clientSecret: input.clientSecret,
            accessToken: tokens.accessToken,
            refreshToken: tokens.refreshToken,
            expiresAt: tokens.expiresAt,
            clientEndpoint: tokens.clientEndpoint,
            serverEndpoint: tokens.serverEndpoint,
            memberId: tokens.memberId,
          };
          // Who signed in: `profile` works with any scope.
          const probe = accounts.probeClient(
            { origin, portal: new URL(origin).hostname, userId: tokens.userId },
            secret,
          );
          const p = (await probe.call<Record<string, unknown>>('profile', {}, { retries: 1 })) ?? {};
          const userId = Number(p['ID']) || tokens.userId;
          const userName =
            [p['NAME'], p['LAST_NAME']]
              .filter((s) => typeof s === 'string' && s)
              .join(' ')
              .trim() || `User ${userId}`;
          const account = await addSignedIn({ kind: 'oauth', origin, userId, userName, secret });
          emit('oauthDone', { account });
        } catch (err) {
          const e = toAppError(err);
          addNotice({ level: 'error', code: e.code, message: explainSignIn(e.code, ctx.lang(), e.movedTo) });
          emit('oauthDone', { account: null });
        }
      },
      (err) => {
        if (oauthFlow === flow) oauthFlow = null;
        const e = toAppError(err);
        // A cancel the user asked for is not an error worth a notice.
        if (!(e.code === 'OAUTH_DENIED' && cancelled.has(flow))) {
          addNotice({ level: 'error', code: e.code, message: explainSignIn(e.code, ctx.lang(), e.movedTo) });
        }
        emit('oauthDone', { account: null });
      },
    );
    try {
      await deps.opener.openExternal(flow.authorizeUrl);
    } catch (err) {
      logger.warn('Could not open the browser for sign-in', { error: String(err) });
    }
    return { authorizeUrl: flow.authorizeUrl, redirectUrl: flow.redirectUrl };
  }
  const cancelled = new WeakSet<OAuthFlow>();

  function cancelOAuth(): void {
    if (!oauthFlow) return;
    cancelled.add(oauthFlow);
    oauthFlow.cancel();
    oauthFlow = null;
  }

  function signOut(accountId: string): void {
    poller.remove(accountId);
    queue.removeAccount(accountId);
    accounts.store.remove(accountId);
    accounts.forget(accountId);
    snoozes.removeAccount(accountId);
    pinned.remove(accountId);
    ctx.notices.dropAccount(accountId);
    push();
  }

  return { signInWithWebhook, startOAuth, cancelOAuth, signOut };
}
