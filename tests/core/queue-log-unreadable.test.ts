/**
 * The queue log an earlier process left holds an intent this version cannot read (a kind a newer
 * version wrote, then the user went back to this one; or damage). It used to be dropped without a
 * word, where the same intent in the store file got the STORE_CORRUPT notice and a copy.
 */
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { confFactory, openStore } from '../../src/main/core/storage/store';
import { queuedAction } from '../support/store-records';
import { tempDirs } from '../support/temp-dirs';
import { makeCore } from './harness';

const tempDir = tempDirs('b24-log-');
const good = queuedAction({ id: 'q1', dialogId: 'chat74' });
// What a newer version may queue: a kind this one does not know.
const newer = { ...queuedAction({ id: 'q2', dialogId: 'chat80' }), kind: 'mute', unread: undefined };

/** A folder whose queue log's newest line holds `good` and `newer`, the store file itself fine. */
function leftByANewerVersion(): { dir: string; line: string } {
  const dir = tempDir();
  openStore(confFactory, { cwd: dir }).store.set('queue', [good]);
  const line = `{"n":1,"v":2,"q":${JSON.stringify([good, newer])}}\n`;
  writeFileSync(join(dir, 'config.queue.log'), line);
  return { dir, line };
}

it('what the log held that this version cannot read is kept in a copy and reported; the rest is queued', () => {
  const { dir, line } = leftByANewerVersion();
  const opened = openStore(confFactory, { cwd: dir });
  expect((opened.store.get('queue') as { id: string }[]).map((a) => a.id)).toEqual(['q1']);
  expect(opened.recovery).toMatchObject({ queueUnreadable: 1, queueOnly: true });
  const copy = opened.recovery!.backupPath;
  expect(copy).toMatch(/config\.queue\.log\.unreadable-\d+$/);
  expect(readFileSync(copy, 'utf8')).toBe(line);
  expect(readdirSync(dir)).toContain(copy.split('/').pop());
});

it('the popup says so, in a notice that names the copy', async () => {
  const { dir } = leftByANewerVersion();
  const h = makeCore({ dir });
  await h.core.start();
  const notice = h.core.state().notices.find((n) => n.code === 'STORE_CORRUPT');
  expect(notice?.message).toMatch(/^1 change waiting to be sent could not be read by this version of the app/);
  expect(notice?.message).toMatch(/config\.queue\.log\.unreadable-\d+\)$/);
  // Not the damaged-settings text: the store file was fine.
  expect(notice?.message).not.toMatch(/settings file was damaged/);
  await h.core.stop();
});
