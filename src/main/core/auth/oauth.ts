/**
 * OAuth 2.0 for a portal's local application (bitrix24-api.md §3): the code
 * flow on a one-shot loopback redirect listener, the code exchange, and an
 * {@link AuthStrategy} that refreshes ONCE for any number of concurrent
 * callers (b24jssdk#147), persists the rotated pair before using it
 * (mesilov/bitrix24-php-sdk#63) and signs out cleanly on `invalid_grant`.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { BITRIX_ERROR_CODES, explain, type ErrorCode, type Lang } from '../../../shared/errors';
import { messages } from '../../../shared/messages';
import { errorFromEnvelope } from '../bitrix/client';
import { BitrixError } from '../bitrix/types';
import { assertSecureUrl, isLoopbackHost } from '../bitrix/url';
import { systemClock, type Clock, type FetchLike, type Logger } from '../ports';
import { registerSecret, silentLogger } from '../redact';
import type { AuthStrategy } from './types';

/** A token pair and what came with it. All of it is secret except the endpoints, ids and scope. */
export interface OAuthTokens {
  accessToken: string;
  refreshToken: string;
  /** Epoch ms when the access token expires (local clock). */
  expiresAt: number;
  /** REST base for calls, e.g. `https://acme.bitrix24.ru/rest/` (ends with '/'). */
  clientEndpoint: string;
  /** The auth server's REST base, e.g. `https://oauth.bitrix24.tech/rest/`; its origin serves `/oauth/token/`. */
  serverEndpoint: string;
  memberId: string;
  userId: number;
  /** Host of the portal, e.g. `acme.bitrix24.ru` (not the auth server's `domain` field). */
  domain: string;
  /** Granted scopes, e.g. `im,user`. */
  scope: string;
}

/** Real Bitrix24's auth server named by the Russian docs (bitrix24-api.md §3); the default when a redirect names none. */
export const BITRIX_TOKEN_URL = 'https://oauth.bitrix24.tech/oauth/token/';
/**
 * The Bitrix24 OAuth servers the client secret and tokens may go to: the English docs (`.com`
 * portals) name `oauth.bitrix.info`, the Russian ones `oauth.bitrix24.tech` (bitrix24-api.md §6).
 */
export const KNOWN_OAUTH_HOSTS: readonly string[] = ['oauth.bitrix.info', 'oauth.bitrix24.tech'];
/** How long the browser sign-in may take by default. */
export const DEFAULT_OAUTH_TIMEOUT_MS = 5 * 60_000;

function err(code: ErrorCode, message?: string, opts: ConstructorParameters<typeof BitrixError>[2] = {}): BitrixError {
  return new BitrixError(code, message ?? explain(code), opts);
}

/**
 * Normalizes what the user typed as the portal address to its origin:
 * `acme.bitrix24.ru` → `https://acme.bitrix24.ru`; a path is dropped. Plain
 * http only for loopback hosts. Throws `INVALID_PORTAL_URL` or `INSECURE_URL`.
 */
