/**
 * The one error normaliser of the core: anything thrown (a CoreError, a
 * BitrixError, a bug) becomes an AppError the popup can explain. A known
 * code keeps its redacted message; anything else is UNKNOWN_ERROR with the
 * catalogue's sentence, and, when a logger is given, the bug is logged
 * (redacted by the logger) — nothing specific, no stack, crosses the bridge.
 * Used by the IPC dispatcher (ipc-handlers.ts) and for the view's errors
 * (app-core.ts).
 */
import { explain, explainSignIn, isKnownErrorCode, type ErrorCode, type Lang } from '../../../shared/errors';
import type { AppError } from '../../../shared/result';
import type { Logger } from '../ports';
import { redact } from '../redact';

const MAX_MESSAGE = 500;

export interface ToAppErrorOptions {
  /** Logs an unexpected error (a bug) when given. */
  logger?: Logger;
  /** The intent that failed (logged with the bug). */
  intent?: string;
  /** The account / dialog the error is about, when the caller knows better than the error. */
  extra?: { accountId?: string; dialogId?: string };
}

export function toAppError(err: unknown, opts: ToAppErrorOptions = {}): AppError {
  const e = (err ?? {}) as {
    code?: unknown;
    message?: unknown;
    extra?: unknown;
    dialogId?: unknown;
    accountId?: unknown;
  };
  if (typeof err === 'object' && err !== null && isKnownErrorCode(e.code) && e.code !== 'UNKNOWN_ERROR') {
    const code = e.code as ErrorCode;
    const out: AppError = {
      code,
      message: redact(String(e.message ?? explain(code))).slice(0, MAX_MESSAGE),
    };
    const own = (e.extra && typeof e.extra === 'object' ? e.extra : e) as { dialogId?: unknown; accountId?: unknown };
    if (typeof own.dialogId === 'string') out.dialogId = own.dialogId;
    if (typeof own.accountId === 'string') out.accountId = own.accountId;
    // Where a renamed portal now is: an origin the client checked (https, or http on loopback).
    const movedTo = (err as { opts?: { movedTo?: unknown } }).opts?.movedTo;
    if (code === 'PORTAL_MOVED' && typeof movedTo === 'string') out.movedTo = movedTo;
    return { ...out, ...opts.extra };
  }
  // A bug, not a user error: log it and say nothing specific.
  opts.logger?.error('Handler failed unexpectedly', {
    intent: opts.intent,
    error: err instanceof Error ? `${err.name}: ${err.message}` : String(err),
    stack: err instanceof Error ? err.stack : undefined,
  });
  return { code: 'UNKNOWN_ERROR', message: explain('UNKNOWN_ERROR'), ...opts.extra };
}

/**
 * An error as the popup shows it: a known code in the catalogue's words, in the user's language
 * (the portal's own words, or a check's developer English, are not for the user). The popup
 * carries no catalogue of errors (issue 14: the two languages' error texts were 4.7 KB of its
 * gzipped bundle); it shows the message it is given. An unknown code keeps its message. `signIn`:
 * the error ended a sign-in ({@link explainSignIn}).
 */
export function inWords<E extends Pick<AppError, 'code' | 'message' | 'movedTo'>>(e: E, lang: Lang, signIn = false): E {
  if (!isKnownErrorCode(e.code)) return e;
  return { ...e, message: signIn ? explainSignIn(e.code, lang, e.movedTo) : explain(e.code, lang) };
}
