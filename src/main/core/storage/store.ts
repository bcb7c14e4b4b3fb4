/**
 * Opening the persisted store: one options object for electron-store (app)
 * and conf (tests, browser preview), and a pre-flight check of the file
 * that migrates it and, when it is damaged, keeps a copy and salvages what
 * it can instead of crashing or silently losing the user's accounts and
 * queued actions.
 */
import Conf from 'conf';
import {
  chmodSync,
  closeSync,
  fsyncSync,
  mkdirSync,
  openSync,
  readFileSync,
  readdirSync,
  renameSync,
  unlinkSync,
  writeSync,
} from 'node:fs';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { systemClock, type Clock, type KeyValueStore } from '../ports';
import { StoreMigrationError, migrate, versionOf } from './migrations';
import {
  CURRENT_SCHEMA_VERSION,
  STORE_ROOT_SCHEMA,
  STORE_SCHEMA,
  defaultStoreData,
  describeSchemaErrors,
  isAccountRecord,
  isNotice,
  isQueuedAction,
  isSnooze,
  validateStoreData,
  type JsonSchema,
  type StoreData,
} from './schema';
import { sanitizeSettings } from './settings';

/** The name of the store file, without `.json`. */
export const STORE_NAME = 'config';
/**
 * The journal beside the store file (`config.journal.json`): a second copy
 * of the two things the user must never lose to a damaged file, the
 * accounts (secrets only as the same ciphertext the main file holds) and the
 * queued toggles. Rewritten atomically (mode 0600) whenever either changes;
 * read only when the main file is damaged and lost them. Garbage written
 * over config.json then costs neither a sign-in nor a queued action.
 */
export const JOURNAL_SUFFIX = '.journal.json';
const JOURNAL_KEYS: ReadonlySet<string> = new Set(['accounts', 'queue']);
/**
 * The pinned-list cache's own file beside the store (`config.cache.json`):
 * the store key `cache` is read from and written to it, never to
 * config.json. The cache is the one big value (tens of KB) and can always be
 * rebuilt by a load; kept apart, every small write (a queued toggle, a
 * setting) no longer rewrites it, and a cache write no longer rewrites the
 * accounts and the queue. A cache found in an older config.json is moved
 * there when the store opens. An unreadable file reads as no cache.
 */
export const CACHE_SUFFIX = '.cache.json';
const CACHE_KEY = 'cache';
/** Mode of every file the store writes: owner read/write only. */
export const STORE_FILE_MODE = 0o600;

/**
 * Options understood by both `new ElectronStore(options)` and
 * `new Conf(options)`. electron-store reads `name` (and sets `configName`
 * from it); conf reads `configName`; both are set to the same value.
 */
export interface StoreOptions {
  name: string;
  configName: string;
  /** Absolute folder; electron-store defaults to `app.getPath('userData')` when omitted. */
  cwd?: string;
  defaults: StoreData;
  schema: Record<keyof StoreData, JsonSchema>;
  rootSchema: JsonSchema;
  configFileMode: number;
  /** false: a damaged file throws; {@link openStore} handles damage itself, keeping a copy. */
  clearInvalidConfig: false;
  /** Conf would otherwise watch the file; we are the only writer. */
  watch: false;
}

/**
 * The options for the store, for electron-store and conf alike. No semver
 * `migrations`: documents are migrated by `schemaVersion` (migrations.ts)
 * in {@link openStore} before the library sees the file.
 */
export function storeOptions(opts: { cwd?: string; name?: string } = {}): StoreOptions {
  const name = opts.name ?? STORE_NAME;
  return {
    name,
    configName: name,
    ...(opts.cwd !== undefined ? { cwd: opts.cwd } : {}),
    defaults: defaultStoreData(),
    schema: STORE_SCHEMA,
    rootSchema: STORE_ROOT_SCHEMA,
    configFileMode: STORE_FILE_MODE,
    clearInvalidConfig: false,
    watch: false,
  };
}

