/**
 * The persisted document (config.json): its parts, declared once as TypeBox
 * schemas (JSON Schema), from which come both its TypeScript types
 * (`Static<>`) and the ajv validator every write is checked with.
 * The `settings` part is src/shared/settings-schema.ts, the same schema the
 * `updateSettings` intent validates patches with.
 *
 * Every write through the store is checked against this schema (ajv, JSON
 * Schema draft 2020-12, with the validators of validators.ts; `confAsPort`
 * in store.ts, and the lists' own checks in journal.ts and queue-log.ts),
 * and {@link openStore} checks the file it opens, so a write of the wrong
 * shape throws instead of corrupting the file. conf / electron-store are
 * not given the schema (they would compile it at every start).
 * `schemaVersion` drives our own migrations (migrations.ts); conf's semver
 * `migrations` are unused.
 *
 * This module is for the types and for scripts/gen-validators.ts: the app
 * loads no TypeBox, so what its code reads at runtime (the version, the
 * cache's limits) is in store-constants.ts, and a fresh document in
 * store-defaults.ts.
 *
 * To add a version: bump {@link CURRENT_SCHEMA_VERSION} (store-constants.ts), change the part
 * here (a field of a queued intent is one line in {@link QueuedActionBase}),
 * append a step to `MIGRATIONS` in migrations.ts (v2: queued intents carry a
 * `kind`, `unread` or `unpin`), and run `npm run gen:validators` (any change
 * of a schema here needs it: validators.test.ts fails until it has run).
 *
 * An OPTIONAL top-level key with a default needs no version bump: `cache`
 * (the last pinned list per account) is one. A file without it reads as an
 * empty cache, and an older v1 build reading a file with it keeps working,
 * because the root schema allows keys it does not know.
 */
import Type, { type Static, type TSchema } from 'typebox';
import { APP_ERROR_CODES, BITRIX_ERROR_CODES } from '../../../shared/errors';
import { DIALOG_ID_PATTERN } from '../../../shared/dialog-id';
import { SettingsSchema } from '../../../shared/settings-schema';
import type { AccountSummary, Notice, PinnedDialog } from '../../../shared/types';
import { ACCOUNT_ID_PATTERN, CACHED_TEXT_LIMITS, CURRENT_SCHEMA_VERSION, MAX_CACHED_DIALOGS } from './store-constants';

// ---- the building blocks: one grammar per fact ----

const AccountId = () => Type.String({ pattern: ACCOUNT_ID_PATTERN.source });
/** The DIALOG_ID grammar of src/shared/dialog-id.ts, as a JSON Schema pattern. */
const DialogId = () => Type.String({ pattern: DIALOG_ID_PATTERN });
/** Epoch ms. */
const Time = () => Type.Number({ minimum: 0 });
const Text = (maxLength: number) => Type.String({ maxLength });
const Id = () => Type.String({ minLength: 1, maxLength: 100 });
const Count = () => Type.Integer({ minimum: 0 });
const OrNull = <T extends TSchema>(schema: T) => Type.Union([Type.Null(), schema]);

// ---- the parts of the document ----

/** Where an account's secret lives. Never the secret itself in plaintext. */
export const SecretRefSchema = Type.Union([
  /** OS-encrypted (safeStorage in the app) ciphertext, base64. */
  Type.Object(
    { storage: Type.Literal('encrypted'), cipher: Type.String({ minLength: 1 }) },
    { additionalProperties: false },
  ),
  /** Kept in memory only (no keyring, or the user chose so); lost on quit. */
  Type.Object({ storage: Type.Literal('memory') }, { additionalProperties: false }),
]);
export type SecretRef = Static<typeof SecretRefSchema>;

