/**
 * The queue's write-ahead log (`config.queue.log`, issue 14). Every change of
 * the queued intents used to rewrite two files (the whole store document and
 * its journal: each to a temporary file, fsync'd, renamed), ~1.3 ms of CPU a
 * change here, nine times for a "Mark all read" of 200. Now a change of the
 * queue is one line appended to this log, fdatasync'd when it adds or changes
 * an intent (~0.2 ms; see `pendingAdds`): a whole snapshot of the queue with
 * a sequence number, `{"n":7,"v":2,"q":[…]}`.
 *
 * The store file (and its journal) stay the queue's checkpoint: a
 * synchronous `set` (the queue's flush at stop) and a compaction write the
 * queue there; the log overlays it. At open, the valid line with the highest
 * `n` is the queue: a torn last line (a crash mid-append) is skipped, the
 * line before it still holds a whole queue, and a line that reached the disk
 * late (an asynchronous append overtaken by a synchronous one) loses to the
 * newer `n`. The open then writes that queue to the checkpoint and empties
 * the log.
 *
 * A line that must be on disk costs one hop to libuv's thread pool on Linux:
 * it is written through a second descriptor of the log opened with O_DSYNC,
 * whose write returns once the data, and the size that finds it, are on disk
 * (open(2): as though each write were followed by fdatasync). A write and
 * then an fdatasync took two hops: 0.41–0.45 against 0.29–0.31 ms of the
 * process's CPU for a line on this project's Linux VM, wall time alike
 * (issue 14, fourteenth round). Elsewhere the line is written, then
 * fdatasync'd: libuv's fdatasync on macOS is fcntl(F_FULLFSYNC), which also
 * empties the drive's cache and O_DSYNC there does not, and Node has no
 * O_DSYNC on Windows. A line that need not be synced (see `pendingAdds`) is
 * written on the thread pool too, through the first descriptor. Written on
 * the event loop instead it saved ~0.08 ms of CPU a line, but the toggle's
 * time did not improve (three A/B runs of 25 bench toggles), and a write
 * that grows a file takes a handle on ext4's journal, which can wait for a
 * commit under way: not a wait to put on the main process's event loop.
 *
 * Ordering that keeps a crash at any point safe: a synchronous `set` appends
 * its line before it writes the checkpoint, so the log's newest line is never
 * older than the checkpoint; the log is emptied only when no append is under
 * way and the checkpoint holds the newest line's queue.
 */
import {
  constants,
  fdatasync,
  fdatasyncSync,
  ftruncateSync,
  openSync,
  unlinkSync,
  write,
  writeFileSync,
  writeSync,
} from 'node:fs';
import type { KeyValueStore } from '../ports';
import type { QueuedAction } from './schema';
import { CURRENT_SCHEMA_VERSION } from './store-constants';
import { isQueuedAction } from './validators';
import { STORE_FILE_MODE, readOrNull } from './files';
import { assertValidList } from './journal';

/** The key the log carries. */
const QUEUE_KEY = 'queue';
/** Appended bytes after which the next quiet moment checkpoints the queue and empties the log. */
export const QUEUE_LOG_COMPACT_BYTES = 256 * 1024;
/**
 * Where a synced line is one O_DSYNC write (see the header): Linux. Elsewhere it is a write and
 * an fdatasync.
 */
export const DSYNC_APPENDS = process.platform === 'linux' && constants.O_DSYNC !== undefined;
/** After a failed append, the queue is written again this much later if nothing else wrote it. */
const RETRY_MS = 1_000;

/**
 * The newest whole queue in the log's text, or null when it holds none. Items that fail the schema
 * are dropped, and counted in `dropped` (the caller keeps a copy of the log and says so).
 */
export function newestLoggedQueue(text: string): { seq: number; queue: QueuedAction[]; dropped: number } | null {
  let best: { seq: number; queue: QueuedAction[]; dropped: number } | null = null;
  for (const line of text.split('\n')) {
    if (line.length === 0) continue;
    let rec: unknown;
    try {
      rec = JSON.parse(line);
    } catch {
      continue; // a torn line (a crash mid-append) or damage: the lines before it still hold a queue
    }
    const { n, v, q } = (rec ?? {}) as { n?: unknown; v?: unknown; q?: unknown };
    if (typeof n !== 'number' || !Number.isSafeInteger(n) || typeof v !== 'number' || !Array.isArray(q)) continue;
    if (best && n <= best.seq) continue;
    // A line of this version was checked when it was written; another version's (a newer build's)
    // keeps what this one can read, as a newer store file is salvaged.
    const queue = q.filter((a): a is QueuedAction => isQueuedAction(a));
    best = { seq: n, queue, dropped: q.length - queue.length };
  }
  return best;
}

/**
 * Each intent's JSON text, by object, once it passed the schema: the queue replaces an intent it
 * changes (never edits one in place; frozen here to hold it to that), so a write checks and
 * serialises only the intents that are new since the last one, not all 200 of a "Mark all read"
 * again for each of its batches.
 */