/** What {@link openStore} did about a damaged file (shown as the STORE_CORRUPT notice). */
export interface StoreRecovery {
  /** The copy of the damaged file, byte for byte (mode 0600). Empty when no copy could be made. */
  backupPath: string;
  /** Why the file was set aside, in words (no file content). */
  reason: string;
  /** What was carried over from the damaged file (or its journal). */
  kept: { accounts: number; queue: number };
  /** The parts the damaged file had lost and the journal gave back. */
  fromJournal?: ('accounts' | 'queue')[];
}

/** Result of {@link openStore}. */
export interface OpenedStore {
  store: KeyValueStore;
  /** Set when the file was damaged and replaced; null when it opened cleanly. */
  recovery: StoreRecovery | null;
}

/** Builds the library store from options (`(o) => new ElectronStore(o)` in the app). */
export type StoreFactory = (options: StoreOptions) => KeyValueStore;

/**
 * Opens the store in `cwd`. Before the factory sees the file it is read
 * and checked: a valid file is migrated to the current `schemaVersion` (and
 * written back, mode 0600); a file that is not JSON, violates the schema,
 * is empty or comes from a newer app version is copied aside to
 * `config.corrupt-<time>.json` and replaced by a fresh document that keeps
 * every account, queued action, snooze and setting that is still valid on
 * its own. Never throws for a damaged file.
 */
export function openStore(factory: StoreFactory, opts: { cwd: string; clock?: Clock; name?: string }): OpenedStore {
  const clock = opts.clock ?? systemClock;
  const name = opts.name ?? STORE_NAME;
  const options = storeOptions({ cwd: opts.cwd, name });
  const file = join(opts.cwd, `${name}.json`);
  const journalFile = join(opts.cwd, `${name}${JOURNAL_SUFFIX}`);
  mkdirSync(opts.cwd, { recursive: true, mode: 0o700 });

  const check = inspect(file);
  let recovery: StoreRecovery | null = null;
  if (check.kind === 'migrated') {
    writeAtomic(file, JSON.stringify(check.data, undefined, '\t'));
  } else if (check.kind === 'damaged') {
    recovery = recover(file, check, clock, name, readJournal(journalFile));
  } else if (check.kind === 'ok') {
    tightenMode(file);
  }

  const cacheFile = join(opts.cwd, `${name}${CACHE_SUFFIX}`);
  const finish = (inner: KeyValueStore): KeyValueStore =>
    withCacheFile(withJournal(readCached(inner), journalFile), cacheFile);
  try {
    return { store: finish(factory(options)), recovery };
  } catch (error) {
    // Our checks mirror the library's, so this is a last resort (e.g. a bug
    // in a migration): keep a copy, start fresh (with what the journal
    // holds), and say so.
    const bytes = readOrNull(file);
    const backupPath = bytes ? backup(file, bytes, clock, name) : '';
    const fresh = defaultStoreData();
    const fromJournal = restoreFromJournal(fresh, {}, readJournal(journalFile));
    writeAtomic(file, JSON.stringify(fresh, undefined, '\t'));
    const reason = `the store could not be opened (${error instanceof Error ? error.message.slice(0, 200) : 'unknown error'})`;
    const kept = { accounts: fresh.accounts.length, queue: fresh.queue.length };
    return {
      store: finish(factory(options)),
      recovery: { backupPath, reason, kept, ...(fromJournal.length > 0 ? { fromJournal } : {}) },
    };
  }
}

type Journal = { accounts: StoreData['accounts']; queue: StoreData['queue'] };

/** The journal's valid accounts and queued actions, or null when there is no readable journal. */
function readJournal(journalFile: string): Journal | null {
  const bytes = readOrNull(journalFile);
  if (!bytes) return null;
  let parsed: unknown;
  try {
    parsed = JSON.parse(bytes.toString('utf8'));
  } catch {
    return null;
  }
  if (!isObject(parsed)) return null;
  return {
    accounts: validItems(
      parsed.accounts,
      (v) => isAccountRecord(v),
      (a) => a.id,
    ),
    queue: validItems(
      parsed.queue,
      (v) => isQueuedAction(v),
      (q) => q.id,
    ),
  };
}

