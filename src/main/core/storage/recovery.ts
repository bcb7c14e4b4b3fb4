/**
 * The store file's pre-flight check and recovery (moved out of store.ts):
 * inspect the file, migrate it, or keep a copy of a damaged one and
 * salvage what it can.
 */
import { closeSync, fsyncSync, openSync, readFileSync, readdirSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { type Clock } from '../ports';
import { StoreMigrationError, migrate, versionOf } from './migrations';
import type { StoreData } from './schema';
import { CURRENT_SCHEMA_VERSION } from './store-constants';
import { defaultStoreData } from './store-defaults';
import {
  describeSchemaErrors,
  isAccountRecord,
  isNotice,
  isQueuedAction,
  isSnooze,
  validateStoreData,
} from './validators';
import { sanitizeSettings } from './settings';
import { STORE_FILE_MODE, readOrNull, tightenMode, writeAtomic } from './files';
import type { StoreRecovery } from './store';

export type Inspection =
  | { kind: 'absent' }
  | { kind: 'ok' }
  | { kind: 'migrated'; data: StoreData }
  | { kind: 'damaged'; bytes: Buffer | null; parsed: unknown; reason: string };

export function inspect(file: string): Inspection {
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

export function recover(
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

export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function validItems<T>(value: unknown, isValid: (v: unknown) => v is T, key: (v: T) => string): T[] {
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

export function stamp(clock: Clock): string {
  return new Date(clock.now()).toISOString().replace(/[:.]/g, '-');
}

export function backupName(file: string, clock: Clock, name: string, n = 0): string {
  return join(file, '..', `${name}.corrupt-${stamp(clock)}${n ? `-${n}` : ''}.json`);
}

/** How many `config.corrupt-*.json` copies are kept: the newest; older ones are deleted. */
export const MAX_CORRUPT_BACKUPS = 3;

/** Deletes all but the newest {@link MAX_CORRUPT_BACKUPS} corrupt copies (by time stamp, then counter). */
export function pruneBackups(dir: string, name: string): void {
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
export function backup(file: string, bytes: Buffer, clock: Clock, name: string): string {
  const path = writeBackup(file, bytes, clock, name);
  if (path) pruneBackups(join(file, '..'), name);
  return path;
}

export function writeBackup(file: string, bytes: Buffer, clock: Clock, name: string): string {
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

export type Journal = { accounts: StoreData['accounts']; queue: StoreData['queue'] };

/** The journal's valid accounts and queued actions, or null when there is no readable journal. */
export function readJournal(journalFile: string): Journal | null {
  const bytes = readOrNull(journalFile);
  if (!bytes) return null;
  let parsed: unknown;
  try {
    parsed = JSON.parse(bytes.toString('utf8'));
  } catch {
    return null;
  }
  if (!isObject(parsed)) return null;
  try {
    // A journal an older version wrote (schema 1 intents have no `kind`) reads as the current one.
    if (versionOf(parsed) < CURRENT_SCHEMA_VERSION) parsed = migrate(parsed).data;
  } catch {
    // Bad or future version: read its parts as current-version ones (what does not validate is dropped).
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
export function restoreFromJournal(
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
