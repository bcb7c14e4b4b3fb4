/**
 * The ONE place secrets are masked before text leaves the process memory
 * (logs, error messages, IPC responses). Every Logger goes through
 * {@link createLogger}; every error message the REST layer builds goes
 * through {@link redact}. Motivated by the SDK's history of tokens in logs
 * and URLs (bitrix24/b24jssdk#43, #149).
 */
import { isKnownErrorCode } from '../../shared/errors';
import type { Logger } from './ports';

/** What a masked secret becomes. */
export const MASK = '***';

/**
 * Keys whose values are secrets, in query strings, JSON text and objects.
 * `code` is the OAuth authorization code; its value is kept when it is one
 * of the app's error codes (an AppError's `code` is not a secret).
 */
const SECRET_KEYS = ['auth', 'access_token', 'refresh_token', 'client_secret', 'code', 'application_token', 'password'];

/** Object keys (camelCase spellings the app itself uses) that hold secrets. */
const SECRET_OBJECT_KEYS = new Set(
  [...SECRET_KEYS, 'accessToken', 'refreshToken', 'clientSecret', 'webhookCode', 'secret', 'token'].map((k) =>
    k.toLowerCase(),
  ),
);

// Shorter strings would mask ordinary words; every real secret is far longer.
const MIN_SECRET_LENGTH = 6;

const registered = new Set<string>();
// Longest first, so a secret that contains another is masked whole.
let ordered: string[] = [];

/**
 * Registers a secret (a token, a webhook code, a client secret) so that
 * {@link redact} masks it wherever it appears, also URL-encoded. The account
 * store calls this for each secret it loads; the auth strategies call it for
 * each token they receive. Strings shorter than 6 characters are ignored.
 */
export function registerSecret(secret: string): void {
  if (typeof secret !== 'string' || secret.length < MIN_SECRET_LENGTH || registered.has(secret)) return;
  registered.add(secret);
  const encoded = encodeURIComponent(secret);
  if (encoded !== secret) registered.add(encoded);
  ordered = [...registered].sort((a, b) => b.length - a.length);
}

/** Forgets a secret registered earlier (after sign-out). Masking it does no harm, so this is optional. */
export function unregisterSecret(secret: string): void {
  registered.delete(secret);
  registered.delete(encodeURIComponent(secret));
  ordered = [...registered].sort((a, b) => b.length - a.length);
}

function keepValue(key: string, value: string): boolean {
  // `"code":"NETWORK"` in a logged AppError is not an OAuth code.
  return key.toLowerCase() === 'code' && isKnownErrorCode(value);
}

const KEY_ALT = SECRET_KEYS.join('|');
// /rest/<userId>/<code>/...: the webhook code is the whole credential.
const WEBHOOK_PATH = /(\/rest\/\d+\/)([^/\s?#"'<>]+)/gi;
// key=value in query strings and form bodies (also auth[access_token]=...).
const QUERY_PARAM = new RegExp(
  `((?:^|[?&;\\s,(])(?:${KEY_ALT})(?:%5B[^=&]*%5D|\\[[^=&\\]]*\\])?=)([^&\\s"'#<>]*)`,
  'gi',
);
// "key": "value" in JSON text (escaped quotes inside the value included).
const JSON_PAIR = new RegExp(`("(?:${KEY_ALT})"\\s*:\\s*")((?:[^"\\\\]|\\\\.)*)(")`, 'gi');
const JSON_KEY_NAME = /^"([^"]+)"/;
// Authorization: Bearer <token>
const BEARER = /(\bBearer\s+)[A-Za-z0-9._~+/=-]+/gi;

/**
 * Masks secrets in `text`: webhook codes in `/rest/<id>/<code>/` paths,
 * `auth=`, `access_token=`, `refresh_token=`, `client_secret=`, `code=`
 * query parameters, the same keys in JSON text, bearer tokens, and every
 * string passed to {@link registerSecret}.
 */
