import type { ErrorCode } from './errors';

/** An error as a value: a stable code the UI can explain and a message safe to show (never a secret). */
export interface AppError {
  code: ErrorCode;
  message: string;
  /** The dialog the error is about, when there is one. */
  dialogId?: string;
  /** The account the error is about, when there is one. */
  accountId?: string;
  /** PORTAL_MOVED: the origin the portal's old address now sends requests to, when it said (an https origin). */
  movedTo?: string;
}

/** What every IPC call returns: handlers never throw across the bridge. */
export type Result<T> = { ok: true; data: T } | { ok: false; error: AppError };

/** Builds a success result. */
export function ok<T>(data: T): Result<T> {
  return { ok: true, data };
}

/** Builds a failure result. */
export function fail<T = never>(code: ErrorCode, message: string, extra: Partial<AppError> = {}): Result<T> {
  return { ok: false, error: { code, message, ...extra } };
}