const intentTexts = new WeakMap<object, string>();

/** The queue as JSON text; throws as the store does ("Config schema violation: …") for an invalid intent, changing nothing. */
function queueText(value: unknown): string {
  if (!Array.isArray(value)) assertValidList(QUEUE_KEY, isQueuedAction, value);
  const items = value as unknown[];
  const parts = items.map((item) => (typeof item === 'object' && item !== null ? intentTexts.get(item) : undefined));
  const fresh = parts.flatMap((text, i) => (text === undefined ? [i] : []));
  // The whole list is checked when one is invalid, so the error names its place in the queue.
  if (fresh.some((i) => !isQueuedAction(items[i]))) assertValidList(QUEUE_KEY, isQueuedAction, items);
  for (const i of fresh) {
    const item = items[i] as QueuedAction;
    parts[i] = JSON.stringify(item);
    if (item.lastError) Object.freeze(item.lastError);
    intentTexts.set(Object.freeze(item), parts[i]);
  }
  return `[${parts.join(',')}]`;
}

interface Waiter {
  resolve: () => void;
  reject: (err: unknown) => void;
}

/** Writes all of `data` to `fd` now (a write may take part of it). */
function writeAllSync(fd: number, data: Buffer): void {
  for (let offset = 0; offset < data.length;) offset += writeSync(fd, data, offset, data.length - offset);
}

/**
 * Routes the key `queue` of `inner` through the log at `logFile` (see the header). Opening folds
 * a log an earlier process left into the checkpoint. `dsync` says whether a synced line is one
 * O_DSYNC write ({@link DSYNC_APPENDS} by default; tests take both ways).
 */
