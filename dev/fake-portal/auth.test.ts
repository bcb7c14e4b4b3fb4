import { afterEach, describe, expect, it } from 'vitest';
import { startFakePortal, type FakePortal, type FakeTokenResponse } from './server';
import { answer, get, postForm, postJson, resultOf } from './test-helpers';

let portal: FakePortal | undefined;
afterEach(async () => {
  await portal?.close();
  portal = undefined;
});

const CLIENT = { clientId: 'local.6543210fedcba.12345678', clientSecret: 'secret-of-the-app' };

/** A portal with a controllable clock. */
async function start(
  extra: Parameters<typeof startFakePortal>[0] = {},
): Promise<{ p: FakePortal; clock: { t: number } }> {
  const clock = { t: Date.UTC(2026, 1, 25, 9, 0, 0) };
  portal = await startFakePortal({
    rateLimit: false,
    oauth: { ...CLIENT, accessTtlSec: 60 },
    now: () => clock.t,
    ...extra,
  });
  return { p: portal, clock };
}

function tokenQuery(params: Record<string, string>): Record<string, string> {
  return { client_id: CLIENT.clientId, client_secret: CLIENT.clientSecret, ...params };
}

describe('webhook authentication', () => {
  it('answers 401 NO_AUTH_FOUND for a wrong code or user id, and after the webhook is revoked', async () => {
    const { p } = await start({ webhook: { userId: 7, code: 'abc123' } });
    expect(p.webhookUrl).toBe(`${p.url}/rest/7/abc123/`);
    expect((await get(p.webhookUrl, 'profile')).status).toBe(200);
    for (const base of [`${p.url}/rest/7/wrong/`, `${p.url}/rest/8/abc123/`]) {
      const a = await get(base, 'profile');
      expect(a.status).toBe(401);
      expect(a.json).toEqual({ error: 'NO_AUTH_FOUND', error_description: 'Wrong authorization data' });
    }
    p.revokeWebhook();
    expect((await get(p.webhookUrl, 'profile')).json).toMatchObject({ error: 'NO_AUTH_FOUND' });
  });

  it('generates a random 16-character webhook code by default', async () => {
    portal = await startFakePortal({ rateLimit: false });
    expect(portal.webhookUrl).toMatch(new RegExp(`^${portal.url}/rest/1/[a-z0-9]{16}/$`));
  });

  it('refuses im.* methods with 403 insufficient_scope when the webhook lacks the im scope', async () => {
    const { p } = await start({ webhook: { userId: 1, code: 'noim', scope: ['crm'] } });
    const a = await postJson(p.webhookUrl, 'im.recent.list');
    expect(a.status).toBe(403);
    expect(a.json).toMatchObject({ error: 'insufficient_scope' });
    expect((await get(p.webhookUrl, 'profile')).status).toBe(200);
  });
});

describe('a renamed portal', () => {
  it('answers every /rest/ request 302 to the same path on its new address (b24phpsdk Core.php STATUS_FOUND)', async () => {
    const { p } = await start({ webhook: { userId: 7, code: 'abc123' } });
    p.moveTo('https://renamed.bitrix24.ru');
    const r = await fetch(`${p.webhookUrl}profile.json?x=1`, { redirect: 'manual' });
    expect(r.status).toBe(302);
    expect(r.headers.get('location')).toBe('https://renamed.bitrix24.ru/rest/7/abc123/profile.json?x=1');
    expect(p.calls.at(-1)).toMatchObject({ method: 'profile', status: 302 });
    p.moveTo(null);
    expect((await get(p.webhookUrl, 'profile')).status).toBe(200);
  });
});

