/**
 * Migrations of the persisted document by `schemaVersion`: a chain of pure
 * functions, step N turning a version-N document into version N+1.
 *
 * Version 0 is the pre-release format, which had no `schemaVersion`:
 *
 * ```jsonc
 * {
 *   "settings": { "hotkey": "Ctrl+Alt+U", "pollSeconds": 30, "launchAtLogin": true,
 *                 "theme": "dark", "notify": false },
 *   "accounts": [{ "id", "kind", "origin", "userId", "userName", "secret" }],   // no status/portal/createdAt
 *   "queue":    [{ "id", "accountId", "dialogId", "unread", "createdAt" }]     // no retry bookkeeping
 * }
 * ```
 *
 * Version 1 queued only read/unread toggles; version 2 queues unpins too and
 * names each intent's `kind`.
 */
import { POLL_INTERVAL_LIMITS } from '../../../shared/settings-limits';
import { DEFAULT_SETTINGS, defaultSettings } from './settings';
import type { StoreData } from './schema';
import { CURRENT_SCHEMA_VERSION } from './store-constants';
import { defaultStoreData } from './store-defaults';

/** Why a document could not be migrated. */
export class StoreMigrationError extends Error {
  constructor(
    readonly reason: 'not-an-object' | 'bad-version' | 'future-version',
    message: string,
    /** The version the document claims, when it has a usable one. */
    readonly version: number | null = null,
  ) {
    super(message);
    this.name = 'StoreMigrationError';
  }
}

/** A loosely typed document in the middle of the chain. */
export type Doc = Record<string, unknown>;
/** Turns a version-N document into version N+1. Pure: must not mutate its input. */
export type Migration = (doc: Readonly<Doc>) => Doc;

function isObject(value: unknown): value is Doc {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function clampPoll(value: unknown): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) return DEFAULT_SETTINGS.pollIntervalSec;
  return Math.min(POLL_INTERVAL_LIMITS.max, Math.max(POLL_INTERVAL_LIMITS.min, Math.round(value)));
}

/** v0 (no schemaVersion) → v1. */
export const migrateV0ToV1: Migration = (doc) => {
  const old = isObject(doc.settings) ? doc.settings : {};
  const settings = defaultSettings();
  // The pre-release default Ctrl+Alt+U is AltGr+U on Windows: an untouched default takes the new one.
  if (typeof old.hotkey === 'string' && old.hotkey !== 'Ctrl+Alt+U') settings.hotkeys.togglePopup = old.hotkey;
  if ('pollSeconds' in old) settings.pollIntervalSec = clampPoll(old.pollSeconds);
  if (typeof old.launchAtLogin === 'boolean') settings.launchAtLogin = old.launchAtLogin;
  if (old.theme === 'light' || old.theme === 'dark' || old.theme === 'system') settings.theme = old.theme;
  if (typeof old.notify === 'boolean') settings.notifications = old.notify ? 'on' : 'off';

  const accounts = Array.isArray(doc.accounts)
    ? doc.accounts.map((a: unknown) => {
        if (!isObject(a)) return a;
        let portal = a.portal;
        if (typeof portal !== 'string' && typeof a.origin === 'string') {
          try {
            portal = new URL(a.origin).host;
          } catch {
            // Left missing: the record then fails validation and is reported, not guessed.
          }
        }
        return { ...a, portal, status: a.status ?? 'ok', createdAt: a.createdAt ?? 0 };
      })
    : [];

  const queue = Array.isArray(doc.queue)
    ? doc.queue.map((q: unknown) => (isObject(q) ? { attempts: 0, nextAttemptAt: 0, lastError: null, ...q } : q))
    : [];

  const { settings: _s, accounts: _a, queue: _q, ...rest } = doc;
  return { ...rest, schemaVersion: 1, settings, accounts, queue };
};

/** v1 → v2: the queue holds unpins as well as toggles; every v1 intent is a read/unread toggle. */
export const migrateV1ToV2: Migration = (doc) => {
  if (!Array.isArray(doc.queue)) return { ...doc };
  const queue = doc.queue.map((q: unknown) => (isObject(q) && !('kind' in q) ? { ...q, kind: 'unread' } : q));
  return { ...doc, queue };
};

/** `MIGRATIONS[n]` turns version n into n+1. Its length is the current version. */
export const MIGRATIONS: readonly Migration[] = [migrateV0ToV1, migrateV1ToV2];

/** The version a document claims: 0 when it has none. Throws {@link StoreMigrationError}. */
export function versionOf(data: unknown): number {
  if (!isObject(data)) {
    throw new StoreMigrationError('not-an-object', 'the file does not hold a settings object');
  }
  if (!('schemaVersion' in data)) return 0;
  const v = data.schemaVersion;
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 0) {
    throw new StoreMigrationError('bad-version', 'its schemaVersion is not a version number');
  }
  return v;
}

/**
 * Runs `steps` over `data` up to `target`, then fills missing top-level
 * keys from the defaults. Exposed so the chain can be tested with extra
 * (future) steps.
 */
export function runMigrations(
  data: unknown,
  steps: readonly Migration[],
  target: number,
  defaults: () => Doc,
): { data: Doc; from: number; to: number } {
  const from = versionOf(data);
  if (from > target) {
    throw new StoreMigrationError(
      'future-version',
      `it was written by a newer version of the app (schema ${from}; this version understands up to ${target})`,
      from,
    );
  }
  let doc: Doc = structuredClone(data as Doc);
  for (let v = from; v < target; v++) {
    const step = steps[v];
    if (!step) throw new Error(`No migration from schema ${v} to ${v + 1}`);
    doc = step(doc);
    doc.schemaVersion = v + 1;
  }
  const filled: Doc = { ...defaults() };
  for (const [k, v] of Object.entries(doc)) {
    // A JSON "__proto__" key must stay data, never become a prototype.
    if (v !== undefined && k !== '__proto__') filled[k] = v;
  }
  return { data: filled, from, to: target };
}

/**
 * Brings any stored document to the current schema version. Pure. The
 * result has every top-level key but is NOT validated: call
 * `validateStoreData` on it. Throws {@link StoreMigrationError} for a
 * non-object, a malformed version or a version newer than this build.
 */
export function migrate(data: unknown): { data: StoreData; from: number; to: number } {
  const out = runMigrations(data, MIGRATIONS, CURRENT_SCHEMA_VERSION, defaultStoreData);
  return { ...out, data: out.data as StoreData };
}
