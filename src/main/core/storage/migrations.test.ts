import { describe, expect, it } from 'vitest';
import { MIGRATIONS, StoreMigrationError, migrate, runMigrations, type Doc } from './migrations';
import { CURRENT_SCHEMA_VERSION, defaultStoreData, validateStoreData } from './schema';
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
  it('turns a v0 document (no schemaVersion) into a valid v1 one, keeping what the user had', () => {
    const { data, from, to } = migrate(v0);
    expect(from).toBe(0);
    expect(to).toBe(CURRENT_SCHEMA_VERSION);
    expect(data.schemaVersion).toBe(1);
    expect(data.settings.hotkeys.togglePopup).toBe('Ctrl+Shift+B');
    expect(data.settings.hotkeys.slots).toEqual(DEFAULT_SETTINGS.hotkeys.slots);
    expect(data.settings.pollIntervalSec).toBe(15); // 5 s was below the new minimum
    expect(data.settings.launchAtLogin).toBe(true);
    expect(data.settings.theme).toBe('dark');
    expect(data.settings.notifications).toBe('off');
    expect(data.accounts[0]).toMatchObject({ id: 'aabc123', portal: 'acme.bitrix24.ru', status: 'ok', createdAt: 0 });
    expect(data.queue[0]).toEqual({ ...v0.queue[0], attempts: 0, nextAttemptAt: 0, lastError: null });
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
    expect(from).toBe(1);
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

describe('runMigrations (the chain a v2 will extend)', () => {
  it('runs every step in order from the stored version to the target', () => {
    const v1ToV2 = (d: Readonly<Doc>): Doc => ({ ...d, renamed: d.queue, queue: undefined });
    const steps = [...MIGRATIONS, v1ToV2];
    const out = runMigrations(v0, steps, 2, () => ({ schemaVersion: 2, renamed: [] }));
    expect(out).toMatchObject({ from: 0, to: 2 });
    expect(out.data.schemaVersion).toBe(2);
    expect(out.data.renamed).toEqual([{ ...v0.queue[0], attempts: 0, nextAttemptAt: 0, lastError: null }]);
    expect('queue' in out.data).toBe(false);
  });

  it('fails loudly when a step is missing', () => {
    expect(() => runMigrations({}, [], 1, () => ({}))).toThrow(/No migration from schema 0 to 1/);
  });
});
