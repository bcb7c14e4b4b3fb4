/**
 * The persisted document (config.json) and its JSON schema.
 *
 * conf / electron-store validate the whole document against this schema on
 * every read and write (ajv, JSON Schema draft 2020-12), so a write of the
 * wrong shape throws instead of corrupting the file. `schemaVersion` drives
 * our own migrations (migrations.ts); conf's semver `migrations` are unused.
 *
 * To add a version: bump {@link CURRENT_SCHEMA_VERSION}, change the types
 * and the schema here, and append a step to `MIGRATIONS` in migrations.ts
 * (v2: queued intents carry a `kind`, `unread` or `unpin`).
 *
 * An OPTIONAL top-level key with a default needs no version bump: `cache`
 * (the last pinned list per account) is one. A file without it reads as an
 * empty cache, and an older v1 build reading a file with it keeps working,
 * because the root schema allows keys it does not know.
 */
import { Ajv2020 } from 'ajv/dist/2020.js';
import type { ValidateFunction } from 'ajv';
import { APP_ERROR_CODES, BITRIX_ERROR_CODES } from '../../../shared/errors';
import { DIALOG_ID_PATTERN } from '../../../shared/dialog-id';
import type { Notice, PinnedDialog, Settings } from '../../../shared/types';
import {
  ACCOUNT_ID_PATTERN,
  HOTKEY_SLOT_COUNT,
  MAX_ACCELERATOR_LENGTH,
  MAX_NOTIFY_DIALOGS,
  POLL_INTERVAL_LIMITS,
  REDIRECT_PORT_LIMITS,
  defaultSettings,
} from './settings';

/** The schema version this build writes. Files with a higher one are not understood. */
export const CURRENT_SCHEMA_VERSION = 2;

/** Where an account's secret lives. Never the secret itself in plaintext. */
export type SecretRef =
  /** OS-encrypted (safeStorage in the app) ciphertext, base64. */
  | { storage: 'encrypted'; cipher: string }
  /** Kept in memory only (no keyring, or the user chose so); lost on quit. */
  | { storage: 'memory' };

/** A signed-in account as persisted. */
export interface AccountRecord {
  /** Stable id derived from origin + userId (see accounts.ts `accountIdFor`). */
  id: string;
  kind: 'webhook' | 'oauth';
  /** `https://acme.bitrix24.ru` (or `http://127.0.0.1:port` for a local portal). */
  origin: string;
  /** Host of the portal, e.g. `acme.bitrix24.ru`. */
  portal: string;
  userId: number;
  userName: string;
  status: 'ok' | 'needs-sign-in';
  /** Epoch ms of the first sign-in. */
  createdAt: number;
  secret: SecretRef;
}

/** What every intent of the durable queue carries (the queue is toggles/actions.ts). */
interface QueuedActionBase {
  id: string;
  accountId: string;
  dialogId: string;
  createdAt: number;
  attempts: number;
  /** Epoch ms before which it is not retried. */
  nextAttemptAt: number;
  lastError: { code: string; message: string } | null;
}

/** Sets (`unread`) or clears (read) a dialog's unread state. Every schema-1 intent was one. */
export interface QueuedToggle extends QueuedActionBase {
  kind: 'unread';
  unread: boolean;
}

/**
 * Unpins a dialog (`im.recent.pin PIN=N`). No `unread` on purpose: an older
 * build (schema 1) salvaging a newer file would send such an item as a toggle.
 */
export interface QueuedUnpin extends QueuedActionBase {
  kind: 'unpin';
}

/** An intent waiting in the durable queue. */
export type QueuedAction = QueuedToggle | QueuedUnpin;

/** A "remind me later": the dialog is set unread again at `until`. */
export interface Snooze {
  accountId: string;
  dialogId: string;
  /** Epoch ms. */
  until: number;
  title: string;
}

/**
 * One dialog of the pinned-list cache: the popup row as the portal last
 * confirmed it. `pending` and `snoozedUntil` are not stored: they come from
 * the queue and the snoozes, which are persisted themselves.
 */
