/**
 * OAuth sign-in through the core, end to end: the browser is a fetch that
 * follows the portal's redirect to the core's loopback listener.
 */
import { afterEach, describe, expect, it, onTestFinished } from 'vitest';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { startFakePortal, generateDialogs, type FakePortal } from '../../dev/fake-portal/server';
import type { AccountSummary } from '../../src/shared/types';
import { createAccountStore } from '../../src/main/core/storage/accounts';
import { deliveredUnread, makeCore, type Harness } from './harness';
import { freePort } from '../support/free-port';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { randomBytes } from 'node:crypto';
import { createAesSecretBox } from '../../dev/aes-secret-box';
import { createConfStore } from '../../src/main/core/storage/store';
import type { FetchLike } from '../../src/main/core/ports';
import { gatedSecretBox } from '../support/gated-secret-box';
import { until } from '../support/wait';
import { flush } from '../support/fake-clock';

const portals: FakePortal[] = [];
const cores: Harness[] = [];
afterEach(async () => {
  for (const h of cores.splice(0)) await h.core.stop();
  for (const p of portals.splice(0)) await p.close();
});

async function oauthSetup(more: Pick<Parameters<typeof makeCore>[0] & object, 'secretBox' | 'fetch'> = {}) {
  const port = await freePort();
  const p = await startFakePortal({
    seed: generateDialogs(40, { pinned: 20 }),
    rateLimit: false,
    oauth: {
      clientId: 'local.abc123.def456',
      clientSecret: 'Sup3rS3cretClientValue',
      redirectUri: `http://127.0.0.1:${port}/oauth/callback`,
    },
  });
  portals.push(p);
  // The "browser": follows /oauth/authorize/ → 302 → the core's loopback listener.
  const h = makeCore({ openExternal: async (url) => void (await fetch(url)).text(), ...more });
  cores.push(h);
  const set = await h.core.dispatch('updateSettings', [{ oauthRedirectPort: port }]);
  expect(set.ok).toBe(true);
  const done: (AccountSummary | null)[] = [];
  h.core.on('oauthDone', (e) => done.push(e.account));
  /** Signs in through the browser flow; resolves with the account's id once its 20 pinned dialogs are shown. */
  const signIn = async (): Promise<string> => {
    const before = done.length;
    await h.core.dispatch('startOAuth', [
      { portal: p.url, clientId: p.oauth.clientId, clientSecret: p.oauth.clientSecret },
    ]);
    await until(() => done.length > before && h.core.state().dialogs.length === 20, 10_000, 'sign-in');
    return done.at(-1)!.id;
  };
  return { p, h, signIn };
}

