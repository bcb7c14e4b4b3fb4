/**
 * What a restart would load as the queue from a store folder: the queue log's newest whole line
 * (src/main/core/storage/queue-log.ts), else the store file's checkpoint. For tests that look at
 * the disk while a process runs or after it was killed.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { newestLoggedQueue } from '../../src/main/core/storage/queue-log';

export function queueOnDisk(dir: string): unknown[] | null {
  let log = '';
  try {
    log = readFileSync(join(dir, 'config.queue.log'), 'utf8');
  } catch {
    // no log: the checkpoint is the queue
  }
  const logged = newestLoggedQueue(log);
  if (logged) return logged.queue;
  try {
    const doc = JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8')) as { queue?: unknown };
    return Array.isArray(doc.queue) ? doc.queue : null;
  } catch {
    return null;
  }
}