export type CachedDialog = Omit<PinnedDialog, 'pending' | 'snoozedUntil'>;

/** The last pinned list loaded for one account, shown at start before the first load answers. */
export interface PinnedCacheEntry {
  /** Epoch ms of the load that produced the list (the popup's "updated" time). */
  at: number;
  dialogs: CachedDialog[];
}

/** Most dialogs cached per account (the rest are shown after the first load). */
export const MAX_CACHED_DIALOGS = 500;
/** Longest text of each cached field, in characters; longer values are cut before they are stored. */
export const CACHED_TEXT_LIMITS = {
  title: 500,
  avatarUrl: 2048,
  color: 32,
  initials: 8,
  snippet: 500,
  lastActivity: 64,
} as const;

/** The whole persisted document, version {@link CURRENT_SCHEMA_VERSION}. */
export type StoreData = {
  schemaVersion: number;
  settings: Settings;
  accounts: AccountRecord[];
  queue: QueuedAction[];
  snoozes: Snooze[];
  /** Notification bookkeeping: `${accountId}/${dialogId}` → last message id seen. */
  seen: Record<string, number>;
  /** Messages for the user that must survive a restart. */
  notices: Notice[];
  /**
   * Optional (absent in a fresh or older file): account id → the last pinned
   * list loaded. Only what the popup shows, never a secret; a disposable copy,
   * validated entry by entry when read (see {@link isPinnedCacheEntry}).
   */
  cache?: Record<string, PinnedCacheEntry>;
};

/** The required top-level keys of {@link StoreData} (every key but the optional `cache`). */
export const STORE_KEYS = ['schemaVersion', 'settings', 'accounts', 'queue', 'snoozes', 'seen', 'notices'] as const;

/** A fresh document (a new copy on each call). */
export function defaultStoreData(): StoreData {
  return {
    schemaVersion: CURRENT_SCHEMA_VERSION,
    settings: defaultSettings(),
    accounts: [],
    queue: [],
    snoozes: [],
    seen: {},
    notices: [],
  };
}

/** A JSON schema object (ajv draft 2020-12). */
export type JsonSchema = Record<string, unknown>;

const DIALOG_ID = DIALOG_ID_PATTERN;
const ID = ACCOUNT_ID_PATTERN.source;
const time: JsonSchema = { type: 'number', minimum: 0 };
const text = (maxLength: number): JsonSchema => ({ type: 'string', maxLength });
const accelerator: JsonSchema = { type: 'string', maxLength: MAX_ACCELERATOR_LENGTH };

const settingsSchema: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  required: [
    'hotkeys',
    'pollIntervalSec',
    'launchAtLogin',
    'theme',
    'language',
    'notifications',
    'notifyDialogs',
    'secretsInMemoryOnly',
    'oauthRedirectPort',
  ],
  properties: {
    hotkeys: {
      type: 'object',
      additionalProperties: false,
      required: ['togglePopup', 'slots'],
      properties: {
        togglePopup: accelerator,
        slots: { type: 'array', items: accelerator, minItems: HOTKEY_SLOT_COUNT, maxItems: HOTKEY_SLOT_COUNT },
      },
    },
    pollIntervalSec: { type: 'integer', minimum: POLL_INTERVAL_LIMITS.min, maximum: POLL_INTERVAL_LIMITS.max },
    launchAtLogin: { type: 'boolean' },
    theme: { type: 'string', enum: ['system', 'light', 'dark'] },
    language: { type: 'string', enum: ['system', 'en', 'ru'] },
    notifications: { type: 'string', enum: ['off', 'on', 'chosen'] },
    notifyDialogs: { type: 'array', maxItems: MAX_NOTIFY_DIALOGS, items: { type: 'string', maxLength: 100 } },
    secretsInMemoryOnly: { type: 'boolean' },
    oauthRedirectPort: { type: 'integer', minimum: REDIRECT_PORT_LIMITS.min, maximum: REDIRECT_PORT_LIMITS.max },
  },
};

