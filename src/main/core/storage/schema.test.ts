import { describe, expect, expectTypeOf, it } from 'vitest';
import { Ajv2020 } from 'ajv/dist/2020.js';
import type { ArgsOf } from '../../../shared/intents';
import { INTENTS } from '../../../shared/intents';
import {
  SettingsPatchSchema,
  SettingsSchema,
  type Settings,
  type SettingsPatch,
} from '../../../shared/settings-schema';
import { VALIDATORS } from '../../../../scripts/gen-validators';
import { accountRecord, queuedAction } from '../../../../tests/support/store-records';
import { schemaAt, validateArgs } from '../validate';
import {
  AccountRecordSchema,
  NoticeSchema,
  QueuedActionSchema,
  STORE_KEYS,
  STORE_ROOT_SCHEMA,
  STORE_SCHEMA,
  SnoozeSchema,
  StoreDataSchema,
  type StoreData,
} from './schema';
import { CURRENT_SCHEMA_VERSION } from './store-constants';
import { defaultStoreData } from './store-defaults';
import { validateStoreData } from './validators';
import { DEFAULT_SETTINGS, RULE_POINTERS, validateSettingsPatch } from './settings';

const KEYS = Object.keys(SettingsSchema.properties) as (keyof Settings)[];
const docWith = (settings: unknown): unknown => ({ ...defaultStoreData(), settings });

describe('the settings: one schema for the type, the store file and the patch', () => {
  it('the store schema and the updateSettings argument are built from SettingsSchema', () => {
    expect(STORE_SCHEMA.settings).toBe(SettingsSchema);
    expect((INTENTS.updateSettings.args as { items?: unknown[] }).items).toEqual([SettingsPatchSchema]);
    expect(Object.keys(SettingsPatchSchema.properties)).toEqual(KEYS);
    expect(SettingsSchema.required).toEqual(KEYS);
    expect(Object.keys(DEFAULT_SETTINGS)).toEqual(KEYS);
  });

  it.each(KEYS)('"%s": its default passes the store, the intent and the patch check; a wrong value none', (key) => {
    const good = DEFAULT_SETTINGS[key];
    const wrong = typeof good === 'object' ? 'not this' : { not: 'this' };
    const { [key]: _dropped, ...without } = DEFAULT_SETTINGS;

    expect(validateStoreData(docWith({ ...DEFAULT_SETTINGS, [key]: good }))).toBe(true);
    expect(validateStoreData(docWith({ ...DEFAULT_SETTINGS, [key]: wrong }))).toBe(false);
    expect(validateStoreData(docWith(without))).toBe(false);

    expect(() => validateArgs('updateSettings', [{ [key]: good }])).not.toThrow();
    expect(() => validateArgs('updateSettings', [{ [key]: wrong }])).toThrow(`Settings.${key} must be`);

    expect(validateSettingsPatch({ [key]: good })).toEqual({ [key]: good });
    expect(() => validateSettingsPatch({ [key]: wrong })).toThrow(`Settings: "${key}" must be`);
  });

  it('a key that is not a setting is refused by the store, the intent and the patch check', () => {
    expect(validateStoreData(docWith({ ...DEFAULT_SETTINGS, fontSize: 12 }))).toBe(false);
    expect(() => validateArgs('updateSettings', [{ fontSize: 12 }])).toThrow(
      'Settings must be an object holding only known settings',
    );
    expect(() => validateSettingsPatch({ fontSize: 12 })).toThrow('"fontSize" is not a setting');
    const hotkeys = { ...DEFAULT_SETTINGS.hotkeys, openSettings: 'F2' };
    expect(validateStoreData(docWith({ ...DEFAULT_SETTINGS, hotkeys }))).toBe(false);
    expect(() => validateArgs('updateSettings', [{ hotkeys: { openSettings: 'F2' } }])).toThrow(/Settings\.hotkeys/);
  });

  it('every rule the schema cannot state names a field of the schema', () => {
    expect(RULE_POINTERS.length).toBeGreaterThan(0);
    for (const pointer of RULE_POINTERS) {
      expect(schemaAt(SettingsPatchSchema, {}, pointer.replaceAll('*', '0')).schema, pointer).toBeDefined();
    }
  });

  it('the types come from the same schema (compile time)', () => {
    expectTypeOf<StoreData['settings']>().toEqualTypeOf<Settings>();
    expectTypeOf<ArgsOf<'updateSettings'>>().toEqualTypeOf<[SettingsPatch]>();
    expectTypeOf<keyof SettingsPatch>().toEqualTypeOf<keyof Settings>();
    expectTypeOf<NonNullable<SettingsPatch['hotkeys']>>().toEqualTypeOf<Partial<Settings['hotkeys']>>();
  });
});

