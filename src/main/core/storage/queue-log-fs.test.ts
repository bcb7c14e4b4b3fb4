/**
 * The queue log's calls to the file system (node:fs stood in for, around the
 * real one): a line that adds or changes an intent is fdatasync'd before its
 * write resolves, one that only removes intents is not; a failed append
 * (disk full) loses nothing: the queue stays in memory, the caller is told,
 * and the log is written again a second later even when no other change of
 * the queue comes to carry it.
 */
import { describe, expect, it, vi } from 'vitest';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type * as Fs from 'node:fs';
import { queuedAction } from '../../../../tests/support/store-records';

/** Appends that fail with ENOSPC, counted down; fdatasync calls made. */
const failing = vi.hoisted(() => ({ appends: 0, syncs: 0 }));
vi.mock('node:fs', async (importOriginal) => {
  const fs = await importOriginal<typeof Fs>();
  const write = (...args: unknown[]): void => {
    if (failing.appends > 0) {
      failing.appends -= 1;
      const done = args[args.length - 1] as (e: Error) => void;
      process.nextTick(done, Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' }));
      return;
    }
    (fs.write as (...a: unknown[]) => void)(...args);
  };
  const fdatasync = (...args: unknown[]): void => {
    failing.syncs += 1;
    (fs.fdatasync as (...a: unknown[]) => void)(...args);
  };
  return { ...fs, default: { ...fs, write, fdatasync }, write, fdatasync };
});

const { openStore, confFactory } = await import('./store');
const { newestLoggedQueue } = await import('./queue-log');

describe('queue log: the file system', () => {
  it('fdatasyncs a line that adds or changes an intent, not one that only removes intents', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'b24-queue-log-fs-'));
    const { store } = openStore(confFactory, { cwd: dir });
    const q1 = queuedAction({ id: 'q1', dialogId: 'chat1' });
    const q2 = queuedAction({ id: 'q2', dialogId: 'chat2' });
    const syncs = async (value: unknown[]) => {
      const before = failing.syncs;
      await store.setAsync!('queue', value);
      return failing.syncs - before;
    };
    expect(await syncs([q1, q2])).toBe(1); // added
    expect(await syncs([q2])).toBe(0); // q1 confirmed: only removed
    expect(await syncs([{ ...q2, attempts: 1 }])).toBe(1); // changed (a retry's backoff)
    expect(await syncs([])).toBe(0);
    // Every line reached the file, the unsynced ones too: a restart (the process gone, the page cache not) reads [].
    expect(newestLoggedQueue(readFileSync(join(dir, 'config.queue.log'), 'utf8'))).toEqual({ seq: 4, queue: [] });
  });

  it('rejects the write, keeps the queue and writes it again a second later', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout'] });
    try {
      const dir = mkdtempSync(join(tmpdir(), 'b24-queue-log-fs-'));
      const { store } = openStore(confFactory, { cwd: dir });
      const log = () => newestLoggedQueue(readFileSync(join(dir, 'config.queue.log'), 'utf8'))?.queue;
      failing.appends = 1;
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
});
