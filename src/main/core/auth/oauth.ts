/**
 * OAuth 2.0 for a portal's local application (bitrix24-api.md §3): the code
 * flow on a one-shot loopback redirect listener, the code exchange, and an
 * {@link AuthStrategy} that refreshes ONCE for any number of concurrent
 * callers (b24jssdk#147), persists the rotated pair before using it
 * (mesilov/bitrix24-php-sdk#63) and signs out cleanly on `invalid_grant`.
 */
import { BITRIX_ERROR_CODES, explain, type ErrorCode } from '../../../shared/errors';
import { errorFromEnvelope, REQUEST_TIMEOUT_MS } from '../bitrix/client';
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

export function err(
  code: ErrorCode,
  message?: string,
  opts: ConstructorParameters<typeof BitrixError>[2] = {},
): BitrixError {
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
export async function requestTokens(req: TokenRequest): Promise<OAuthTokens> {
  const url = assertSecureUrl(req.tokenUrl);
  const timeout = AbortSignal.timeout(req.timeoutMs ?? REQUEST_TIMEOUT_MS);
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
  /**
   * The refresh can never work again: the refresh token was refused (`invalid_grant`,
   * `invalid_client`, `PAYMENT_REQUIRED`), or the token server's answer named a REST address off the portal or an
   * unknown auth server (`FOREIGN_REST_ENDPOINT`, `UNKNOWN_OAUTH_SERVER`) — refused after the grant
   * spent the refresh token (rotation). The user must sign in again.
   */
  onLost: (code: ErrorCode) => void;
  /** Refresh once up front when `expiresAt` has passed (default true). */
  proactive?: boolean;
}

/**
 * Refresh refusals after which the stored sign-in can never work again. PAYMENT_REQUIRED is among
 * them: the token server gives it when the application's paid period ended OR the application was
 * removed from the portal (D:settings/oauth/auto-renewal.md), and a local application has no paid
 * period of its own; either way no tokens come until someone acts and the user signs in again.
 */
const LOST_CODES = new Set<ErrorCode>([
  'invalid_grant',
  'invalid_client',
  'PAYMENT_REQUIRED',
  'FOREIGN_REST_ENDPOINT',
  'UNKNOWN_OAUTH_SERVER',
]);

/**
 * OAuth tokens as an {@link AuthStrategy}. Refreshes only when the portal
 * rejects the token (or, once, when `expiresAt` has passed), never on a
 * schedule; single-flight: any number of concurrent callers share one
 * refresh grant. The rotated pair is handed to `onTokens` and awaited
 * before it is used. `invalid_grant` (or another of the `onLost` codes) → `onLost(code)` and
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
