import { chmodSync, mkdirSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDirs } from '../../../../tests/support/temp-dirs';
import type { Clock } from '../ports';
import { accountRecord, queuedAction } from '../../../../tests/support/store-records';
import { CURRENT_SCHEMA_VERSION } from './store-constants';
import { defaultStoreData } from './store-defaults';
import { DEFAULT_SETTINGS } from './settings';
import {
  MAX_CORRUPT_BACKUPS,
  confFactory,
  createConfStore,
  openStore,
  readWholeTopLevelValues,
  storeOptions,
} from './store';

const tempDir = tempDirs('b24-store-');

const NOW = Date.parse('2026-11-23T10:20:30.456Z');
const clock: Clock = { now: () => NOW, setTimeout: () => 0, clearTimeout: () => {} };

const account = accountRecord({ createdAt: 1000 });
const action = queuedAction({
  createdAt: 2000,
  attempts: 2,
  nextAttemptAt: 3000,
  lastError: { code: 'NETWORK', message: 'offline' },
});

function open(dir: string) {
  return openStore(confFactory, { cwd: dir, clock });
}

function backups(dir: string): string[] {
  return readdirSync(dir).filter((f) => f.startsWith('config.corrupt-'));
}

const mode = (path: string): number => statSync(path).mode & 0o777;

describe('storeOptions', () => {
  it('gives electron-store and conf the same file, defaults and a private mode, without semver migrations or a schema', () => {
    const o = storeOptions({ cwd: '/abs/dir' });
    expect(o).toMatchObject({
      name: 'config',
      configName: 'config',
      cwd: '/abs/dir',
      configFileMode: 0o600,
      clearInvalidConfig: false,
    });
    expect(o.defaults).toEqual(defaultStoreData());
    // The library would compile it again at every start: confAsPort checks each write instead. And the
    // app's build leaves out what conf loads for these options (conf-unused.ts): given one, it throws.
    expect('schema' in o || 'rootSchema' in o || 'ajvOptions' in o).toBe(false);
    expect('migrations' in o).toBe(false);
    expect('projectVersion' in o).toBe(false);
    expect(storeOptions({ name: 'other' })).toMatchObject({ name: 'other', configName: 'other' });
    expect('cwd' in storeOptions()).toBe(false);
  });
});

