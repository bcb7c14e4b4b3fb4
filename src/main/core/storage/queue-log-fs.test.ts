/**
 * The queue log's calls to the file system (node:fs stood in for, around the
 * real one): a line that adds or changes an intent is on disk before its
 * write resolves (one O_DSYNC write where the platform has it, else a write
 * and an fdatasync), one that only removes intents is not synced; a failed
 * append (disk full) loses nothing: the queue stays in memory, the caller is told, and the
 * log is written again a second later even when no other change of the queue
 * comes to carry it.
 */
import { describe, expect, it, vi } from 'vitest';
import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type * as Fs from 'node:fs';
import type { KeyValueStore } from '../ports';
import { queuedAction } from '../../../../tests/support/store-records';
import { memoryStore } from '../../../../tests/core/helpers';

/** Appends that fail with ENOSPC, counted down; what reached the disk and how. */
const fsCalls = vi.hoisted(() => ({
  failAppends: 0,
  /** Descriptors opened with O_DSYNC. */
  dsyncFds: new Set<number>(),
  /** Writes on the thread pool, by whether their descriptor was opened with O_DSYNC. */
  poolWrites: { dsync: 0, plain: 0 },
  syncWrites: 0,
  fdatasyncs: 0,
  /**
   * Files this user may not write (their mode changed, or another user's): opening one to write
   * fails with EACCES, as open(2) does; removing it works (the folder is the user's). The tests
   * run as root here, whom a file's mode does not stop.
   */
  unwritable: new Set<string>(),
}));
vi.mock('node:fs', async (importOriginal) => {
  const fs = await importOriginal<typeof Fs>();
  const openSync = (...args: Parameters<typeof fs.openSync>): number => {
    const [path, flags] = args;
    const writes =
      flags === 'a' || (typeof flags === 'number' && (flags & (fs.constants.O_WRONLY | fs.constants.O_RDWR)) !== 0);
    if (writes && fsCalls.unwritable.has(String(path)))
      throw Object.assign(new Error(`EACCES: permission denied, open '${String(path)}'`), { code: 'EACCES' });
    const fd = fs.openSync(...args);
    if (typeof flags === 'number' && fs.constants.O_DSYNC !== undefined && (flags & fs.constants.O_DSYNC) !== 0)
      fsCalls.dsyncFds.add(fd);
    else fsCalls.dsyncFds.delete(fd);
    return fd;
  };
  const write = (...args: unknown[]): void => {
    if (fsCalls.failAppends > 0) {
      fsCalls.failAppends -= 1;
      const done = args[args.length - 1] as (e: Error) => void;
      process.nextTick(done, Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' }));
      return;
    }
    fsCalls.poolWrites[fsCalls.dsyncFds.has(args[0] as number) ? 'dsync' : 'plain'] += 1;
    (fs.write as (...a: unknown[]) => void)(...args);
  };
  const writeSync = (...args: unknown[]): number => {
    fsCalls.syncWrites += 1;
    return (fs.writeSync as (...a: unknown[]) => number)(...args);
  };
  const fdatasync = (...args: unknown[]): void => {
    fsCalls.fdatasyncs += 1;
    (fs.fdatasync as (...a: unknown[]) => void)(...args);
  };
  const unlinkSync = (path: Fs.PathLike): void => {
    fs.unlinkSync(path);
    fsCalls.unwritable.delete(String(path));
  };
  const mocked = { openSync, write, writeSync, fdatasync, unlinkSync };
  return { ...fs, default: { ...fs, ...mocked }, ...mocked };
});

const { openStore, confFactory } = await import('./store');
const { DSYNC_APPENDS, newestLoggedQueue, withQueueLog } = await import('./queue-log');

describe('queue log: the file system', () => {
  /** What one `setAsync` of the queue did on the way to the disk, measured once it resolved. */
  async function costOf(store: KeyValueStore, value: unknown[]) {
    const before = { ...fsCalls.poolWrites, syncWrites: fsCalls.syncWrites, fdatasyncs: fsCalls.fdatasyncs };
    await store.setAsync!('queue', value);
    return {
      dsyncWrites: fsCalls.poolWrites.dsync - before.dsync,
      poolWrites: fsCalls.poolWrites.plain - before.plain,
      fdatasyncs: fsCalls.fdatasyncs - before.fdatasyncs,
      syncWrites: fsCalls.syncWrites - before.syncWrites,
    };
  }
  const q1 = queuedAction({ id: 'q1', dialogId: 'chat1' });
  const q2 = queuedAction({ id: 'q2', dialogId: 'chat2' });
  const logged = (dir: string) => newestLoggedQueue(readFileSync(join(dir, 'config.queue.log'), 'utf8'));

  it.runIf(DSYNC_APPENDS)(
    'Linux: a line that adds or changes an intent is one O_DSYNC write on the thread pool; one that only removes intents is one plain write',
    async () => {
      const dir = mkdtempSync(join(tmpdir(), 'b24-queue-log-fs-'));
      const { store } = openStore(confFactory, { cwd: dir });
      const synced = { dsyncWrites: 1, poolWrites: 0, fdatasyncs: 0, syncWrites: 0 };
      const unsynced = { dsyncWrites: 0, poolWrites: 1, fdatasyncs: 0, syncWrites: 0 };
      expect(await costOf(store, [q1, q2])).toEqual(synced); // added
      expect(await costOf(store, [q2])).toEqual(unsynced); // q1 confirmed: only removed
      expect(await costOf(store, [{ ...q2, attempts: 1 }])).toEqual(synced); // changed (a retry's backoff)
      expect(await costOf(store, [])).toEqual(unsynced);
      // Every line reached the file, the unsynced ones too: a restart (the process gone, the page cache not) reads [].
      expect(logged(dir)).toEqual({ seq: 4, queue: [], dropped: 0 });
    },
  );

  it("without O_DSYNC (macOS, Windows): a line that adds or changes an intent is written, then fdatasync'd", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'b24-queue-log-fs-'));
    const store = withQueueLog(memoryStore(), join(dir, 'config.queue.log'), { dsync: false });
    const synced = { dsyncWrites: 0, poolWrites: 1, fdatasyncs: 1, syncWrites: 0 };
    const unsynced = { dsyncWrites: 0, poolWrites: 1, fdatasyncs: 0, syncWrites: 0 };
    expect(await costOf(store, [q1, q2])).toEqual(synced);
    expect(await costOf(store, [q2])).toEqual(unsynced);
    expect(await costOf(store, [{ ...q2, attempts: 1 }])).toEqual(synced);
    expect(await costOf(store, [])).toEqual(unsynced);
    expect(logged(dir)).toEqual({ seq: 4, queue: [], dropped: 0 });
  });

  it('a log this user may not write (its mode changed, a run under sudo) is replaced once folded: a delivered change is not sent again at the next start', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'b24-queue-log-fs-'));
    const logFile = join(dir, 'config.queue.log');
    await openStore(confFactory, { cwd: dir }).store.setAsync!('queue', [q1]); // then the process was killed
    fsCalls.unwritable.add(logFile);
    const { store } = openStore(confFactory, { cwd: dir });
    expect(store.get('queue')).toEqual([q1]); // the log's newest queue, folded
    await store.setAsync!('queue', []); // the portal confirmed q1
    await store.idle!();
    expect(logged(dir)).toEqual({ seq: 1, queue: [], dropped: 0 }); // a new log, the user's
    expect(statSync(logFile).mode & 0o777).toBe(0o600);
    // Left as it was, the old log held [q1] and was folded again: q1 sent at every start.
    expect(openStore(confFactory, { cwd: dir }).store.get('queue')).toEqual([]);
  });

  it('rejects the write, keeps the queue and writes it again a second later', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout'] });
    try {
      const dir = mkdtempSync(join(tmpdir(), 'b24-queue-log-fs-'));
      const { store } = openStore(confFactory, { cwd: dir });
      const log = () => newestLoggedQueue(readFileSync(join(dir, 'config.queue.log'), 'utf8'))?.queue;
      fsCalls.failAppends = 1;
      await expect(store.setAsync!('queue', [queuedAction()])).rejects.toThrow(/ENOSPC/);
      expect(store.get('queue')).toEqual([queuedAction()]);
      expect(log()).toBeUndefined();
      await vi.advanceTimersByTimeAsync(1_000);
      await store.idle!();
      expect(log()).toEqual([queuedAction()]);
    } finally {
      vi.useRealTimers();
    }
  });

  it('a line that only removes intents and fails: rejected, the queue kept, written again a second later', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout'] });
    try {
      const dir = mkdtempSync(join(tmpdir(), 'b24-queue-log-fs-'));
      const { store } = openStore(confFactory, { cwd: dir });
      await store.setAsync!('queue', [q1, q2]);
      fsCalls.failAppends = 1;
      await expect(store.setAsync!('queue', [q2])).rejects.toThrow(/ENOSPC/);
      expect(store.get('queue')).toEqual([q2]);
      expect(logged(dir)?.queue).toEqual([q1, q2]);
      await vi.advanceTimersByTimeAsync(1_000);
      await store.idle!();
      expect(logged(dir)?.queue).toEqual([q2]);
    } finally {
      vi.useRealTimers();
    }
  });
});
