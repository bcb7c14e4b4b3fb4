/**
 * Issue 4, "never leak a secret". A whole session through the real core
 * (webhook and OAuth sign-in against the fake portal, toggles, a token
 * rotation, failing calls, sign-out and sign-in again), then:
 *   - every file under the data dir, read byte for byte, holds no secret,
 *     neither as text, URL-encoded nor base64;
 *   - every output path (log lines, IPC results, pushed ViewStates and their
 *     notices, thrown BitrixErrors with their stacks, the browser preview's
 *     bridge) masks the secrets fed through it;
 *   - with no keyring (memory-only), nothing secret is written at all.
 * The secrets are the real ones: the webhook code, the client secret, and
 * every access/refresh token the token endpoint handed out, captured from
 * the wire.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { filesUnder } from '../../scripts/files-under';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { generateDialogs, startFakePortal, type FakePortal } from '../../dev/fake-portal/server';
import type { FakePortalOptions } from '../../dev/fake-portal/types';
import type { FetchLike } from '../../src/main/core/ports';
import { createLogger, redact } from '../../src/main/core/redact';
import { createBitrixClient } from '../../src/main/core/bitrix/client';
import { BitrixError } from '../../src/main/core/bitrix/types';
import { parseWebhookUrl, verifyWebhook, webhookAuth } from '../../src/main/core/auth/webhook';
import { memorySecretBox } from '../../dev/aes-secret-box';
import { openCore, signInOAuth, signInWebhook, toggleAll, type CoreHandle } from '../fault/harness';
import { sleep, until } from '../support/wait';

const WEBHOOK_CODE = 'whk4secret9code2x7q1z';
const CLIENT_SECRET = 'OAuthClientSecretValue2026xyz';

const portals: FakePortal[] = [];
const cores: CoreHandle[] = [];
afterEach(async () => {
  for (const h of cores.splice(0)) await h.core.stop();
  for (const p of portals.splice(0)) await p.close();
});

async function portal(opts: FakePortalOptions): Promise<FakePortal> {
  const p = await startFakePortal({ rateLimit: false, seed: generateDialogs(12, { pinned: 8, unread: 3 }), ...opts });
  portals.push(p);
  return p;
}

/** Every secret that crossed the wire: what the token endpoint was sent and what it answered. */
function watchingFetch(secrets: Set<string>): FetchLike {
  return async (input, init) => {
    const res = await globalThis.fetch(input, init);
    if (String(input).includes('/oauth/token/')) {
      const sent = new URLSearchParams(typeof init?.body === 'string' ? init.body : '');
      for (const k of ['client_secret', 'refresh_token', 'code']) {
        const v = sent.get(k);
        if (v) secrets.add(v);
      }
      try {
        const body = (await res.clone().json()) as Record<string, unknown>;
        for (const k of ['access_token', 'refresh_token'])
          if (typeof body[k] === 'string') secrets.add(body[k] as string);
      } catch {
        // An error page: no token in it.
      }
    }
    return res;
  };
}

/** The text plus everything that decodes from a base64(url) run in it, at every alignment. */
function readings(text: string): string[] {
  const out = [text];
  for (const m of text.matchAll(/[A-Za-z0-9+/_-]{12,}={0,2}/g)) {
    for (let off = 0; off < 4; off++) {
      const run = m[0].slice(off).replace(/-/g, '+').replace(/_/g, '/');
      out.push(Buffer.from(run, 'base64').toString('latin1'));
    }
  }
  return out;
}

function expectNoSecret(text: string, secrets: Iterable<string>, where: string): void {
  const views = readings(text);
  for (const s of secrets) {
    for (const v of views) {
      expect(v.includes(s), `${where} holds a secret (${s.slice(0, 4)}…)`).toBe(false);
      expect(v.includes(encodeURIComponent(s)), `${where} holds a URL-encoded secret`).toBe(false);
    }
  }
}

describe('the leak detector itself', () => {
  it('finds a secret as text, URL-encoded, or base64 at any alignment inside a larger blob', () => {
    const s = ['tok/en+with=odd?chars&1'];
    const fails = (text: string) => {
      try {
        expectNoSecret(text, s, 'sample');
        return false;
      } catch {
        return true;
      }
    };
    expect(fails(`{"x":"${s[0]}"}`)).toBe(true);
    expect(fails(`a=${encodeURIComponent(s[0]!)}`)).toBe(true);
    for (const pre of ['', 'a', 'ab', 'abc']) {
      expect(fails(`{"cipher":"${Buffer.from(`${pre}${s[0]}tail`).toString('base64')}"}`), pre).toBe(true);
      expect(fails(`x ${Buffer.from(`${pre}${s[0]}`).toString('base64url')} y`), pre).toBe(true);
    }
    expect(fails(`{"cipher":"${Buffer.from('nothing to see here').toString('base64')}"}`)).toBe(false);
  });
});