export function normalizePortalUrl(input: unknown): string {
  if (typeof input !== 'string') throw err('INVALID_PORTAL_URL');
  const text = input.trim();
  if (text === '' || text.length > 2048 || /\s/.test(text)) throw err('INVALID_PORTAL_URL');
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(text) ? text : `https://${text}`;
  let url: URL;
  try {
    url = new URL(withScheme);
  } catch {
    throw err('INVALID_PORTAL_URL');
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw err('INVALID_PORTAL_URL');
  if (url.username || url.password) throw err('INVALID_PORTAL_URL');
  const host = url.hostname;
  // A bare word ("acme") is a typo, not a portal; loopback names and IPs are fine.
  if (!host.includes('.') && !isLoopbackHost(host)) throw err('INVALID_PORTAL_URL');
  if (url.protocol === 'http:' && !isLoopbackHost(host)) throw err('INSECURE_URL');
  return url.origin;
}

/** The exact redirect URL to register in the Bitrix24 local application (shown in Settings). */
export function redirectUrlFor(port: number): string {
  return `http://127.0.0.1:${port}/oauth/callback`;
}

/** The token endpoint for a portal before the first exchange: the real auth server, or the portal itself when it is loopback (the fake). */
export function tokenUrlFor(portalOrigin: string): string {
  const url = new URL(portalOrigin);
  return isLoopbackHost(url.hostname) ? `${url.origin}/oauth/token/` : BITRIX_TOKEN_URL;
}

function unknownServer(what: string): BitrixError {
  return err(
    'UNKNOWN_OAUTH_SERVER',
    `${explain('UNKNOWN_OAUTH_SERVER')} (${what.length > 80 ? `${what.slice(0, 80)}…` : what})`,
  );
}

/** True for a known Bitrix24 OAuth server, or the loopback portal itself (the local fake portal serves its own). */
function isKnownOAuthServer(url: URL, portalOrigin: string): boolean {
  if (url.protocol === 'https:' && KNOWN_OAUTH_HOSTS.includes(url.hostname.toLowerCase()) && url.port === '') {
    return true;
  }
  const portal = new URL(portalOrigin);
  return isLoopbackHost(portal.hostname) && url.origin === portal.origin;
}

/**
 * The code exchange's token endpoint: at the host the redirect's `server_domain` names when it is
 * a known Bitrix24 OAuth server ({@link KNOWN_OAUTH_HOSTS}); without one, {@link tokenUrlFor}.
 * Any other host is refused (UNKNOWN_OAUTH_SERVER) before anything is sent.
 */
export function exchangeTokenUrl(portalOrigin: string, serverDomain: string | null): string {
  const domain = (serverDomain ?? '').trim().toLowerCase();
  if (domain === '') return tokenUrlFor(portalOrigin);
  if (!/^[a-z0-9.-]{1,253}(?::\d{1,5})?$/.test(domain)) throw unknownServer(domain);
  const portal = new URL(portalOrigin);
  const scheme = isLoopbackHost(portal.hostname) && domain === portal.host ? 'http' : 'https';
  const url = new URL(`${scheme}://${domain}/oauth/token/`);
  if (!isKnownOAuthServer(url, portalOrigin)) throw unknownServer(domain);
  return url.href;
}

/**
 * The token endpoint named by a `server_endpoint` (`https://oauth.bitrix24.tech/rest/` → `…/oauth/token/`),
 * refused (UNKNOWN_OAUTH_SERVER) unless it is a known Bitrix24 OAuth server.
 */
export function tokenUrlFromServerEndpoint(serverEndpoint: string, portalOrigin: string): string {
  const url = assertSecureUrl(serverEndpoint);
  if (!isKnownOAuthServer(url, portalOrigin)) throw unknownServer(url.host);
  return `${url.origin}/oauth/token/`;
}

interface TokenRequest {
  tokenUrl: string;
  fetch: FetchLike;
  clock: Clock;
  timeoutMs?: number;
  /** The signed-in portal's origin: `client_endpoint` must be on it. */
  portalOrigin: string;
  fields: Record<string, string>;
}

const TOKEN_ERRORS = new Set<string>(BITRIX_ERROR_CODES);

/**
 * One request to the token endpoint. POSTs a form (the SDK's way) rather
 * than the documented GET, so the client secret and tokens never sit in a
 * URL that proxies and server logs keep. Validates the answer; every error
 * is typed and holds no secret.
 */
async function requestTokens(req: TokenRequest): Promise<OAuthTokens> {
  const url = assertSecureUrl(req.tokenUrl);
  const timeout = AbortSignal.timeout(req.timeoutMs ?? 15_000);
  let status: number;
  let text: string;
  try {
    const res = await req.fetch(url, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded', Accept: 'application/json' },
      body: new URLSearchParams(req.fields).toString(),
      signal: timeout,
      redirect: 'manual',
    });
    status = res.status;
    text = await res.text();
  } catch {
    if (timeout.aborted) throw err('TIMEOUT', undefined, { transient: true, status: null, method: 'oauth/token' });
    throw err('NETWORK', undefined, { transient: true, status: null, method: 'oauth/token' });
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  const transient = status >= 500 || status === 429;
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    throw err('BAD_RESPONSE', undefined, { status, transient, method: 'oauth/token' });
  }
  const j = json as Record<string, unknown>;
  if (typeof j.error === 'string' && j.error !== '') {
    if (TOKEN_ERRORS.has(j.error)) {
      throw errorFromEnvelope(j, status, 'oauth/token');
    }
    // Some servers spell auth errors in upper case.
    const lower = j.error.toLowerCase();
    if (TOKEN_ERRORS.has(lower)) throw errorFromEnvelope({ error: lower }, status, 'oauth/token');
    throw errorFromEnvelope(j, status, 'oauth/token');
  }
  if (status >= 300) throw err('HTTP_ERROR', undefined, { status, transient, method: 'oauth/token' });
  const str = (k: string): string => (typeof j[k] === 'string' ? (j[k] as string) : '');
  const accessToken = str('access_token');
  const refreshToken = str('refresh_token');
  if (!accessToken || !refreshToken) throw err('BAD_RESPONSE', undefined, { status, method: 'oauth/token' });
  registerSecret(accessToken);
  registerSecret(refreshToken);
  // Both endpoints later receive the tokens (and the server one the client secret): the REST base
  // must be the signed-in portal's own origin, the auth server a known Bitrix24 one.
  const clientUrl = assertSecureUrl(str('client_endpoint'));
  if (clientUrl.origin !== req.portalOrigin) {
    throw err('FOREIGN_REST_ENDPOINT', undefined, { status, method: 'oauth/token' });
  }
  const clientEndpoint = clientUrl.href;
  const serverEndpoint = assertSecureUrl(str('server_endpoint')).href;
  tokenUrlFromServerEndpoint(serverEndpoint, req.portalOrigin);
  const now = req.clock.now();
  const expiresIn = Number(j.expires_in);
  const expires = Number(j.expires);
  // Prefer the relative lifetime: a skewed local clock does not shorten it.
  const expiresAt =
    Number.isFinite(expiresIn) && expiresIn > 0
      ? now + expiresIn * 1000
      : Number.isFinite(expires) && expires > 0
        ? expires * 1000
        : now + 3600_000;
  const userId = Number(j.user_id);
  return {
    accessToken,
    refreshToken,
    expiresAt,
    clientEndpoint: clientEndpoint.endsWith('/') ? clientEndpoint : `${clientEndpoint}/`,
    serverEndpoint,
    memberId: str('member_id'),
    userId: Number.isSafeInteger(userId) && userId > 0 ? userId : 0,
    domain: new URL(req.portalOrigin).hostname,
    scope: str('scope'),
  };
}

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

