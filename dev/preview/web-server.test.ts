import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { request } from 'node:http';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { INVOKE_NAMES, type EventMap, type EventName } from '../../src/shared/ipc';
import type { Result } from '../../src/shared/result';
import { injectBridge, startPreviewServer, type BridgeCore, type PreviewServer } from './web-server';
import { TOKEN_HEADER } from './web-bridge-client';

/** A recording core: dispatch echoes, events can be fired by the test. */
function fakeCore() {
  const calls: { name: string; args: unknown[] }[] = [];
  const listeners = new Map<string, Set<(p: unknown) => void>>();
  const core: BridgeCore = {
    dispatch: async (name, args): Promise<Result<unknown>> => {
      calls.push({ name, args });
      return name === 'getState'
        ? { ok: true, data: { echo: args } }
        : { ok: false, error: { code: 'UNKNOWN_CHANNEL', message: 'Unknown request.' } };
    },
    on: <E extends EventName>(event: E, l: (payload: EventMap[E]) => void) => {
      const set = listeners.get(event) ?? new Set();
      listeners.set(event, set);
      set.add(l as (p: unknown) => void);
      return () => set.delete(l as (p: unknown) => void);
    },
  };
  const emit = (event: string, payload: unknown) => listeners.get(event)?.forEach((l) => l(payload));
  return { core, calls, emit };
}

let dir: string;
let server: PreviewServer;
let f: ReturnType<typeof fakeCore>;
const TOKEN = 'test-token-0123456789';

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'b24ut-web-test-'));
  mkdirSync(join(dir, 'assets'));
  writeFileSync(
    join(dir, 'index.html'),
    '<!doctype html><html><head><script type="module" crossorigin src="./assets/app.js"></script></head><body></body></html>',
  );
  writeFileSync(join(dir, 'assets', 'app.js'), 'console.log(1)');
  writeFileSync(join(tmpdir(), 'b24ut-outside.txt'), 'secret outside');
  f = fakeCore();
  server = await startPreviewServer({ core: f.core, staticDir: dir, token: TOKEN, port: 0 });
});
afterEach(async () => {
  await server.close();
});

const cookie = () => `b24ut_preview_${server.port}=${TOKEN}`;
const base = () => `http://127.0.0.1:${server.port}`;

describe('preview bridge security', () => {
  it('refuses static files and the API without the token', async () => {
    expect((await fetch(`${base()}/`)).status).toBe(403);
    expect((await fetch(`${base()}/assets/app.js`)).status).toBe(403);
    expect((await fetch(`${base()}/bridge.js`)).status).toBe(403);
    const api = await fetch(`${base()}/api/invoke/getState`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', [TOKEN_HEADER]: TOKEN },
      body: '[]',
    });
    expect(api.status).toBe(403);
    expect(await fetch(`${base()}/?token=wrong`).then((r) => r.status)).toBe(403);
    expect(f.calls).toEqual([]);
  });

  it('turns ?token= into an HttpOnly SameSite=Strict cookie and drops it from the address', async () => {
    const res = await fetch(server.url, { redirect: 'manual' });
    expect(res.status).toBe(302);
    expect(res.headers.get('location')).toBe('/');
    const setCookie = res.headers.get('set-cookie') ?? '';
    expect(setCookie).toContain(`b24ut_preview_${server.port}=${TOKEN}`);
    expect(setCookie).toMatch(/HttpOnly/);
    expect(setCookie).toMatch(/SameSite=Strict/);
  });

  it('redirects to / only, never to a Location built from the request path (open redirect)', async () => {
    for (const path of [`/.//evil.com/?token=${TOKEN}`, `//evil.com/?token=${TOKEN}`, `/a/b?x=1&token=${TOKEN}`]) {
      const location = await new Promise<string | undefined>((ok, fail) => {
        // node:http sends the path as written (fetch would normalise `/./` away).
        const req = request({ host: '127.0.0.1', port: server.port, path }, (res) => {
          res.resume();
          ok(res.headers.location);
        });
        req.on('error', fail);
        req.end();
      });
      expect(location, path).toBe('/');
    }
  });

  it('serves the page with the bridge script before the app script', async () => {
    const html = await fetch(`${base()}/`, { headers: { cookie: cookie() } }).then((r) => r.text());
    expect(html.indexOf('./bridge.js')).toBeGreaterThan(0);
    expect(html.indexOf('./bridge.js')).toBeLessThan(html.indexOf('./assets/app.js'));
    const js = await fetch(`${base()}/bridge.js`, { headers: { cookie: cookie() } }).then((r) => r.text());
    for (const name of INVOKE_NAMES) expect(js).toContain(`"${name}"`);
  });

  it('needs the header as well as the cookie for API calls, then relays to core.dispatch', async () => {
    const noHeader = await fetch(`${base()}/api/invoke/getState`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', cookie: cookie() },
      body: '[]',
    });
    expect(noHeader.status).toBe(403);
    const ok = await fetch(`${base()}/api/invoke/getState`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', cookie: cookie(), [TOKEN_HEADER]: TOKEN },
      body: '[1,"x"]',
    });
    expect(await ok.json()).toEqual({ ok: true, data: { echo: [1, 'x'] } });
    const bad = await fetch(`${base()}/api/invoke/getState`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', cookie: cookie(), [TOKEN_HEADER]: TOKEN },
      body: '{"not":"an array"}',
    });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: { code: string } }).error.code).toBe('INVALID_ARGUMENT');
    expect(f.calls).toEqual([{ name: 'getState', args: [1, 'x'] }]);
  });

  it('refuses a foreign Host header (DNS rebinding)', async () => {
    const status = await new Promise<number>((ok, fail) => {
      const req = request(
        { host: '127.0.0.1', port: server.port, path: '/', headers: { host: 'evil.example', cookie: cookie() } },
        (res) => {
          res.resume();
          ok(res.statusCode ?? 0);
        },
      );
      req.on('error', fail);
      req.end();
    });
    expect(status).toBe(403);
  });

  it('does not serve files outside the built popup', async () => {
    const res = await fetch(`${base()}/..%2fb24ut-outside.txt`, { headers: { cookie: cookie() } });
    expect(res.status).toBe(404);
  });

  it('streams core events to the page', async () => {
    const res = await fetch(`${base()}/api/events`, { headers: { cookie: cookie() } });
    expect(res.headers.get('content-type')).toMatch(/text\/event-stream/);
    const reader = res.body!.getReader();
    await reader.read(); // ": connected"
    f.emit('shown', { focus: 'a/chat1' });
    const { value } = await reader.read();
    expect(new TextDecoder().decode(value)).toBe('event: shown\ndata: {"focus":"a/chat1"}\n\n');
    await reader.cancel();
  });
});

describe('injectBridge', () => {
  it('adds the script before the first script, or at the end of head', () => {
    expect(injectBridge('<head><script src="a.js"></script></head>')).toMatch(
      /bridge\.js"><\/script>\s*<script src="a\.js"/,
    );
    expect(injectBridge('<head></head>')).toBe('<head><script src="./bridge.js"></script></head>');
  });
});
