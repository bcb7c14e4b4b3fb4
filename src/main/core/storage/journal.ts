/**
 * The store's journal and its asynchronous writes (moved out of store.ts):
 * {@link withJournal} keeps `config.journal.json` (the accounts and the
 * queued toggles, a second copy for a damaged main file) in step with the
 * main file, and writes the lists off the event loop for
 * {@link KeyValueStore.setAsync}.
 */
import { readFileSync, readdirSync, renameSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';
import type { KeyValueStore } from '../ports';
import { CURRENT_SCHEMA_VERSION } from './store-constants';
import { isAccountRecord, isNotice, isQueuedAction, isSnooze, type Validator } from './validators';
import { dropTemp, isLeftOverOld, keepOld, readOrNull, tightenMode, writeAtomic, writeTempDurable } from './files';

/** The keys the journal copies. */
const JOURNAL_KEYS: ReadonlySet<string> = new Set(['accounts', 'queue']);

/** A {@link readCached} store: it can also be told a value another writer put in the file. */
export interface CachedStore extends KeyValueStore {
  /** Serve `text` (JSON) for `key` from now on; the caller writes it to the file. */
  remember(key: string, text: string): void;
}

/** Second names of replaced files (files.ts keepOld) that a process killed mid-write left behind. */
export function removeLeftOvers(dir: string, bases: string[]): void {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return;
  }
  for (const n of names) {
    if (!bases.some((b) => isLeftOverOld(n, b))) continue;
    try {
      unlinkSync(join(dir, n));
    } catch {
      // Not ours to fight over: it is tried again at the next start.
    }
  }
}

/** The keys whose value is a list, with the validator of one item (the schema of the key is "an array of those"). */
const LIST_ITEMS: Record<string, Validator | undefined> = {
  queue: isQueuedAction,
  accounts: isAccountRecord,
  snoozes: isSnooze,
  notices: isNotice,
};

/**
 * Throws as the store's `set` does (`confAsPort` in store.ts: "Config schema violation: …") when
 * `value` does not fit the schema of the list `key`: checked item by item with the validators of
 * validators.ts (compiling a key's schema on its first write would stall that write).
 */
export function assertValidList(key: string, item: Validator, value: unknown): void {
  if (!Array.isArray(value)) throw new Error(`Config schema violation: \`${key}\` must be array`);
  value.forEach((v, i) => {
    if (!item(v)) {
      const why = (item.errors ?? []).map(
        ({ instancePath, message = '' }) => `\`${key}/${i}${instancePath}\` ${message}`,
      );
      throw new Error(`Config schema violation: ${why.join('; ')}`);
    }
  });
}

interface Waiter {
  resolve: () => void;
  reject: (err: unknown) => void;
}

/** One top-level key of the main file as JSON text: alone, and as its line in the tab-indented document. */
interface KeyText {
  plain: string;
  entry: string;
}
const keyText = (key: string, plain: string): KeyText => ({
  plain,
  entry: `\t${JSON.stringify(key)}: ${plain.replaceAll('\n', '\n\t')}`,
});

/**
 * Wraps the library store so every change of `accounts` or `queue` also
 * rewrites the journal, and adds {@link KeyValueStore.setAsync} for the
 * lists: the value is served from memory at once; the main file (`mainFile`,
 * the whole document) and, for a journalled key, the journal are written to
 * temporary files and fsync'd on libuv's thread pool, then renamed over the
 * old ones here on the main thread — main file first, so the journal is never
 * ahead of it. One such write at a time; values set meanwhile go in the next
 * one. A synchronous `set` or `delete` (the library writes the whole file,
 * synchronously) first writes the values still pending or in flight through
 * the library, and a write in flight then drops its temporary files instead
 * of renaming them over the newer document.
 *
 * The document an asynchronous write puts on disk is built from a mirror of
 * the file, one text per top-level key laid out as the library lays it out
 * (`JSON.stringify(doc, undefined, '\t')`), read from the file on the first
 * such write and kept in step by every write through this store (the only
 * writer: single-instance lock): no read, parse or re-serialisation of the
 * whole file per toggle.
 */
