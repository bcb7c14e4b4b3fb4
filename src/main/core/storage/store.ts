/**
 * Opening the persisted store: one options object for electron-store (app)
 * and conf (tests, browser preview), and a pre-flight check of the file
 * that migrates it and, when it is damaged, keeps a copy and salvages what
 * it can instead of crashing or silently losing the user's accounts and
 * queued actions.
 */
import Conf from 'conf';
import { mkdirSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';
import { systemClock, type Clock, type KeyValueStore } from '../ports';
import type { StoreData } from './schema';
import { defaultStoreData } from './store-defaults';
import { validateStoreData } from './validators';
import { STORE_FILE_MODE, readOrNull, tightenMode, writeAtomic } from './files';
import { removeLeftOvers, withJournal, type CachedStore } from './journal';
import { withQueueLog } from './queue-log';
import {
  MAX_CORRUPT_BACKUPS,
  backup,
  inspect,
  readJournal,
  readWholeTopLevelValues,
  recover,
  restoreFromJournal,
  salvage,
} from './recovery';

export { MAX_CORRUPT_BACKUPS, STORE_FILE_MODE, readWholeTopLevelValues, salvage };

/** The name of the store file, without `.json`. */
export const STORE_NAME = 'config';
/**
 * The journal beside the store file (`config.journal.json`): a second copy
 * of the two things the user must never lose to a damaged file, the
 * accounts (secrets only as the same ciphertext the main file holds) and the
 * queued toggles (as checkpointed: each change of the queue between
 * checkpoints is a line of the queue log, queue-log.ts). Rewritten
 * atomically (mode 0600) whenever either is written to the main file;
 * read only when the main file is damaged and lost them. Garbage written
 * over config.json then costs neither a sign-in nor a queued action.
 */
export const JOURNAL_SUFFIX = '.journal.json';
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
/** The queue's write-ahead log beside the store (`config.queue.log`; see queue-log.ts). */
export const QUEUE_LOG_SUFFIX = '.queue.log';
const CACHE_KEY = 'cache';

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
  configFileMode: number;
  /** false: a damaged file throws; {@link openStore} handles damage itself, keeping a copy. */
  clearInvalidConfig: false;
  /** Conf would otherwise watch the file; we are the only writer. */
  watch: false;
  /** A key is a top-level key, never a path into one: what `confAsPort` checks is what is written. */
  accessPropertiesByDotNotation: false;
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
    configFileMode: STORE_FILE_MODE,
    clearInvalidConfig: false,
    watch: false,
    accessPropertiesByDotNotation: false,
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
  /**
   * Queued changes the queue log held that this version cannot read (a newer version's, or
   * damaged); `backupPath` is then the log's copy when the store file itself was fine.
   */
  queueUnreadable?: number;
  /** Only the queue log was at fault: the store file opened cleanly. */
  queueOnly?: true;
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
  removeLeftOvers(opts.cwd, [`${name}.json`, `${name}${JOURNAL_SUFFIX}`]);

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
  const logFile = join(opts.cwd, `${name}${QUEUE_LOG_SUFFIX}`);
  const onUnreadable = ({ backupPath, dropped }: { backupPath: string; dropped: number }): void => {
    recovery ??= {
      backupPath,
      reason: `the queue log held ${dropped} queued change(s) this version cannot read`,
      kept: { accounts: 0, queue: 0 },
      queueOnly: true,
    };
    recovery.queueUnreadable = dropped;
  };
  const finish = (inner: KeyValueStore): KeyValueStore =>
    withQueueLog(withCacheFile(withJournal(readCached(inner), file, journalFile), cacheFile), logFile, {
      onUnreadable,
    });
  try {
    return { store: finish(factory(options)), recovery };
  } catch (error) {
    // The file passed our checks above, so this is a last resort (e.g. a
    // bug in a migration, a file gone unreadable): keep a copy, start fresh
    // (with what the journal holds), and say so.
    const bytes = readOrNull(file);
    const backupPath = bytes ? backup(file, bytes, clock, name) : '';
    const fresh = defaultStoreData();
    const fromJournal = restoreFromJournal(fresh, {}, readJournal(journalFile));
    writeAtomic(file, JSON.stringify(fresh, undefined, '\t'));
    const reason = `the store could not be opened (${error instanceof Error ? error.message.slice(0, 200) : 'unknown error'})`;
    const kept = { accounts: fresh.accounts.length, queue: fresh.queue.length };
    recovery = { backupPath, reason, kept, ...(fromJournal.length > 0 ? { fromJournal } : {}) };
    return { store: finish(factory(options)), recovery };
  }
}

/**
 * Serves reads from memory. conf and electron-store re-read and parse the
 * whole file on every `get` (and the journal reads the
 * accounts and the queue after every write), which made each toggle cost
 * several full reads of a file that grows with the queue (bench/results.md:
 * 200 toggles). Only this process writes the file (single-instance lock),
 * so the last value read or written is the file's value. Writes still go
 * through at once, synchronously; values are copied in and out through
 * JSON, as the file would.
 */
function readCached(inner: KeyValueStore): CachedStore {
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
    remember: (key, text) => void cache.set(key, text),
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
    setAsync(key, value) {
      if (key !== CACHE_KEY && inner.setAsync) return inner.setAsync(key, value);
      this.set(key, value);
      return Promise.resolve();
    },
    idle: () => inner.idle?.() ?? Promise.resolve(),
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

/**
 * Wraps a conf instance as the port (conf's typed `get` overloads do not match the port's). An
 * electron-store is a conf: the app's adapter (src/main/electron/store.ts) wraps it here too.
 *
 * Each `set` and `delete` is checked here, as conf checks a store it was given a `schema` for: the
 * document after the change against the document's schema, refused with conf's own words
 * ("Config schema violation: `settings/theme` must be …"), nothing written. The validator is the one
 * generated ahead in validators.ts; given the schema, conf compiled it at every start (10 ms of a
 * 17 ms cold start, issue 14). The schema checks each top-level key on its own (the root only requires
 * them, see schema.test.ts), so the document checked is the defaults with the key changed: the other
 * keys on disk passed this check when they were written, or {@link openStore}'s when it opened them.
 */
export function confAsPort<T extends Record<string, unknown>>(conf: Conf<T>): KeyValueStore {
  const c = conf as unknown as {
    get(key: string): unknown;
    set(key: string, value: unknown): void;
    delete(key: string): void;
  };
  const check = (doc: Record<string, unknown>): void => {
    if (validateStoreData(doc)) return;
    const errors = (validateStoreData.errors ?? []).map(
      ({ instancePath, message = '' }) => `\`${instancePath.slice(1)}\` ${message}`,
    );
    throw new Error(`Config schema violation: ${errors.join('; ')}`);
  };
  return {
    get: (key) => c.get(key),
    set: (key, value) => {
      check({ ...defaultStoreData(), [key]: value });
      c.set(key, value);
    },
    delete: (key) => {
      const { [key]: _deleted, ...rest } = defaultStoreData() as unknown as Record<string, unknown>;
      check(rest);
      c.delete(key);
    },
    get path() {
      return conf.path;
    },
  };
}

/** A {@link StoreFactory} on `conf` (Node: tests and the browser preview). */
export const confFactory: StoreFactory = (options) => confAsPort(new Conf<StoreData>(options));

/**
 * A conf-backed store in `cwd` for tests and the browser preview, opened
 * through {@link openStore} (so a damaged file is recovered, not fatal).
 * Use `openStore(confFactory, { cwd })` to also get the recovery report.
 */
export function createConfStore(cwd: string): KeyValueStore {
  return openStore(confFactory, { cwd }).store;
}
