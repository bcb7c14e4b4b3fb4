/**
 * Turns the fake portal's flat dialog state into the JSON shapes Bitrix24
 * answers with (bitrix24-api.md §1), keeping key order, types and quirks.
 */
import type { SeedDialog } from './types';

/** A dialog with every default filled in. */
export type Dialog = SeedDialog & {
  chatId: number;
  pinned: boolean;
  unread: boolean;
  counter: number;
  messageId: number;
  lastId: number;
  messageText: string;
  messageAuthorId: number;
  date: string;
  muted: boolean;
  hasReminder: boolean;
  color: string;
  avatarUrl: string;
  hidden: boolean;
  active: boolean;
};

const COLORS = ['#1eb4aa', '#4ba984', '#ab7761', '#29619b', '#728f7a', '#2a4c7d', '#e96b6b', '#df532d', '#f76187'];

/** The portal's time zone: Moscow, as most Bitrix24 examples show. */
const OFFSET_MIN = 180;

/** Formats epoch ms as ATOM with the portal's +03:00 offset (`2026-02-25T12:07:10+03:00`). */
export function atom(ms: number): string {
  const local = new Date(Math.floor(ms / 1000) * 1000 + OFFSET_MIN * 60_000);
  return `${local.toISOString().slice(0, 19)}+03:00`;
}

/** Parses an ISO/ATOM date; NaN when it is not one. */
export function parseDate(text: unknown): number {
  if (typeof text !== 'string' || text.trim() === '') return NaN;
  return Date.parse(text);
}

/** The canonical key of a dialog id: `"547"`, `"chat1317"`. */
export function dialogKey(id: number | string): string {
  return String(id).trim();
}

/** Whether a seed id addresses a group chat (`chatNNN`) rather than a user (`NNN`). */
export function isChatId(id: number | string): boolean {
  return /^chat[1-9][0-9]*$/.test(String(id));
}

function numberOf(id: number | string): number {
  const m = /([0-9]+)$/.exec(String(id));
  return m ? Number(m[1]) : 0;
}

/**
 * Validates a seed dialog and fills every default. Throws a plain Error with a
 * readable message for a bad seed (a test bug, not portal behaviour).
 */
export function normalizeDialog(seed: SeedDialog, nowMs: number): Dialog {
  const key = dialogKey(seed.id);
  if (!/^(chat)?[1-9][0-9]{0,15}$/.test(key)) {
    throw new Error(`fake portal: bad dialog id ${JSON.stringify(seed.id)} (use 547 or "chat1317")`);
  }
  if (typeof seed.title !== 'string') throw new Error(`fake portal: dialog ${key} needs a title`);
  const num = numberOf(key);
  const chat = isChatId(key);
  const counter = Math.max(0, Math.trunc(seed.counter ?? 0));
  const messageId = seed.messageId ?? 80_000 + num * 7;
  const date =
    seed.date !== undefined && !Number.isNaN(parseDate(seed.date)) ? seed.date : new Date(nowMs).toISOString();
  return {
    ...seed,
    // A user dialog's id is a number on the wire; keep it that way whatever the seed said.
    id: chat ? key : num,
    chatId: seed.chatId ?? (chat ? num : 100_000 + num),
    ...(chat && seed.sonetGroupId !== undefined ? { chatType: seed.chatType ?? 'sonetGroup' } : {}),
    pinned: seed.pinned ?? false,
    unread: seed.unread ?? false,
    counter,
    messageId,
    lastId: seed.lastId ?? Math.max(0, messageId - counter),
    messageText: seed.messageText ?? '',
    messageAuthorId: seed.messageAuthorId ?? (chat ? 0 : num),
    date,
    muted: seed.muted ?? false,
    hasReminder: seed.hasReminder ?? false,
    color: seed.color ?? COLORS[num % COLORS.length]!,
    avatarUrl: seed.avatarUrl ?? '',
    hidden: seed.hidden ?? false,
    active: seed.active ?? true,
  };
}