export function withQueueLog(
  inner: KeyValueStore,
  logFile: string,
  {
    dsync = DSYNC_APPENDS,
    onUnreadable,
  }: {
    dsync?: boolean;
    /**
     * The log an earlier process left held intents this version cannot read (a newer version's
     * kind, or damage): they are not in the queue; `backupPath` is a copy of the log as found
     * (empty when none could be written).
     */
    onUnreadable?: (info: { backupPath: string; dropped: number }) => void;
  } = {},
): KeyValueStore {
  let seq = 0;
  /** The queue as JSON text: what `get` serves. */
  let current = JSON.stringify(inner.get(QUEUE_KEY) ?? []);
  let fd: number | null = null;
  /** The same file opened for appends that are on disk when their write returns (`dsync`). */
  let syncedFd: number | null = null;
  let logBytes = 0;

  /**
   * Opens the log for appends. A log this user may not write (its mode changed, or a run under
   * sudo left it another user's) is replaced: the folder is the user's, so it can be removed. Its
   * queue is folded into the checkpoint before the first open here, and a log left as it was would
   * be folded again at every start, sending changes the portal confirmed long ago once more and
   * undoing what the user did since (reading a dialog in Bitrix24 that a replayed "unread" marks
   * again). A log that cannot be removed either (an immutable file) leaves the queue to the store
   * file, as below.
   */
  const openLog = (): number => {
    try {
      return openSync(logFile, 'a', STORE_FILE_MODE);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code !== 'EACCES' && code !== 'EPERM') throw error;
      unlinkSync(logFile);
      return openSync(logFile, 'a', STORE_FILE_MODE);
    }
  };
  const log = (): number => (fd ??= openLog());
  const syncedLog = (): number =>
    (syncedFd ??= openSync(
      logFile,
      constants.O_WRONLY | constants.O_APPEND | constants.O_CREAT | constants.O_DSYNC,
      STORE_FILE_MODE,
    ));
  /** `inner.setAsync`, or its synchronous `set` where it has none. */
  const setLater = (key: string, value: unknown): Promise<void> =>
    inner.setAsync ? inner.setAsync(key, value) : Promise.resolve(inner.set(key, value));
  const line = (text: string): Buffer =>
    Buffer.from(`{"n":${++seq},"v":${CURRENT_SCHEMA_VERSION},"q":${text}}\n`, 'utf8');

  // Fold what an earlier process left: its newest whole queue becomes the checkpoint. A log that
  // cannot be opened (a read-only folder, a name taken by a directory) leaves the queue to the
  // store file, as before the log: slower, never a failed start.
  let usable = true;
  try {
    const bytes = readOrNull(logFile);
    if (bytes && bytes.length > 0) {
      const logged = newestLoggedQueue(bytes.toString('utf8'));
      if (logged && logged.dropped > 0) {
        // Kept as found before the log is emptied: what this version could not read is not lost.
        let backupPath = `${logFile}.unreadable-${Date.now()}`;
        try {
          writeFileSync(backupPath, bytes, { mode: STORE_FILE_MODE, flag: 'wx' });
        } catch {
          backupPath = '';
        }
        onUnreadable?.({ backupPath, dropped: logged.dropped });
      }
      if (logged) {
        inner.set(QUEUE_KEY, logged.queue);
        current = JSON.stringify(logged.queue);
      }
      ftruncateSync(log(), 0);
    }
    // Opened now (a log that cannot be opened is found at start); a new or emptied file is synced
    // on the thread pool, so a toggle's first append does not pay for the file's creation.
    const fd = log();
    if (dsync) syncedLog();
    if (!bytes || bytes.length > 0) fdatasync(fd, () => {});
  } catch {
    usable = false;
  }

  /** The newest value not yet appended, and who waits for it (or a later one) to be on disk. */
  let pending: string | null = null;
  let pendingWaiters: Waiter[] = [];
  /**
   * Whether what is pending adds or changes an intent (then its line is fdatasync'd before the
   * write resolves). A change that only removes intents (the portal confirmed them) is appended
   * without: a process killed after it still finds it (the page cache survives the process); a
   * power cut may lose it, and the restart then sends those intents again, each the newest wish
   * for its dialog (any later wish was synced, and every line before it with it). Sends again,
   * never loses: Y and N are idempotent.
   */
  let pendingAdds = false;
  /** The intents (objects) of the queue as last set: what "only removes" is judged against. */
  let known: ReadonlySet<unknown> = new Set();
  const onlyRemoves = (value: unknown[]): boolean => value.every((item) => known.has(item));
  let writing: Promise<void> | null = null;
  /** A checkpoint write under way (compaction), with the sequence number it holds. */
  let compacting: Promise<void> | null = null;

  const settle = (waiters: Waiter[], err?: unknown): void => {
    for (const w of waiters) {
      if (err === undefined) w.resolve();
      else w.reject(err);
    }
  };

  /** Appends one line on the thread pool; when `sync`, on disk before it resolves (see the header). */
  function append(text: string, sync: boolean): Promise<void> {
    const data = line(text);
    const target = sync && dsync ? syncedLog() : log();
    return new Promise((resolve, reject) => {
      const from = (offset: number): void =>
        write(target, data, offset, data.length - offset, null, (error, n) => {
          if (error) return reject(error);
          if (offset + n < data.length) return from(offset + n);
          logBytes += data.length;
          if (!sync || dsync) return resolve();
          fdatasync(target, (syncError) => (syncError ? reject(syncError) : resolve()));
        });
      from(0);
    });
  }

  async function drain(): Promise<void> {
    while (pending !== null) {
      const text = pending;
      const waiters = pendingWaiters;
      const sync = pendingAdds;
      pending = null;
      pendingWaiters = [];
      pendingAdds = false;
      try {
        await append(text, sync);
        settle(waiters);
      } catch (error) {
        // Still in memory: the next change carries it, or this retry (disk full, a folder gone).
        pending ??= text;
        pendingAdds ||= sync;
        settle(waiters, error);
        setTimeout(() => void (pending !== null && (writing ??= drain())), RETRY_MS).unref();
        break;
      }
    }
    writing = null;
    if (logBytes >= QUEUE_LOG_COMPACT_BYTES) compact();
  }

  /** Writes the queue to the checkpoint off the event loop, then empties the log if nothing was appended meanwhile. */
  function compact(): void {
    if (compacting || writing || pending !== null) return;
    const at = seq;
    const value = JSON.parse(current) as unknown;
    const checkpoint = setLater(QUEUE_KEY, value);
    compacting = checkpoint
      .then(() => {
        if (seq === at && !writing && pending === null && fd !== null) {
          ftruncateSync(fd, 0);
          logBytes = 0;
        }
      })
      .catch(() => undefined) // the log still holds the queue; the next quiet moment tries again
      .finally(() => (compacting = null));
  }

  /** Appends `text` now, then writes the checkpoint: what a synchronous `set` of the queue does. */
  function setNow(text: string): void {
    const data = line(text);
    writeAllSync(log(), data);
    fdatasyncSync(log());
    logBytes += data.length;
    current = text;
    const waiters = pendingWaiters;
    pending = null;
    pendingWaiters = [];
    pendingAdds = false;
    inner.set(QUEUE_KEY, JSON.parse(text));
    settle(waiters);
  }

  return {
    get: (key) => (key === QUEUE_KEY && usable ? JSON.parse(current) : inner.get(key)),
    set(key, value) {
      if (key !== QUEUE_KEY || !usable) return inner.set(key, value);
      setNow(queueText(value));
      known = new Set(value as unknown[]);
    },
    delete(key) {
      if (key !== QUEUE_KEY || !usable) return inner.delete(key);
      setNow('[]');
      known = new Set();
    },
    setAsync(key, value) {
      if (key !== QUEUE_KEY || !usable) return setLater(key, value);
      current = pending = queueText(value);
      pendingAdds ||= !onlyRemoves(value as unknown[]);
      known = new Set(value as unknown[]);
      const done = new Promise<void>((resolve, reject) => pendingWaiters.push({ resolve, reject }));
      writing ??= drain();
      return done;
    },
    idle: async () => {
      while (writing || compacting) await (writing ?? compacting);
      await inner.idle?.();
    },
    get path() {
      return inner.path;
    },
  };
}