/** A signed-in account as persisted. Strict: an extra field could be a leaked secret. */
export const AccountRecordSchema = Type.Object(
  {
    /** Stable id derived from origin + userId (see accounts.ts `accountIdFor`). */
    id: AccountId(),
    kind: Type.Enum(['webhook', 'oauth']),
    /** `https://acme.bitrix24.ru` (or `http://127.0.0.1:port` for a local portal). */
    origin: Type.String({ pattern: '^https?://[^/\\s]+$', maxLength: 300 }),
    /** Host of the portal, e.g. `acme.bitrix24.ru`. */
    portal: Type.String({ minLength: 1, maxLength: 260 }),
    userId: Type.Integer({ minimum: 1 }),
    userName: Text(300),
    status: Type.Enum(['ok', 'needs-sign-in']),
    /** Epoch ms of the first sign-in. */
    createdAt: Time(),
    secret: SecretRefSchema,
  },
  { additionalProperties: false },
);
export type AccountRecord = Static<typeof AccountRecordSchema>;

/** What every intent of the durable queue carries (the queue is toggles/actions.ts). */
const QueuedActionBase = {
  id: Id(),
  accountId: AccountId(),
  dialogId: DialogId(),
  createdAt: Time(),
  attempts: Count(),
  /** Epoch ms before which it is not retried. */
  nextAttemptAt: Time(),
  lastError: OrNull(Type.Object({ code: Type.String(), message: Type.String() })),
};

/** Sets (`unread`) or clears (read) a dialog's unread state. Every schema-1 intent was one. */
export const QueuedToggleSchema = Type.Object({
  ...QueuedActionBase,
  kind: Type.Literal('unread'),
  unread: Type.Boolean(),
});
export type QueuedToggle = Static<typeof QueuedToggleSchema>;

/**
 * Unpins a dialog (`im.recent.pin PIN=N`). Never an `unread`: an older build
 * (schema 1) salvaging a newer file would send such an item as a toggle.
 */
export const QueuedUnpinSchema = Type.Object({
  ...QueuedActionBase,
  kind: Type.Literal('unpin'),
  unread: Type.Optional(Type.Never()),
});
export type QueuedUnpin = Static<typeof QueuedUnpinSchema>;

/**
 * Pins a dialog again (`im.recent.pin PIN=Y`): the popup's undo of an unpin. An older build
 * (schema 2) that meets one salvages the file and keeps every other intent (storage/recovery.ts),
 * so the kind needs no schema version of its own: no file before it holds one.
 */
export const QueuedPinSchema = Type.Object({
  ...QueuedActionBase,
  kind: Type.Literal('pin'),
  unread: Type.Optional(Type.Never()),
});
export type QueuedPin = Static<typeof QueuedPinSchema>;

/**
 * An intent waiting in the durable queue (owned by toggles/actions.ts).
 * Extra fields are allowed, so an older build reads a newer queue.
 */
export const QueuedActionSchema = Type.Union([QueuedToggleSchema, QueuedUnpinSchema, QueuedPinSchema]);
export type QueuedAction = Static<typeof QueuedActionSchema>;

/** A "remind me later": the dialog is set unread again at `until`. */
export const SnoozeSchema = Type.Object({
  accountId: AccountId(),
  dialogId: DialogId(),
  /** Epoch ms. */
  until: Time(),
  title: Type.String(),
});
export type Snooze = Static<typeof SnoozeSchema>;

/** A message for the user that must survive a restart (the {@link Notice} the popup shows). */
export const NoticeSchema = Type.Object({
  id: Id(),
  level: Type.Enum(['info', 'warning', 'error']),
  code: Type.Enum([...BITRIX_ERROR_CODES, ...APP_ERROR_CODES]),
  message: Type.String(),
  accountId: Type.Optional(AccountId()),
  dialogId: Type.Optional(DialogId()),
  title: Type.Optional(Type.String()),
  at: Time(),
});

/**
 * One dialog of the pinned-list cache: the popup row as the portal last
 * confirmed it. `pending` and `snoozedUntil` are not stored: they come from
 * the queue and the snoozes, which are persisted themselves. Strict: only the
 * popup's fields, so nothing else (a secret) can ride along.
 */