export function withJournal(inner: CachedStore, mainFile: string, journalFile: string): KeyValueStore {
  /** The journal's document from the JSON texts of the two lists (either write builds it here). */
  const journalDoc = (accounts: string, queue: string): string =>
    `{"schemaVersion":${CURRENT_SCHEMA_VERSION},"accounts":${accounts},"queue":${queue}}`;
  const current = (): string =>
    journalDoc(JSON.stringify(inner.get('accounts') ?? []), JSON.stringify(inner.get('queue') ?? []));
  const write = (text = current()): void => {
    try {
      writeAtomic(journalFile, text);
    } catch {
      // The main file already holds this; a journal that cannot be written only weakens recovery.
    }
  };

  let mirror: Map<string, KeyText> | null = null;
  const loadMirror = (): Map<string, KeyText> => {
    if (!mirror) {
      const doc = JSON.parse(readFileSync(mainFile, 'utf8')) as Record<string, unknown>;
      mirror = new Map(Object.entries(doc).map(([k, v]) => [k, keyText(k, JSON.stringify(v, undefined, '\t'))]));
    }
    return mirror;
  };

  /** Values of setAsync (tab-indented JSON) not yet taken by a write, with who waits for them. */
  let pending = new Map<string, string>();
  let pendingWaiters: Waiter[] = [];
  /** The write under way: its values and waiters (emptied when a synchronous write took them over). */
  let inFlight: { values: Map<string, string>; waiters: Waiter[] } | null = null;
  let writing: Promise<void> | null = null;
  /** Bumped by every synchronous write of the main file: a write in flight from before must not rename over it. */
  let syncWrites = 0;

  const settle = (waiters: Waiter[], err?: unknown) => {
    for (const w of waiters) {
      if (err === undefined) w.resolve();
      else w.reject(err);
    }
  };

  /**
   * One write of `values` into the document (dropped when a synchronous write overtook it).
   * Resolves once the new files are in place, with the clean-up still to do (removing the old
   * files' second names, see keepOld).
   */
  async function writeValues(values: Map<string, string>): Promise<Promise<unknown>> {
    const before = syncWrites;
    const doc = loadMirror();
    for (const [key, text] of values) doc.set(key, keyText(key, text));
    const entries: string[] = [];
    for (const t of doc.values()) entries.push(t.entry);
    const main = writeTempDurable(mainFile, entries.length === 0 ? '{}' : `{\n${entries.join(',\n')}\n}`);
    const journalText = [...values.keys()].some((k) => JOURNAL_KEYS.has(k))
      ? journalDoc(doc.get('accounts')?.plain ?? '[]', doc.get('queue')?.plain ?? '[]')
      : null;
    // The journal's file after the main one's, not beside it: two fsync chains at once took two
    // thread-pool threads and the disk together while a request was out (bench: a toggle's wall
    // time against a portal on the same 2 cores, 3.96 → 3.17 ms median). A reply waits for both
    // files only when the portal has not confirmed the toggle first (ActionQueue.safe).
    const mainOk = await main.then(
      () => true,
      () => false,
    );
    // (A failed main file rejects below; no journal file is started for it.)
    const journal =
      mainOk && journalText !== null
        ? writeTempDurable(journalFile, journalText).catch(() => null)
        : Promise.resolve(null);
    const [mainTmp, journalTmp] = await Promise.all([main, journal]);
    // Second names for the files about to be replaced: the renames below then free no blocks here.
    const [mainOld, journalOld] = await Promise.all([keepOld(mainFile), journalTmp ? keepOld(journalFile) : null]);
    const cleanUp = () => Promise.all([mainOld && dropTemp(mainOld), journalOld && dropTemp(journalOld)]);
    if (syncWrites !== before) {
      // The synchronous write carried these values already, and more that this document lacks.
      await Promise.all([dropTemp(mainTmp), journalTmp ? dropTemp(journalTmp) : null, cleanUp()]);
      return Promise.resolve();
    }
    try {
      renameSync(mainTmp, mainFile);
    } catch (error) {
      await Promise.all([dropTemp(mainTmp), journalTmp ? dropTemp(journalTmp) : null, cleanUp()]);
      throw error;
    }
    if (journalTmp) {
      try {
        renameSync(journalTmp, journalFile);
      } catch {
        // As in write(): the main file holds this.
        await dropTemp(journalTmp);
      }
    }
    return cleanUp();
  }

  async function drain(): Promise<void> {
    while (pending.size > 0) {
      const job = { values: pending, waiters: pendingWaiters };
      pending = new Map();
      pendingWaiters = [];
      inFlight = job;
      try {
        const cleanUp = await writeValues(job.values);
        settle(job.waiters);
        await cleanUp;
      } catch (error) {
        // Kept in memory; the next write (async or not) carries the key's latest value again.
        for (const [key, text] of job.values) if (!pending.has(key)) unwritten.set(key, text);
        settle(job.waiters, error);
      } finally {
        inFlight = null;
      }
    }
    writing = null;
  }

  /** Values whose write failed, carried by the next write. */
  const unwritten = new Map<string, string>();

  /** What a synchronous write does to its key. */
  const DELETE = Symbol('delete');

  /**
   * A synchronous write of `key` through the library (`value` {@link DELETE}: a delete): every
   * other value not yet on disk goes through the library first, a write in flight is told not to
   * rename over the result, and the journal follows when a journalled key was written.
   */
  function syncWrite(key: string, value: unknown): void {
    const values = new Map([...unwritten, ...(inFlight?.values ?? []), ...pending]);
    const waiters = [...(inFlight?.waiters ?? []), ...pendingWaiters];
    syncWrites += 1;
    unwritten.clear();
    pending = new Map();
    pendingWaiters = [];
    if (inFlight) {
      // Its temporary files are dropped (syncWrites moved on); nothing of it is left to settle or keep.
      inFlight.values = new Map();
      inFlight.waiters = [];
    }
    try {
      for (const [k, text] of values) if (k !== key) inner.set(k, JSON.parse(text));
      if (value === DELETE) inner.delete(key);
      else inner.set(key, value);
    } catch (error) {
      // Still in memory: the next write carries them.
      for (const [k, text] of values) if (k !== key) unwritten.set(k, text);
      settle(waiters, error);
      throw error;
    }
    if (mirror) {
      for (const [k, text] of values) if (k !== key) mirror.set(k, keyText(k, text));
      if (value === DELETE) mirror.delete(key);
      else mirror.set(key, keyText(key, JSON.stringify(value, undefined, '\t')));
    }
    settle(waiters);
    if (JOURNAL_KEYS.has(key) || [...values.keys()].some((k) => JOURNAL_KEYS.has(k))) write();
  }

  // In step with the main file from the start (no stale copy of a signed-out account lingers). A
  // journal that already says the same stays as it is: a start then writes no file (the fsync'd
  // rewrite was 2 ms of a 17 ms cold start, issue 14).
  const opening = current();
  if (readOrNull(journalFile)?.toString('utf8') === opening) tightenMode(journalFile);
  else write(opening);
  return {
    get: (key) => inner.get(key),
    set: (key, value) => syncWrite(key, value),
    delete: (key) => syncWrite(key, DELETE),
    setAsync(key, value) {
      const item = LIST_ITEMS[key];
      if (!item) {
        // Only the lists are written this way; anything else as `set` writes it.
        syncWrite(key, value);
        return Promise.resolve();
      }
      assertValidList(key, item, value);
      const text = JSON.stringify(value, undefined, '\t');
      inner.remember(key, text);
      pending.set(key, text);
      unwritten.delete(key);
      for (const [k, t] of unwritten) if (!pending.has(k)) pending.set(k, t);
      unwritten.clear();
      const done = new Promise<void>((resolve, reject) => pendingWaiters.push({ resolve, reject }));
      writing ??= drain();
      return done;
    },
    idle: () => writing ?? Promise.resolve(),
    get path() {
      return inner.path;
    },
  };
}
