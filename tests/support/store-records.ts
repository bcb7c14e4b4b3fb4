/**
 * Records of the store document as the app writes them, for the store's
 * tests: an account (Anna's webhook on acme; the secret only as ciphertext)
 * and a queued toggle of it (`over` changes any field); and the only fields a
 * cached dialog may hold.
 */
import type { AccountRecord, QueuedToggle } from '../../src/main/core/storage/schema';

/** An account record as the store keeps it. */
export function accountRecord(over: Partial<AccountRecord> = {}): AccountRecord {
  return {
    id: 'a0123456789abcdef0123',
    kind: 'webhook',
    origin: 'https://acme.bitrix24.ru',
    portal: 'acme.bitrix24.ru',
    userId: 7,
    userName: 'Anna',
    status: 'ok',
    createdAt: 1_700_000_000_000,
    secret: { storage: 'encrypted', cipher: 'Y2lwaGVydGV4dA==' },
    ...over,
  };
}

/** A queued "unread" toggle of {@link accountRecord}'s account, due now, never tried. */
export function queuedAction(over: Partial<QueuedToggle> = {}): QueuedToggle {
  return {
    id: 'q1',
    kind: 'unread',
    accountId: accountRecord().id,
    dialogId: 'chat74',
    unread: true,
    createdAt: 1_700_000_000_000,
    attempts: 0,
    nextAttemptAt: 1_700_000_000_000,
    lastError: null,
    ...over,
  };
}

/**
 * The fields of a cached dialog: what the popup shows, nothing else (no secret can ride along).
 * Written out, not read from the schema, so a field added to the cache must be added here too.
 */
export const CACHED_DIALOG_FIELDS: readonly string[] = [
  'accountId',
  'avatarUrl',
  'color',
  'counter',
  'dialogId',
  'initials',
  'kind',
  'lastActivity',
  'muted',
  'snippet',
  'title',
  'unread',
  'unreadMark',
];