export const CachedDialogSchema = Type.Object(
  {
    accountId: AccountId(),
    dialogId: DialogId(),
    kind: Type.Enum(['user', 'chat', 'sonet']),
    title: Text(CACHED_TEXT_LIMITS.title),
    avatarUrl: OrNull(Type.String({ pattern: '^https?://', maxLength: CACHED_TEXT_LIMITS.avatarUrl })),
    color: Text(CACHED_TEXT_LIMITS.color),
    initials: Text(CACHED_TEXT_LIMITS.initials),
    snippet: Text(CACHED_TEXT_LIMITS.snippet),
    counter: Count(),
    unreadMark: Type.Boolean(),
    unread: Type.Boolean(),
    muted: Type.Boolean(),
    lastActivity: OrNull(Text(CACHED_TEXT_LIMITS.lastActivity)),
  },
  { additionalProperties: false },
);
export type CachedDialog = Static<typeof CachedDialogSchema>;

/** The last pinned list loaded for one account, shown at start before the first load answers. */
export const PinnedCacheEntrySchema = Type.Object(
  {
    /** Epoch ms of the load that produced the list (the popup's "updated" time). */
    at: Time(),
    dialogs: Type.Array(CachedDialogSchema, { maxItems: MAX_CACHED_DIALOGS }),
  },
  { additionalProperties: false },
);
export type PinnedCacheEntry = Static<typeof PinnedCacheEntrySchema>;

/** The whole persisted document, version {@link CURRENT_SCHEMA_VERSION}. */
export const StoreDataSchema = Type.Object({
  schemaVersion: Type.Integer({ const: CURRENT_SCHEMA_VERSION }),
  settings: SettingsSchema,
  accounts: Type.Array(AccountRecordSchema),
  queue: Type.Array(QueuedActionSchema),
  snoozes: Type.Array(SnoozeSchema),
  /**
   * Notification bookkeeping: `${accountId}/${dialogId}` → last message id seen. (TypeBox types an
   * object of `additionalProperties` as `{}`, so the record type is stated here.)
   */
  seen: Type.Unsafe<Record<string, number>>(Type.Object({}, { additionalProperties: Count() })),
  /** Messages for the user that must survive a restart. */
  notices: Type.Array(NoticeSchema),
  /**
   * Optional (absent in a fresh or older file): account id → the last pinned list loaded. Only
   * what the popup shows, never a secret; a disposable copy. Deliberately unchecked at the
   * document level: a damaged cache must never make the whole file "corrupt" (backup, notice,
   * salvage). Its entries are validated one by one when read ({@link isPinnedCacheEntry}), and a
   * bad one is dropped (pinned-cache.ts); salvage and the journal never carry the cache over.
   */
  cache: Type.Optional(Type.Unsafe<Record<string, PinnedCacheEntry>>({})),
});
export type StoreData = Static<typeof StoreDataSchema>;

/** The required top-level keys of {@link StoreData} (every key but the optional `cache`). */
export const STORE_KEYS: readonly (keyof StoreData)[] = StoreDataSchema.required;

/** A JSON schema object (ajv draft 2020-12); every TypeBox schema is one. */
export type JsonSchema = TSchema;

/** The `properties` of the document: one schema per top-level key (those of {@link StoreDataSchema}). */
export const STORE_SCHEMA: Record<keyof StoreData, JsonSchema> = StoreDataSchema.properties;

/**
 * The document's root: every key must be present (conf fills them from
 * `defaults`), and other top-level keys are allowed so a later feature can
 * add one without a schema version bump. Nothing here relates one key to
 * another: `confAsPort` (store.ts) checks a write of one key on its own.
 */
export const STORE_ROOT_SCHEMA: JsonSchema = {
  required: [...STORE_KEYS],
};

// Compile-time: the parts the popup also sees (shared/types.ts) cannot drift from what is stored.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : never) : never;
const sameNotice: Same<Static<typeof NoticeSchema>, Notice> = true;
const sameCachedDialog: Same<CachedDialog, Omit<PinnedDialog, 'pending' | 'snoozedUntil'>> = true;
const sameAccountKind: Same<
  AccountRecord['kind'] | AccountRecord['status'],
  AccountSummary['kind'] | AccountSummary['status']
> = true;
void [sameNotice, sameCachedDialog, sameAccountKind];
