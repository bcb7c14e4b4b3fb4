/**
 * Every error code the app can show and how it is handled (transient,
 * sign-in lost). What each code means to a user lives in the message
 * catalogues (`./messages`, `errors` section), read through {@link explain}.
 * Bitrix24 codes keep their exact spelling (bitrix24-api.md §2, §3); app
 * codes are UPPER_SNAKE.
 */
import { core as enCore, errors as enErrors, signInErrors as enSignIn } from './messages/en';
import { core as ruCore, errors as ruErrors, signInErrors as ruSignIn } from './messages/ru';

export const BITRIX_ERROR_CODES = [
  'DIALOG_ID_EMPTY',
  'MESSAGE_ID_ERROR',
  'ACCESS_ERROR',
  'INTERNAL_SERVER_ERROR',
  'ERROR_UNEXPECTED_ANSWER',
  'PORTAL_DELETED',
  'QUERY_LIMIT_EXCEEDED',
  'OVERLOAD_LIMIT',
  'OPERATION_TIME_LIMIT',
  'ERROR_BATCH_METHOD_NOT_ALLOWED',
  'ERROR_BATCH_LENGTH_EXCEEDED',
  'NO_AUTH_FOUND',
  'expired_token',
  'invalid_token',
  'INVALID_REQUEST',
  'ACCESS_DENIED',
  'INVALID_CREDENTIALS',
  'insufficient_scope',
  'user_access_error',
  'ERROR_MANIFEST_IS_NOT_AVAILABLE',
  'ERROR_METHOD_NOT_FOUND',
  'WRONG_AUTH_TYPE',
  'AUTHORIZE_ERROR',
  'ERROR_CORE',
  'invalid_request',
  'invalid_client',
  'invalid_grant',
  'invalid_scope',
  'PAYMENT_REQUIRED',
] as const;

/** Codes produced by the app itself (not by a portal). */
export const APP_ERROR_CODES = [
  'INVALID_DIALOG_ID',
  'INVALID_ARGUMENT',
  'INVALID_WEBHOOK_URL',
  'INVALID_PORTAL_URL',
  'INSECURE_URL',
  'NETWORK',
  'TIMEOUT',
  'BAD_RESPONSE',
  'HTTP_ERROR',
  'RESULT_FALSE',
  'NOT_SIGNED_IN',
  'SIGN_IN_EXPIRED',
  'UNKNOWN_ACCOUNT',
  'UNKNOWN_DIALOG',
  'OAUTH_STATE_MISMATCH',
  'OAUTH_DENIED',
  'OAUTH_TIMEOUT',
  'UNKNOWN_OAUTH_SERVER',
  'FOREIGN_REST_ENDPOINT',
  'PORTAL_MOVED',
  'PORT_IN_USE',
  'STORE_CORRUPT',
  'STORE_WRITE_FAILED',
  'SECRET_STORAGE_UNAVAILABLE',
  'SECRET_STORAGE_LOCKED',
  'HOTKEY_TAKEN',
  'HOTKEY_INVALID',
  'FORBIDDEN_SENDER',
  'FORBIDDEN_URL',
  'UNKNOWN_CHANNEL',
  'UNKNOWN_ERROR',
] as const;

export type BitrixErrorCode = (typeof BITRIX_ERROR_CODES)[number];
export type AppErrorCode = (typeof APP_ERROR_CODES)[number];
/** Any code an {@link import('./result').AppError} may carry. */
export type ErrorCode = BitrixErrorCode | AppErrorCode;

/** True when `code` is one of the codes the app knows. */
export function isKnownErrorCode(code: unknown): code is ErrorCode {
  return (
    typeof code === 'string' &&
    ((BITRIX_ERROR_CODES as readonly string[]).includes(code) || (APP_ERROR_CODES as readonly string[]).includes(code))
  );
}

/**
 * Codes worth retrying later: the action is kept and sent again with
 * backoff. Everything else is permanent for the action that caused it.
 */
export const TRANSIENT_CODES: ReadonlySet<ErrorCode> = new Set<ErrorCode>([
  'NETWORK',
  'TIMEOUT',
  'BAD_RESPONSE',
  'HTTP_ERROR',
  'INTERNAL_SERVER_ERROR',
  'ERROR_UNEXPECTED_ANSWER',
  'QUERY_LIMIT_EXCEEDED',
  'OPERATION_TIME_LIMIT',
  // A portal-wide block that lifts later (bitrix24-api.md §6): queued toggles wait, never dropped.
  'OVERLOAD_LIMIT',
]);

/**
 * How long to wait before trying a portal that answered OVERLOAD_LIMIT again: the block is
 * manual and portal-wide, so retrying within seconds only prolongs it.
 */
export const OVERLOAD_RETRY_MS = 10 * 60_000;

/**
 * Codes by which a portal refuses the account as a whole, not one dialog, until someone acts on
 * the portal's side: REST off after the plan lapsed (ACCESS_DENIED), the application's payment
 * due (PAYMENT_REQUIRED, also from the token server on a refresh), a blocked or deleted portal,
 * the `im` scope taken away, the application closed to this user (bitrix24-api.md §2, §3). The
 * sign-in still holds: queued actions wait and are tried again at the longest backoff, never
 * dropped one by one, and the account shows the reason.
 */
export const ACCOUNT_REFUSED_CODES: ReadonlySet<ErrorCode> = new Set<ErrorCode>([
  'ACCESS_DENIED',
  'PAYMENT_REQUIRED',
  'PORTAL_DELETED',
  'insufficient_scope',
  'invalid_scope',
  'user_access_error',
]);

/** Codes that mean the stored sign-in no longer works: keep queued actions, ask to sign in again. */
export const AUTH_LOST_CODES: ReadonlySet<ErrorCode> = new Set<ErrorCode>([
  'NO_AUTH_FOUND',
  'invalid_grant',
  'invalid_client',
  'SIGN_IN_EXPIRED',
  'NOT_SIGNED_IN',
  'AUTHORIZE_ERROR',
  // The portal now answers from another address: this sign-in names the old one.
  'PORTAL_MOVED',
]);

/** The popup's languages. */
export type Lang = 'en' | 'ru';

/** The user-facing explanation of `code` in `lang`. */
export function explain(code: ErrorCode, lang: Lang = 'en'): string {
  return (lang === 'ru' ? ruErrors : enErrors)[code];
}

/**
 * The explanation of `code` for a sign-in that failed. A transient code's usual text promises
 * what the app does for queued changes (kept, sent again), which a failed sign-in does not get:
 * it is worded as "you are not signed in; try again". So is PORTAL_MOVED, whose usual text speaks
 * to an account that has changes waiting, with the new address when the portal said (`movedTo`):
 * what the user needs to sign in there. Any other code reads as {@link explain}.
 */
export function explainSignIn(code: ErrorCode, lang: Lang = 'en', movedTo?: string): string {
  const texts = lang === 'ru' ? ruSignIn : enSignIn;
  if (code === 'PORTAL_MOVED') {
    return movedTo
      ? `${texts.PORTAL_MOVED} ${(lang === 'ru' ? ruCore : enCore).newAddress(movedTo)}`
      : texts.PORTAL_MOVED;
  }
  if (!TRANSIENT_CODES.has(code)) return explain(code, lang);
  return (texts as Partial<Record<ErrorCode, string>>)[code] ?? texts.other;
}
