/**
 * The pinned-dialogs service: maps `im.recent.list` items to what the popup
 * shows, loads the pinned list, and builds the REST calls a toggle costs
 * (bitrix24-api.md §1, §6).
 */
import { parseDialogId } from '../../shared/dialog-id';
import type { AccountId, PinnedDialog } from '../../shared/types';
import type { BatchCall, BitrixClient, CallOptions, RecentItem } from './bitrix/types';

/** Longest snippet the popup shows, in characters. */
export const SNIPPET_MAX = 120;

/** A pinned dialog plus the facts the core needs but the popup does not. */
export interface LoadedDialog extends PinnedDialog {
  /** Id of the last message, for notification bookkeeping. */
  lastMessageId: number | null;
}

const PALETTE = ['#1eb4aa', '#4ba984', '#2fc6f6', '#ab7761', '#29619b', '#728f7a', '#ba9c7b', '#e8a441', '#df532d'];
const COLOR = /^#[0-9a-f]{3}(?:[0-9a-f]{3})?$/i;

function isLoopbackHost(host: string): boolean {
  return host === 'localhost' || host === '[::1]' || /^127(?:\.\d{1,3}){3}$/.test(host);
}

/** True for an https URL, or plain http on a loopback host (the local demo portal). */
export function isSafeImageUrl(url: unknown): url is string {
  if (typeof url !== 'string' || url.length === 0 || url.length > 2048) return false;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return false;
  }
  if (parsed.username || parsed.password) return false;
  if (parsed.protocol === 'https:') return true;
  return parsed.protocol === 'http:' && isLoopbackHost(parsed.hostname);
}

/** One or two capital letters from the title ("Анна Смирнова" → "АС", "Release 2.4" → "R2"). */
export function initialsOf(title: string): string {
  const words = title
    .split(/\s+/u)
    .map((w) => w.replace(/^[^\p{L}\p{N}]+/u, ''))
    .filter((w) => w.length > 0);
  const first = words[0];
  if (!first) return '?';
  const last = words.length > 1 ? words[words.length - 1] : undefined;
  const chars = last ? [...first][0]! + [...last][0]! : [...first].slice(0, 1).join('');
  return chars.toLocaleUpperCase();
}

/** A stable colour for a dialog whose avatar carries none. */
function fallbackColor(key: string): string {
  let h = 0;
  for (const ch of key) h = (h * 31 + ch.charCodeAt(0)) >>> 0;
  return PALETTE[h % PALETTE.length]!;
}

/** Plain text of a message: BB-codes and newlines stripped, whitespace collapsed, at most {@link SNIPPET_MAX} chars. */
export function snippetOf(message: RecentItem['message']): string {
  if (!message || typeof message !== 'object') return '';
  const raw = typeof message.text === 'string' ? message.text : '';
  const text = raw
    // [USER=5]Anna[/USER], [url=...]label[/url]: keep the label, drop the tags.
    .replace(/\[br\]/gi, ' ')
    .replace(/\[\/?[a-z*][a-z0-9_-]*(?:=[^\]]*)?\]/gi, '')
    .replace(/[\r\n\t]+/g, ' ')
    .replace(/\s{2,}/g, ' ')
    .trim();
  const extra = message as Record<string, unknown>;
  if (text.length === 0) {
    if (extra['file'] && extra['file'] !== false) return '[File]';
    if (extra['attach'] && extra['attach'] !== false) return '[Attachment]';
    if (extra['sticker']) return '[Sticker]';
    return '';
  }
  const chars = [...text];
  return chars.length > SNIPPET_MAX ? `${chars.slice(0, SNIPPET_MAX - 1).join('')}…` : text;
}

/** Whether `mute_list` (`[]`, `[503]` or `{"503": true}`: PHP serialisation) holds the user. */
export function isMutedFor(muteList: unknown, userId: number): boolean {
  if (Array.isArray(muteList)) return muteList.some((v) => Number(v) === userId);
  if (muteList && typeof muteList === 'object') {
    const v = (muteList as Record<string, unknown>)[String(userId)];
    return v === true || v === 'Y' || v === 1;
  }
  return false;
}

function nonNegInt(v: unknown): number {
  const n = typeof v === 'string' ? Number(v) : v;
  return typeof n === 'number' && Number.isFinite(n) && n > 0 ? Math.floor(n) : 0;
}

function dateOf(...candidates: unknown[]): string | null {
  for (const c of candidates) if (typeof c === 'string' && c.length > 0 && c.length < 64) return c;
  return null;
}

/**
 * Maps one `im.recent.list` item to a popup row. Returns null when the item
 * has no valid DIALOG_ID (open lines and other kinds the app does not toggle).
 * Wrong-shaped fields degrade to defaults; nothing here throws.
 */
