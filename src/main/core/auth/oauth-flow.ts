/**
 * The browser sign-in's loopback listener (moved out of oauth.ts): a
 * one-shot server on 127.0.0.1 that takes the redirect, checks `state`,
 * and exchanges the code for tokens.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { Lang } from '../../../shared/errors';
import { messages } from '../../../shared/messages';
import { BitrixError } from '../bitrix/types';
import { systemClock, type Clock, type FetchLike, type Logger } from '../ports';
import { registerSecret, silentLogger } from '../redact';
import {
  DEFAULT_OAUTH_TIMEOUT_MS,
  err,
  exchangeTokenUrl,
  normalizePortalUrl,
  redirectUrlFor,
  requestTokens,
  type OAuthTokens,
} from './oauth';

/** A running browser sign-in. */
export interface OAuthFlow {
  /** Open this in the user's browser. */
  authorizeUrl: string;
  /** The loopback URL the portal redirects to (must match the app's registered one). */
  redirectUrl: string;
  /** Resolves with the tokens; rejects with a BitrixError (OAUTH_DENIED, OAUTH_STATE_MISMATCH, OAUTH_TIMEOUT, invalid_client...). */
  result: Promise<OAuthTokens>;
  /** Stops listening; `result` rejects with OAUTH_DENIED. */
  cancel(): void;
}

/** Options of {@link startOAuthFlow}. */
export interface StartOAuthOptions {
  portal: string;
  clientId: string;
  clientSecret: string;
  port: number;
  fetch?: FetchLike;
  clock?: Clock;
  logger?: Logger;
  /** How long to wait for the browser (default 5 min). */
  timeoutMs?: number;
  /** Override of the first token endpoint (default {@link exchangeTokenUrl}(portal, the redirect's `server_domain`)). */
  tokenUrl?: string;
  /** The language of the page the browser shows after the redirect; English by default. */
  lang?: Lang;
}

const PAGE = (lang: Lang, title: string, body: string): string =>
  `<!doctype html><html lang="${lang}"><head><meta charset="utf-8"><title>${title}</title>` +
  `<meta name="viewport" content="width=device-width"></head>` +
  `<body style="font-family:system-ui,sans-serif;max-width:32rem;margin:4rem auto;padding:0 1rem">` +
  `<h1 style="font-size:1.25rem">${title}</h1><p>${body}</p></body></html>`;