/**
 * Puts the journal's accounts / queue into `data` where the damaged file
 * did not yield them as a list at all. A list the damaged file still had is
 * trusted as it is: the journal is at most one change behind it, never ahead.
 */
function restoreFromJournal(
  data: StoreData,
  damaged: Record<string, unknown>,
  journal: Journal | null,
): ('accounts' | 'queue')[] {
  if (!journal) return [];
  const restored: ('accounts' | 'queue')[] = [];
  if (!Array.isArray(damaged.accounts) && journal.accounts.length > 0) {
    data.accounts = journal.accounts;
    restored.push('accounts');
  }
  if (!Array.isArray(damaged.queue) && journal.queue.length > 0) {
    data.queue = journal.queue;
    restored.push('queue');
  }
  return restored;
}

/**
 * Serves reads from memory. conf and electron-store re-read, parse and
 * schema-check the whole file on every `get` (and the journal reads the
 * accounts and the queue after every write), which made each toggle cost
 * several full reads of a file that grows with the queue (bench/results.md:
 * 200 toggles). Only this process writes the file (single-instance lock),
 * so the last value read or written is the file's value. Writes still go
 * through at once, synchronously; values are copied in and out through
 * JSON, as the file would.
 */
function readCached(inner: KeyValueStore): KeyValueStore {
  const cache = new Map<string, string | undefined>();
  const thaw = (text: string | undefined): unknown => (text === undefined ? undefined : JSON.parse(text));
  return {
    get: (key) => {
      if (!cache.has(key)) {
        const value = inner.get(key);
        cache.set(key, value === undefined ? undefined : JSON.stringify(value));
      }
      return thaw(cache.get(key));
    },
    set: (key, value) => {
      inner.set(key, value);
      // Only after the write succeeded (a schema violation throws and changes nothing).
      cache.set(key, value === undefined ? undefined : JSON.stringify(value));
    },
    delete: (key) => {
      inner.delete(key);
      cache.delete(key);
    },
    get path() {
      return inner.path;
    },
  };
}

/** Wraps the library store so every change of `accounts` or `queue` also rewrites the journal. */
function withJournal(inner: KeyValueStore, journalFile: string): KeyValueStore {
  const write = (): void => {
    const doc = {
      schemaVersion: CURRENT_SCHEMA_VERSION,
      accounts: inner.get('accounts') ?? [],
      queue: inner.get('queue') ?? [],
    };
    try {
      writeAtomic(journalFile, JSON.stringify(doc));
    } catch {
      // The main file already holds this; a journal that cannot be written only weakens recovery.
    }
  };
  // In step with the main file from the start (no stale copy of a signed-out account lingers).
  write();
  return {
    get: (key) => inner.get(key),
    set: (key, value) => {
      inner.set(key, value);
      if (JOURNAL_KEYS.has(key)) write();
    },
    delete: (key) => {
      inner.delete(key);
      if (JOURNAL_KEYS.has(key)) write();
    },
    get path() {
      return inner.path;
    },
  };
}

/**
 * Routes the key `cache` to its own file ({@link CACHE_SUFFIX}); every other
 * key goes to `inner`. Moves a cache that an older version kept in the main
 * file over first (unless the cache file already exists: it is newer).
 */
