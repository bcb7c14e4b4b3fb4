/**
 * Webhook sign-in, the OAuth code flow and token renewal against the fake
 * portal over real HTTP on 127.0.0.1.
 */
import { createServer, request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { explain, type ErrorCode } from '../../../src/shared/errors';
import { startOAuthFlow } from '../../../src/main/core/auth/oauth-flow';
import { oauthAuth, redirectUrlFor, type OAuthTokens } from '../../../src/main/core/auth/oauth';
import { parseWebhookUrl, verifyWebhook } from '../../../src/main/core/auth/webhook';
import { createBitrixClient } from '../../../src/main/core/bitrix/client';
import { BitrixError } from '../../../src/main/core/bitrix/types';
import type { FetchLike } from '../../../src/main/core/ports';
import {
  startFakePortal,
  generateDialogs,
  type FakePortal,
  type FakeTokenResponse,
} from '../../../dev/fake-portal/server';
import { freePort } from '../../support/free-port';

let portal: FakePortal;

async function failure(p: Promise<unknown>): Promise<BitrixError> {
  try {
    await p;
  } catch (e) {
    expect(e).toBeInstanceOf(BitrixError);
    return e as BitrixError;
  }
  throw new Error('expected a BitrixError');
}

function expectNoSecret(e: unknown, ...secrets: string[]): void {
  const err = e as Error;
  for (const s of secrets) {
    expect(String(err)).not.toContain(s);
    expect(err.stack ?? '').not.toContain(s);
    expect(JSON.stringify(err)).not.toContain(s);
  }
}

function toTokens(t: FakeTokenResponse, now = Date.now()): OAuthTokens {
  return {
    accessToken: t.access_token,
    refreshToken: t.refresh_token,
    expiresAt: now + t.expires_in * 1000,
    clientEndpoint: t.client_endpoint,
    serverEndpoint: t.server_endpoint,
    memberId: t.member_id,
    userId: t.user_id,
    domain: '127.0.0.1',
    scope: t.scope,
  };
}

beforeEach(async () => {
  portal = await startFakePortal({ seed: generateDialogs(6, { pinned: 2 }), rateLimit: false });
});
afterEach(async () => {
  await portal.close();
});

describe('verifyWebhook', () => {
  it('signs in with a pasted URL (even with a method name on it) and reports who the user is', async () => {
    const { webhook, profile } = await verifyWebhook(`  ${portal.webhookUrl}profile.json `);
    expect(webhook.restBase).toBe(portal.webhookUrl);
    expect(profile).toEqual({ userId: 1, userName: 'Алексей Петров' });
    expect(portal.calls.map((c) => c.method)).toEqual(['profile', 'im.counters.get']);
  });

  it('rejects a malformed URL before any request', async () => {
    const e = await failure(verifyWebhook(`${portal.url}/rest/abc/short/`));
    expect(e.code).toBe('INVALID_WEBHOOK_URL');
    expect(portal.calls).toHaveLength(0);
  });

  it('a revoked or mistyped webhook is NO_AUTH_FOUND, with no code in the error', async () => {
    const { code } = parseWebhookUrl(portal.webhookUrl);
    portal.revokeWebhook();
    const e = await failure(verifyWebhook(portal.webhookUrl));
    expect(e.code).toBe('NO_AUTH_FOUND');
    expect(e.message).toBe(explain('NO_AUTH_FOUND'));
    expectNoSecret(e, code);
    const wrong = portal.webhookUrl.replace(code, 'zzzzzzzzzzzzzzzz');
    const e2 = await failure(verifyWebhook(wrong));
    expect(e2.code).toBe('NO_AUTH_FOUND');
    expectNoSecret(e2, 'zzzzzzzzzzzzzzzz');
  });

  it('a webhook without the im scope is insufficient_scope, with its actionable message', async () => {
    await portal.close();
    portal = await startFakePortal({
      webhook: { userId: 3, code: 'noimscope1234567', scope: ['user'] },
      rateLimit: false,
    });
    const e = await failure(verifyWebhook(portal.webhookUrl));
    expect(e.code).toBe('insufficient_scope');
    expect(e.message).toContain('"im"');
  });
});

describe('startOAuthFlow', () => {
  it('answers the browser in the app language', async () => {
    const port = await freePort();
    portal.setOAuthRedirectUri(redirectUrlFor(port));
    const flow = await startOAuthFlow({
      portal: portal.url,
      clientId: portal.oauth.clientId,
      clientSecret: portal.oauth.clientSecret,
      port,
      lang: 'ru',
    });
    const r1 = await fetch(flow.authorizeUrl, { redirect: 'manual' });
    const html = await (await fetch(r1.headers.get('location')!)).text();
    expect(html).toContain('<html lang="ru">');
    expect(html).toContain('Вход выполнен');
    expect(html).toContain('Эту вкладку можно закрыть.');
    await flow.result;
  });

  it('runs the whole code flow through a one-shot loopback listener', async () => {
    const port = await freePort();
    portal.setOAuthRedirectUri(redirectUrlFor(port));
    const flow = await startOAuthFlow({
      portal: portal.url,
      clientId: portal.oauth.clientId,
      clientSecret: portal.oauth.clientSecret,
      port,
    });
    expect(flow.redirectUrl).toBe(`http://127.0.0.1:${port}/oauth/callback`);
    const authorize = new URL(flow.authorizeUrl);
    expect(authorize.origin + authorize.pathname).toBe(portal.oauth.authorizeUrl);
    expect(authorize.searchParams.get('client_id')).toBe(portal.oauth.clientId);
    expect(authorize.searchParams.get('state')).toMatch(/^[0-9a-f]{32}$/);
    expect(flow.authorizeUrl).not.toContain(portal.oauth.clientSecret);

    // The browser: the portal redirects to our listener, which answers once.
    const fav = await fetch(`http://127.0.0.1:${port}/favicon.ico`);
    expect(fav.status).toBe(404);
    const r1 = await fetch(flow.authorizeUrl, { redirect: 'manual' });
    expect(r1.status).toBe(302);
    const callback = r1.headers.get('location')!;
    const page = await fetch(callback);
    const html = await page.text();
    expect(page.status).toBe(200);
    expect(html).toContain('You can close this tab');
    const authCode = new URL(callback).searchParams.get('code')!;
    expect(html).not.toContain(authCode);
    expect(html).not.toContain(portal.oauth.clientSecret);

    const tokens = await flow.result;
    expect(tokens.clientEndpoint).toBe(`${portal.url}/rest/`);
    expect(tokens.serverEndpoint).toBe(`${portal.url}/rest/`);
    expect(tokens.memberId).toBe(portal.memberId);
    expect(tokens.userId).toBe(1);
    expect(tokens.domain).toBe('127.0.0.1');
    expect(tokens.expiresAt).toBeGreaterThan(Date.now() + 3_500_000);
    const exchange = portal.callsTo('oauth/token');
    expect(exchange).toHaveLength(1);
    expect(exchange[0]!.params).toMatchObject({ grant_type: 'authorization_code', code: authCode });

    // One shot: the listener is gone.
    await expect(fetch(callback)).rejects.toThrow();

    // The tokens work.
    const auth = oauthAuth({
      origin: portal.url,
      clientId: portal.oauth.clientId,
      clientSecret: portal.oauth.clientSecret,
      tokens,
      onTokens: () => {},
      onLost: () => {},
    });
    const profile = await createBitrixClient({ auth }).call<{ ID: string }>('profile');
    expect(profile.ID).toBe('1');
    expect(portal.callsTo('profile')[0]!.via).toBe('oauth');
  });

  // Issue 12 replaces the old behaviour (a wrong state ended the flow with OAUTH_STATE_MISMATCH):
  // any web page could then cancel a sign-in in progress by requesting the callback.
  it('answers a wrong or missing state, or a foreign Host, with 404 and keeps waiting for the real callback', async () => {
    const port = await freePort();
    portal.setOAuthRedirectUri(redirectUrlFor(port));
    const flow = await startOAuthFlow({
      portal: portal.url,
      clientId: portal.oauth.clientId,
      clientSecret: portal.oauth.clientSecret,
      port,
    });
    const state = new URL(flow.authorizeUrl).searchParams.get('state')!;
    let settled = false;
    void flow.result.then(
      () => (settled = true),
      () => (settled = true),
    );
    for (const qs of [`code=${portal.issueAuthCode()}&state=forged`, `code=abc`, `error=access_denied`, `state=`]) {
      const page = await fetch(`${flow.redirectUrl}?${qs}`);
      expect(page.status, qs).toBe(404);
    }
    // DNS rebinding: the right state, but from a page on another name that resolves to 127.0.0.1.
    const rebound = await new Promise<number>((ok, fail) => {
      const req = httpRequest(
        {
          host: '127.0.0.1',
          port,
          path: `/oauth/callback?error=access_denied&state=${state}`,
          headers: { host: `evil.example:${port}` },
        },
        (res) => {
          res.resume();
          ok(res.statusCode ?? 0);
        },
      );
      req.on('error', fail);
      req.end();
    });
    expect(rebound).toBe(404);
    expect(portal.callsTo('oauth/token')).toHaveLength(0);
    expect(settled).toBe(false);

    // The real redirect still signs in (localhost:PORT is as good as 127.0.0.1:PORT).
    const r1 = await fetch(flow.authorizeUrl, { redirect: 'manual' });
    const callback = new URL(r1.headers.get('location')!);
    callback.hostname = 'localhost';
    const page = await fetch(callback);
    expect(page.status).toBe(200);
    expect((await flow.result).memberId).toBe(portal.memberId);
  });

  it('access_denied in the browser is OAUTH_DENIED', async () => {
    const port = await freePort();
    const flow = await startOAuthFlow({ portal: portal.url, clientId: 'local.x', clientSecret: 'sec', port });
    const state = new URL(flow.authorizeUrl).searchParams.get('state')!;
    await fetch(`${flow.redirectUrl}?error=access_denied&state=${state}`);
    expect((await failure(flow.result)).code).toBe('OAUTH_DENIED');
  });

  it('times out with OAUTH_TIMEOUT and frees the port', async () => {
    const port = await freePort();
    const flow = await startOAuthFlow({
      portal: portal.url,
      clientId: 'local.x',
      clientSecret: 'sec',
      port,
      timeoutMs: 50,
    });
    expect((await failure(flow.result)).code).toBe('OAUTH_TIMEOUT');
    const again = await startOAuthFlow({ portal: portal.url, clientId: 'local.x', clientSecret: 'sec', port });
    again.cancel();
    expect((await failure(again.result)).code).toBe('OAUTH_DENIED');
  });

  it('a taken port is PORT_IN_USE', async () => {
    const blocker: Server = createServer();
    await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', r));
    const { port } = blocker.address() as AddressInfo;
    try {
      const e = await failure(startOAuthFlow({ portal: portal.url, clientId: 'local.x', clientSecret: 'sec', port }));
      expect(e.code).toBe('PORT_IN_USE');
    } finally {
      await new Promise((r) => blocker.close(r));
    }
  });

  it('a wrong client secret fails the exchange with invalid_client, never showing the secret', async () => {
    const port = await freePort();
    const secret = 'wrongsecret0123456789';
    const flow = await startOAuthFlow({
      portal: portal.url,
      clientId: portal.oauth.clientId,
      clientSecret: secret,
      port,
    });
    const state = new URL(flow.authorizeUrl).searchParams.get('state')!;
    await fetch(`${flow.redirectUrl}?code=${portal.issueAuthCode()}&state=${state}`);
    const e = await failure(flow.result);
    expect(e.code).toBe('invalid_client');
    expectNoSecret(e, secret);
  });

  it('rejects bad input before listening', async () => {
    const base = { portal: portal.url, clientId: 'local.x', clientSecret: 'sec', port: 1 };
    expect((await failure(startOAuthFlow({ ...base, portal: 'http://acme.bitrix24.ru' }))).code).toBe('INSECURE_URL');
    expect((await failure(startOAuthFlow({ ...base, clientId: '' }))).code).toBe('INVALID_ARGUMENT');
    expect((await failure(startOAuthFlow({ ...base, port: 70000 }))).code).toBe('INVALID_ARGUMENT');
  });
});

describe('oauthAuth: renewal', () => {
  function setup(
    opts: { onTokens?: (t: OAuthTokens) => void | Promise<void>; tokens?: OAuthTokens; fetch?: FetchLike } = {},
  ) {
    const persisted: OAuthTokens[] = [];
    const lost: ErrorCode[] = [];
    const auth = oauthAuth({
      origin: portal.url,
      clientId: portal.oauth.clientId,
      clientSecret: portal.oauth.clientSecret,
      tokens: opts.tokens ?? toTokens(portal.issueTokens()),
      fetch: opts.fetch,
      onTokens: async (t) => {
        await opts.onTokens?.(t);
        persisted.push(t);
      },
      onLost: (code) => lost.push(code),
    });
    const client = createBitrixClient({ auth, fetch: opts.fetch, baseBackoffMs: 10, maxBackoffMs: 20 });
    return { auth, client, persisted, lost };
  }

  it('20 concurrent calls across an expiry cause exactly one refresh', async () => {
    const { auth, client, persisted } = setup();
    const before = auth.tokens();
    await client.call('profile');
    portal.expireAccessTokens();
    const results = await Promise.all(Array.from({ length: 20 }, () => client.call<{ ID: string }>('profile')));
    expect(results.every((r) => r.ID === '1')).toBe(true);
    expect(portal.refreshCount()).toBe(1);
    expect(portal.callsTo('oauth/token')).toHaveLength(1);
    expect(persisted).toHaveLength(1);
    // Rotated: the new pair is in use and was the one persisted.
    expect(auth.tokens().refreshToken).not.toBe(before.refreshToken);
    expect(auth.tokens()).toEqual(persisted[0]);
    expect(portal.callsTo('profile').filter((c) => c.errorCode === 'expired_token').length).toBeGreaterThan(0);
  });

  it('invalid_token is renewed the same way', async () => {
    const { client } = setup();
    portal.inject({ kind: 'error', code: 'invalid_token', status: 401, method: 'profile' });
    await client.call('profile');
    expect(portal.refreshCount()).toBe(1);
  });

  it('the rotated pair is persisted (awaited) before any call uses the new access token', async () => {
    let persistedAt = 0;
    const newTokenSentAt: number[] = [];
    let initial = '';
    const spy: FetchLike = async (input, init) => {
      // The client sends its JSON as bytes.
      if (String(input).includes('/rest/') && init?.body instanceof Uint8Array) {
        const auth = (JSON.parse(new TextDecoder().decode(init.body)) as { auth?: string }).auth;
        if (auth && auth !== initial) newTokenSentAt.push(Date.now());
      }
      return fetch(input, init);
    };
    const tokens = toTokens(portal.issueTokens());
    initial = tokens.accessToken;
    const { client } = setup({
      tokens,
      fetch: spy,
      onTokens: async () => {
        await new Promise((r) => setTimeout(r, 150));
        persistedAt = Date.now();
      },
    });
    portal.expireAccessTokens();
    const first = Array.from({ length: 5 }, () => client.call('profile'));
    // More calls start while the new pair is being persisted.
    await new Promise((r) => setTimeout(r, 60));
    const second = Array.from({ length: 5 }, () => client.call('profile'));
    await Promise.all([...first, ...second]);
    expect(persistedAt).toBeGreaterThan(0);
    expect(newTokenSentAt).toHaveLength(10);
    expect(newTokenSentAt.every((t) => t >= persistedAt)).toBe(true);
  });

  it('invalid_grant signs out cleanly: onLost once, SIGN_IN_EXPIRED, no more refresh attempts', async () => {
    const { client, lost } = setup();
    portal.revokeRefreshTokens();
    portal.expireAccessTokens();
    const errors = await Promise.all(Array.from({ length: 5 }, () => failure(client.call('profile'))));
    expect(errors.every((e) => e.code === 'SIGN_IN_EXPIRED')).toBe(true);
    expect(lost).toEqual(['invalid_grant']);
    expect(portal.callsTo('oauth/token')).toHaveLength(1);
    await failure(client.call('profile'));
    expect(portal.callsTo('oauth/token')).toHaveLength(1);
    for (const e of errors) expectNoSecret(e, portal.oauth.clientSecret);
  });

  it('a token server that cannot be reached does not sign out: the call is retried', async () => {
    const { client, lost } = setup();
    portal.expireAccessTokens();
    portal.inject({ kind: 'reset', method: 'oauth/token' });
    const profile = await client.call<{ ID: string }>('profile');
    expect(profile.ID).toBe('1');
    expect(lost).toEqual([]);
    expect(portal.refreshCount()).toBe(1);
  });

  it('refreshes once up front when expiresAt has passed, so no call goes out with a dead token', async () => {
    const tokens = { ...toTokens(portal.issueTokens()), expiresAt: Date.now() - 1000 };
    portal.expireAccessTokens();
    const { client } = setup({ tokens });
    await Promise.all([client.call('profile'), client.call('im.counters.get')]);
    expect(portal.refreshCount()).toBe(1);
    expect(portal.calls.filter((c) => c.errorCode === 'expired_token')).toHaveLength(0);
  });
});