/** Options of {@link oauthAuth}. */
export interface OAuthAuthOptions {
  /** The portal origin (`normalizePortalUrl`). */
  origin: string;
  clientId: string;
  clientSecret: string;
  tokens: OAuthTokens;
  fetch?: FetchLike;
  clock?: Clock;
  logger?: Logger;
  /** Persist the rotated pair. Awaited before any call uses the new access token. */
  onTokens: (t: OAuthTokens) => void | Promise<void>;
  /** The refresh token was refused (`invalid_grant`, `invalid_client`): the user must sign in again. */
  onLost: (code: ErrorCode) => void;
  /** Refresh once up front when `expiresAt` has passed (default true). */
  proactive?: boolean;
}

const LOST_CODES = new Set<ErrorCode>(['invalid_grant', 'invalid_client']);

/**
 * OAuth tokens as an {@link AuthStrategy}. Refreshes only when the portal
 * rejects the token (or, once, when `expiresAt` has passed), never on a
 * schedule; single-flight: any number of concurrent callers share one
 * refresh grant. The rotated pair is handed to `onTokens` and awaited
 * before it is used. `invalid_grant` → `onLost('invalid_grant')` and
 * `renew()` resolves false from then on.
 */
export function oauthAuth(opts: OAuthAuthOptions): AuthStrategy & { tokens(): OAuthTokens } {
  const fetchFn: FetchLike = opts.fetch ?? ((i, init) => globalThis.fetch(i, init));
  const clock = opts.clock ?? systemClock;
  const logger = opts.logger ?? silentLogger;
  const proactive = opts.proactive ?? true;
  let current: OAuthTokens = { ...opts.tokens };
  let inflight: Promise<boolean> | null = null;
  let lost = false;
  registerSecret(opts.clientSecret);
  registerSecret(current.accessToken);
  registerSecret(current.refreshToken);

  const refresh = async (): Promise<boolean> => {
    let next: OAuthTokens;
    try {
      next = await requestTokens({
        tokenUrl: tokenUrlFromServerEndpoint(current.serverEndpoint, opts.origin),
        fetch: fetchFn,
        clock,
        portalOrigin: opts.origin,
        fields: {
          grant_type: 'refresh_token',
          client_id: opts.clientId,
          client_secret: opts.clientSecret,
          refresh_token: current.refreshToken,
        },
      });
    } catch (e) {
      if (e instanceof BitrixError && LOST_CODES.has(e.code)) {
        lost = true;
        logger.warn(`OAuth refresh refused: ${e.code}`);
        opts.onLost(e.code);
        return false;
      }
      logger.warn('OAuth refresh failed', { error: e });
      throw e;
    }
    try {
      await opts.onTokens(next);
    } catch (e) {
      // The old refresh token is already spent (rotation): refusing the new pair would sign the user out for nothing.
      logger.error('Could not persist the rotated OAuth tokens; keeping them in memory', { error: e });
    }
    current = next;
    return true;
  };

  const renew = (failedToken: string | null): Promise<boolean> => {
    if (lost) return Promise.resolve(false);
    // Someone renewed while this call was in flight: its token is stale, not dead.
    if (inflight === null && failedToken !== null && failedToken !== current.accessToken) return Promise.resolve(true);
    if (inflight === null) {
      inflight = refresh().finally(() => {
        inflight = null;
      });
    }
    return inflight;
  };

  return {
    kind: 'oauth',
    origin: opts.origin,
    restBase: () => current.clientEndpoint,
    accessToken: () => current.accessToken,
    renew,
    async beforeCall() {
      if (inflight !== null) {
        await inflight.catch(() => false);
      } else if (proactive && !lost && clock.now() >= current.expiresAt) {
        await renew(current.accessToken).catch(() => false);
      }
    },
    tokens: () => ({ ...current }),
  };
}
