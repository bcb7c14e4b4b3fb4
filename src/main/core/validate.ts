/**
 * Argument validation for the IPC handlers: the renderer is untrusted input
 * (design.md §1). Every helper throws a {@link CoreError} whose message says
 * which argument is wrong and how; nothing is coerced.
 */
import { parseDialogId, InvalidDialogIdError, sgRefusal } from '../../shared/dialog-id';
import type { ErrorCode } from '../../shared/errors';
import { MAX_UNREAD_TARGETS, type DialogRef } from '../../shared/ipc';
import type { OAuthStartInput } from '../../shared/types';

/** A typed failure of the core: a code from shared/errors.ts and a message safe to show. */
export class CoreError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly extra: { dialogId?: string; accountId?: string } = {},
  ) {
    super(message);
    this.name = 'CoreError';
  }
}

/** Longest URL or portal address accepted from the renderer. */
export const MAX_URL_LENGTH = 2048;
/** Longest id (account, notice) accepted from the renderer. */
export const MAX_ID_LENGTH = 128;
/** How far ahead a snooze may be set. */
export const MAX_SNOOZE_MS = 366 * 24 * 3600_000;

function shown(v: unknown): string {
  if (typeof v === 'string') return v.length > 24 ? 'a long string' : JSON.stringify(v);
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  return typeof v === 'number' ? String(v) : `a ${typeof v}`;
}

/** INVALID_ARGUMENT with `message`. */
export function invalidArgument(message: string): CoreError {
  return new CoreError('INVALID_ARGUMENT', message);
}

/** Exactly `n` arguments. */
export function expectArity(intent: string, args: unknown, n: number): unknown[] {
  if (!Array.isArray(args)) throw invalidArgument(`${intent}: arguments must be a list.`);
  if (args.length !== n) {
    throw invalidArgument(`${intent} takes ${n} argument${n === 1 ? '' : 's'}, got ${args.length}.`);
  }
  return args;
}

/** A non-empty string of at most `max` characters. */
export function asString(v: unknown, field: string, max: number): string {
  if (typeof v !== 'string') throw invalidArgument(`${field} must be a string (got ${shown(v)}).`);
  if (v.trim() === '') throw invalidArgument(`${field} must not be empty.`);
  if (v.length > max) throw invalidArgument(`${field} is too long (at most ${max} characters).`);
  return v;
}

/** Strictly `true` or `false` (not 1, not "true"). */
export function asBoolean(v: unknown, field: string): boolean {
  if (typeof v !== 'boolean') throw invalidArgument(`${field} must be true or false (got ${shown(v)}).`);
  return v;
}

/** A DIALOG_ID string (`chat74`, `sg17`, `123`), canonical form. */
export function asDialogId(v: unknown): string {
  if (typeof v !== 'string' || v.length > 40) {
    throw new CoreError('INVALID_DIALOG_ID', new InvalidDialogIdError(v).message);
  }
  const d = parseDialogId(v);
  if (!d) throw new CoreError('INVALID_DIALOG_ID', new InvalidDialogIdError(v).message);
  return d.id;
}

/** A DIALOG_ID that will be switched read/unread: {@link asDialogId}, and no `sgNNN` (the server cannot resolve it). */
export function asToggleDialogId(v: unknown): string {
  const id = asDialogId(v);
  const refusal = sgRefusal(parseDialogId(id)!);
  if (refusal) throw new CoreError('INVALID_DIALOG_ID', refusal);
  return id;
}

/** The id of a signed-in account. */
export function asAccountId(v: unknown, known: (id: string) => boolean): string {
  const id = asString(v, 'accountId', MAX_ID_LENGTH);
  if (!known(id)) throw new CoreError('UNKNOWN_ACCOUNT', 'That portal account is not signed in.', {});
  return id;
}

/**
 * A list of 1..{@link MAX_UNREAD_TARGETS} `{ accountId, dialogId }` objects (exactly those keys),
 * each account signed in and each DIALOG_ID valid; one bad entry refuses the whole list.
 */
export function asDialogRefs(v: unknown, known: (id: string) => boolean): DialogRef[] {
  if (!Array.isArray(v)) throw invalidArgument(`targets must be a list of dialogs (got ${shown(v)}).`);
  if (v.length === 0) throw invalidArgument('targets must name at least one dialog.');
  if (v.length > MAX_UNREAD_TARGETS) {
    throw invalidArgument(`targets may name at most ${MAX_UNREAD_TARGETS} dialogs (got ${v.length}).`);
  }
  return v.map((item: unknown, i) => {
    if (!item || typeof item !== 'object' || Array.isArray(item)) {
      throw invalidArgument(`targets[${i}] must be an object { accountId, dialogId } (got ${shown(item)}).`);
    }
    const keys = Object.keys(item);
    if (keys.length !== 2 || !keys.includes('accountId') || !keys.includes('dialogId')) {
      throw invalidArgument(`targets[${i}] must have exactly the fields accountId and dialogId.`);
    }
    const { accountId, dialogId } = item as Record<string, unknown>;
    // DIALOG_ID first, as for setUnread: the more specific error wins.
    const id = asToggleDialogId(dialogId);
    return { accountId: asAccountId(accountId, known), dialogId: id };
  });
}

/** A finite epoch-ms time in the future, at most a year ahead. */
export function asFutureTime(v: unknown, now: number): number {
  if (typeof v !== 'number' || !Number.isFinite(v)) {
    throw invalidArgument(`until must be a time in milliseconds (got ${shown(v)}).`);
  }
  if (v <= now) throw invalidArgument('until must be in the future.');
  if (v > now + MAX_SNOOZE_MS) throw invalidArgument('until must be within a year.');
  return Math.round(v);
}

/** The OAuth form: exactly `{ portal, clientId, clientSecret }`, strings, length-capped. */
export function asOAuthInput(v: unknown): OAuthStartInput {
  if (!v || typeof v !== 'object' || Array.isArray(v)) {
    throw invalidArgument(`The sign-in form must be an object (got ${shown(v)}).`);
  }
  const o = v as Record<string, unknown>;
  for (const k of Object.keys(o)) {
    if (!['portal', 'clientId', 'clientSecret'].includes(k)) throw invalidArgument(`Unknown field ${shown(k)}.`);
  }
  return {
    portal: asString(o['portal'], 'portal', MAX_URL_LENGTH).trim(),
    clientId: asString(o['clientId'], 'clientId', 256).trim(),
    clientSecret: asString(o['clientSecret'], 'clientSecret', 256).trim(),
  };
}