function withCacheFile(inner: KeyValueStore, cacheFile: string): KeyValueStore {
  let text: string | undefined;
  let loaded = false;
  const load = (): string | undefined => {
    if (!loaded) {
      loaded = true;
      const bytes = readOrNull(cacheFile);
      try {
        // Parsed once to reject garbage; kept as text so every get hands out a fresh copy.
        text = bytes ? JSON.stringify(JSON.parse(bytes.toString('utf8'))) : undefined;
      } catch {
        text = undefined; // A damaged cache is no cache: the next load writes a good one.
      }
    }
    return text;
  };
  const write = (value: unknown): void => {
    const next = JSON.stringify(value);
    writeAtomic(cacheFile, next);
    text = next;
    loaded = true;
  };
  const legacy = inner.get(CACHE_KEY);
  if (legacy !== undefined) {
    try {
      if (load() === undefined) write(legacy);
      inner.delete(CACHE_KEY);
    } catch {
      // Cannot move it now (read-only folder): it stays where it was, unused, and is moved next time.
    }
  }
  return {
    get: (key) => {
      if (key !== CACHE_KEY) return inner.get(key);
      const t = load();
      return t === undefined ? undefined : JSON.parse(t);
    },
    set: (key, value) => {
      if (key !== CACHE_KEY) return inner.set(key, value);
      if (value === undefined) return void removeCache();
      write(value);
    },
    delete: (key) => {
      if (key !== CACHE_KEY) return inner.delete(key);
      removeCache();
    },
    get path() {
      return inner.path;
    },
  };
  function removeCache(): void {
    try {
      unlinkSync(cacheFile);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
    text = undefined;
    loaded = true;
  }
}

type Inspection =
  | { kind: 'absent' }
  | { kind: 'ok' }
  | { kind: 'migrated'; data: StoreData }
  | { kind: 'damaged'; bytes: Buffer | null; parsed: unknown; reason: string };

function inspect(file: string): Inspection {
  let bytes: Buffer;
  try {
    bytes = readFileSync(file);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return { kind: 'absent' };
    return {
      kind: 'damaged',
      bytes: null,
      parsed: undefined,
      reason: `the file could not be read (${code ?? 'error'})`,
    };
  }
  const text = bytes.toString('utf8');
  if (text.trim() === '') return { kind: 'damaged', bytes, parsed: undefined, reason: 'the file is empty' };
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    // Cut short or partly overwritten: the parts that are still whole may hold the accounts and queue.
    return {
      kind: 'damaged',
      bytes,
      parsed: readWholeTopLevelValues(text),
      reason: 'the file is not valid JSON (damaged or cut short)',
    };
  }
  let migrated: { data: StoreData; from: number };
  try {
    migrated = migrate(parsed);
  } catch (error) {
    const why = error instanceof StoreMigrationError ? error.message : 'it could not be migrated';
    return { kind: 'damaged', bytes, parsed, reason: why };
  }
  if (!validateStoreData(migrated.data)) {
    return {
      kind: 'damaged',
      bytes,
      parsed: migrated.data,
      reason: `it does not match the expected format: ${describeSchemaErrors(validateStoreData)}`,
    };
  }
  const changed = migrated.from !== CURRENT_SCHEMA_VERSION || JSON.stringify(migrated.data) !== JSON.stringify(parsed);
  return changed ? { kind: 'migrated', data: migrated.data } : { kind: 'ok' };
}

function recover(
  file: string,
  check: Extract<Inspection, { kind: 'damaged' }>,
  clock: Clock,
  name: string,
  journal: Journal | null,
): StoreRecovery {
  let backupPath: string;
  if (check.bytes) {
    backupPath = backup(file, check.bytes, clock, name);
  } else {
    // Unreadable (e.g. permissions): move it aside so a fresh file can take its place.
    backupPath = backupName(file, clock, name);
    try {
      renameSync(file, backupPath);
    } catch {
      backupPath = '';
    }
  }
  const data = salvage(check.parsed);
  const fromJournal = restoreFromJournal(data, isObject(check.parsed) ? check.parsed : {}, journal);
  writeAtomic(file, JSON.stringify(data, undefined, '\t'));
  return {
    backupPath,
    reason: check.reason,
    kept: { accounts: data.accounts.length, queue: data.queue.length },
    ...(fromJournal.length > 0 ? { fromJournal } : {}),
  };
}

/**
 * The top-level `"key": value` pairs of a broken JSON object whose values
 * are still whole and parse on their own (e.g. a file cut short after its
 * `accounts` and `queue`). Returns {} when the text is not an object at all.
 */
