/**
 * The browser preview's HTTP bridge: serves the built popup and relays
 * `window.api` calls to the real core (`core.dispatch`) and the core's
 * events to the page (server-sent events). Bound to 127.0.0.1 only, and
 * every request (static files included) must carry the random per-run
 * token: `?token=` on the first load sets an HttpOnly, SameSite=Strict
 * cookie; API calls need the token header as well.
 *
 * Dev only (scripts/ is never packaged; nothing under src/ imports it).
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { readFile, realpath } from 'node:fs/promises';
import { extname, resolve, sep } from 'node:path';
import { timingSafeEqual } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { EVENT_NAMES, type EventMap, type EventName } from '../../src/shared/ipc';
import type { Result } from '../../src/shared/result';
import { bridgeClientSource, TOKEN_HEADER } from './web-bridge-client';

/** What the bridge needs from the core (a subset of AppCore). */
export interface BridgeCore {
  dispatch(name: string, args: unknown[]): Promise<Result<unknown>>;
  on<E extends EventName>(event: E, listener: (payload: EventMap[E]) => void): () => void;
}

export interface PreviewServerOptions {
  core: BridgeCore;
  /** The built popup (out/renderer: scripts/renderer-out.ts). */
  staticDir: string;
  /** The per-run secret every request must carry. */
  token: string;
  /** 0 picks a free port. */
  port: number;
  /** Extra test-only routes under `/__preview/` (token-protected like everything else). */
  testRoutes?: Record<string, (req: IncomingMessage, url: URL) => Promise<unknown> | unknown>;
  /** Where the bridge reports problems (never with the token). */
  log?: (line: string) => void;
}

export interface PreviewServer {
  readonly port: number;
  /** `http://127.0.0.1:PORT/?token=…` — the URL to open. */
  readonly url: string;
  /** Pushes an event to every open page (e.g. `shown` from the popup stand-in). */
  broadcast<E extends EventName>(event: E, payload: EventMap[E]): void;
  close(): Promise<void>;
}

const HOST = '127.0.0.1';
const MAX_BODY = 256 * 1024;
const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json; charset=utf-8',
  '.woff2': 'font/woff2',
};

function safeEqual(a: string | undefined, b: string): boolean {
  if (typeof a !== 'string') return false;
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

function cookieValue(req: IncomingMessage, name: string): string | undefined {
  const header = req.headers.cookie;
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const i = part.indexOf('=');
    if (i > 0 && part.slice(0, i).trim() === name) return part.slice(i + 1).trim();
  }
  return undefined;
}

function send(res: ServerResponse, status: number, body: string | Buffer, type: string): void {
  res.writeHead(status, {
    'content-type': type,
    'cache-control': 'no-store',
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'no-referrer',
    'x-frame-options': 'DENY',
    'cross-origin-resource-policy': 'same-origin',
  });
  res.end(body);
}

function sendJson(res: ServerResponse, status: number, value: unknown): void {
  send(res, status, JSON.stringify(value), 'application/json; charset=utf-8');
}

function forbidden(res: ServerResponse, why: string): void {
  sendJson(res, 403, { ok: false, error: { code: 'FORBIDDEN_SENDER', message: `Forbidden: ${why}` } });
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY) throw new Error('too large');
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** Inserts the bridge script before the first script of the built page, so `window.api` exists first. */
export function injectBridge(html: string): string {
  const tag = '<script src="./bridge.js"></script>';
  const at = html.indexOf('<script');
  return at >= 0 ? `${html.slice(0, at)}${tag}\n    ${html.slice(at)}` : html.replace('</head>', `${tag}</head>`);
}