const secretRefSchema: JsonSchema = {
  oneOf: [
    {
      type: 'object',
      additionalProperties: false,
      required: ['storage', 'cipher'],
      properties: { storage: { type: 'string', const: 'encrypted' }, cipher: { type: 'string', minLength: 1 } },
    },
    {
      type: 'object',
      additionalProperties: false,
      required: ['storage'],
      properties: { storage: { type: 'string', const: 'memory' } },
    },
  ],
};

/** Schema of one {@link AccountRecord}. Strict: an extra field could be a leaked secret. */
export const accountRecordSchema: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['id', 'kind', 'origin', 'portal', 'userId', 'userName', 'status', 'createdAt', 'secret'],
  properties: {
    id: { type: 'string', pattern: ID },
    kind: { type: 'string', enum: ['webhook', 'oauth'] },
    origin: { type: 'string', pattern: '^https?://[^/\\s]+$', maxLength: 300 },
    portal: { type: 'string', minLength: 1, maxLength: 260 },
    userId: { type: 'integer', minimum: 1 },
    userName: text(300),
    status: { type: 'string', enum: ['ok', 'needs-sign-in'] },
    createdAt: time,
    secret: secretRefSchema,
  },
};

/** Schema of one {@link QueuedAction}; extra fields are allowed, but never `unread` on an unpin. */
export const queuedActionSchema: JsonSchema = {
  type: 'object',
  required: ['id', 'kind', 'accountId', 'dialogId', 'createdAt', 'attempts', 'nextAttemptAt', 'lastError'],
  if: { type: 'object', properties: { kind: { const: 'unread' } } },
  then: { type: 'object', properties: { unread: { type: 'boolean' } }, required: ['unread'] },
  else: { not: { type: 'object', properties: { unread: {} }, required: ['unread'] } },
  properties: {
    id: { type: 'string', minLength: 1, maxLength: 100 },
    kind: { type: 'string', enum: ['unread', 'unpin'] },
    accountId: { type: 'string', pattern: ID },
    dialogId: { type: 'string', pattern: DIALOG_ID },
    unread: { type: 'boolean' },
    createdAt: time,
    attempts: { type: 'integer', minimum: 0 },
    nextAttemptAt: time,
    lastError: {
      oneOf: [
        { type: 'null' },
        {
          type: 'object',
          required: ['code', 'message'],
          properties: { code: { type: 'string' }, message: { type: 'string' } },
        },
      ],
    },
  },
};

/** Schema of one {@link Snooze}. */
export const snoozeSchema: JsonSchema = {
  type: 'object',
  required: ['accountId', 'dialogId', 'until', 'title'],
  properties: {
    accountId: { type: 'string', pattern: ID },
    dialogId: { type: 'string', pattern: DIALOG_ID },
    until: time,
    title: { type: 'string' },
  },
};

/** Schema of one {@link Notice}. */
export const noticeSchema: JsonSchema = {
  type: 'object',
  required: ['id', 'level', 'code', 'message', 'at'],
  properties: {
    id: { type: 'string', minLength: 1, maxLength: 100 },
    level: { type: 'string', enum: ['info', 'warning', 'error'] },
    code: { type: 'string', enum: [...BITRIX_ERROR_CODES, ...APP_ERROR_CODES] },
    message: { type: 'string' },
    accountId: { type: 'string', pattern: ID },
    dialogId: { type: 'string', pattern: DIALOG_ID },
    title: { type: 'string' },
    at: time,
  },
};