describe('openStore on a fresh or healthy folder', () => {
  it('creates a current, default document with mode 0600 and no recovery', () => {
    const dir = tempDir();
    const { store, recovery } = open(dir);
    expect(recovery).toBeNull();
    expect(store.get('schemaVersion')).toBe(CURRENT_SCHEMA_VERSION);
    expect(store.get('settings')).toEqual(DEFAULT_SETTINGS);
    store.set('queue', [action]);
    expect(store.path).toBe(join(dir, 'config.json'));
    expect(mode(store.path)).toBe(0o600);
    expect(backups(dir)).toEqual([]);
  });

  it('reopens what it wrote, unchanged', () => {
    const dir = tempDir();
    const a = open(dir).store;
    a.set('accounts', [account]);
    a.set('queue', [action]);
    a.set('seen', { [`${account.id}/chat74`]: 55 });
    const before = readFileSync(a.path);
    const { store, recovery } = open(dir);
    expect(recovery).toBeNull();
    expect(store.get('accounts')).toEqual([account]);
    expect(store.get('queue')).toEqual([action]);
    expect(readFileSync(store.path).equals(before)).toBe(true);
  });

  it('keeps mode 0600 through many writes, and tightens a file that was 0644', () => {
    const dir = tempDir();
    const store = createConfStore(dir);
    chmodSync(store.path, 0o644);
    const reopened = createConfStore(dir);
    expect(mode(reopened.path)).toBe(0o600);
    for (let i = 0; i < 5; i++) {
      reopened.set('seen', { [`a1/chat${i + 1}`]: i });
      expect(mode(reopened.path)).toBe(0o600);
    }
    expect(readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });

  it('refuses a write of the wrong shape instead of corrupting the file', () => {
    const store = createConfStore(tempDir());
    expect(() => store.set('queue', [{ ...action, dialogId: 'chat 74' }])).toThrow(/Config schema violation/);
    expect(() => store.set('accounts', [{ ...account, token: 'plaintext' }])).toThrow(/Config schema violation/);
    expect(store.get('queue')).toEqual([]);
  });

  it('refuses, in conf’s words, a key of the wrong shape or a required key deleted, and leaves the file as it was', () => {
    const dir = tempDir();
    const store = createConfStore(dir);
    store.set('seen', { 'a1/chat1': 1 });
    const before = readFileSync(store.path, 'utf8');
    expect(() => store.set('settings', { ...defaultStoreData().settings, theme: 'pink' })).toThrow(
      /^Config schema violation: `settings\/theme` must be equal to one of the allowed values/,
    );
    expect(() => store.set('seen', { 'a1/chat1': -1 })).toThrow(
      /^Config schema violation: `seen\/a1~1chat1` must be >= 0/,
    );
    expect(() => store.set('schemaVersion', CURRENT_SCHEMA_VERSION + 1)).toThrow(
      /`schemaVersion` must be equal to constant/,
    );
    expect(() => store.delete('accounts')).toThrow(
      /^Config schema violation: `` must have required property 'accounts'/,
    );
    expect(readFileSync(store.path, 'utf8')).toBe(before);
    expect(createConfStore(dir).get('seen')).toEqual({ 'a1/chat1': 1 });
    // A key the schema does not know is any later build's to add.
    store.set('later', { kept: true });
    expect(createConfStore(dir).get('later')).toEqual({ kept: true });
    // A key is a key, not a path into one: `settings.theme` cannot slip past the check of `settings`.
    store.set('settings.theme', 'pink');
    const onDisk = JSON.parse(readFileSync(store.path, 'utf8')) as Record<string, unknown>;
    expect(onDisk['settings']).toEqual(defaultStoreData().settings);
    expect(onDisk['settings.theme']).toBe('pink');
  });
});

describe('openStore migrates by schemaVersion', () => {
  it('upgrades a v1 file in place: its queued intents become read/unread toggles (kind)', () => {
    const dir = tempDir();
    const file = join(dir, 'config.json');
    const { kind: _k, ...v1Action } = action;
    writeFileSync(
      file,
      JSON.stringify({ ...defaultStoreData(), schemaVersion: 1, accounts: [account], queue: [v1Action] }),
    );
    const { store, recovery } = open(dir);
    expect(recovery).toBeNull();
    expect(backups(dir)).toEqual([]);
    expect(store.get('queue')).toEqual([action]);
    expect(store.get('accounts')).toEqual([account]);
    expect((JSON.parse(readFileSync(file, 'utf8')) as { schemaVersion: number }).schemaVersion).toBe(2);
  });

  it('upgrades a v0 file in place, without calling it damage', () => {
    const dir = tempDir();
    const file = join(dir, 'config.json');
    writeFileSync(
      file,
      JSON.stringify({
        settings: { hotkey: 'F9', pollSeconds: 120 },
        accounts: [{ ...account, status: undefined, portal: undefined, createdAt: undefined }],
        queue: [{ id: 'q1', accountId: account.id, dialogId: 'chat74', unread: false, createdAt: 5 }],
      }),
      { mode: 0o644 },
    );
    const { store, recovery } = open(dir);
    expect(recovery).toBeNull();
    expect(backups(dir)).toEqual([]);
    expect(store.get('schemaVersion')).toBe(CURRENT_SCHEMA_VERSION);
    expect(store.get('settings')).toMatchObject({ hotkeys: { togglePopup: 'F9' }, pollIntervalSec: 120 });
    expect(store.get('accounts')).toEqual([{ ...account, createdAt: 0 }]);
    expect(store.get('queue')).toEqual([
      {
        id: 'q1',
        accountId: account.id,
        dialogId: 'chat74',
        unread: false,
        createdAt: 5,
        kind: 'unread',
        attempts: 0,
        nextAttemptAt: 0,
        lastError: null,
      },
    ]);
    const onDisk = JSON.parse(readFileSync(file, 'utf8')) as { schemaVersion: number };
    expect(onDisk.schemaVersion).toBe(CURRENT_SCHEMA_VERSION);
    expect(mode(file)).toBe(0o600);
  });
});

describe('openStore recovers a damaged file', () => {
  const goodDoc = (): Record<string, unknown> => ({ ...defaultStoreData(), accounts: [account], queue: [action] });

  const cases: { name: string; bytes: Buffer; reason: RegExp; keeps: boolean }[] = [
    {
      name: 'garbage bytes',
      bytes: Buffer.from([0xff, 0xfe, 0x00, 0x13, 0x37, 0x80, 0x0a]),
      reason: /not valid JSON/,
      keeps: false,
    },
    {
      name: 'JSON cut short early',
      bytes: Buffer.from(JSON.stringify(goodDoc(), undefined, '\t').slice(0, 200)),
      reason: /not valid JSON/,
      keeps: false,
    },
    {
      name: 'JSON cut short after the queue',
      bytes: Buffer.from(JSON.stringify(goodDoc(), undefined, '\t').slice(0, -12)),
      reason: /not valid JSON \(damaged or cut short\)/,
      keeps: true,
    },
    { name: 'an empty file', bytes: Buffer.alloc(0), reason: /empty/, keeps: false },
    {
      name: 'JSON that is not an object',
      bytes: Buffer.from('[1,2,3]'),
      reason: /does not hold a settings object/,
      keeps: false,
    },
    {
      name: 'valid JSON violating the schema',
      bytes: Buffer.from(
        JSON.stringify({
          ...goodDoc(),
          settings: { ...DEFAULT_SETTINGS, pollIntervalSec: 1, theme: 'dark' },
          accounts: [account, { ...account, id: 'bad id', userId: -1 }, 'junk'],
          queue: [action, { ...action, id: 'q2', dialogId: 'not-a-dialog' }, null],
          seen: { 'a1/chat1': 5, 'a1/chat2': 'x' },
        }),
      ),
      reason: /does not match the expected format: .*pollIntervalSec/,
      keeps: true,
    },
    {
      name: 'a future schemaVersion',
      bytes: Buffer.from(JSON.stringify({ ...goodDoc(), schemaVersion: 7, newThing: { x: 1 } })),
      reason: new RegExp(
        `newer version of the app \\(schema 7; this version understands up to ${CURRENT_SCHEMA_VERSION}\\)`,
      ),
      keeps: true,
    },
    {
      name: 'a malformed schemaVersion',
      bytes: Buffer.from(JSON.stringify({ ...goodDoc(), schemaVersion: 'one' })),
      reason: /schemaVersion is not a version number/,
      keeps: true,
    },
  ];

  it.each(cases)('$name: opens, keeps a byte-exact private copy, reports it', ({ bytes, reason, keeps }) => {
    const dir = tempDir();
    const file = join(dir, 'config.json');
    writeFileSync(file, bytes, { mode: 0o644 });

    const { store, recovery } = open(dir);

    expect(recovery).not.toBeNull();
    expect(recovery!.reason).toMatch(reason);
    expect(recovery!.backupPath).toBe(join(dir, 'config.corrupt-2026-11-23T10-20-30-456Z.json'));
    expect(readFileSync(recovery!.backupPath).equals(bytes)).toBe(true);
    expect(mode(recovery!.backupPath)).toBe(0o600);
    expect(mode(file)).toBe(0o600);
    // The app works: the store reads and writes.
    expect(store.get('schemaVersion')).toBe(CURRENT_SCHEMA_VERSION);
    store.set('snoozes', [{ accountId: account.id, dialogId: '15', until: NOW + 1000, title: 'Bob' }]);
    if (keeps) {
      expect(store.get('accounts')).toEqual([account]);
      expect(store.get('queue')).toEqual([action]);
      expect(recovery!.kept).toEqual({ accounts: 1, queue: 1 });
    } else {
      expect(store.get('accounts')).toEqual([]);
      expect(recovery!.kept).toEqual({ accounts: 0, queue: 0 });
    }
    // Opening again is clean: the recovery happened once.
    expect(open(dir).recovery).toBeNull();
  });

  it('salvages each valid setting and seen entry from a schema-violating file', () => {
    const dir = tempDir();
    writeFileSync(
      join(dir, 'config.json'),
      JSON.stringify({
        ...defaultStoreData(),
        settings: { ...DEFAULT_SETTINGS, pollIntervalSec: 1, theme: 'dark' },
        seen: { 'a1/chat1': 5, 'a1/chat2': 'x' },
      }),
    );
    const { store } = open(dir);
    expect(store.get('settings')).toEqual({ ...DEFAULT_SETTINGS, theme: 'dark' });
    expect(store.get('seen')).toEqual({ 'a1/chat1': 5 });
  });

  it('never overwrites an earlier backup taken in the same millisecond', () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'config.json'), 'first');
    const r1 = open(dir).recovery!;
    writeFileSync(join(dir, 'config.json'), 'second');
    const r2 = open(dir).recovery!;
    expect(r2.backupPath).not.toBe(r1.backupPath);
    expect(readFileSync(r1.backupPath, 'utf8')).toBe('first');
    expect(readFileSync(r2.backupPath, 'utf8')).toBe('second');
  });

  it('moves aside a path it cannot read as a file', () => {
    const dir = tempDir();
    // A folder where the file should be: reading fails with EISDIR.
    mkdirSync(join(dir, 'config.json'));
    const { store, recovery } = open(dir);
    expect(recovery!.reason).toMatch(/could not be read \(EISDIR\)/);
    expect(statSync(recovery!.backupPath).isDirectory()).toBe(true);
    expect(store.get('queue')).toEqual([]);
  });
});

