/**
 * The REST envelope (moved out of client.ts): typed errors from Bitrix24's
 * `{error, error_description}`, portal text made safe to show, the
 * pre-flight check of a method and its params, and the batch command encoding.
 */
import {
  BITRIX_ERROR_CODES,
  OVERLOAD_RETRY_MS,
  TRANSIENT_CODES,
  explain,
  type ErrorCode,
} from '../../../shared/errors';
import { parseDialogId, sgRefusal } from '../../../shared/dialog-id';
import { redact } from '../redact';
import { BitrixError, type Params } from './types';

export const METHOD_NAME = /^[a-z][a-z0-9_]*(\.[a-z0-9_]+)*$/i;
export const KNOWN_BITRIX = new Set<string>(BITRIX_ERROR_CODES);
export const RENEW_CODES = new Set<ErrorCode>(['expired_token', 'invalid_token']);
/** The toggle's methods, which do not resolve `sgNNN`. */
export const READ_METHODS = new Set(['im.recent.unread', 'im.dialog.read']);

/** True for fetch's refusal of a redirect under `redirect: 'error'` (Node: cause "unexpected redirect"). */
export function isRedirectRefusal(e: unknown): boolean {
  const cause = e instanceof Error ? e.cause : undefined;
  const text = `${e instanceof Error ? e.message : ''} ${cause instanceof Error ? cause.message : ''}`;
  return /redirect/i.test(text);
}

export function bitrixError(
  code: ErrorCode,
  opts: ConstructorParameters<typeof BitrixError>[2] = {},
  message?: string,
) {
  return new BitrixError(code, message ?? explain(code), opts);
}

/** Makes a portal-supplied text safe to show: no secrets, no markup, one short line. */
export function sanitizePortalText(text: unknown, max = 200): string {
  if (typeof text !== 'string') return '';
  const flat = redact(text)
    .replace(/<[^>]*>/g, ' ')
    // eslint-disable-next-line no-control-regex
    .replace(/[\u0000-\u001f\u007f]+/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

/**
 * Maps a Bitrix24 error envelope `{error, error_description}` to a typed
 * error. Known codes keep their spelling and get the catalogue's message;
 * unknown ones become UNKNOWN_ERROR with the portal's words, sanitized.
 */
export function errorFromEnvelope(
  body: { error?: unknown; error_description?: unknown },
  status: number | null,
  method?: string,
): BitrixError {
  const raw = typeof body.error === 'string' ? body.error : '';
  if (KNOWN_BITRIX.has(raw)) {
    const code = raw as ErrorCode;
    // A portal-wide block (bitrix24-api.md §6): not retried within the call; whoever holds the
    // work (the action queue, the poller) tries again much later.
    if (code === 'OVERLOAD_LIMIT') {
      return bitrixError(code, { status, method, transient: true, retryAfterMs: OVERLOAD_RETRY_MS });
    }
    return bitrixError(code, { status, method, transient: TRANSIENT_CODES.has(code) });
  }
  const what = [sanitizePortalText(raw, 60), sanitizePortalText(body.error_description)].filter(Boolean).join(': ');
  return bitrixError(
    'UNKNOWN_ERROR',
    { status, method, transient: status !== null && status >= 500 },
    what ? `Bitrix24 reported an error: ${what}` : explain('UNKNOWN_ERROR'),
  );
}

export function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * Checks a method name and its params before anything is sent: a bad
 * method name or DIALOG_ID never reaches the network. Returns params with a
 * canonical DIALOG_ID.
 */
export function validateCall(method: unknown, params: unknown): { method: string; params: Params } {
  if (typeof method !== 'string' || !METHOD_NAME.test(method) || method.length > 100) {
    throw bitrixError('INVALID_ARGUMENT', {}, 'Not a Bitrix24 REST method name.');
  }
  if (params === undefined || params === null) return { method, params: {} };
  if (!isPlainObject(params)) throw bitrixError('INVALID_ARGUMENT', { method }, 'REST parameters must be an object.');
  if (!('DIALOG_ID' in params)) return { method, params };
  const id = parseDialogId(params.DIALOG_ID);
  if (!id) throw bitrixError('INVALID_DIALOG_ID', { method });
  // The server answers `false` for sgNNN here (bitrix24-api.md §6): say why before sending anything.
  const refusal = READ_METHODS.has(method) ? sgRefusal(id) : null;
  if (refusal) throw bitrixError('INVALID_DIALOG_ID', { method }, refusal);
  return id.id === params.DIALOG_ID ? { method, params } : { method, params: { ...params, DIALOG_ID: id.id } };
}

/**
 * Encodes one batch sub-call as `method?query`, the way Bitrix's PHP
 * (`parse_str`) reads it: nested arrays and objects as `KEY[0]=a`,
 * `KEY[sub]=b`; booleans as 1/0 (like `http_build_query`); null and
 * undefined omitted.
 */
export function encodeBatchCommand(method: string, params: Params = {}): string {
  const parts: string[] = [];
  const walk = (key: string, v: unknown): void => {
    if (v === undefined || v === null) return;
    if (Array.isArray(v)) v.forEach((x, i) => walk(`${key}[${i}]`, x));
    else if (v instanceof Date) parts.push(`${key}=${encodeURIComponent(v.toISOString())}`);
    else if (typeof v === 'object') for (const [k, x] of Object.entries(v)) walk(`${key}[${encodeURIComponent(k)}]`, x);
    else if (typeof v === 'boolean') parts.push(`${key}=${v ? 1 : 0}`);
    else parts.push(`${key}=${encodeURIComponent(String(v))}`);
  };
  for (const [k, v] of Object.entries(params)) walk(encodeURIComponent(k), v);
  return `${method}?${parts.join('&')}`;
}