export function readWholeTopLevelValues(text: string): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  let i = text.indexOf('{');
  if (i < 0 || text.slice(0, i).trim() !== '') return out;
  i++;
  const ws = /\s/;
  const skipWs = (): void => {
    while (i < text.length && ws.test(text[i] as string)) i++;
  };
  /** Index just past the string starting at `i` (a quote), or -1. */
  const endOfString = (from: number): number => {
    for (let j = from + 1; j < text.length; j++) {
      const c = text[j];
      if (c === '\\') j++;
      else if (c === '"') return j + 1;
    }
    return -1;
  };
  while (i < text.length) {
    skipWs();
    if (text[i] !== '"') break;
    const keyEnd = endOfString(i);
    if (keyEnd < 0) break;
    let key: unknown;
    try {
      key = JSON.parse(text.slice(i, keyEnd));
    } catch {
      break;
    }
    i = keyEnd;
    skipWs();
    if (text[i] !== ':') break;
    i++;
    skipWs();
    // Scan the value to its end: depth 0 and a ',' or '}' outside strings.
    const start = i;
    let depth = 0;
    let end = -1;
    while (i < text.length) {
      const c = text[i] as string;
      if (c === '"') {
        const e = endOfString(i);
        if (e < 0) break;
        i = e;
        continue;
      }
      if (c === '{' || c === '[') depth++;
      else if (c === '}' || c === ']') {
        if (depth === 0) {
          end = i;
          break;
        }
        depth--;
      } else if (c === ',' && depth === 0) {
        end = i;
        break;
      }
      i++;
    }
    if (end < 0) break; // The value runs past the end of the text: it is not whole.
    try {
      const value: unknown = JSON.parse(text.slice(start, end));
      if (typeof key === 'string' && key !== '__proto__') out[key] = value;
    } catch {
      // This value is damaged; later ones may still be whole.
    }
    if (text[end] === '}') break;
    i = end + 1;
  }
  return out;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function validItems<T>(value: unknown, isValid: (v: unknown) => v is T, key: (v: T) => string): T[] {
  if (!Array.isArray(value)) return [];
  const seen = new Set<string>();
  const out: T[] = [];
  for (const item of value) {
    if (!isValid(item)) continue;
    const k = key(item);
    if (seen.has(k)) continue;
    seen.add(k);
    out.push(item);
  }
  return out;
}

/**
 * A valid current-version document built from whatever `parsed` holds:
 * every part that is valid on its own is kept (accounts and queued actions
 * one by one), the rest comes from the defaults. A document from a newer
 * app keeps what still reads as ours.
 */
export function salvage(parsed: unknown): StoreData {
  let src: Record<string, unknown> = isObject(parsed) ? parsed : {};
  try {
    const v = versionOf(src);
    if (v < CURRENT_SCHEMA_VERSION) src = migrate(src).data;
  } catch {
    // Bad or future version: read its parts as current-version ones.
  }
  const data = defaultStoreData();
  data.settings = sanitizeSettings(src.settings);
  data.accounts = validItems(
    src.accounts,
    (v) => isAccountRecord(v),
    (a) => a.id,
  );
  data.queue = validItems(
    src.queue,
    (v) => isQueuedAction(v),
    (q) => q.id,
  );
  data.snoozes = validItems(
    src.snoozes,
    (v) => isSnooze(v),
    (s) => `${s.accountId}/${s.dialogId}`,
  );
  data.notices = validItems(
    src.notices,
    (v) => isNotice(v),
    (n) => n.id,
  );
  if (isObject(src.seen)) {
    for (const [k, v] of Object.entries(src.seen)) {
      if (k !== '__proto__' && typeof v === 'number' && Number.isSafeInteger(v) && v >= 0) data.seen[k] = v;
    }
  }
  // Belt and braces: should never fail, but a fresh store beats a crash loop.
  return validateStoreData(data) ? data : { ...defaultStoreData(), accounts: [], queue: [] };
}

function stamp(clock: Clock): string {
  return new Date(clock.now()).toISOString().replace(/[:.]/g, '-');
}

function backupName(file: string, clock: Clock, name: string, n = 0): string {
  return join(file, '..', `${name}.corrupt-${stamp(clock)}${n ? `-${n}` : ''}.json`);
}