/** Starts the preview server. */
export async function startPreviewServer(opts: PreviewServerOptions): Promise<PreviewServer> {
  const log = opts.log ?? (() => {});
  const staticRoot = await realpath(resolve(opts.staticDir));
  const clients = new Set<ServerResponse>();
  let port = 0;
  const cookieName = () => `b24ut_preview_${port}`;

  const broadcast = <E extends EventName>(event: E, payload: EventMap[E]): void => {
    const frame = `event: ${event}\ndata: ${JSON.stringify(payload)}\n\n`;
    for (const c of clients) c.write(frame);
  };
  const offs = EVENT_NAMES.map((name) => opts.core.on(name, (payload) => broadcast(name, payload as never)));
  // Proxies and idle timeouts drop silent streams; a comment line every 15 s keeps it open.
  const keepAlive = setInterval(() => {
    for (const c of clients) c.write(': keep-alive\n\n');
  }, 15_000);
  keepAlive.unref();

  async function serveStatic(res: ServerResponse, pathname: string): Promise<void> {
    if (pathname === '/bridge.js') {
      send(res, 200, bridgeClientSource(opts.token), CONTENT_TYPES['.js']!);
      return;
    }
    let rel: string;
    try {
      rel = pathname === '/' ? 'index.html' : decodeURIComponent(pathname.slice(1));
    } catch {
      send(res, 400, 'Bad path', 'text/plain; charset=utf-8');
      return;
    }
    const file = resolve(staticRoot, rel);
    if (file !== staticRoot && !file.startsWith(staticRoot + sep)) {
      send(res, 404, 'Not found', 'text/plain; charset=utf-8');
      return;
    }
    let body: Buffer;
    try {
      body = await readFile(file);
    } catch {
      send(res, 404, 'Not found', 'text/plain; charset=utf-8');
      return;
    }
    if (rel === 'index.html') {
      send(res, 200, injectBridge(body.toString('utf8')), CONTENT_TYPES['.html']!);
      return;
    }
    send(res, 200, body, CONTENT_TYPES[extname(file)] ?? 'application/octet-stream');
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    // DNS rebinding: a page on evil.example resolved to 127.0.0.1 still sends its own Host.
    const host = req.headers.host ?? '';
    if (host !== `${HOST}:${port}` && host !== `localhost:${port}`) return forbidden(res, 'unexpected Host header.');
    const url = new URL(req.url ?? '/', `http://${HOST}:${port}`);

    const queryToken = url.searchParams.get('token');
    if (queryToken !== null) {
      if (req.method !== 'GET' || !safeEqual(queryToken, opts.token)) return forbidden(res, 'wrong token.');
      // Keep the token out of the address bar and history once the cookie holds it.
      // Always to `/` (the popup): a Location built from the request path is an open
      // redirect (`/.//evil.com/?token=…` gave `//evil.com/`).
      res.writeHead(302, {
        location: '/',
        'set-cookie': `${cookieName()}=${opts.token}; HttpOnly; SameSite=Strict; Path=/`,
        'cache-control': 'no-store',
        'referrer-policy': 'no-referrer',
      });
      res.end();
      return;
    }
    if (!safeEqual(cookieValue(req, cookieName()), opts.token)) {
      return forbidden(res, 'open the URL printed by `npm run web` (it carries the token).');
    }

    if (url.pathname.startsWith('/api/invoke/')) {
      if (req.method !== 'POST')
        return sendJson(res, 405, { ok: false, error: { code: 'INVALID_ARGUMENT', message: 'Use POST.' } });
      const header = req.headers[TOKEN_HEADER];
      if (!safeEqual(Array.isArray(header) ? header[0] : header, opts.token))
        return forbidden(res, 'missing API token header.');
      if (!/^application\/json\b/i.test(req.headers['content-type'] ?? '')) {
        return sendJson(res, 415, {
          ok: false,
          error: { code: 'INVALID_ARGUMENT', message: 'Send a JSON array of arguments.' },
        });
      }
      const name = url.pathname.slice('/api/invoke/'.length);
      let args: unknown;
      try {
        args = JSON.parse(await readBody(req));
      } catch {
        return sendJson(res, 400, {
          ok: false,
          error: { code: 'INVALID_ARGUMENT', message: 'The arguments must be a JSON array (at most 256 KB).' },
        });
      }
      if (!Array.isArray(args)) {
        return sendJson(res, 400, {
          ok: false,
          error: { code: 'INVALID_ARGUMENT', message: 'The arguments must be a JSON array.' },
        });
      }
      // The core validates the name (UNKNOWN_CHANNEL) and every argument; it never throws.
      const result = await opts.core.dispatch(name, args);
      return sendJson(res, 200, result);
    }

    if (url.pathname === '/api/events') {
      if (req.method !== 'GET')
        return sendJson(res, 405, { ok: false, error: { code: 'INVALID_ARGUMENT', message: 'Use GET.' } });
      res.writeHead(200, {
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-store',
        'x-content-type-options': 'nosniff',
        connection: 'keep-alive',
      });
      res.write(': connected\n\n');
      clients.add(res);
      req.on('close', () => clients.delete(res));
      return;
    }

    if (url.pathname.startsWith('/__preview/')) {
      const route = opts.testRoutes?.[url.pathname.slice('/__preview/'.length)];
      if (!route) return send(res, 404, 'Not found', 'text/plain; charset=utf-8');
      return sendJson(res, 200, (await route(req, url)) ?? null);
    }

    if (req.method !== 'GET' && req.method !== 'HEAD') {
      return send(res, 405, 'Method not allowed', 'text/plain; charset=utf-8');
    }
    return serveStatic(res, url.pathname);
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      log(`preview bridge: request failed: ${err instanceof Error ? err.message : String(err)}`);
      if (!res.headersSent)
        sendJson(res, 500, { ok: false, error: { code: 'UNKNOWN_ERROR', message: 'Something went wrong.' } });
      else res.end();
    });
  });
  await new Promise<void>((ok, fail) => {
    server.once('error', fail);
    server.listen(opts.port, HOST, () => {
      server.off('error', fail);
      ok();
    });
  });
  port = (server.address() as AddressInfo).port;

  return {
    port,
    url: `http://${HOST}:${port}/?token=${opts.token}`,
    broadcast,
    close: async () => {
      clearInterval(keepAlive);
      for (const off of offs) off();
      for (const c of clients) c.end();
      clients.clear();
      server.closeAllConnections();
      await new Promise<void>((ok) => server.close(() => ok()));
    },
  };
}