describe('OAuth sign-in through the core', () => {
  it('signs in with a local application, then survives an access token expiring mid-burst with one refresh', async () => {
    const { p, h } = await oauthSetup();
    const done: (AccountSummary | null)[] = [];
    h.core.on('oauthDone', (e) => done.push(e.account));
    const r = await h.core.dispatch('startOAuth', [
      { portal: p.url, clientId: p.oauth.clientId, clientSecret: p.oauth.clientSecret },
    ]);
    expect(r).toMatchObject({ ok: true, data: { redirectUrl: expect.stringContaining('/oauth/callback') } });
    await until(() => done.length === 1, 10_000, 'oauthDone');
    const account = done[0]!;
    expect(account).toMatchObject({ kind: 'oauth', origin: p.url, status: 'ok' });
    await until(() => h.core.state().dialogs.length === 20, 5_000, 'the pinned list');

    p.expireAccessTokens();
    p.resetCalls();
    const ids = h.core.state().dialogs.map((d) => d.dialogId);
    for (const id of ids) await h.core.dispatch('setUnread', [account.id, id, true]);
    await until(() => h.core.state().pendingActions === 0, 10_000, 'the queue to drain');
    expect(p.refreshCount()).toBe(1);
    expect(deliveredUnread(p).sort()).toEqual(ids.map((id) => `${id}:Y`).sort());

    // Neither the client secret nor any token (old or rotated) sits in a file the app wrote.
    const reopened = createAccountStore({
      store: h.deps.store,
      secretBox: h.deps.secretBox,
      memoryOnly: () => false,
    });
    await reopened.open();
    const secret = reopened.secret(account.id);
    expect(secret).toMatchObject({ kind: 'oauth' });
    const oldRefresh = p.calls.find((c) => c.method === 'oauth/token')?.params['refresh_token'];
    expect(typeof oldRefresh).toBe('string');
    const needles = [p.oauth.clientSecret, oldRefresh as string];
    if (secret?.kind === 'oauth') needles.push(secret.accessToken, secret.refreshToken);
    for (const f of readdirSync(h.dir)) {
      const text = readFileSync(join(h.dir, f), 'utf8');
      for (const n of needles) expect(text).not.toContain(n);
    }
  });

  it('a slow keyring: the rotated pair is on disk before any call uses it, so a crash from then on restarts with a refresh token the portal accepts', async () => {
    const key = randomBytes(32);
    const gate = gatedSecretBox(createAesSecretBox(key));
    // The store file as it was at the moment of each request (a crash right then leaves exactly this).
    const sent: { body: string; file: string }[] = [];
    let storePath = '';
    const watching: FetchLike = (input, init) => {
      // The REST client sends its JSON as bytes; the token endpoint gets a form (a string).
      const body = init?.body instanceof Uint8Array ? new TextDecoder().decode(init.body) : String(init?.body ?? '');
      if (storePath) sent.push({ body, file: readFileSync(storePath, 'utf8') });
      return globalThis.fetch(input, init);
    };
    const { p, h, signIn } = await oauthSetup({ secretBox: gate.box, fetch: watching });
    storePath = h.deps.store.path;
    const acc = await signIn();

    p.expireAccessTokens();
    gate.hold();
    const id = h.core.state().dialogs[0]!.dialogId;
    const toggled = h.core.dispatch('setUnread', [acc, id, true]);
    await until(() => gate.waiting === 1, 10_000, 'the rotated pair to be encrypting');
    expect(p.refreshCount()).toBe(1);
    gate.open();
    await toggled;
    await until(() => h.core.state().pendingActions === 0, 10_000, 'the toggle to be delivered');
    expect(deliveredUnread(p)).toEqual([`${id}:Y`]);

    // The rotated pair, as this process holds it.
    const live = createAccountStore({
      store: h.deps.store,
      secretBox: createAesSecretBox(key),
      memoryOnly: () => false,
    });
    await live.open();
    const rotated = live.secret(acc);
    if (rotated?.kind !== 'oauth') throw new Error('expected the OAuth secret');

    // Crash at the first request that relies on the rotated access token: restart over the file as it was then.
    const first = sent.find((s) => s.body.includes(rotated.accessToken));
    expect(first, 'a request with the rotated access token').toBeDefined();
    const crashDir = mkdtempSync(join(tmpdir(), 'b24-crash-'));
    onTestFinished(() => rmSync(crashDir, { recursive: true, force: true }));
    writeFileSync(join(crashDir, 'config.json'), first!.file);
    const afterCrash = createAccountStore({
      store: createConfStore(crashDir),
      secretBox: createAesSecretBox(key),
      memoryOnly: () => false,
    });
    await afterCrash.open();
    expect(afterCrash.summary(acc).status).toBe('ok');
    const restored = afterCrash.secret(acc);
    expect(restored).toMatchObject({ refreshToken: rotated.refreshToken });
    // ...and the portal accepts it (the old one is spent: rotation).
    const grant = new URLSearchParams({
      grant_type: 'refresh_token',
      client_id: p.oauth.clientId,
      client_secret: p.oauth.clientSecret,
      refresh_token: rotated.refreshToken,
    });
    const res = await fetch(`${p.url}/oauth/token/?${grant.toString()}`);
    expect(((await res.json()) as { access_token?: string }).access_token).toEqual(expect.any(String));
  });

  it('a revoked refresh token signs the account out cleanly and keeps its queue', async () => {
    const { p, h, signIn } = await oauthSetup();
    const acc = await signIn();
    p.revokeRefreshTokens();
    p.expireAccessTokens();
    const id = h.core.state().dialogs[0]!.dialogId;
    await h.core.dispatch('setUnread', [acc, id, true]);
    await until(() => h.core.state().accounts[0]!.status === 'needs-sign-in', 5_000, 'needs-sign-in');
    expect(h.core.queue.all()).toMatchObject([{ accountId: acc, dialogId: id, unread: true }]);
    expect(deliveredUnread(p)).toEqual([]);

    // Signing in again (same portal, same user) is the same account: the kept intent goes out.
    expect(await signIn()).toBe(acc);
    await until(() => h.core.state().pendingActions === 0, 5_000, 'the kept intent to go out');
    expect(deliveredUnread(p)).toEqual([`${id}:Y`]);
    expect(h.core.state().accounts).toMatchObject([{ id: acc, status: 'ok' }]);
  });

  it('a refresh still out when the account signs out and in again writes nothing over the new sign-in', async () => {
    const { p, h, signIn } = await oauthSetup();
    const acc = await signIn();
    const stored = async () => {
      const reopened = createAccountStore({
        store: h.deps.store,
        secretBox: h.deps.secretBox,
        memoryOnly: () => false,
      });
      await reopened.open();
      const s = reopened.secret(acc);
      return s?.kind === 'oauth' ? s.refreshToken : null;
    };
    // The old sign-in's client renews an expired token; the token server holds that answer.
    p.expireAccessTokens();
    p.inject({ kind: 'delay', ms: 1_500, method: 'oauth/token' });
    void h.core.dispatch('setUnread', [acc, h.core.state().dialogs[0]!.dialogId, true]);
    await until(() => p.inFlightRequests() > 0, 5_000, 'the refresh to be out');

    // Signed out and in again (the same portal and user: the same account) while it is out.
    expect((await h.core.dispatch('signOut', [acc])).ok).toBe(true);
    expect(await signIn()).toBe(acc);
    expect(p.inFlightRequests()).toBe(1); // the old refresh, still held
    const mine = await stored();
    expect(mine).toEqual(expect.any(String));

    // The old refresh answers: its pair belongs to a sign-in that is gone, and is not stored.
    await p.idle();
    await flush();
    expect(p.refreshCount()).toBe(1);
    expect(await stored()).toBe(mine);
    expect(h.core.state().accounts).toMatchObject([{ id: acc, status: 'ok' }]);
  });

  it('a refresh still out when the account signs out and in again, then refused, leaves the new sign-in signed in', async () => {
    const { p, h, signIn } = await oauthSetup();
    const acc = await signIn();
    p.expireAccessTokens();
    p.inject({ kind: 'delay', ms: 1_500, method: 'oauth/token' });
    void h.core.dispatch('setUnread', [acc, h.core.state().dialogs[0]!.dialogId, true]);
    await until(() => p.inFlightRequests() > 0, 5_000, 'the refresh to be out');
    // The old pair is revoked before the new sign-in: the held refresh will be refused (invalid_grant).
    p.revokeRefreshTokens();
    expect((await h.core.dispatch('signOut', [acc])).ok).toBe(true);
    expect(await signIn()).toBe(acc);
    expect(p.inFlightRequests()).toBe(1); // the old refresh, still held

    await p.idle();
    await flush();
    expect(p.calls.filter((c) => c.method === 'oauth/token').map((c) => c.status)).toContain(400);
    expect(h.core.state().accounts).toMatchObject([{ id: acc, status: 'ok' }]);
    expect(h.core.state().notices).toEqual([]);
  });

  it('the token server refusing a refresh with PAYMENT_REQUIRED during "Mark all read" keeps every toggle and asks to sign in again', async () => {
    const { p, h, signIn } = await oauthSetup();
    const acc = await signIn();
    const ids = h.core.state().dialogs.map((d) => d.dialogId);
    p.expireAccessTokens();
    // D:settings/oauth/auto-renewal.md: the paid period ended or the application was removed from the portal.
    p.inject({
      kind: 'error',
      method: 'oauth/token',
      code: 'PAYMENT_REQUIRED',
      status: 400,
      description: 'Payment required',
    });
    p.resetCalls();
    await h.core.dispatch('setUnreadMany', [ids.map((dialogId) => ({ accountId: acc, dialogId })), true]);
    await until(() => h.core.state().accounts[0]!.status === 'needs-sign-in', 5_000, 'needs-sign-in');
    expect(h.core.queue.size()).toBe(20);
    // One refresh asked, no second one from the next chunk.
    expect(p.callsTo('oauth/token')).toHaveLength(1);
    const s = h.core.state();
    expect(s.notices.filter((n) => n.dialogId !== undefined)).toEqual([]);
    expect(s.notices).toMatchObject([{ code: 'PAYMENT_REQUIRED', accountId: acc }]);

    await signIn();
    await until(() => h.core.state().pendingActions === 0, 10_000, 'the kept toggles to go out');
    expect(new Set(deliveredUnread(p))).toEqual(new Set(ids.map((id) => `${id}:Y`)));
    expect(h.core.state().accounts).toMatchObject([{ id: acc, status: 'ok' }]);
  });

  it('a refresh answered with a REST address off the portal (a renamed portal) keeps the toggles and asks to sign in again', async () => {
    // The token server grants the refresh (the presented refresh token is spent: rotation) but names
    // another portal address as client_endpoint, as after a portal's address changed.
    let moved = false;
    const moving: FetchLike = async (input, init) => {
      const res = await globalThis.fetch(input, init);
      if (!moved || !String(input).includes('/oauth/token/')) return res;
      const body = (await res.json()) as Record<string, unknown>;
      body['client_endpoint'] = 'https://renamed.bitrix24.ru/rest/';
      return new Response(JSON.stringify(body), { status: res.status, headers: res.headers });
    };
    const { p, h, signIn } = await oauthSetup({ fetch: moving });
    const acc = await signIn();
    const ids = h.core.state().dialogs.map((d) => d.dialogId);
    moved = true;
    p.expireAccessTokens();
    await h.core.dispatch('setUnreadMany', [ids.map((dialogId) => ({ accountId: acc, dialogId })), true]);
    await until(() => h.core.state().accounts[0]!.status === 'needs-sign-in', 5_000, 'needs-sign-in');
    expect(p.refreshCount()).toBe(1);
    expect(h.core.queue.size()).toBe(20);
    const s = h.core.state();
    expect(s.notices.filter((n) => n.dialogId !== undefined)).toEqual([]);
    expect(s.notices).toMatchObject([{ code: 'FOREIGN_REST_ENDPOINT', accountId: acc }]);

    moved = false;
    await signIn();
    await until(() => h.core.state().pendingActions === 0, 5_000, 'the kept toggles to go out');
    expect(new Set(deliveredUnread(p))).toEqual(new Set(ids.map((id) => `${id}:Y`)));
  });

  it('an access token the portal does not know (NO_AUTH_FOUND) asks to sign in again, without webhook advice', async () => {
    const { p, h, signIn } = await oauthSetup();
    const acc = await signIn();
    // D:_includes/system-errors.md: 401 NO_AUTH_FOUND is a wrong access token or webhook code.
    p.inject({ kind: 'error', code: 'NO_AUTH_FOUND', status: 401, description: 'Wrong authorization data', times: 10 });
    const id = h.core.state().dialogs[0]!.dialogId;
    await h.core.dispatch('setUnread', [acc, id, true]);
    await until(() => h.core.state().accounts[0]!.status === 'needs-sign-in', 5_000, 'needs-sign-in');
    expect(h.core.queue.all()).toMatchObject([{ accountId: acc, dialogId: id, unread: true }]);
    const notices = h.core.state().notices;
    expect(notices).toMatchObject([{ code: 'NO_AUTH_FOUND', accountId: acc }]);
    expect(notices[0]!.message).not.toMatch(/webhook/i);
    expect(notices[0]!.message).toContain('Sign in again');
  });

  it('a wrong client secret ends the flow with a clear notice', async () => {
    const { p, h } = await oauthSetup();
    const done: (AccountSummary | null)[] = [];
    h.core.on('oauthDone', (e) => done.push(e.account));
    await h.core.dispatch('startOAuth', [
      { portal: p.url, clientId: p.oauth.clientId, clientSecret: 'wrong-secret-value' },
    ]);
    await until(() => done.length === 1, 10_000, 'oauthDone');
    expect(done).toEqual([null]);
    const s = h.core.state();
    expect(s.accounts).toEqual([]);
    expect(s.notices.map((n) => n.code)).toEqual(['invalid_client']);
    expect(JSON.stringify(s)).not.toContain('wrong-secret-value');
  });
});
