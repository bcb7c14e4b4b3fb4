/**
 * The queue's write-ahead log (queue-log.ts): a change of the queue is one
 * appended, fdatasync'd line and leaves the store file and its journal
 * alone; a restart loads the newest whole line (a torn one skipped, a late
 * one losing to a newer number) and folds it into the store file.
 */
import { describe, expect, it } from 'vitest';
import { appendFileSync, mkdirSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { confFactory, openStore } from './store';
import { QUEUE_LOG_COMPACT_BYTES, newestLoggedQueue } from './queue-log';
import { queuedAction } from '../../../../tests/support/store-records';

const action = (id: string, dialogId = 'chat1') => queuedAction({ id, dialogId });

function open(dir = mkdtempSync(join(tmpdir(), 'b24-queue-log-'))) {
  const { store } = openStore(confFactory, { cwd: dir });
  const file = (name: string) => join(dir, name);
  const text = (name: string) => readFileSync(file(name), 'utf8');
  const doc = (name = 'config.json') => JSON.parse(text(name)) as Record<string, unknown>;
  return { dir, store, file, text, doc };
}

describe('queue log', () => {
  it('a change of the queue is one line appended to the log (0600); the store file and its journal are not rewritten', async () => {
    const { dir, store, file, text, doc } = open();
    store.set('seen', { 'a/chat1': 1 });
    const before = { main: text('config.json'), journal: text('config.journal.json') };
    const mtime = statSync(file('config.json')).mtimeMs;
    await store.setAsync!('queue', [action('q1')]);
    await store.setAsync!('queue', [action('q1'), action('q2', '15')]);
    expect(store.get('queue')).toEqual([action('q1'), action('q2', '15')]);
    const lines = text('config.queue.log').trimEnd().split('\n');
    expect(lines).toHaveLength(2);
    expect(JSON.parse(lines[1]!)).toEqual({ n: 2, v: 2, q: [action('q1'), action('q2', '15')] });
    expect(text('config.json')).toBe(before.main);
    expect(text('config.journal.json')).toBe(before.journal);
    expect(statSync(file('config.json')).mtimeMs).toBe(mtime);
    if (process.platform !== 'win32') expect(statSync(file('config.queue.log')).mode & 0o777).toBe(0o600);

    // A restart loads the newest line, writes it to the store file and empties the log.
    const again = open(dir);
    expect(again.store.get('queue')).toEqual([action('q1'), action('q2', '15')]);
    expect(doc()['queue']).toEqual([action('q1'), action('q2', '15')]);
    expect(doc('config.journal.json')['queue']).toEqual([action('q1'), action('q2', '15')]);
    expect(text('config.queue.log')).toBe('');
  });

  it('a restart after a crash mid-append skips the torn line and loads the whole one before it', async () => {
    const { dir, store, file } = open();
    await store.setAsync!('queue', [action('q1')]);
    await store.setAsync!('queue', []);
    // The next line was cut short by the crash.
    appendFileSync(file('config.queue.log'), `{"n":3,"v":2,"q":[${JSON.stringify(action('q3'))}`);
    expect(open(dir).store.get('queue')).toEqual([]);
  });

  it('the highest number wins over the order of the lines (an append that reached the disk late)', () => {
    const { dir, file } = open();
    const line = (n: number, q: unknown[]) => `${JSON.stringify({ n, v: 2, q })}\n`;
    writeFileSync(file('config.queue.log'), line(5, [action('new')]) + line(4, [action('old')]));
    expect(open(dir).store.get('queue')).toEqual([action('new')]);
  });

  it('a synchronous write (the flush at stop) goes to the log and to the store file and journal', async () => {
    const { dir, store, doc, text } = open();
    const pending = store.setAsync!('queue', [action('q1')]);
    store.set('queue', [action('q2')]);
    await pending;
    await store.idle!();
    expect(store.get('queue')).toEqual([action('q2')]);
    expect(doc()['queue']).toEqual([action('q2')]);
    expect(doc('config.journal.json')['queue']).toEqual([action('q2')]);
    expect(newestLoggedQueue(text('config.queue.log'))?.queue).toEqual([action('q2')]);
    expect(open(dir).store.get('queue')).toEqual([action('q2')]);
  });

  it('a log grown past its limit is folded into the store file at the next quiet moment and emptied', async () => {
    const { dir, store, doc, text } = open();
    const many = Array.from({ length: 200 }, (_, i) => action(`q${i}`, `chat${i + 1}`));
    let appended = 0;
    for (let i = 0; appended < QUEUE_LOG_COMPACT_BYTES; i++) {
      await store.setAsync!('queue', i % 2 === 0 ? many : many.slice(1));
      appended += JSON.stringify(many).length;
    }
    await store.idle!();
    expect(text('config.queue.log')).toBe('');
    expect(doc()['queue']).toEqual(store.get('queue'));
    expect(open(dir).store.get('queue')).toEqual(store.get('queue'));
  });

  it('a damaged log (garbage) leaves the store file’s queue, and is emptied', async () => {
    const { dir, store, file, text } = open();
    store.set('queue', [action('q1')]);
    writeFileSync(file('config.queue.log'), 'garbage\n\u0000\u0001{"n":');
    expect(open(dir).store.get('queue')).toEqual([action('q1')]);
    expect(text('config.queue.log')).toBe('');
  });

  it('an intent changed (a new object) is written as changed; one written before cannot be edited in place', async () => {
    const { dir, store, text } = open();
    const first = action('q1');
    await store.setAsync!('queue', [first, action('q2', '15')]);
    const retried = { ...first, attempts: 1, lastError: { code: 'NETWORK', message: 'offline' } };
    await store.setAsync!('queue', [retried, action('q2', '15')]);
    expect(newestLoggedQueue(text('config.queue.log'))?.queue[0]).toEqual(retried);
    expect(() => {
      (first as { attempts: number }).attempts = 5;
    }).toThrow(TypeError);
    expect(() => {
      retried.lastError.message = 'changed';
    }).toThrow(TypeError);
    // Past intents unchanged, an invalid new one is named by its place in the queue.
    expect(() => store.setAsync!('queue', [retried, { ...action('q3'), dialogId: 'chat 74' }])).toThrow(
      /`queue\/1\/dialogId`/,
    );
    expect(open(dir).store.get('queue')).toEqual([retried, action('q2', '15')]);
  });

  it('a log that cannot be opened leaves the queue to the store file: the store still opens and keeps it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'b24-queue-log-'));
    mkdirSync(join(dir, 'config.queue.log'));
    const { store, doc } = open(dir);
    await store.setAsync!('queue', [action('q1')]);
    expect(store.get('queue')).toEqual([action('q1')]);
    expect(doc()['queue']).toEqual([action('q1')]);
    expect(open(dir).store.get('queue')).toEqual([action('q1')]);
  });

  it('refuses a queue the schema refuses at once, and keeps only valid intents of a line', () => {
    const { store } = open();
    expect(() => store.setAsync!('queue', [{ ...action('q1'), dialogId: 'chat 74' }])).toThrow(
      /Config schema violation: `queue\/0\/dialogId`/,
    );
    expect(store.get('queue')).toEqual([]);
    const text = `${JSON.stringify({ n: 1, v: 3, q: [action('q1'), { ...action('q2'), kind: 'pin' }] })}\n`;
    expect(newestLoggedQueue(text)?.queue).toEqual([action('q1')]);
  });
});