describe('OAuth REST calls', () => {
  it('takes the access token from the query, a JSON body or a form body', async () => {
    const { p } = await start();
    const t = p.issueTokens();
    const base = `${p.url}/rest/`;
    expect(resultOf(await get(base, 'profile.json', { auth: t.access_token })).ID).toBe('1');
    expect(resultOf(await postJson(base, 'profile', { auth: t.access_token })).ID).toBe('1');
    expect(resultOf(await postForm(base, 'profile', `auth=${t.access_token}`)).ID).toBe('1');
    // b24jssdk posts to `${client_endpoint}/METHOD`, i.e. a double slash.
    expect(resultOf(await postJson(`${p.url}/rest//`, 'profile', { auth: t.access_token })).ID).toBe('1');
    expect(p.callsTo('profile').map((c) => c.via)).toEqual(['oauth', 'oauth', 'oauth', 'oauth']);
    // The token is not kept among the recorded parameters.
    expect(p.callsTo('profile').every((c) => !('auth' in c.params))).toBe(true);
  });

  it('answers 401 NO_AUTH_FOUND without or with an unknown token, 401 expired_token once expired', async () => {
    const { p, clock } = await start();
    const t = p.issueTokens();
    const base = `${p.url}/rest/`;
    expect((await get(base, 'profile')).json).toEqual({
      error: 'NO_AUTH_FOUND',
      error_description: 'Wrong authorization data',
    });
    expect((await get(base, 'profile', { auth: 'nope' })).status).toBe(401);
    clock.t += 59_000;
    expect((await get(base, 'profile', { auth: t.access_token })).status).toBe(200);
    clock.t += 1_000;
    const a = await get(base, 'profile', { auth: t.access_token });
    expect(a.status).toBe(401);
    expect(a.json).toMatchObject({ error: 'expired_token' });
  });

  it('expireAccessTokens() expires every token issued so far', async () => {
    const { p } = await start();
    const t = p.issueTokens();
    p.expireAccessTokens();
    expect((await get(`${p.url}/rest/`, 'profile', { auth: t.access_token })).json).toMatchObject({
      error: 'expired_token',
    });
  });
});

describe('OAuth token endpoint', () => {
  it('exchanges a code once for the documented token shape', async () => {
    const { p, clock } = await start();
    const code = p.issueAuthCode();
    const a = await get(p.url, '/oauth/token/', tokenQuery({ grant_type: 'authorization_code', code }));
    expect(a.status).toBe(200);
    const t = a.json as FakeTokenResponse;
    expect(Object.keys(t)).toEqual([
      'access_token',
      'client_endpoint',
      'domain',
      'expires',
      'expires_in',
      'member_id',
      'refresh_token',
      'scope',
      'server_endpoint',
      'status',
      'user_id',
    ]);
    expect(t).toMatchObject({
      client_endpoint: `${p.url}/rest/`,
      server_endpoint: `${p.url}/rest/`,
      expires_in: 60,
      expires: Math.floor(clock.t / 1000) + 60,
      scope: 'im',
      status: 'L',
      user_id: 1,
      member_id: p.memberId,
    });
    expect(t.access_token).toMatch(/^[a-z0-9]{32}$/);
    // Single use.
    const again = await get(p.url, '/oauth/token/', tokenQuery({ grant_type: 'authorization_code', code }));
    expect(again.status).toBe(400);
    expect(again.json).toMatchObject({ error: 'invalid_grant' });
  });

  it('refuses a code older than 30 s and a wrong client secret', async () => {
    const { p, clock } = await start();
    const old = p.issueAuthCode();
    clock.t += 30_001;
    expect(
      (await get(p.url, '/oauth/token/', tokenQuery({ grant_type: 'authorization_code', code: old }))).json,
    ).toMatchObject({ error: 'invalid_grant' });
    const code = p.issueAuthCode();
    const bad = await get(p.url, '/oauth/token/', {
      grant_type: 'authorization_code',
      client_id: CLIENT.clientId,
      client_secret: 'guess',
      code,
    });
    expect(bad.status).toBe(401);
    expect(bad.json).toMatchObject({ error: 'invalid_client' });
  });

  it('rotates refresh tokens: the old one dies once the new pair is issued', async () => {
    const { p } = await start();
    const first = p.issueTokens();
    const res = await fetch(p.oauth.tokenUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(tokenQuery({ grant_type: 'refresh_token', refresh_token: first.refresh_token })),
    });
    const second = (await answer(res)).json as FakeTokenResponse;
    expect(res.status).toBe(200);
    expect(second.refresh_token).not.toBe(first.refresh_token);
    expect(second.access_token).not.toBe(first.access_token);
    expect(p.refreshCount()).toBe(1);
    const reuse = await get(
      p.url,
      '/oauth/token/',
      tokenQuery({ grant_type: 'refresh_token', refresh_token: first.refresh_token }),
    );
    expect(reuse.status).toBe(400);
    expect(reuse.json).toMatchObject({ error: 'invalid_grant' });
    expect(p.refreshCount()).toBe(1);
    // The new access token works.
    expect((await get(`${p.url}/rest/`, 'profile', { auth: second.access_token })).status).toBe(200);
    p.revokeRefreshTokens();
    expect(
      (
        await get(
          p.url,
          '/oauth/token/',
          tokenQuery({ grant_type: 'refresh_token', refresh_token: second.refresh_token }),
        )
      ).json,
    ).toMatchObject({ error: 'invalid_grant' });
  });

  it('names the auth server as `domain` of the token answer, the portal only in the redirect (D:settings/oauth/index.md)', async () => {
    const { p } = await start({ oauth: { ...CLIENT, serverDomain: 'oauth.bitrix24.tech' } });
    const t = p.issueTokens();
    expect(t).toMatchObject({
      domain: 'oauth.bitrix24.tech',
      server_endpoint: 'https://oauth.bitrix24.tech/rest/',
      client_endpoint: `${p.url}/rest/`,
    });
  });

  it('a refresh token lives 180 days, then answers invalid_grant (D:settings/oauth/index.md)', async () => {
    const { p, clock } = await start();
    const day = 24 * 3600_000;
    const first = p.issueTokens();
    clock.t += 180 * day - 1;
    const next = await get(
      p.url,
      '/oauth/token/',
      tokenQuery({ grant_type: 'refresh_token', refresh_token: first.refresh_token }),
    );
    expect(next.status).toBe(200);
    const second = next.json as FakeTokenResponse;
    clock.t += 180 * day;
    const dead = await get(
      p.url,
      '/oauth/token/',
      tokenQuery({ grant_type: 'refresh_token', refresh_token: second.refresh_token }),
    );
    expect(dead.status).toBe(400);
    expect(dead.json).toMatchObject({ error: 'invalid_grant' });
  });

  it('answers invalid_request for a missing grant_type and invalid_client when the portal has no app', async () => {
    const { p } = await start();
    expect((await get(p.url, '/oauth/token/', tokenQuery({}))).json).toMatchObject({ error: 'invalid_request' });
    await p.close();
    portal = await startFakePortal({ oauth: false });
    const a = await get(portal.url, '/oauth/token/', { grant_type: 'refresh_token', refresh_token: 'x' });
    expect(a.json).toMatchObject({ error: 'invalid_client' });
  });
});