const cachedDialogSchema: JsonSchema = {
  type: 'object',
  // Strict: only the popup's fields, so nothing else (a secret) can ride along.
  additionalProperties: false,
  required: [
    'accountId',
    'dialogId',
    'kind',
    'title',
    'avatarUrl',
    'color',
    'initials',
    'snippet',
    'counter',
    'unreadMark',
    'unread',
    'muted',
    'lastActivity',
  ],
  properties: {
    accountId: { type: 'string', pattern: ID },
    dialogId: { type: 'string', pattern: DIALOG_ID },
    kind: { type: 'string', enum: ['user', 'chat', 'sonet'] },
    title: text(CACHED_TEXT_LIMITS.title),
    avatarUrl: {
      oneOf: [{ type: 'null' }, { type: 'string', pattern: '^https?://', maxLength: CACHED_TEXT_LIMITS.avatarUrl }],
    },
    color: text(CACHED_TEXT_LIMITS.color),
    initials: text(CACHED_TEXT_LIMITS.initials),
    snippet: text(CACHED_TEXT_LIMITS.snippet),
    counter: { type: 'integer', minimum: 0 },
    unreadMark: { type: 'boolean' },
    unread: { type: 'boolean' },
    muted: { type: 'boolean' },
    lastActivity: { oneOf: [{ type: 'null' }, text(CACHED_TEXT_LIMITS.lastActivity)] },
  },
};

/** Schema of one {@link PinnedCacheEntry}. */
export const pinnedCacheEntrySchema: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['at', 'dialogs'],
  properties: {
    at: time,
    dialogs: { type: 'array', maxItems: MAX_CACHED_DIALOGS, items: cachedDialogSchema },
  },
};

/**
 * The `schema` option of conf / electron-store: the `properties` of the
 * root object, one schema per top-level key.
 */
export const STORE_SCHEMA: Record<keyof StoreData, JsonSchema> = {
  schemaVersion: { type: 'integer', const: CURRENT_SCHEMA_VERSION },
  settings: settingsSchema,
  accounts: { type: 'array', items: accountRecordSchema },
  queue: { type: 'array', items: queuedActionSchema },
  snoozes: { type: 'array', items: snoozeSchema },
  seen: { type: 'object', additionalProperties: { type: 'integer', minimum: 0 } },
  notices: { type: 'array', items: noticeSchema },
  // Deliberately unchecked at the document level: a damaged cache must never make the whole file
  // "corrupt" (backup, notice, salvage). Its entries are validated one by one when read, and a bad
  // one is dropped (pinned-cache.ts); salvage and the journal never carry the cache over.
  cache: {},
};

/**
 * The `rootSchema` option: every key must be present (conf fills them from
 * `defaults`), and other top-level keys are allowed so a later feature can
 * add one without a schema version bump.
 */
export const STORE_ROOT_SCHEMA: JsonSchema = {
  required: [...STORE_KEYS],
};

// The same validator conf builds (Ajv 2020, allErrors), so what passes here passes there.
const ajv = new Ajv2020({ allErrors: true, strict: true });

/** Validates a whole document exactly as conf does. */
export const validateStoreData: ValidateFunction<StoreData> = ajv.compile<StoreData>({
  ...STORE_ROOT_SCHEMA,
  type: 'object',
  properties: STORE_SCHEMA,
});
/** Validates one account record. */
export const isAccountRecord: ValidateFunction<AccountRecord> = ajv.compile<AccountRecord>(accountRecordSchema);
/** Validates one queued action. */
export const isQueuedAction: ValidateFunction<QueuedAction> = ajv.compile<QueuedAction>(queuedActionSchema);
/** Validates one snooze. */
export const isSnooze: ValidateFunction<Snooze> = ajv.compile<Snooze>(snoozeSchema);
/** Validates one notice. */
export const isNotice: ValidateFunction<Notice> = ajv.compile<Notice>(noticeSchema);
/** Validates one pinned-list cache entry (an account's cached list). */
export const isPinnedCacheEntry: ValidateFunction<PinnedCacheEntry> =
  ajv.compile<PinnedCacheEntry>(pinnedCacheEntrySchema);

/** ajv's errors of the last failed validation as one short line, e.g. "`/settings/theme` must be equal to one of the allowed values". */
export function describeSchemaErrors(validate: ValidateFunction): string {
  const errors = validate.errors ?? [];
  const lines = errors.slice(0, 5).map((e) => `\`${e.instancePath || '/'}\` ${e.message ?? 'is invalid'}`);
  if (errors.length > 5) lines.push(`and ${errors.length - 5} more`);
  return lines.join('; ');
}