/** How many `config.corrupt-*.json` copies are kept: the newest; older ones are deleted. */
export const MAX_CORRUPT_BACKUPS = 3;

/** Deletes all but the newest {@link MAX_CORRUPT_BACKUPS} corrupt copies (by time stamp, then counter). */
function pruneBackups(dir: string, name: string): void {
  const re = new RegExp(`^${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\.corrupt-(.+?)(?:-(\\d+))?\\.json$`);
  let entries: string[];
  try {
    entries = readdirSync(dir);
  } catch {
    return;
  }
  const found = entries
    .map((f) => ({ f, m: re.exec(f) }))
    .filter((x): x is { f: string; m: RegExpExecArray } => x.m !== null)
    .map(({ f, m }) => ({ f, stamp: m[1]!, n: Number(m[2] ?? 0) }))
    .sort((a, b) => (a.stamp === b.stamp ? b.n - a.n : a.stamp < b.stamp ? 1 : -1));
  for (const old of found.slice(MAX_CORRUPT_BACKUPS)) {
    try {
      unlinkSync(join(dir, old.f));
    } catch {
      // Gone already or not ours to delete: the next recovery tries again.
    }
  }
}

/**
 * Writes `bytes` to a new `config.corrupt-<time>.json` (mode 0600) and prunes
 * the older copies to {@link MAX_CORRUPT_BACKUPS}; returns its path, or '' when impossible.
 */
function backup(file: string, bytes: Buffer, clock: Clock, name: string): string {
  const path = writeBackup(file, bytes, clock, name);
  if (path) pruneBackups(join(file, '..'), name);
  return path;
}

function writeBackup(file: string, bytes: Buffer, clock: Clock, name: string): string {
  for (let n = 0; n < 100; n++) {
    const path = backupName(file, clock, name, n);
    try {
      const fd = openSync(path, 'wx', STORE_FILE_MODE);
      try {
        writeSync(fd, bytes);
        fsyncSync(fd);
      } finally {
        closeSync(fd);
      }
      tightenMode(path);
      return path;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') return '';
    }
  }
  return '';
}

function readOrNull(file: string): Buffer | null {
  try {
    return readFileSync(file);
  } catch {
    return null;
  }
}

/** Write-then-rename, so a crash never leaves half a file; mode 0600 from the first byte. */
function writeAtomic(file: string, text: string): void {
  const tmp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  const fd = openSync(tmp, 'w', STORE_FILE_MODE);
  try {
    writeSync(fd, text);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  try {
    tightenMode(tmp);
    renameSync(tmp, file);
  } catch (error) {
    try {
      unlinkSync(tmp);
    } catch {
      // Already gone.
    }
    throw error;
  }
}

function tightenMode(path: string): void {
  if (process.platform === 'win32') return;
  try {
    chmodSync(path, STORE_FILE_MODE);
  } catch {
    // Not ours to fix (e.g. a read-only mount); the library reports write failures.
  }
}

/** Wraps a conf instance as the port (conf's typed `get` overloads do not match the port's). */
function asPort(conf: Conf<StoreData>): KeyValueStore {
  const c = conf as unknown as {
    get(key: string): unknown;
    set(key: string, value: unknown): void;
    delete(key: string): void;
  };
  return {
    get: (key) => c.get(key),
    set: (key, value) => c.set(key, value),
    delete: (key) => c.delete(key),
    get path() {
      return conf.path;
    },
  };
}

/** A {@link StoreFactory} on `conf` (Node: tests and the browser preview). */
export const confFactory: StoreFactory = (options) => asPort(new Conf<StoreData>(options));

/**
 * A conf-backed store in `cwd` for tests and the browser preview, opened
 * through {@link openStore} (so a damaged file is recovered, not fatal).
 * Use `openStore(confFactory, { cwd })` to also get the recovery report.
 */
export function createConfStore(cwd: string): KeyValueStore {
  return openStore(confFactory, { cwd }).store;
}
