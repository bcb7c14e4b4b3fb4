/**
 * DIALOG_ID as Bitrix24's messenger methods take it (bitrix24-api.md §1):
 * `"123"` a private dialog with user 123, `"chat74"` a group chat,
 * `"sg17"` a workgroup/project chat. Every layer validates through here.
 * `sgNNN` parses, but the server does not resolve it in `im.recent.unread`
 * (it answers `false`) and `im.recent.list` never returns it (bitrix24-api.md
 * §6): whatever would send it is refused with {@link sgRefusal}.
 */
export type DialogKind = 'user' | 'chat' | 'sonet';

/** A validated DIALOG_ID. */
export interface DialogId {
  /** The canonical string sent to the portal, e.g. `chat74`. */
  readonly id: string;
  readonly kind: DialogKind;
  /** The number after the prefix (user id or chat id). */
  readonly num: number;
}

const PATTERN = /^(chat|sg)?([1-9][0-9]{0,15})$/;

/** The grammar as a JSON Schema `pattern` (the store schema checks stored ids with it). */
export const DIALOG_ID_PATTERN = PATTERN.source;

/**
 * A DIALOG_ID string already checked by this grammar, in canonical form (what
 * the argument schemas of src/shared/intents.ts hand to a handler).
 */
export type DialogIdText = string & { readonly __dialogId: unique symbol };

/** The JSON Schema `format` name of a canonical DIALOG_ID (its check in the generated validators is {@link isDialogIdText}). */
export const DIALOG_ID_FORMAT = 'b24-dialog-id';

/** True when `v` is a DIALOG_ID in canonical form (no blanks, no leading zero, a safe integer). */
export function isDialogIdText(v: unknown): v is DialogIdText {
  return typeof v === 'string' && parseDialogId(v)?.id === v;
}

/** Why a DIALOG_ID was rejected, as a sentence a user can act on. */
export class InvalidDialogIdError extends Error {
  readonly code = 'INVALID_DIALOG_ID' as const;
  constructor(readonly input: unknown) {
    super(
      `Not a Bitrix24 dialog id: ${describe(input)}. Use "chat74" for a group chat (a workgroup's chat too) or "123" for a private dialog.`,
    );
    this.name = 'InvalidDialogIdError';
  }
}

function describe(input: unknown): string {
  if (typeof input === 'string') return JSON.stringify(input.length > 40 ? `${input.slice(0, 40)}…` : input);
  if (typeof input === 'number') return String(input);
  return typeof input;
}

/**
 * Parses a DIALOG_ID. Accepts a string such as `chat74`, `sg17` or `123`
 * (surrounding whitespace is trimmed) or a positive safe integer (a user
 * dialog, as `im.recent.list` returns it). Returns null for anything else.
 */
export function parseDialogId(input: unknown): DialogId | null {
  let text: string;
  if (typeof input === 'number') {
    if (!Number.isSafeInteger(input) || input <= 0) return null;
    text = String(input);
  } else if (typeof input === 'string') {
    text = input.trim();
  } else {
    return null;
  }
  const m = PATTERN.exec(text);
  if (!m) return null;
  const num = Number(m[2]);
  if (!Number.isSafeInteger(num)) return null;
  const kind: DialogKind = m[1] === 'chat' ? 'chat' : m[1] === 'sg' ? 'sonet' : 'user';
  return { id: text, kind, num };
}

/**
 * Why a workgroup id cannot be switched read/unread, as a sentence a user can act on; null for
 * any other id. Bitrix24 does not resolve `sgNNN` in `im.recent.unread` (bitrix24-api.md §6).
 */
export function sgRefusal(id: DialogId): string | null {
  if (id.kind !== 'sonet') return null;
  return `"${id.id}" is a workgroup id, which Bitrix24 cannot mark read or unread. Use the workgroup chat's own id, "chatNNN": open the chat in Bitrix24 and copy the number after "chat" from its address.`;
}

/** Like {@link parseDialogId} but throws {@link InvalidDialogIdError}. */
export function toDialogId(input: unknown): DialogId {
  const parsed = parseDialogId(input);
  if (!parsed) throw new InvalidDialogIdError(input);
  return parsed;
}
