/**
 * The store journal (config.journal.json): what lets the corrupted-store row
 * of the fault table reach 0 lost. Unit-level checks of when it is used and
 * when it is not.
 */
import { describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { confFactory, openStore } from '../../src/main/core/storage/store';
import { accountRecord, queuedAction } from '../support/store-records';

const account = accountRecord();
const action = (id: string, dialogId: string) => queuedAction({ id, dialogId });

function dir(): string {
  return mkdtempSync(join(tmpdir(), 'b24-journal-'));
}
const journalOf = (d: string) =>
  JSON.parse(readFileSync(join(d, 'config.journal.json'), 'utf8')) as Record<string, unknown>;

describe('store journal', () => {
  it('follows every change of accounts and queue, privately (0600)', () => {
    const d = dir();
    const { store } = openStore(confFactory, { cwd: d });
    store.set('accounts', [account]);
    store.set('queue', [action('q1', 'chat1'), action('q2', '15')]);
    expect(journalOf(d)).toMatchObject({ accounts: [account], queue: [{ id: 'q1' }, { id: 'q2' }] });
    store.set('queue', [action('q2', '15')]);
    expect(journalOf(d)['queue']).toMatchObject([{ id: 'q2' }]);
    if (process.platform !== 'win32') expect(statSync(join(d, 'config.journal.json')).mode & 0o777).toBe(0o600);
    // Settings and the like are not journalled: the journal stays small.
    expect(Object.keys(journalOf(d)).sort()).toEqual(['accounts', 'queue', 'schemaVersion']);
  });

  it('gives back accounts and queue when garbage replaced the whole main file', () => {
    const d = dir();
    const first = openStore(confFactory, { cwd: d }).store;
    first.set('accounts', [account]);
    first.set('queue', [action('q1', 'chat1')]);
    const file = join(d, 'config.json');
    writeFileSync(file, randomBytes(statSync(file).size));
    const { store, recovery } = openStore(confFactory, { cwd: d });
    expect(recovery).toMatchObject({ kept: { accounts: 1, queue: 1 }, fromJournal: ['accounts', 'queue'] });
    expect(store.get('accounts')).toEqual([account]);
    expect(store.get('queue')).toEqual([action('q1', 'chat1')]);
  });

  it('gives back the toggles of a journal an older version wrote (schema 1: intents without a kind)', () => {
    const d = dir();
    const { kind: _k, ...v1 } = action('q1', 'chat1');
    writeFileSync(
      join(d, 'config.journal.json'),
      JSON.stringify({ schemaVersion: 1, accounts: [account], queue: [v1, { ...v1, id: 'q2', unread: false }] }),
    );
    writeFileSync(join(d, 'config.json'), 'garbage');
    const { store, recovery } = openStore(confFactory, { cwd: d });
    expect(recovery).toMatchObject({ kept: { accounts: 1, queue: 2 }, fromJournal: ['accounts', 'queue'] });
    expect(store.get('queue')).toEqual([action('q1', 'chat1'), { ...action('q2', 'chat1'), unread: false }]);
  });

  it('trusts a list the damaged main file still holds (the journal is never ahead of it)', () => {
    const d = dir();
    const first = openStore(confFactory, { cwd: d }).store;
    first.set('accounts', [account]);
    first.set('queue', []);
    // A damaged file whose queue is whole and empty: the intent was delivered; it must not come back.
    writeFileSync(
      join(d, 'config.journal.json'),
      JSON.stringify({ schemaVersion: 1, accounts: [account], queue: [action('old', 'chat9')] }),
    );
    writeFileSync(
      join(d, 'config.json'),
      `{"schemaVersion": 1, "queue": [], "accounts": [${JSON.stringify(account)}], "sett`,
    );
    const { store, recovery } = openStore(confFactory, { cwd: d });
    expect(recovery?.fromJournal).toBeUndefined();
    expect(store.get('queue')).toEqual([]);
    expect(store.get('accounts')).toEqual([account]);
  });

  it('is left as it is by a start when it already holds what the main file does, and rewritten when it does not', () => {
    const d = dir();
    openStore(confFactory, { cwd: d }).store.set('accounts', [account]);
    const file = join(d, 'config.journal.json');
    const ino = statSync(file).ino;
    openStore(confFactory, { cwd: d });
    expect(statSync(file).ino).toBe(ino); // not replaced: a start with nothing new writes no file
    // The same lists, another text (an older build's): rewritten, as a stale one is.
    writeFileSync(file, JSON.stringify(journalOf(d), undefined, 2), { mode: 0o644 });
    openStore(confFactory, { cwd: d });
    expect(statSync(file).ino).not.toBe(ino);
    expect(journalOf(d)['accounts']).toEqual([account]);
    if (process.platform !== 'win32') expect(statSync(file).mode & 0o777).toBe(0o600);
  });

  it('ignores a damaged journal and rewrites it from a healthy main file', () => {
    const d = dir();
    const first = openStore(confFactory, { cwd: d }).store;
    first.set('queue', [action('q1', 'chat1')]);
    writeFileSync(join(d, 'config.journal.json'), 'not json at all');
    const { store, recovery } = openStore(confFactory, { cwd: d });
    expect(recovery).toBeNull();
    expect(store.get('queue')).toEqual([action('q1', 'chat1')]);
    expect(journalOf(d)['queue']).toEqual([action('q1', 'chat1')]);
  });

  it('keeps only valid entries of a journal (an invalid DIALOG_ID or a stray field is dropped)', () => {
    const d = dir();
    writeFileSync(
      join(d, 'config.journal.json'),
      JSON.stringify({
        accounts: [account, { ...account, id: 'bad id', secretPlain: 'x' }],
        queue: [action('q1', 'chat1'), { ...action('q2', 'chat0') }],
      }),
    );
    writeFileSync(join(d, 'config.json'), 'garbage');
    const { store } = openStore(confFactory, { cwd: d });
    expect(store.get('accounts')).toEqual([account]);
    expect(store.get('queue')).toEqual([action('q1', 'chat1')]);
  });
});