describe('no secret at rest (AES secret box, like safeStorage)', () => {
  it('a whole session writes no secret into any file, log line or pushed state', async () => {
    const secrets = new Set<string>([WEBHOOK_CODE, CLIENT_SECRET]);
    const w = await portal({ webhook: { userId: 1, code: WEBHOOK_CODE } });
    const o = await portal({
      oauth: { clientId: 'local.sec0001.app', clientSecret: CLIENT_SECRET },
      seed: generateDialogs(12, { pinned: 8, unread: 3, startId: 7000 }),
    });
    const h = openCore({ fetch: watchingFetch(secrets) });
    cores.push(h);
    const pushed: string[] = [];
    for (const e of ['state', 'settings', 'oauthDone', 'shown'] as const) {
      h.core.on(e, (payload) => void pushed.push(`${e}: ${JSON.stringify(payload)}`));
    }

    const accW = await signInWebhook(h, w);
    const accO = (await signInOAuth(h, o)).id;
    await until(() => h.core.state().dialogs.length === 16, 5_000, 'both lists');
    await toggleAll(h, w, accW, { limit: 4 });
    await toggleAll(h, o, accO, { limit: 4 });
    await until(() => h.core.state().pendingActions === 0, 5_000, 'toggles');
    // A rotation: the access token dies, the refresh grant hands out a new pair.
    o.expireAccessTokens();
    await toggleAll(h, o, accO, { skip: 4 });
    await until(() => h.core.state().pendingActions === 0, 5_000, 'toggles after expiry');
    expect(o.refreshCount()).toBe(1);
    expect((await h.core.dispatch('refresh', [])).ok).toBe(true);
    // Failing calls whose error texts carry secrets (a portal or proxy that echoes the request).
    const leaky = `echo: auth=${[...secrets].join(' ')} /rest/1/${WEBHOOK_CODE}/`;
    w.inject({ kind: 'error', code: 'SOMETHING_ODD', status: 500, description: leaky, method: 'im.recent.list' });
    o.inject({ kind: 'error', code: 'SOMETHING_ODD', status: 400, description: leaky, method: 'im.recent.unread' });
    w.inject({ kind: 'html', status: 502 });
    await h.core.dispatch('refresh', []);
    await toggleAll(h, o, accO, { limit: 1 });
    await toggleAll(h, w, accW, { limit: 1 });
    await until(() => h.core.state().pendingActions === 0, 5_000, 'failing toggles');
    // Sign out and in again; a wrong client secret, too.
    expect((await h.core.dispatch('signOut', [accW])).ok).toBe(true);
    expect(await signInWebhook(h, w)).toBe(accW);
    await h.core.dispatch('startOAuth', [
      { portal: o.url, clientId: 'local.sec0001.app', clientSecret: 'WrongSecret123456' },
    ]);
    await until(() => h.core.state().notices.some((n) => n.code === 'invalid_client'), 5_000, 'invalid_client');
    secrets.add('WrongSecret123456');
    await h.core.stop();

    // Sanity: the session did handle several tokens, and accounts are on disk (as ciphertext).
    expect(secrets.size).toBeGreaterThanOrEqual(6);
    const files = filesUnder(h.dir);
    expect(files.map((f) => f.slice(h.dir.length + 1)).sort()).toEqual(
      expect.arrayContaining(['config.json', 'config.journal.json']),
    );
    expect(readFileSync(join(h.dir, 'config.json'), 'utf8')).toContain('"storage": "encrypted"');
    for (const f of files) expectNoSecret(readFileSync(f).toString('latin1'), secrets, f);
    expect(h.logs.length).toBeGreaterThan(0);
    expectNoSecret(h.logs.join('\n'), secrets, 'the log');
    expect(pushed.length).toBeGreaterThan(0);
    expectNoSecret(pushed.join('\n'), secrets, 'a pushed event');
    expectNoSecret(JSON.stringify(h.core.state()), secrets, 'the final ViewState');
  }, 30_000);
});