export function toPinnedDialog(item: RecentItem, accountId: AccountId, currentUserId: number): LoadedDialog | null {
  if (!item || typeof item !== 'object') return null;
  const id = parseDialogId(item.id);
  if (!id) return null;
  const title = typeof item.title === 'string' && item.title.trim() ? item.title.trim() : id.id;
  const avatar = item.avatar && typeof item.avatar === 'object' ? item.avatar : {};
  const counter = nonNegInt(item.counter);
  const unreadMark = item.unread === true;
  const chat = item.chat && typeof item.chat === 'object' ? item.chat : null;
  const message = item.message && typeof item.message === 'object' ? item.message : null;
  return {
    accountId,
    dialogId: id.id,
    kind: id.kind,
    title,
    avatarUrl: isSafeImageUrl(avatar.url) ? avatar.url : null,
    color: typeof avatar.color === 'string' && COLOR.test(avatar.color) ? avatar.color : fallbackColor(id.id),
    initials: initialsOf(title),
    snippet: snippetOf(message),
    counter,
    unreadMark,
    unread: unreadMark || counter > 0,
    pending: false,
    muted: chat ? isMutedFor(chat.mute_list, currentUserId) : false,
    snoozedUntil: null,
    lastActivity: dateOf(item.date_last_activity, message?.date, item.date_update),
    lastMessageId: message && nonNegInt(message.id) ? nonNegInt(message.id) : null,
  };
}

/** Parameters of the pinned-list load: open lines are never toggled here, skip them server-side. */
export const RECENT_PARAMS = { SKIP_OPENLINES: 'Y' } as const;

/**
 * Rows a poll asks for beyond the pinned dialogs shown: room for pinned rows the server counts in
 * a page but does not list (a private dialog whose user was fired and has nothing unread,
 * `Recent::formatUser`; a chat without messages, `Recent::formatRow`) or lists once for several
 * rows (b24-rest-docs#260), and for a few dialogs pinned elsewhere, so that the page still ends
 * past the pinned part.
 */
export const POLL_SPARE_ROWS = 4;

/**
 * The `im.recent.list` page size of a poll of an account that shows `pinned` dialogs: the pinned
 * part (the list is ordered pinned first, bitrix24-api.md §6), its first unpinned row (which ends
 * the load in one request) and {@link POLL_SPARE_ROWS}. Each row carries what the popup shows of
 * it (counter, mark, title, last message), and a row pinned, unpinned, hidden or gone elsewhere
 * changes the page, so the page is the whole truth for one request; if more was pinned elsewhere
 * than the spare rows hold, the load reads on (one more request, only then).
 */
export function pollPageSize(pinned: number): number {
  return pinned + 1 + POLL_SPARE_ROWS;
}

/**
 * Loads every pinned dialog of an account, in messenger order. The server
 * sorts `im.recent.list` pinned first (bitrix24-api.md §6), so paging stops
 * after the first page that holds an unpinned row: 300 recent dialogs with 40
 * pinned cost one request, and a page of only pinned rows reads on. `pageSize`:
 * the LIMIT of each page (default 200; a poll asks {@link pollPageSize}).
 * De-duplicated by the client and here.
 */
export async function loadPinned(
  client: BitrixClient,
  accountId: AccountId,
  userId: number,
  opts?: CallOptions,
  pageSize?: number,
): Promise<LoadedDialog[]> {
  const items = await client.listRecent(
    { ...RECENT_PARAMS },
    opts,
    (page) => page.some((item) => !!item && typeof item === 'object' && item.pinned !== true),
    pageSize,
  );
  const out: LoadedDialog[] = [];
  const seen = new Set<string>();
  for (const item of items) {
    if (!item || item.pinned !== true) continue;
    const d = toPinnedDialog(item, accountId, userId);
    if (!d || seen.has(d.dialogId)) continue;
    seen.add(d.dialogId);
    out.push(d);
  }
  return out;
}

/**
 * `im.recent.unread` with ACTION `Y` (set the manual "unread" mark) or `N`.
 * On the server `N` only removes the mark (bitrix24-api.md §6: `Recent::unread`
 * sets `UNREAD=N, MARKED_ID=0`), whatever the docs page says: "read" of a dialog
 * with unread messages is {@link readCalls}.
 */
export function unreadCall(
  dialogId: string,
  unread: boolean,
): BatchCall & { params: { DIALOG_ID: string; ACTION: 'Y' | 'N' } } {
  return { method: 'im.recent.unread', params: { DIALOG_ID: dialogId, ACTION: unread ? 'Y' : 'N' } };
}

/**
 * "Read" of a dialog with unread messages: the mark removed and the messages
 * read, as the vendor's mobile app does it (one `batch` of `im.recent.unread N`
 * and `im.dialog.read`; its web messenger calls `im.dialog.read` when
 * `counter > 0`, bitrix24-api.md §6).
 */
export function readCalls(dialogId: string): BatchCall[] {
  return [unreadCall(dialogId, false), { method: 'im.dialog.read', params: { DIALOG_ID: dialogId } }];
}

/**
 * `im.recent.pin` with `PIN=N` (unpins the dialog for the current user) or `PIN=Y` (pins it). The
 * server's REST handler (`CIMRestService::recentPin`, im/classes/general/im_rest.php
 * in bitrix24 module sources) refuses a malformed DIALOG_ID with 400
 * DIALOG_ID_EMPTY, lets `ACTION` override `PIN`, and unpins when the value is
 * exactly `N` (`$arParams['PIN'] != 'N'` pins); `Recent::pin` answers `true`, also
 * for a dialog that is not pinned (unpinning is idempotent), and `false` when
 * it cannot resolve the chat (see dev/fake-portal/server.ts `recentPin`).
 */
export function pinCall(dialogId: string, pin: boolean): BatchCall & { params: { DIALOG_ID: string; PIN: 'Y' | 'N' } } {
  return { method: 'im.recent.pin', params: { DIALOG_ID: dialogId, PIN: pin ? 'Y' : 'N' } };
}