describe('the store document schema', () => {
  it('is built from one definition of each part', () => {
    expect(STORE_SCHEMA).toBe(StoreDataSchema.properties);
    expect(STORE_KEYS).toEqual(['schemaVersion', 'settings', 'accounts', 'queue', 'snoozes', 'seen', 'notices']);
    const items = (key: keyof StoreData) => (STORE_SCHEMA[key] as { items?: unknown }).items;
    expect(items('accounts')).toBe(AccountRecordSchema);
    expect(items('queue')).toBe(QueuedActionSchema);
    expect(items('snoozes')).toBe(SnoozeSchema);
    expect(items('notices')).toBe(NoticeSchema);
  });

  // scripts/gen-validators.ts checks them against the meta-schema too when it generates the
  // validators; this checks the schemas as they are now, generated or not.
  it('is valid JSON Schema 2020-12, as is every part the store checks on its own', () => {
    const meta = new Ajv2020({ strict: true });
    for (const [name, schema] of Object.entries(VALIDATORS)) {
      expect(meta.validateSchema(schema), `${name}: ${meta.errorsText(meta.errors)}`).toBe(true);
    }
    // What the check catches: a keyword given a value of the wrong kind.
    expect(meta.validateSchema({ ...VALIDATORS.validateStoreData, required: 'accounts' })).toBe(false);
  });

  it('checks each top-level key on its own: the root only requires them (confAsPort checks a write of one key so)', () => {
    expect(STORE_ROOT_SCHEMA).toEqual({ required: [...STORE_KEYS] });
    expect(Object.keys(StoreDataSchema).filter((k) => !['type', 'properties', 'required'].includes(k))).toEqual([]);
  });

  // A file as this build writes it, every part filled (the hand-written schema before TypeBox accepted the same, at v1).
  const acc = accountRecord().id;
  const v1 = {
    schemaVersion: CURRENT_SCHEMA_VERSION,
    settings: { ...DEFAULT_SETTINGS, notifications: 'chosen', notifyDialogs: [`${acc}/chat7`, `${acc}/15`] },
    accounts: [
      accountRecord(),
      accountRecord({
        id: 'c3d4',
        kind: 'oauth',
        origin: 'http://127.0.0.1:8080',
        portal: '127.0.0.1:8080',
        userId: 1,
        userName: '',
        status: 'needs-sign-in',
        createdAt: 0,
        secret: { storage: 'memory' },
      }),
    ],
    queue: [
      queuedAction(),
      {
        ...queuedAction({ id: 'q2', dialogId: '15', unread: false, attempts: 3, nextAttemptAt: 9 }),
        lastError: { code: 'NETWORK', message: 'offline' },
        note: 'a field a later build added',
      },
      (({ unread: _u, ...rest }) => ({ ...rest, kind: 'unpin' }))(queuedAction({ id: 'q3', dialogId: 'chat9' })),
    ],
    snoozes: [{ accountId: acc, dialogId: 'sg17', until: 5, title: 'Team' }],
    seen: { [`${acc}/chat74`]: 120 },
    notices: [
      { id: 'n1', level: 'warning', code: 'STORE_CORRUPT', message: 'm', at: 3 },
      {
        id: 'n2',
        level: 'error',
        code: 'NO_AUTH_FOUND',
        message: 'm',
        accountId: acc,
        dialogId: '15',
        title: 'B',
        at: 4,
      },
    ],
    somethingLater: { kept: true },
  };

  it('accepts a file with every part filled, toggles and unpins queued', () => {
    expect(validateStoreData(v1), JSON.stringify(validateStoreData.errors)).toBe(true);
  });

  it.each<[string, (d: typeof v1) => void]>([
    ['an account with an extra field', (d) => Object.assign(d.accounts[0]!, { token: 'x' })],
    ['a secret stored in plaintext', (d) => Object.assign(d.accounts[0]!, { secret: { storage: 'plain', url: 'x' } })],
    ['an account id with a dot', (d) => Object.assign(d.accounts[0]!, { id: 'a.b' })],
    ['a queued non-canonical dialog id', (d) => Object.assign(d.queue[0]!, { dialogId: 'chat074' })],
    ['a queued action without lastError', (d) => delete (d.queue[0] as { lastError?: unknown }).lastError],
    ['a negative seen id', (d) => Object.assign(d.seen, { [`${acc}/15`]: -1 })],
    ['a notice with an unknown code', (d) => Object.assign(d.notices[0]!, { code: 'NOPE' })],
    ['another schema version', (d) => Object.assign(d, { schemaVersion: CURRENT_SCHEMA_VERSION + 1 })],
    ['a queued toggle without unread', (d) => delete (d.queue[0] as { unread?: unknown }).unread],
    ['a queued unpin carrying unread', (d) => Object.assign(d.queue[2]!, { unread: false })],
    ['a queued intent of an unknown kind', (d) => Object.assign(d.queue[0]!, { kind: 'pin' })],
    ['a missing part', (d) => delete (d as { snoozes?: unknown }).snoozes],
  ])('refuses %s, as earlier builds did', (_name, damage) => {
    const d = structuredClone(v1);
    damage(d);
    expect(validateStoreData(d)).toBe(false);
  });
});
