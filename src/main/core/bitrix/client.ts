/**
 * The Bitrix24 REST client on `fetch` (bitrix24-api.md §2): POST JSON,
 * defensive envelope parsing, typed errors, retry with backoff honouring
 * `operating_reset_at`, a client-side leaky bucket, single-flight token
 * renewal through the {@link AuthStrategy}, `batch` chunking and
 * `im.recent.list` paging.
 */
import type { AuthStrategy } from '../auth/types';
import { systemClock, type Clock, type FetchLike, type Logger } from '../ports';
import { silentLogger } from '../redact';
import { createLeakyBucket, type Limiter } from './limiter';
import { createOperatingLimits } from './operating';
import { createRequestGuards } from './request-guard';
import {
  BitrixError,
  type BatchCall,
  type BatchOutcome,
  type BitrixClient,
  type CallOptions,
  type Params,
  type RecentItem,
} from './types';
import { assertSecureUrl, isLoopbackHost } from './url';
import {
  RENEW_CODES,
  isRedirectRefusal,
  bitrixError,
  errorFromEnvelope,
  isPlainObject,
  validateCall,
  encodeBatchCommand,
} from './envelope';

/** The User-Agent the client sends, `B24UnreadTray/<version>` (bitrix24-api.md §2 asks for `name/version`). */
export function userAgentFor(version: string): string {
  const v = /^[0-9A-Za-z.+-]{1,40}$/.test(version) ? version : 'unknown';
  return `B24UnreadTray/${v}`;
}

/** Options of {@link createBitrixClient}. */
export interface BitrixClientOptions {
  auth: AuthStrategy;
  /** Default: the global fetch. */
  fetch?: FetchLike;
  clock?: Clock;
  logger?: Logger;
  /** Default: a fresh {@link createLeakyBucket} with its defaults (2/s, burst 45). Share one per portal. */
  limiter?: Limiter;
  /** Default `B24UnreadTray/dev`; the app passes {@link userAgentFor}(version). */
  userAgent?: string;
  /** Per-attempt timeout in ms (default 15 000). */
  timeoutMs?: number;
  /** Retries of transient failures per call (default 3; 0 = fail fast). */
  retries?: number;
  /** Cap of one exponential backoff step in ms (default 10 000). */
  maxBackoffMs?: number;
  /** First backoff step in ms (default 500). */
  baseBackoffMs?: number;
  /**
   * Longest in-call wait for `operating_reset_at` after 429
   * OPERATION_TIME_LIMIT (default 60 000). A longer block fails the call at
   * once with `retryAfterMs` set, so the action queue can schedule it.
   */
  maxWaitMs?: number;
  /** Random source in [0, 1) for the jitter (tests pin it). */
  random?: () => number;
}

/** How long a request may take before it fails as TIMEOUT, unless the client is given another. */
export const REQUEST_TIMEOUT_MS = 15_000;

/** Sub-calls per `batch` request: the portal's maximum (ERROR_BATCH_LENGTH_EXCEEDED above it). */
export const BATCH_LIMIT = 50;
/** `im.recent.list` page size: the maximum the method allows (bitrix24-api.md §1, b24-rest-docs#260). */
export const RECENT_PAGE_SIZE = 200;
/** Safety cap on `im.recent.list` pages (10 000 dialogs): a portal that always says hasMore cannot loop us forever. */
export const RECENT_MAX_PAGES = 50;

export { encodeBatchCommand, errorFromEnvelope, sanitizePortalText } from './envelope';

type Attempt = { kind: 'ok'; result: unknown } | { kind: 'error'; error: BitrixError };

const utf8 = new TextEncoder();

/**
 * Where a renamed portal's old address sends `url` now: asked without a body (nothing of the sign-in
 * but what the old address already had) and without following, so that signing in at the new
 * address can take the account's waiting changes along. An https origin (plain http only on
 * loopback) other than `url`'s, or undefined when it does not say (no redirect, offline, refused).
 */
