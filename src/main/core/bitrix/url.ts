/**
 * URL rules shared by the REST client and both sign-in modes: plain
 * `http://` only for loopback hosts (the local fake portal, a dev proxy);
 * everything else must be `https://` (Bitrix24 itself answers plain HTTP
 * with 400 INVALID_REQUEST "Https required", bitrix24-api.md §2).
 */
import { explain } from '../../../shared/errors';
import { BitrixError } from './types';

/** True for `localhost`, `127.0.0.0/8` and `::1` (with or without brackets). */
export function isLoopbackHost(hostname: string): boolean {
  const h = hostname.toLowerCase().replace(/^\[|\]$/g, '');
  if (h === 'localhost' || h === '::1' || h === '0:0:0:0:0:0:0:1') return true;
  const m = /^127\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(h);
  return m !== null && m.slice(1).every((p) => Number(p) <= 255);
}

/** True when `url` may carry credentials: https, or http to a loopback host. */
export function isSecureUrl(url: URL): boolean {
  if (url.protocol === 'https:') return true;
  return url.protocol === 'http:' && isLoopbackHost(url.hostname);
}

/**
 * Parses `raw` and checks it may carry credentials. Throws `INSECURE_URL`
 * for plain http to a non-loopback host and `code` (default BAD_RESPONSE)
 * for anything unparsable. The message never repeats the URL (it may hold a
 * webhook code).
 */
export function assertSecureUrl(raw: string, code: 'BAD_RESPONSE' | 'INVALID_PORTAL_URL' = 'BAD_RESPONSE'): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new BitrixError(code, explain(code));
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new BitrixError(code, explain(code));
  if (!isSecureUrl(url)) throw new BitrixError('INSECURE_URL', explain('INSECURE_URL'));
  return url;
}