describe('every output path masks secrets fed through it', () => {
  async function signedIn() {
    const secrets = new Set<string>([WEBHOOK_CODE, CLIENT_SECRET]);
    const w = await portal({ webhook: { userId: 1, code: WEBHOOK_CODE } });
    const o = await portal({
      oauth: { clientId: 'local.sec0002.app', clientSecret: CLIENT_SECRET },
      seed: generateDialogs(6, { pinned: 4, startId: 7000 }),
    });
    const h = openCore({ fetch: watchingFetch(secrets) });
    cores.push(h);
    const accW = await signInWebhook(h, w);
    const accO = (await signInOAuth(h, o)).id;
    await until(() => h.core.state().dialogs.length === 12, 5_000, 'both lists');
    const tokens = [...secrets].filter((s) => s !== WEBHOOK_CODE && s !== CLIENT_SECRET);
    expect(tokens.length).toBeGreaterThanOrEqual(2);
    return { secrets, w, o, h, accW, accO, tokens };
  }

  it('log lines: message, meta, errors and stacks', async () => {
    const { secrets, tokens } = await signedIn();
    const lines: string[] = [];
    const log = createLogger((level, line) => void lines.push(`${level} ${line}`));
    const [access, refresh] = tokens as [string, string];
    log.info(`calling https://acme.bitrix24.ru/rest/1/${WEBHOOK_CODE}/profile.json`);
    log.warn(`token ${access} refused; retrying with ${refresh}`, { client_secret: CLIENT_SECRET });
    log.error('refresh failed', {
      body: `grant_type=refresh_token&client_secret=${CLIENT_SECRET}&refresh_token=${refresh}`,
      json: JSON.stringify({ access_token: access, nested: { refresh_token: refresh } }),
      secret: { accessToken: access, refreshToken: refresh, clientSecret: CLIENT_SECRET },
      error: new Error(`POST /oauth/token/ failed for ${refresh}`),
      url: new URL(`https://acme.bitrix24.ru/rest/1/${WEBHOOK_CODE}/im.recent.list?auth=${access}`),
      headers: { Authorization: `Bearer ${access}` },
      list: [access, { deeper: [refresh, CLIENT_SECRET] }],
    });
    log.debug(`free text mentions ${access} and ${CLIENT_SECRET} and ${WEBHOOK_CODE}`);
    expect(lines).toHaveLength(4);
    expectNoSecret(lines.join('\n'), secrets, 'a log line');
    expect(lines.join('\n')).toContain('***');
  });

  it('IPC results, pushed ViewStates and notices', async () => {
    const { secrets, w, o, h, accW, accO, tokens } = await signedIn();
    const pushed: string[] = [];
    h.core.on('state', (s) => void pushed.push(JSON.stringify(s)));
    const leaky = `auth=${tokens.join(',')} client_secret=${CLIENT_SECRET} /rest/1/${WEBHOOK_CODE}/ plain ${tokens[0]} ${CLIENT_SECRET}`;
    const results: unknown[] = [];
    // A portal (or proxy) echoing secrets in its error description: list load, toggle, batch.
    w.inject({ kind: 'error', code: 'NEW_PORTAL_ERROR', status: 500, description: leaky, method: 'im.recent.list' });
    o.inject({ kind: 'error', code: 'NEW_PORTAL_ERROR', status: 500, description: leaky, method: 'im.recent.list' });
    results.push(await h.core.dispatch('refresh', []));
    o.inject({ kind: 'error', code: 'NEW_PORTAL_ERROR', status: 403, description: leaky, method: 'im.recent.unread' });
    const d = h.core.state().dialogs.find((x) => x.accountId === accO)!;
    results.push(await h.core.dispatch('setUnread', [accO, d.dialogId, !d.unread]));
    await until(() => h.core.state().pendingActions === 0, 5_000, 'the failing toggle');
    // Sign-in errors that would love to repeat their input.
    for (const url of [
      `${w.url}/rest/1/${WEBHOOK_CODE}zz/`,
      `http://evil.example/rest/1/${WEBHOOK_CODE}/`,
      `${w.url}/rest/1/${WEBHOOK_CODE}/?auth=${tokens[0]}`,
      `https://u:${CLIENT_SECRET}@acme.bitrix24.ru/rest/1/${WEBHOOK_CODE}/`,
      `${w.url}/rest/x/${WEBHOOK_CODE}/`,
    ]) {
      results.push(await h.core.dispatch('signInWithWebhook', [url]));
    }
    results.push(
      await h.core.dispatch('startOAuth', [
        { portal: `http://evil.example/${CLIENT_SECRET}`, clientId: 'x.y', clientSecret: CLIENT_SECRET },
      ]),
    );
    results.push(await h.core.dispatch('setUnread', [accW, `chat1${WEBHOOK_CODE}`, true]));
    results.push(await h.core.dispatch('updateSettings', [{ theme: CLIENT_SECRET }]));
    results.push(await h.core.dispatch('openInBitrix', [accW, tokens[0]]));
    results.push(await h.core.dispatch(`x${CLIENT_SECRET}`, []));
    results.push(await h.core.dispatch('getState', []));
    results.push(await h.core.dispatch('getSettings', []));
    expect(results.filter((r) => (r as { ok: boolean }).ok === false).length).toBeGreaterThanOrEqual(8);
    await sleep(20);
    const state = h.core.state();
    expect(state.notices.length + (state.error ? 1 : 0)).toBeGreaterThan(0);
    expectNoSecret(JSON.stringify(results), secrets, 'an IPC result');
    expectNoSecret(pushed.join('\n'), secrets, 'a pushed ViewState');
    expectNoSecret(JSON.stringify(state), secrets, 'the ViewState and its notices');
    expectNoSecret(h.logs.join('\n'), secrets, 'the log');
  });

  it('thrown BitrixErrors: message and stack', async () => {
    const { secrets, w, tokens } = await signedIn();
    const leaky = `auth=${tokens[0]}&client_secret=${CLIENT_SECRET} at /rest/1/${WEBHOOK_CODE}/ ${tokens[1]}`;
    const client = createBitrixClient({ auth: webhookAuth(parseWebhookUrl(w.webhookUrl)), retries: 0 });
    const errors: BitrixError[] = [];
    const grab = async (p: Promise<unknown>) => {
      try {
        await p;
      } catch (e) {
        errors.push(e as BitrixError);
      }
    };
    w.inject({ kind: 'error', code: 'NEW_PORTAL_ERROR', status: 500, description: leaky });
    await grab(client.call('profile'));
    w.inject({ kind: 'error', code: 'NEW_PORTAL_ERROR', status: 400, description: leaky, method: 'im.recent.unread' });
    const outcomes = await client.batch([
      { method: 'im.recent.unread', params: { DIALOG_ID: 'chat1002', ACTION: 'Y' } },
    ]);
    for (const oc of outcomes) if (!oc.ok) errors.push(oc.error);
    w.inject({ kind: 'html', status: 502 });
    await grab(client.call('im.counters.get'));
    await grab(client.call('im.recent.unread', { DIALOG_ID: `chat${WEBHOOK_CODE}` }));
    await grab(verifyWebhook(`${w.url}/rest/1/${WEBHOOK_CODE}q/`));
    await grab(verifyWebhook(`http://evil.example/rest/1/${WEBHOOK_CODE}/`));
    w.revokeWebhook();
    await grab(client.call('profile'));
    expect(errors.length).toBe(7);
    for (const e of errors) {
      expect(e).toBeInstanceOf(BitrixError);
      expectNoSecret(`${e.message}\n${e.stack ?? ''}\n${JSON.stringify(e)}`, secrets, `BitrixError ${e.code}`);
    }
    // redact() itself, on the raw text, is the last line of defence.
    expectNoSecret(redact(leaky), secrets, 'redact()');
  });

  it("the browser preview's bridge answers and streams no secret", async () => {
    const bridgeFile = join(process.cwd(), 'dev/preview/web-server.ts');
    if (!existsSync(bridgeFile)) {
      console.log('dev/preview/web-server.ts not present: preview bridge not checked');
      return;
    }
    type Bridge = {
      startPreviewServer(o: { core: unknown; staticDir: string; token: string; port: number }): Promise<{
        port: number;
        close(): Promise<void>;
      }>;
    };
    const { startPreviewServer } = (await import(pathToFileURL(bridgeFile).href)) as Bridge;
    const { secrets, w, h, accW, tokens } = await signedIn();
    const staticDir = mkdtempSync(join(tmpdir(), 'b24-static-'));
    writeFileSync(join(staticDir, 'index.html'), '<!doctype html><html><head></head><body></body></html>');
    const token = 'previewtoken0123456789abcdef';
    const server = await startPreviewServer({ core: h.core, staticDir, token, port: 0 });
    try {
      const base = `http://127.0.0.1:${server.port}`;
      const headers = { cookie: `b24ut_preview_${server.port}=${token}`, 'x-b24ut-token': token };
      const events = await fetch(`${base}/api/events`, { headers });
      const reader = events.body!.getReader();
      let stream = '';
      const pump = (async () => {
        for (;;) {
          const { value, done } = await reader.read();
          if (done) return;
          stream += Buffer.from(value).toString('utf8');
        }
      })().catch(() => {});
      const invoke = async (name: string, args: unknown[]) => {
        const r = await fetch(`${base}/api/invoke/${name}`, {
          method: 'POST',
          headers: { ...headers, 'content-type': 'application/json' },
          body: JSON.stringify(args),
        });
        return r.text();
      };
      const leaky = `auth=${tokens[0]} ${CLIENT_SECRET} /rest/1/${WEBHOOK_CODE}/`;
      w.inject({ kind: 'error', code: 'NEW_PORTAL_ERROR', status: 500, description: leaky, method: 'im.recent.list' });
      const bodies = [
        await invoke('refresh', []),
        await invoke('getState', []),
        await invoke('signInWithWebhook', [`${w.url}/rest/1/${WEBHOOK_CODE}zz/`]),
        await invoke('setUnread', [accW, `x${WEBHOOK_CODE}`, true]),
        await invoke('getSettings', []),
      ];
      await sleep(100);
      await reader.cancel();
      await pump;
      expect(bodies.join('')).toContain('"ok"');
      expect(stream).toContain('event: state');
      expectNoSecret(bodies.join('\n'), secrets, 'a bridge response');
      expectNoSecret(stream, secrets, 'the bridge event stream');
    } finally {
      await server.close();
    }
  });
});