describe('readWholeTopLevelValues', () => {
  it('returns the values that are whole before the damage', () => {
    const text = '{\n\t"a": [1, {"x": "}]\\","}],\n\t"b": {"c": [true]},\n\t"d": tru?, "e": 5, "f": [1, 2';
    expect(readWholeTopLevelValues(text)).toEqual({ a: [1, { x: '}]",' }], b: { c: [true] }, e: 5 });
  });

  it('returns nothing from text that is not an object', () => {
    expect(readWholeTopLevelValues('garbage {"a": 1}')).toEqual({});
    expect(readWholeTopLevelValues('')).toEqual({});
    expect(readWholeTopLevelValues('{"a": 1')).toEqual({});
    expect(readWholeTopLevelValues('{"__proto__": {"p": 1}, "k": 2,')).toEqual({ k: 2 });
    expect(({} as Record<string, unknown>).p).toBeUndefined();
  });
});

describe('the pinned-list cache file', () => {
  const cacheValue = { a0123456789abcdef0123: { at: 1, dialogs: [] } };

  it('keeps the cache in config.cache.json (0600), so a queue write does not rewrite it', () => {
    const dir = tempDir();
    const store = createConfStore(dir);
    store.set('cache', cacheValue);
    const cacheFile = join(dir, 'config.cache.json');
    expect(JSON.parse(readFileSync(cacheFile, 'utf8'))).toEqual(cacheValue);
    if (process.platform !== 'win32') expect(statSync(cacheFile).mode & 0o777).toBe(0o600);
    const before = statSync(cacheFile).mtimeMs;
    const cacheBytes = readFileSync(cacheFile, 'utf8');
    store.set('queue', []);
    const main = JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8')) as Record<string, unknown>;
    expect(main).not.toHaveProperty('cache');
    expect(readFileSync(cacheFile, 'utf8')).toBe(cacheBytes);
    expect(statSync(cacheFile).mtimeMs).toBe(before);
    // Read back (a new process) and forgotten.
    expect(createConfStore(dir).get('cache')).toEqual(cacheValue);
    store.delete('cache');
    expect(readdirSync(dir)).not.toContain('config.cache.json');
    expect(createConfStore(dir).get('cache')).toBeUndefined();
  });

  it('moves a cache an older version kept in config.json into its own file', () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'config.json'), JSON.stringify({ ...defaultStoreData(), cache: cacheValue }));
    const { store, recovery } = openStore(confFactory, { cwd: dir, clock });
    expect(recovery).toBeNull();
    expect(store.get('cache')).toEqual(cacheValue);
    expect(JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8'))).not.toHaveProperty('cache');
    expect(JSON.parse(readFileSync(join(dir, 'config.cache.json'), 'utf8'))).toEqual(cacheValue);
  });

  it('a damaged cache file reads as no cache, and the next write replaces it', () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'config.cache.json'), '{"a0123456789abcdef0123": {"at": 1, "dial');
    const { store, recovery } = openStore(confFactory, { cwd: dir, clock });
    expect(recovery).toBeNull();
    expect(store.get('cache')).toBeUndefined();
    store.set('cache', cacheValue);
    expect(createConfStore(dir).get('cache')).toEqual(cacheValue);
  });
});

describe('corrupt backups', () => {
  it(`keeps at most ${MAX_CORRUPT_BACKUPS} config.corrupt-*.json copies: the newest`, () => {
    const dir = tempDir();
    let now = Date.UTC(2026, 0, 1);
    const ticking: Clock = { now: () => now, setTimeout: () => 0, clearTimeout: () => {} };
    const paths: string[] = [];
    for (let i = 0; i < 6; i++) {
      writeFileSync(join(dir, 'config.json'), `{ broken ${i}`);
      const { recovery } = openStore(confFactory, { cwd: dir, clock: ticking });
      paths.push(recovery!.backupPath);
      now += 60_000;
    }
    // Two damaged files in the same millisecond get a counter; both are newer than the rest.
    now -= 60_000;
    writeFileSync(join(dir, 'config.json'), '{ broken same-ms');
    const same = openStore(confFactory, { cwd: dir, clock: ticking }).recovery!.backupPath;

    expect(backups(dir).sort()).toEqual([paths[4]!, paths[5]!, same].map((p) => p.slice(dir.length + 1)).sort());
    expect(readFileSync(same, 'utf8')).toBe('{ broken same-ms');
    expect(readFileSync(paths[5]!, 'utf8')).toBe('{ broken 5');
  });
});
