/**
 * The store's asynchronous write of a list (KeyValueStore.setAsync; the
 * queue's own goes to its log, queue-log.test.ts): served from memory at
 * once, on disk (main file and journal, mode 0600) when it resolves, never
 * renamed over a newer synchronous write, and written through by a
 * synchronous write that comes first.
 */
import { describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { confFactory, openStore } from './store';
import { accountRecord, queuedAction } from '../../../../tests/support/store-records';

const account = accountRecord();
const action = (id: string, dialogId: string) => queuedAction({ id, dialogId });
/** Another account (the journalled list these tests write asynchronously). */
const other = (n: number) => accountRecord({ id: `a${String(n).padStart(20, '0')}`, userId: n });

function open() {
  const dir = mkdtempSync(join(tmpdir(), 'b24-store-async-'));
  const { store } = openStore(confFactory, { cwd: dir });
  const onDisk = (file = 'config.json') => JSON.parse(readFileSync(join(dir, file), 'utf8')) as Record<string, unknown>;
  const temps = () => readdirSync(dir).filter((f) => /\.(tmp|old)$/.test(f));
  return { dir, store, onDisk, temps };
}

describe('store: setAsync', () => {
  it('serves the value at once and has it in the main file and the journal (0600) when it resolves', async () => {
    const { dir, store, onDisk, temps } = open();
    store.set('queue', [action('q1', 'chat1')]);
    const written = store.setAsync!('accounts', [account]);
    expect(store.get('accounts')).toEqual([account]);
    await written;
    expect(onDisk()['accounts']).toEqual([account]);
    // The rest of the document is untouched, in the library's format.
    expect(onDisk()['queue']).toEqual([action('q1', 'chat1')]);
    const text = readFileSync(join(dir, 'config.json'), 'utf8');
    expect(text).toBe(JSON.stringify(JSON.parse(text), undefined, '\t'));
    expect(onDisk('config.journal.json')).toMatchObject({ accounts: [account], queue: [{ id: 'q1' }] });
    if (process.platform !== 'win32') {
      expect(statSync(join(dir, 'config.json')).mode & 0o777).toBe(0o600);
      expect(statSync(join(dir, 'config.journal.json')).mode & 0o777).toBe(0o600);
    }
    expect(temps()).toEqual([]);
    // A new store over the folder (a restart) reads it.
    expect(openStore(confFactory, { cwd: dir }).store.get('accounts')).toEqual([account]);
  });

  it('values set while a write is under way go in the next one; every promise resolves, the last value wins', async () => {
    const { store, onDisk, temps } = open();
    const all = [
      store.setAsync!('accounts', [other(1)]),
      store.setAsync!('accounts', [other(1), other(2)]),
      store.setAsync!('accounts', [other(2)]),
    ];
    await Promise.all(all);
    expect(onDisk()['accounts']).toEqual([other(2)]);
    expect(onDisk('config.journal.json')['accounts']).toEqual([other(2)]);
    await store.idle!();
    expect(temps()).toEqual([]);
  });

  it('a synchronous write meanwhile writes the pending value first, and the write under way does not rename over it', async () => {
    const { store, onDisk, temps } = open();
    const pending = store.setAsync!('accounts', [account]);
    // Before the asynchronous write can land: a setting and the queue, synchronously.
    store.set('seen', { 'a/chat1': 5 });
    expect(onDisk()['accounts']).toEqual([account]);
    store.set('queue', [action('q1', 'chat1')]);
    await pending;
    await store.idle!();
    const doc = onDisk();
    expect(doc['queue']).toEqual([action('q1', 'chat1')]);
    expect(doc['seen']).toEqual({ 'a/chat1': 5 });
    expect(doc['accounts']).toEqual([account]);
    expect(onDisk('config.journal.json')).toMatchObject({ accounts: [account], queue: [{ id: 'q1' }] });
    expect(temps()).toEqual([]);
  });

  it('a synchronous write of the same key wins over the value still pending', async () => {
    const { store, onDisk } = open();
    const pending = store.setAsync!('accounts', [account]);
    store.set('accounts', []);
    await pending;
    await store.idle!();
    expect(onDisk()['accounts']).toEqual([]);
    expect(store.get('accounts')).toEqual([]);
  });

  it('refuses a value the schema refuses at once, as set does, and changes nothing', () => {
    const { store, onDisk } = open();
    expect(() => store.setAsync!('queue', [{ ...action('q1', 'chat1'), dialogId: 'chat 74' }])).toThrow(
      /Config schema violation: `queue\/0\/dialogId`/,
    );
    expect(store.get('queue')).toEqual([]);
    expect(onDisk()['queue']).toEqual([]);
  });

  it("removes at open the old files' second names a process killed mid-write left, and nothing else", () => {
    const { dir } = open();
    const left = ['config.json.4242.0badf00d.old', 'config.journal.json.4242.deadbeef.old'];
    const kept = ['config.json.bak', 'notes.old'];
    for (const f of [...left, ...kept]) writeFileSync(join(dir, f), '{}');
    openStore(confFactory, { cwd: dir });
    const names = readdirSync(dir);
    for (const f of left) expect(names).not.toContain(f);
    for (const f of kept) expect(names).toContain(f);
  });

  it('writes a key that is not a list synchronously', async () => {
    const { store, onDisk } = open();
    await store.setAsync!('seen', { 'a/chat1': 1 });
    expect(onDisk()['seen']).toEqual({ 'a/chat1': 1 });
  });
});