export async function newAddressOf(
  url: string,
  opts: { fetch: FetchLike; userAgent: string; timeoutMs?: number },
): Promise<string | undefined> {
  try {
    const res = await opts.fetch(url, {
      method: 'GET',
      headers: { Accept: 'application/json', 'User-Agent': opts.userAgent },
      redirect: 'manual',
      signal: AbortSignal.timeout(opts.timeoutMs ?? REQUEST_TIMEOUT_MS),
    });
    await res.body?.cancel();
    const to = new URL(res.headers.get('location') ?? '', url);
    const secure = to.protocol === 'https:' || (to.protocol === 'http:' && isLoopbackHost(to.hostname));
    return secure && to.origin !== new URL(url).origin ? to.origin : undefined;
  } catch {
    return undefined;
  }
}

/** Creates a REST client bound to one account. See {@link BitrixClient}. */
export function createBitrixClient(opts: BitrixClientOptions): BitrixClient {
  const auth = opts.auth;
  const doFetch: FetchLike = opts.fetch ?? ((input, init) => globalThis.fetch(input, init));
  const clock = opts.clock ?? systemClock;
  const logger = opts.logger ?? silentLogger;
  const limiter = opts.limiter ?? createLeakyBucket({ clock });
  const userAgent = opts.userAgent ?? 'B24UnreadTray/dev';
  const defaultTimeout = opts.timeoutMs ?? REQUEST_TIMEOUT_MS;
  const defaultRetries = opts.retries ?? 3;
  const maxBackoff = opts.maxBackoffMs ?? 10_000;
  const baseBackoff = opts.baseBackoffMs ?? 500;
  const maxWait = opts.maxWaitMs ?? 60_000;
  const random = opts.random ?? Math.random;
  const operating = createOperatingLimits(clock);
  const headers = { 'Content-Type': 'application/json', Accept: 'application/json', 'User-Agent': userAgent };
  const guards = createRequestGuards();
  // The last REST base that passed assertSecureUrl.
  let checkedBase: string | null = null;

  const sleep = (ms: number, signal?: AbortSignal): Promise<void> =>
    new Promise((resolve, reject) => {
      if (signal?.aborted) return reject(signal.reason);
      const onAbort = () => {
        clock.clearTimeout(h);
        reject(signal!.reason);
      };
      const h = clock.setTimeout(() => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      }, ms);
      signal?.addEventListener('abort', onAbort, { once: true });
    });

  /** One HTTP request; never throws a BitrixError (returns it), rethrows the caller's abort. */
  const attempt = async (
    method: string,
    params: Params,
    token: string | null,
    callOpts: CallOptions,
  ): Promise<Attempt> => {
    const base = auth.restBase();
    // The base only changes when an OAuth renewal moves client_endpoint: check it once, not per call.
    if (base !== checkedBase) {
      assertSecureUrl(`${base}${method}.json`);
      checkedBase = base;
    }
    const url = `${base}${method}.json`;
    const body = token !== null ? { ...params, auth: token } : params;
    let payload: Uint8Array<ArrayBuffer>;
    try {
      // Bytes, not a string: Node's fetch (undici) streams a string body through a ReadableStream
      // and an async iterator, but writes bytes at once (bench: a batch of 50 left in 0.3 ms
      // instead of 1 ms, a one-call toggle ~0.5 ms sooner).
      payload = utf8.encode(JSON.stringify(body));
    } catch {
      return { kind: 'error', error: bitrixError('INVALID_ARGUMENT', { method }, 'REST parameters are not JSON.') };
    }
    // Aborted by the caller's signal or the timeout (request-guard.ts); throws if the caller already aborted.
    const callerSignal = callOpts.signal;
    const guard = guards.begin(callerSignal, callOpts.timeoutMs ?? defaultTimeout);
    let status: number;
    let text: string;
    try {
      const res = await doFetch(url, {
        method: 'POST',
        headers,
        body: payload,
        signal: guard.signal,
        // A redirect could carry the body (with `auth`) to another host: refuse to follow.
        // 'error' rather than 'manual': undici keeps the body replayable for 'follow'/'manual',
        // which made every call ~12% slower (bench: client overhead per call).
        redirect: 'error',
      });
      status = res.status;
      text = await res.text();
    } catch (e) {
      guard.end();
      if (callerSignal?.aborted) throw callerSignal.reason;
      if (guard.timedOut())
        return { kind: 'error', error: bitrixError('TIMEOUT', { method, status: null, transient: true }) };
      // The portal answered with a redirect: its address changed (a renamed portal's old address
      // answers 302 to the new one: bitrix24/b24phpsdk src/Core/Core.php, STATUS_FOUND). Not
      // followed (the body carries `auth`); retrying will not help: the user signs in again there.
      if (isRedirectRefusal(e)) {
        const movedTo = await newAddress(url);
        // A redirect within its own address (a login page, a rewritten path) is no move: as before.
        if (!movedTo) return { kind: 'error', error: bitrixError('BAD_RESPONSE', { method, status: null }) };
        return { kind: 'error', error: bitrixError('PORTAL_MOVED', { method, status: null, movedTo }) };
      }
      logger.debug(`${method}: network error`, { error: e });
      return { kind: 'error', error: bitrixError('NETWORK', { method, status: null, transient: true }) };
    }
    guard.end();
    return parseEnvelope(method, status, text);
  };

  const newAddress = (url: string): Promise<string | undefined> =>
    newAddressOf(url, { fetch: doFetch, userAgent, timeoutMs: defaultTimeout });

  /** Turns status + body into the result or a typed error. */
  const parseEnvelope = (method: string, status: number, text: string): Attempt => {
    const fail = (error: BitrixError): Attempt => ({ kind: 'error', error });
    const retryable = status >= 500 || status === 429;
    let json: unknown;
    const trimmed = text.trim();
    if (trimmed.startsWith('{')) {
      try {
        json = JSON.parse(trimmed);
      } catch {
        json = undefined;
      }
    }
    // HTML error pages on limits and 5xx (fast_bitrix24#216, b24-rest-docs#377), empty bodies, redirects.
    if (!isPlainObject(json)) return fail(bitrixError('BAD_RESPONSE', { method, status, transient: retryable }));
    operating.remember(method, json.time);
    if (json.error !== undefined && json.error !== null && json.error !== '') {
      return fail(errorFromEnvelope(json, status, method));
    }
    if (status >= 400) return fail(bitrixError('HTTP_ERROR', { method, status, transient: retryable }));
    if (status >= 300 || !('result' in json)) return fail(bitrixError('BAD_RESPONSE', { method, status }));
    // im.recent.unread answers HTTP 200 `result:false` when the dialog is not found.
    if (json.result === false) return fail(bitrixError('RESULT_FALSE', { method, status }));
    return { kind: 'ok', result: json.result };
  };

  const backoffFor = (err: BitrixError, method: string, n: number): number => {
    const jitter = Math.floor(random() * Math.min(maxBackoff, baseBackoff * 2 ** n));
    if (err.code === 'OPERATION_TIME_LIMIT') return Math.max(operating.untilReset(method) + 250, jitter);
    // The portal drains 2 req/s; under a second of pause rarely frees a slot for a retry.
    if (err.code === 'QUERY_LIMIT_EXCEEDED') return Math.max(Math.min(1000, maxBackoff), jitter);
    return Math.max(err.opts.retryAfterMs ?? 0, jitter);
  };

  const call = async <T>(methodIn: string, paramsIn?: Params, callOpts: CallOptions = {}): Promise<T> => {
    const { method, params } = validateCall(methodIn, paramsIn);
    const retries = Math.max(0, callOpts.retries ?? defaultRetries);
    let failures = 0;
    let renewed = false;
    for (;;) {
      let error: BitrixError;
      let token: string | null = null;
      try {
        // Awaited only when there is something to wait for: each await costs the call µs (bench/results.md).
        if (auth.beforeCall) await auth.beforeCall();
        if (callOpts.signal?.aborted) throw callOpts.signal.reason;
        // A method the portal blocks (OPERATION_TIME_LIMIT, its reset known) gets no request before
        // the reset: handled below as that answer (waited out when short, else thrown with the wait).
        const blocked = operating.blocked(method);
        if (blocked) throw blocked;
        if (!limiter.tryTake?.()) await limiter.take(callOpts.signal);
        token = auth.accessToken();
        const a = await attempt(method, params, token, callOpts);
        if (a.kind === 'ok') return a.result as T;
        error = a.error;
      } catch (e) {
        if (!(e instanceof BitrixError)) throw e;
        error = e;
      }
      if (RENEW_CODES.has(error.code)) {
        logger.info(`${method}: access token rejected (${error.code})`);
        // Renew once per call; a second rejection means the fresh token is refused too.
        if (renewed) throw bitrixError('SIGN_IN_EXPIRED', { method, status: error.status });
        renewed = true;
        let renewedOk: boolean | null;
        try {
          renewedOk = await auth.renew(token);
        } catch (e) {
          if (!(e instanceof BitrixError)) throw e;
          // The token server was unreachable: the sign-in is not lost; handled as that (transient) error below.
          renewed = false;
          renewedOk = null;
          error = e;
        }
        if (renewedOk === true) continue;
        if (renewedOk === false) throw bitrixError('SIGN_IN_EXPIRED', { method, status: error.status });
      }
      if (!error.transient || failures >= retries) {
        logger.warn(`${method} failed: ${error.code}`, { status: error.status, attempts: failures + 1 });
        throw operating.withResetHint(error, method);
      }
      const delay = backoffFor(error, method, failures);
      if (delay > maxWait) {
        // A block longer than the call may wait: the caller schedules by the reset (and the method
        // is held as blocked until then).
        if (error.code === 'OPERATION_TIME_LIMIT') throw operating.withResetHint(error, method);
        throw bitrixError(error.code, { ...error.opts, retryAfterMs: delay }, error.message);
      }
      if (error.code === 'QUERY_LIMIT_EXCEEDED') limiter.penalize(delay);
      logger.debug(`${method}: ${error.code}, retry in ${delay} ms`, { attempt: failures + 1 });
      failures += 1;
      await sleep(delay, callOpts.signal);
    }
  };

  const batch = async <T>(calls: BatchCall[], callOpts: CallOptions = {}): Promise<BatchOutcome<T>[]> => {
    if (!Array.isArray(calls)) throw bitrixError('INVALID_ARGUMENT', { method: 'batch' }, 'batch() takes an array.');
    const outcomes: (BatchOutcome<T> | undefined)[] = new Array(calls.length);
    const valid: { index: number; cmd: string; method: string }[] = [];
    calls.forEach((c, index) => {
      try {
        if (!isPlainObject(c))
          throw bitrixError('INVALID_ARGUMENT', { method: 'batch' }, 'A batch call must be an object.');
        if (typeof c.method === 'string' && c.method.toLowerCase() === 'batch') {
          throw bitrixError('ERROR_BATCH_METHOD_NOT_ALLOWED', { method: 'batch' });
        }
        const v = validateCall(c.method, c.params);
        valid.push({ index, method: v.method, cmd: encodeBatchCommand(v.method, v.params) });
      } catch (e) {
        if (!(e instanceof BitrixError)) throw e;
        outcomes[index] = { ok: false, error: e };
      }
    });
    let stopWith: BitrixError | null = null;
    for (let i = 0; i < valid.length; i += BATCH_LIMIT) {
      const chunk = valid.slice(i, i + BATCH_LIMIT).filter((c) => {
        const blocked = operating.blocked(c.method);
        if (blocked) outcomes[c.index] = { ok: false, error: blocked };
        return blocked === null;
      });
      if (chunk.length === 0) continue;
      if (stopWith) {
        for (const c of chunk) outcomes[c.index] = { ok: false, error: stopWith };
        continue;
      }
      const cmd: Record<string, string> = {};
      for (const c of chunk) cmd[`c${c.index}`] = c.cmd;
      let res: unknown;
      try {
        res = await call<unknown>('batch', { halt: 0, cmd }, callOpts);
      } catch (e) {
        if (!(e instanceof BitrixError)) throw e;
        for (const c of chunk) outcomes[c.index] = { ok: false, error: e };
        // Offline or signed out: the remaining chunks would fail the same way; do not hammer the portal.
        if (e.transient || e.code === 'SIGN_IN_EXPIRED' || e.code === 'NO_AUTH_FOUND') stopWith = e;
        continue;
      }
      const results = isPlainObject(res) && isPlainObject(res.result) ? res.result : {};
      const errors = isPlainObject(res) && isPlainObject(res.result_error) ? res.result_error : {};
      // Each sub-call counts against its method's operating-time limit, and its `result_time` says
      // when that method's window resets (bitrix24-api.md §6), as a call's `time` does. The vendor's
      // SDK reads it so too (@bitrix24/b24jssdk 2.2.0: batch/processing/v2/abstract-processing.mjs
      // feeds each sub-call's result_time to limiters/operating-limiter.mjs, which takes
      // `operating_reset_at`). A portal that leaves it out leaves no hint: the queue backs off itself.
      const times = isPlainObject(res) && isPlainObject(res.result_time) ? res.result_time : {};
      for (const c of chunk) operating.remember(c.method, times[`c${c.index}`]);
      for (const c of chunk) {
        const key = `c${c.index}`;
        const subError = errors[key];
        if (isPlainObject(subError)) {
          // A blocked method's sub-call: the queue waits for the reset instead of retrying into the block.
          outcomes[c.index] = {
            ok: false,
            error: operating.withResetHint(errorFromEnvelope(subError, null, c.method), c.method),
          };
        } else if (!(key in results)) {
          outcomes[c.index] = { ok: false, error: bitrixError('BAD_RESPONSE', { method: c.method }) };
        } else if (results[key] === false) {
          // Same rule as call(): im.recent.unread says `false` for a dialog it cannot find.
          outcomes[c.index] = { ok: false, error: bitrixError('RESULT_FALSE', { method: c.method }) };
        } else {
          outcomes[c.index] = { ok: true, result: results[key] as T };
        }
      }
    }
    return outcomes as BatchOutcome<T>[];
  };

  const listRecent = async (
    params: Params = {},
    callOpts: CallOptions = {},
    lastPage?: (page: readonly RecentItem[]) => boolean,
    pageSize = RECENT_PAGE_SIZE,
  ): Promise<RecentItem[]> => {
    const seen = new Set<string>();
    const items: RecentItem[] = [];
    const limit = Math.max(1, Math.min(RECENT_PAGE_SIZE, Math.floor(pageSize)));
    // OFFSET advances by LIMIT, not by the items received (bitrix24-api.md §1, b24-rest-docs#260).
    for (let page = 0, offset = 0; page < RECENT_MAX_PAGES; page += 1, offset += limit) {
      const res = await call<unknown>('im.recent.list', { ...params, LIMIT: limit, OFFSET: offset }, callOpts);
      if (!isPlainObject(res) || !Array.isArray(res.items)) {
        throw bitrixError('BAD_RESPONSE', { method: 'im.recent.list' });
      }
      for (const it of res.items) {
        if (!isPlainObject(it)) continue;
        const id = it.id;
        if (typeof id !== 'number' && typeof id !== 'string') continue;
        // Pages overlap (b24-rest-docs#260): keep the first sighting.
        const key = String(id);
        if (seen.has(key)) continue;
        seen.add(key);
        items.push(it as RecentItem);
      }
      const more = res.hasMore ?? res.hasMorePages;
      if (more !== true || res.items.length === 0) break;
      if (lastPage?.(res.items.filter(isPlainObject) as RecentItem[])) break;
      if (page === RECENT_MAX_PAGES - 1) logger.warn('im.recent.list: stopped at the page cap', { pages: page + 1 });
    }
    return items;
  };

  return { origin: auth.origin, call, batch, listRecent };
}