function sameState(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/**
 * Starts the code flow: a random `state`, a ONE-SHOT listener on
 * `127.0.0.1:port` answering `/oauth/callback` once with a small page (no
 * secrets on it), then the code exchange. Rejects at once with `PORT_IN_USE`
 * when the port is taken, `INVALID_ARGUMENT`/`INVALID_PORTAL_URL`/
 * `INSECURE_URL` for bad input.
 */
export async function startOAuthFlow(opts: StartOAuthOptions): Promise<OAuthFlow> {
  const portal = normalizePortalUrl(opts.portal);
  const clientId = typeof opts.clientId === 'string' ? opts.clientId.trim() : '';
  const clientSecret = typeof opts.clientSecret === 'string' ? opts.clientSecret.trim() : '';
  if (!/^[\w.-]{1,200}$/.test(clientId)) throw err('INVALID_ARGUMENT', 'Enter the client id of the local application.');
  if (!/^\S{1,500}$/.test(clientSecret)) {
    throw err('INVALID_ARGUMENT', 'Enter the client secret of the local application.');
  }
  if (!Number.isInteger(opts.port) || opts.port < 1 || opts.port > 65535) {
    throw err('INVALID_ARGUMENT', 'The redirect port must be a number from 1 to 65535.');
  }
  registerSecret(clientSecret);
  const fetchFn: FetchLike = opts.fetch ?? ((i, init) => globalThis.fetch(i, init));
  const clock = opts.clock ?? systemClock;
  const logger = opts.logger ?? silentLogger;
  const state = randomBytes(16).toString('hex');
  const redirectUrl = redirectUrlFor(opts.port);
  const authorizeUrl = `${portal}/oauth/authorize/?${new URLSearchParams({ client_id: clientId, state }).toString()}`;

  let settle!: { resolve: (t: OAuthTokens) => void; reject: (e: BitrixError) => void };
  const result = new Promise<OAuthTokens>((resolve, reject) => (settle = { resolve, reject }));
  // The caller may cancel without awaiting: never an unhandled rejection.
  result.catch(() => {});
  let done = false;
  let timer: unknown = null;

  const server = createServer();
  const shutdown = (): void => {
    if (timer !== null) clock.clearTimeout(timer);
    timer = null;
    server.close();
    server.closeAllConnections();
  };
  const finish = (outcome: { tokens?: OAuthTokens; error?: BitrixError }): void => {
    if (outcome.error) settle.reject(outcome.error);
    else settle.resolve(outcome.tokens!);
  };

  const page = messages(opts.lang ?? 'en').oauthPage;
  const answer = (res: ServerResponse, status: number, title: string, body: string): void => {
    res.writeHead(status, {
      'Content-Type': 'text/html; charset=utf-8',
      'Cache-Control': 'no-store',
      'Referrer-Policy': 'no-referrer',
      'X-Content-Type-Options': 'nosniff',
      'Content-Security-Policy': "default-src 'none'; style-src 'unsafe-inline'",
      Connection: 'close',
    });
    res.end(PAGE(opts.lang ?? 'en', title, body));
  };

  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const host = req.headers.host ?? '';
    const gotState = url.searchParams.get('state') ?? '';
    // Only the callback WITH this flow's state consumes the one shot. Anything else is
    // answered 404 and the listener keeps waiting: the browser's /favicon.ico, a page on
    // another site that guesses the port (wrong or missing state: it must not be able to
    // cancel a sign-in in progress), and a foreign Host header (DNS rebinding: a name
    // resolving to 127.0.0.1 still sends its own Host; only 127.0.0.1:PORT / localhost:PORT).
    if (
      done ||
      req.method !== 'GET' ||
      url.pathname.replace(/\/+$/, '') !== '/oauth/callback' ||
      (host !== `127.0.0.1:${opts.port}` && host !== `localhost:${opts.port}`) ||
      gotState === '' ||
      !sameState(gotState, state)
    ) {
      res.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8', Connection: 'close' });
      res.end('Not found');
      return;
    }
    done = true;
    const q = url.searchParams;
    const error = q.get('error');
    const code = q.get('code') ?? '';
    let failure: BitrixError | null = null;
    if (error) failure = err('OAUTH_DENIED');
    else if (!/^[\w.-]{1,512}$/.test(code)) failure = err('invalid_request');
    // The exchange goes where the redirect's server_domain says, if that is a known Bitrix24 OAuth server.
    let tokenUrl = opts.tokenUrl ?? '';
    try {
      if (!failure && !opts.tokenUrl) tokenUrl = exchangeTokenUrl(portal, q.get('server_domain'));
    } catch (e) {
      failure = e instanceof BitrixError ? e : err('UNKNOWN_OAUTH_SERVER');
    }
    if (failure) {
      answer(res, 400, page.failed, `${failure.message} ${page.closeTab}`);
      shutdown();
      finish({ error: failure });
      return;
    }
    registerSecret(code);
    answer(res, 200, page.done, `${page.received} ${page.closeTab}`);
    shutdown();
    requestTokens({
      tokenUrl,
      fetch: fetchFn,
      clock,
      portalOrigin: portal,
      fields: { grant_type: 'authorization_code', client_id: clientId, client_secret: clientSecret, code },
    }).then(
      (tokens) => finish({ tokens }),
      (e: unknown) => {
        logger.warn('OAuth code exchange failed', { error: e });
        finish({ error: e instanceof BitrixError ? e : err('UNKNOWN_ERROR') });
      },
    );
  });

  await new Promise<void>((resolve, reject) => {
    const onError = (e: NodeJS.ErrnoException): void => {
      server.close();
      reject(e.code === 'EADDRINUSE' || e.code === 'EACCES' ? err('PORT_IN_USE') : err('UNKNOWN_ERROR'));
    };
    server.once('error', onError);
    server.listen(opts.port, '127.0.0.1', () => {
      server.off('error', onError);
      resolve();
    });
  });
  // The listener must never keep the app alive on its own.
  server.unref();

  timer = clock.setTimeout(() => {
    if (done) return;
    done = true;
    shutdown();
    finish({ error: err('OAUTH_TIMEOUT') });
  }, opts.timeoutMs ?? DEFAULT_OAUTH_TIMEOUT_MS);

  return {
    authorizeUrl,
    redirectUrl,
    result,
    cancel() {
      if (done) return;
      done = true;
      shutdown();
      finish({ error: err('OAUTH_DENIED', 'The sign-in was cancelled.') });
    },
  };
}