describe('OAuth authorize page', () => {
  it('redirects to the configured redirect URI with code, state, domain, member_id, scope, server_domain', async () => {
    const { p } = await start();
    p.setOAuthRedirectUri('http://127.0.0.1:45678/callback');
    const res = await fetch(`${p.oauth.authorizeUrl}?client_id=${CLIENT.clientId}&state=s%20t`, { redirect: 'manual' });
    expect(res.status).toBe(302);
    const loc = new URL(res.headers.get('location')!);
    expect(`${loc.origin}${loc.pathname}`).toBe('http://127.0.0.1:45678/callback');
    const host = new URL(p.url).host;
    expect(Object.fromEntries(loc.searchParams)).toMatchObject({
      state: 's t',
      domain: host,
      member_id: p.memberId,
      scope: 'im',
      server_domain: host,
    });
    const code = loc.searchParams.get('code')!;
    const tok = await get(p.url, '/oauth/token/', tokenQuery({ grant_type: 'authorization_code', code }));
    expect(tok.status).toBe(200);
  });

  it('shows the code on a page without a redirect URI, and an error page for an unknown client', async () => {
    const { p } = await start();
    const page = await answer(await fetch(`${p.oauth.authorizeUrl}?client_id=${CLIENT.clientId}`));
    expect(page.status).toBe(200);
    expect(page.type).toContain('text/html');
    const code = /<code id="code">([a-z0-9]+)<\/code>/.exec(page.text)?.[1];
    expect(code).toBeDefined();
    expect(
      (await get(p.url, '/oauth/token/', tokenQuery({ grant_type: 'authorization_code', code: code! }))).status,
    ).toBe(200);
    const bad = await fetch(`${p.oauth.authorizeUrl}?client_id=local.other`, { redirect: 'manual' });
    expect(bad.status).toBe(400);
    expect(bad.headers.get('location')).toBeNull();
  });
});