export function redact(text: string): string {
  if (typeof text !== 'string' || text.length === 0) return typeof text === 'string' ? text : String(text);
  let out = text;
  for (const s of ordered) {
    if (out.includes(s)) out = out.split(s).join(MASK);
  }
  out = out.replace(WEBHOOK_PATH, (_m, prefix: string) => `${prefix}${MASK}`);
  out = out.replace(QUERY_PARAM, (m, prefix: string, value: string) => {
    if (value === '' || value === MASK) return m;
    const key = /([a-z_]+)(?=[[%=])/i.exec(prefix.replace(/^[?&;\s,(]/, ''))?.[1] ?? '';
    return keepValue(key, value) ? m : `${prefix}${MASK}`;
  });
  out = out.replace(JSON_PAIR, (m, head: string, value: string, tail: string) => {
    if (value === '' || value === MASK) return m;
    const key = JSON_KEY_NAME.exec(head)?.[1] ?? '';
    return keepValue(key, value) ? m : `${head}${MASK}${tail}`;
  });
  out = out.replace(BEARER, (_m, prefix: string) => `${prefix}${MASK}`);
  return out;
}

const MAX_DEPTH = 8;

/**
 * Returns a copy of `value` safe to log or send: strings redacted, values
 * under secret keys (`auth`, `accessToken`, `refresh_token`...) masked,
 * Errors turned into `{ name, message, code?, stack? }`, cycles cut.
 */
export function redactDeep(value: unknown): unknown {
  return deep(value, new WeakSet(), 0);
}

function deep(value: unknown, seen: WeakSet<object>, depth: number): unknown {
  if (typeof value === 'string') return redact(value);
  if (value === null || typeof value !== 'object') {
    if (typeof value === 'bigint') return value.toString();
    if (typeof value === 'function' || typeof value === 'symbol') return `[${typeof value}]`;
    return value;
  }
  if (seen.has(value)) return '[Circular]';
  if (depth >= MAX_DEPTH) return '[Too deep]';
  seen.add(value);
  if (value instanceof URL) return redact(value.href);
  if (value instanceof Date) return value.toISOString();
  if (value instanceof Error) {
    const e = value as Error & { code?: unknown; cause?: unknown };
    const out: Record<string, unknown> = { name: e.name, message: redact(e.message) };
    if (e.code !== undefined) out.code = deep(e.code, seen, depth + 1);
    if (e.stack) out.stack = redact(e.stack);
    if (e.cause !== undefined) out.cause = deep(e.cause, seen, depth + 1);
    return out;
  }
  if (Array.isArray(value)) return value.map((v) => deep(v, seen, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    if (SECRET_OBJECT_KEYS.has(k.toLowerCase()) && v !== null && v !== undefined && v !== '') {
      out[k] = typeof v === 'string' && keepValue(k, v) ? v : MASK;
    } else {
      out[k] = deep(v, seen, depth + 1);
    }
  }
  return out;
}

/** Severity of a log line. */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

/**
 * Builds a {@link Logger} that redacts the message and the meta (deeply,
 * then the serialised line once more) before handing one line to `sink`.
 * The line is `message` or `message {"meta":"as JSON"}`.
 */
export function createLogger(sink: (level: LogLevel, line: string) => void): Logger {
  const write = (level: LogLevel, message: string, meta?: Record<string, unknown>): void => {
    let line = redact(typeof message === 'string' ? message : String(message));
    if (meta !== undefined) {
      let json: string;
      try {
        json = JSON.stringify(redactDeep(meta)) ?? '';
      } catch {
        json = '"[unserialisable meta]"';
      }
      line += ` ${redact(json)}`;
    }
    sink(level, line);
  };
  return {
    debug: (m, meta) => write('debug', m, meta),
    info: (m, meta) => write('info', m, meta),
    warn: (m, meta) => write('warn', m, meta),
    error: (m, meta) => write('error', m, meta),
  };
}

/** A logger that drops everything (the default where none is injected). */
export const silentLogger: Logger = createLogger(() => {});