/** `chat.type` of a chat dialog. */
export function chatTypeOf(d: Dialog): string {
  return d.chatType ?? (d.sonetGroupId !== undefined ? 'sonetGroup' : 'chat');
}

/**
 * Whether the server lists a dialog's recent row: not a private dialog whose user was fired and
 * which has nothing unread (`Recent::formatUser` answers null for `!ACTIVE && COUNTER <= 0`, and
 * `formatRow` drops the row; bots, connectors and network users aside), im/lib/recent.php in the
 * yuliai/bitrix-modules snapshot (26.250.100). The row still counts towards the page's LIMIT.
 */
export function isListed(d: Dialog): boolean {
  return isChatId(d.id) || d.active || d.counter > 0;
}

/** Recent-list order: pinned first, then the latest activity first (ties by id for stability). */
export function compareRecent(a: Dialog, b: Dialog): number {
  if (a.pinned !== b.pinned) return a.pinned ? -1 : 1;
  const diff = parseDate(b.date) - parseDate(a.date);
  if (diff !== 0) return diff;
  return String(a.id) < String(b.id) ? -1 : String(a.id) > String(b.id) ? 1 : 0;
}

function splitName(title: string): { first: string; last: string } {
  const parts = title.trim().split(/\s+/);
  return { first: parts[0] ?? '', last: parts.slice(1).join(' ') };
}

function uuidFor(messageId: number): string {
  const hex = messageId.toString(16).padStart(12, '0').slice(-12);
  return `0c3c5ad6-a1b8-4d4d-9234-${hex}`;
}

/** The `user` object of a private dialog (doc example shape and key order). */
function userObject(d: Dialog, nowMs: number): Record<string, unknown> {
  const { first, last } = splitName(d.title);
  const status = d.status ?? 'online';
  return {
    id: d.id,
    active: d.active,
    name: d.title,
    first_name: first,
    last_name: last,
    work_position: d.workPosition ?? '',
    color: d.color,
    avatar: d.avatarUrl,
    avatar_hr: d.avatarUrl || '/bitrix/js/im/images/blank.gif',
    gender: d.gender ?? 'M',
    birthday: '',
    extranet: false,
    network: false,
    bot: false,
    connector: false,
    external_auth_id: 'socservices',
    status,
    // Quirk: `idle`, `mobile_last_date`, `absent` are false or a date string.
    idle: status === 'away' ? atom(nowMs - 15 * 60_000) : false,
    last_activity_date: atom(status === 'offline' ? parseDate(d.date) : nowMs - 60_000),
    mobile_last_date: false,
    desktop_last_date: false,
    absent: false,
    departments: [1],
    phones: false,
    bot_data: null,
    type: 'user',
    website: '',
    email: d.email ?? '',
  };
}

/** The author of the last message as a chat row carries it; `{id: 0}` for system messages. */
function authorObject(d: Dialog, ctx: RenderContext): Record<string, unknown> {
  const { nowMs, users } = ctx;
  if (d.messageAuthorId <= 0) return { id: 0 };
  const peer = users.get(d.messageAuthorId);
  if (peer) return userObject(peer, nowMs);
  if (d.messageAuthorId === ctx.selfId) {
    return userObject({ ...d, id: ctx.selfId, title: ctx.selfName, status: 'online', workPosition: '' }, nowMs);
  }
  return {
    ...userObject({ ...d, id: d.messageAuthorId, title: `User ${d.messageAuthorId}`, status: 'offline' }, nowMs),
    id: d.messageAuthorId,
  };
}

/**
 * A PHP array as `json_encode` writes it: `[]` when empty, a JSON array when its
 * keys are exactly 0..n-1 in order, an object otherwise (the quirk behind
 * `mute_list: []` vs `{"503": true}`, counter maps and batch sections).
 */
