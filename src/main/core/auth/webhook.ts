/**
 * Sign-in with an inbound webhook URL `https://PORTAL/rest/USER_ID/CODE/`
 * (bitrix24-api.md §2). The CODE is the whole credential: it is never
 * repeated in an error message, and is registered with redact() as soon as
 * a strategy is built from it.
 */
import { explain } from '../../../shared/errors';
import { createBitrixClient, type BitrixClientOptions } from '../bitrix/client';
import { BitrixError } from '../bitrix/types';
import { isLoopbackHost } from '../bitrix/url';
import { registerSecret } from '../redact';
import type { AuthStrategy } from './types';

/** A validated inbound webhook. */
export interface ParsedWebhook {
  /** `https://acme.bitrix24.ru` (lower-case host, no trailing slash). */
  origin: string;
  /** The user who created the webhook (the calls act with their rights). */
  userId: number;
  /** The secret code: a credential. */
  code: string;
  /** `${origin}/rest/${userId}/${code}/` */
  restBase: string;
}

const CODE = /^[a-z0-9]{8,64}$/;
const USER_ID = /^[1-9][0-9]{0,9}$/;
// A method name the user copied along with the URL: `profile`, `profile.json`, `im.recent.list.json`.
const METHOD = /^[a-z][a-z0-9_]*(\.[a-z0-9_]+)*$/i;
// Query keys that would put a secret in the pasted URL; we never keep a query anyway.
const SECRET_QUERY = /(^|[?&#])(auth|access_token|refresh_token|client_secret|code|password|token)(\[|%5B|=)/i;

function invalid(detail: string): BitrixError {
  return new BitrixError('INVALID_WEBHOOK_URL', `${explain('INVALID_WEBHOOK_URL')} ${detail}`.trim());
}

/**
 * Validates what the user pasted as a webhook URL. Trims whitespace; adds
 * `https://` when no scheme is given; accepts a trailing slash or none;
 * strips a pasted method name (`.../profile.json`, `.../im.recent.list`).
 * Throws {@link BitrixError} `INVALID_WEBHOOK_URL` (not a webhook URL:
 * credentials in it, a secret in its query or fragment, a non-numeric user
 * id, a code that is not 8–64 lower-case letters and digits) or
 * `INSECURE_URL` (plain http to a non-loopback host). Messages never
 * contain the input.
 */
export function parseWebhookUrl(input: unknown): ParsedWebhook {
  if (typeof input !== 'string') throw invalid('');
  const text = input.trim();
  if (text === '' || text.length > 2048) throw invalid('');
  if (/\s/.test(text)) throw invalid('It must not contain spaces.');
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(text) ? text : `https://${text}`;
  let url: URL;
  try {
    url = new URL(withScheme);
  } catch {
    throw invalid('');
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw invalid('');
  if (url.username || url.password) throw invalid('Remove the user name and password from it.');
  if (SECRET_QUERY.test(url.search) || SECRET_QUERY.test(url.hash)) {
    throw invalid('Remove the part after "?" or "#": it holds a secret.');
  }
  if (url.protocol === 'http:' && !isLoopbackHost(url.hostname)) {
    throw new BitrixError('INSECURE_URL', explain('INSECURE_URL'));
  }
  const segments = url.pathname.split('/').filter((s) => s !== '');
  if (segments.length < 3 || segments.length > 4 || segments[0]!.toLowerCase() !== 'rest') {
    throw invalid('');
  }
  const [, user, code, method] = segments as [string, string, string, string | undefined];
  if (!USER_ID.test(user)) throw invalid('The number after /rest/ must be your user id.');
  if (!CODE.test(code)) throw invalid('The secret code after the user id looks incomplete.');
  if (method !== undefined && !METHOD.test(method)) throw invalid('');
  const origin = url.origin;
  return { origin, userId: Number(user), code, restBase: `${origin}/rest/${user}/${code}/` };
}

/** The webhook as an {@link AuthStrategy}: no token, nothing to renew. Registers the code with redact(). */
export function webhookAuth(parsed: ParsedWebhook): AuthStrategy {
  registerSecret(parsed.code);
  return {
    kind: 'webhook',
    origin: parsed.origin,
    restBase: () => parsed.restBase,
    accessToken: () => null,
    // A webhook has no token to refresh: a rejected webhook is a lost sign-in.
    renew: async () => false,
  };
}

/** Who signed in, from `profile` (works with any scope, bitrix24-api.md §1). */
export interface WebhookProfile {
  userId: number;
  userName: string;
}

/** Dependencies of {@link verifyWebhook}: the client options it passes on (it sets the auth and the retries). */
export type VerifyWebhookDeps = Pick<
  BitrixClientOptions,
  'fetch' | 'clock' | 'logger' | 'limiter' | 'userAgent' | 'timeoutMs'
>;

/**
 * Parses the URL, then proves it works: a real `profile` call (who am I),
 * then one `im.counters.get` to confirm the webhook has the `im` scope
 * (`insufficient_scope` keeps its own actionable message). Throws
 * {@link BitrixError}: parse errors before any request; NO_AUTH_FOUND for a
 * revoked or mistyped code; ERROR_METHOD_NOT_FOUND, ACCESS_DENIED, NETWORK...
 */
export async function verifyWebhook(
  url: unknown,
  deps: VerifyWebhookDeps = {},
): Promise<{ webhook: ParsedWebhook; profile: WebhookProfile }> {
  const webhook = parseWebhookUrl(url);
  const client = createBitrixClient({
    ...deps,
    auth: webhookAuth(webhook),
    // The user is waiting at the sign-in form: one quick retry at most.
    retries: 1,
  });
  const raw = await client.call<unknown>('profile');
  const p = typeof raw === 'object' && raw !== null ? (raw as Record<string, unknown>) : {};
  const id = Number(p.ID);
  if (!Number.isSafeInteger(id) || id <= 0) throw new BitrixError('BAD_RESPONSE', explain('BAD_RESPONSE'));
  const name = [p.NAME, p.LAST_NAME]
    .filter((s): s is string => typeof s === 'string')
    .join(' ')
    .trim();
  await client.call('im.counters.get');
  return { webhook, profile: { userId: id, userName: name || `User ${id}` } };
}
