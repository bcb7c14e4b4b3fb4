/**
 * How the REST client authenticates: one strategy per signed-in account
 * (webhook.ts, oauth.ts).
 */

/** A sign-in the REST client can use. */
export interface AuthStrategy {
  readonly kind: 'webhook' | 'oauth';
  /** Base URL ending in '/', e.g. https://portal/rest/1/code/ or https://portal/rest/ */
  restBase(): string;
  /** The portal origin, e.g. https://acme.bitrix24.ru */
  readonly origin: string;
  /** Access token to send as `auth`, or null (webhook). */
  accessToken(): string | null;
  /**
   * Portal said expired_token/invalid_token: refresh ONCE for any number of
   * concurrent callers; true = retry, false = sign-in lost. `failedToken` is
   * the token the failed call sent: when it is no longer current, another
   * caller already renewed and this resolves true at once. Throws a
   * transient BitrixError (NETWORK, TIMEOUT...) when the token server could
   * not be reached: the sign-in is not lost, the call is retried later.
   */
  renew(failedToken: string | null): Promise<boolean>;
  /**
   * Optional: awaited before each request. OAuth uses it to hold calls while
   * a refresh is in flight and to refresh once when `expiresAt` has passed,
   * so a call never goes out with a token known to be dead.
   */
  beforeCall?(): Promise<void>;
}
