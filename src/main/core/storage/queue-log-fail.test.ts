/**
 * A failed append (disk full) loses nothing: the queue stays in memory, the
 * caller is told, and the log is written again a second later even when no
 * other change of the queue comes to carry it.
 */
import { describe, expect, it, vi } from 'vitest';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type * as Fs from 'node:fs';
import { queuedAction } from '../../../../tests/support/store-records';

/** Appends that fail with ENOSPC, counted down. */
const failing = vi.hoisted(() => ({ appends: 0 }));
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
  return { ...fs, default: { ...fs, write }, write };
});

const { openStore, confFactory } = await import('./store');
const { newestLoggedQueue } = await import('./queue-log');

describe('queue log: a failed append', () => {
  it('rejects the write, keeps the queue and writes it again a second later', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout'] });
    try {
      const dir = mkdtempSync(join(tmpdir(), 'b24-queue-log-fail-'));
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
