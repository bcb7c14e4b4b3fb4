import { describe, expect, it } from 'vitest';
import { MIGRATIONS, StoreMigrationError, migrate, migrateV1ToV2, runMigrations, type Doc } from './migrations';
import { CURRENT_SCHEMA_VERSION } from './store-constants';
import { defaultStoreData } from './store-defaults';
import { isQueuedAction, validateStoreData } from './validators';
import { DEFAULT_SETTINGS } from './settings';

const v0 = {
  settings: { hotkey: 'Ctrl+Shift+B', pollSeconds: 5, launchAtLogin: true, theme: 'dark', notify: false },
  accounts: [
    {
      id: 'aabc123',
      kind: 'webhook',
      origin: 'https://acme.bitrix24.ru',
      userId: 7,
      userName: 'Anna',
      secret: { storage: 'encrypted', cipher: 'Y2lwaGVy' },
    },
  ],
  queue: [{ id: 'q1', accountId: 'aabc123', dialogId: 'chat74', unread: true, createdAt: 1000 }],
};

describe('migrate', () => {
  it('turns a v0 document (no schemaVersion) into a valid current one, keeping what the user had', () => {
    const { data, from, to } = migrate(v0);
    expect(from).toBe(0);
    expect(to).toBe(CURRENT_SCHEMA_VERSION);
    expect(data.schemaVersion).toBe(CURRENT_SCHEMA_VERSION);
    expect(data.settings.hotkeys.togglePopup).toBe('Ctrl+Shift+B');
    expect(data.settings.hotkeys.slots).toEqual(DEFAULT_SETTINGS.hotkeys.slots);
    expect(data.settings.pollIntervalSec).toBe(15); // 5 s was below the new minimum
    expect(data.settings.launchAtLogin).toBe(true);
    expect(data.settings.theme).toBe('dark');
    expect(data.settings.notifications).toBe('off');
    expect(data.accounts[0]).toMatchObject({ id: 'aabc123', portal: 'acme.bitrix24.ru', status: 'ok', createdAt: 0 });
    expect(data.queue[0]).toEqual({ ...v0.queue[0], attempts: 0, nextAttemptAt: 0, lastError: null, kind: 'unread' });
    expect(data.snoozes).toEqual([]);
    expect(data.seen).toEqual({});
    expect(data.notices).toEqual([]);
    expect(validateStoreData(data)).toBe(true);
  });

  it('does not mutate its input', () => {
    const input = structuredClone(v0);
    migrate(input);
    expect(input).toEqual(v0);
  });

  it('migrates a bare v0 document with odd values to defaults', () => {
    const { data } = migrate({ settings: { pollSeconds: 'often', theme: 'purple', hotkey: 3 } });
    expect(data.settings).toEqual(DEFAULT_SETTINGS);
    expect(validateStoreData(data)).toBe(true);
  });

  it('leaves a current document as it is and fills missing keys', () => {
    const doc = defaultStoreData();
    doc.seen = { 'a1/chat7': 12 };
    const { data, from } = migrate({ ...doc, notices: undefined });
    expect(from).toBe(CURRENT_SCHEMA_VERSION);
    expect(data).toEqual({ ...doc, notices: [] });
  });

  it('refuses a future version, a non-object and a malformed version with a typed error', () => {
    const future = (() => {
      try {
        migrate({ schemaVersion: 99 });
      } catch (e) {
        return e;
      }
    })();
    expect(future).toBeInstanceOf(StoreMigrationError);
    expect(future).toMatchObject({ reason: 'future-version', version: 99 });
    expect((future as Error).message).toMatch(/newer version of the app/);
    expect(() => migrate([1, 2])).toThrow(expect.objectContaining({ reason: 'not-an-object' }));
    expect(() => migrate(null)).toThrow(expect.objectContaining({ reason: 'not-an-object' }));
    expect(() => migrate({ schemaVersion: '1' })).toThrow(expect.objectContaining({ reason: 'bad-version' }));
    expect(() => migrate({ schemaVersion: -1 })).toThrow(expect.objectContaining({ reason: 'bad-version' }));
  });

  it('keeps a JSON "__proto__" key as data', () => {
    const parsed = JSON.parse('{"schemaVersion":1,"__proto__":{"polluted":true}}') as unknown;
    const { data } = migrate(parsed);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect((data as unknown as Record<string, unknown>).polluted).toBeUndefined();
  });
});

describe('runMigrations (the chain a later version will extend)', () => {
  it('runs every step in order from the stored version to the target', () => {
    const next = CURRENT_SCHEMA_VERSION + 1;
    const rename = (d: Readonly<Doc>): Doc => ({ ...d, renamed: d.queue, queue: undefined });
    const steps = [...MIGRATIONS, rename];
    const out = runMigrations(v0, steps, next, () => ({ schemaVersion: next, renamed: [] }));
    expect(out).toMatchObject({ from: 0, to: next });
    expect(out.data.schemaVersion).toBe(next);
    expect(out.data.renamed).toEqual([
      { ...v0.queue[0], attempts: 0, nextAttemptAt: 0, lastError: null, kind: 'unread' },
    ]);
    expect('queue' in out.data).toBe(false);
  });

  it('fails loudly when a step is missing', () => {
    expect(() => runMigrations({}, [], 1, () => ({}))).toThrow(/No migration from schema 0 to 1/);
  });
});

describe('v1 → v2: queued intents name their kind', () => {
  const v1 = (queue: unknown[]): Doc => ({ ...defaultStoreData(), schemaVersion: 1, queue });
  const toggle = {
    id: 'q1',
    accountId: 'aabc123',
    dialogId: 'chat74',
    unread: false,
    createdAt: 5,
    attempts: 2,
    nextAttemptAt: 9,
    lastError: { code: 'NETWORK', message: 'offline' },
  };

  it('every v1 intent is a read/unread toggle, kept as it was', () => {
    const { data, from } = migrate(v1([toggle, { ...toggle, id: 'q2', dialogId: '15', unread: true }]));
    expect(from).toBe(1);
    expect(data.queue).toEqual([
      { ...toggle, kind: 'unread' },
      { ...toggle, id: 'q2', dialogId: '15', unread: true, kind: 'unread' },
    ]);
    expect(validateStoreData(data)).toBe(true);
  });

  it('leaves what is not an intent to validation, and is pure', () => {
    const input = v1([toggle, null, 'x']);
    const copy = structuredClone(input);
    expect(migrateV1ToV2(input).queue).toEqual([{ ...toggle, kind: 'unread' }, null, 'x']);
    expect(input).toEqual(copy);
    expect(migrateV1ToV2({ schemaVersion: 1 })).toEqual({ schemaVersion: 1 });
  });

  it('a v1 intent without `kind` no longer validates as a current one (the store migrates it first)', () => {
    expect(isQueuedAction(toggle)).toBe(false);
    expect(isQueuedAction({ ...toggle, kind: 'unread' })).toBe(true);
  });

  it('an unpin never carries `unread` (an older build would salvage it as a read toggle); a toggle always does', () => {
    const { unread: _u, ...unpin } = { ...toggle, kind: 'unpin' };
    expect(isQueuedAction(unpin)).toBe(true);
    expect(isQueuedAction({ ...unpin, unread: false })).toBe(false);
    const { unread: _v, ...noWay } = { ...toggle, kind: 'unread' };
    expect(isQueuedAction(noWay)).toBe(false);
    expect(isQueuedAction({ ...toggle, kind: 'pin' })).toBe(false);
  });
});