describe('memory-only secrets (no keyring)', () => {
  it('writes nothing secret at all, not even ciphertext, and a restart asks to sign in again', async () => {
    const secrets = new Set<string>([WEBHOOK_CODE, CLIENT_SECRET]);
    const w = await portal({ webhook: { userId: 1, code: WEBHOOK_CODE } });
    const o = await portal({
      oauth: { clientId: 'local.sec0003.app', clientSecret: CLIENT_SECRET },
      seed: generateDialogs(6, { pinned: 4, startId: 7000 }),
    });
    const h = openCore({ secretBox: memorySecretBox(), fetch: watchingFetch(secrets) });
    cores.push(h);
    expect((await h.core.dispatch('getSettings', [])) as unknown).toMatchObject({
      ok: true,
      data: { secretEncryption: 'unavailable' },
    });
    const accW = await signInWebhook(h, w);
    const accO = (await signInOAuth(h, o)).id;
    expect(h.core.state().accounts.map((a) => a.secretStorage)).toEqual(['memory', 'memory']);
    await until(() => h.core.state().dialogs.length === 12, 5_000, 'both lists');
    o.expireAccessTokens();
    await toggleAll(h, o, accO);
    await toggleAll(h, w, accW);
    await until(() => h.core.state().pendingActions === 0, 5_000, 'toggles');
    expect(o.refreshCount()).toBe(1);
    await h.core.stop();

    for (const f of filesUnder(h.dir)) {
      const text = readFileSync(f).toString('latin1');
      expectNoSecret(text, secrets, f);
      expect(text, f).not.toContain('"cipher"');
    }
    const doc = JSON.parse(readFileSync(join(h.dir, 'config.json'), 'utf8')) as { accounts: { secret: unknown }[] };
    expect(doc.accounts.map((a) => a.secret)).toEqual([{ storage: 'memory' }, { storage: 'memory' }]);
    expectNoSecret(h.logs.join('\n'), secrets, 'the log');

    const again = openCore({ dir: h.dir, secretBox: memorySecretBox() });
    cores.push(again);
    expect(again.core.state().accounts.map((a) => a.status)).toEqual(['needs-sign-in', 'needs-sign-in']);
  });

  it('choosing "keep in memory only" wipes the ciphertext from every file', async () => {
    const w = await portal({ webhook: { userId: 1, code: WEBHOOK_CODE } });
    const h = openCore();
    cores.push(h);
    await signInWebhook(h, w);
    const cipherFiles = () => filesUnder(h.dir).filter((f) => readFileSync(f, 'utf8').includes('"cipher"'));
    expect(cipherFiles().length).toBeGreaterThan(0);
    expect((await h.core.dispatch('updateSettings', [{ secretsInMemoryOnly: true }])).ok).toBe(true);
    expect(cipherFiles()).toEqual([]);
    expect(h.core.state().accounts[0]).toMatchObject({ status: 'ok', secretStorage: 'memory' });
  });
});