export function phpMap(entries: Array<[string | number, unknown]>): Record<string, unknown> | unknown[] {
  if (entries.length === 0) return [];
  if (entries.every(([k], i) => String(k) === String(i))) return entries.map(([, v]) => v);
  const out: Record<string, unknown> = {};
  for (const [k, v] of entries) out[String(k)] = v;
  return out;
}

/** The full `chat` object of a group chat row. */
function chatObject(d: Dialog, selfId: number): Record<string, unknown> {
  const type = chatTypeOf(d);
  return {
    id: d.chatId,
    parent_chat_id: 0,
    parent_message_id: 0,
    name: d.title,
    owner: selfId,
    extranet: false,
    contains_collaber: false,
    avatar: d.avatarUrl,
    color: d.color,
    type,
    entity_type: d.sonetGroupId !== undefined ? 'SONET_GROUP' : type === 'lines' ? 'LINES' : '',
    entity_id: d.sonetGroupId !== undefined ? String(d.sonetGroupId) : '',
    entity_data_1: '',
    entity_data_2: '',
    entity_data_3: '',
    mute_list: phpMap(d.muted ? [[selfId, true]] : []),
    manager_list: [],
    date_create: '2025-08-12T16:14:00+03:00',
    message_type: type === 'open' ? 'O' : type === 'lines' ? 'L' : 'C',
    user_counter: 2 + (d.chatId % 9),
    restrictions: {
      avatar: true,
      rename: true,
      extend: true,
      call: true,
      mute: true,
      leave: true,
      leave_owner: true,
      send: true,
      user_list: true,
    },
    role: 'MEMBER',
    text_field_enabled: true,
    background_id: null,
    entity_link: { type: '', url: '', id: '' },
    permissions: {
      manage_users_add: 'member',
      manage_users_delete: 'manager',
      manage_ui: 'member',
      manage_settings: 'owner',
      manage_messages: 'member',
      can_post: 'member',
    },
    public: '',
  };
}

/** Context the item renderer needs. */
export interface RenderContext {
  selfId: number;
  /** The current user's full name (author of their own messages). */
  selfName: string;
  nowMs: number;
  /** Private dialogs by user id, to describe message authors. */
  users: Map<number, Dialog>;
  /** `im.recent.get` puts `user: {id: 0}` on chat rows; `im.recent.list` the last author. */
  flavour: 'list' | 'get';
}

/** One item of `im.recent.list` / `im.recent.get`, key order as in the doc example. */
export function renderItem(d: Dialog, ctx: RenderContext): Record<string, unknown> {
  const chat = isChatId(d.id);
  const date = atom(parseDate(d.date));
  const item: Record<string, unknown> = {
    id: d.id,
    chat_id: d.chatId,
    type: chat ? 'chat' : 'user',
    avatar: { url: d.avatarUrl, color: d.color },
    title: d.title,
    message: {
      id: d.messageId,
      text: d.messageText,
      file: false,
      author_id: d.messageAuthorId,
      attach: false,
      sticker: null,
      date,
      status: d.messageAuthorId === ctx.selfId ? 'delivered' : 'received',
      // Quirk: uuid is a string for messages sent from the web/desktop UI, null otherwise.
      uuid: d.messageId % 2 === 0 ? uuidFor(d.messageId) : null,
    },
    counter: d.counter,
    last_id: d.lastId,
    pinned: d.pinned,
    unread: d.unread,
    has_reminder: d.hasReminder,
    date_update: date,
    date_last_activity: date,
  };
  if (chat) {
    item.chat = chatObject(d, ctx.selfId);
    item.user = ctx.flavour === 'get' ? { id: 0 } : authorObject(d, ctx);
  } else {
    item.user = userObject(d, ctx.nowMs);
    item.chat = {
      text_field_enabled: true,
      background_id: null,
      mute_list: phpMap(d.muted ? [[ctx.selfId, true]] : []),
    };
  }
  item.options = [];
  return item;
}
