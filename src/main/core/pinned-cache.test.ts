import { describe, expect, it } from 'vitest';
import { memoryStore } from '../../../tests/core/helpers';
import { CACHED_DIALOG_FIELDS } from '../../../tests/support/store-records';
import type { LoadedDialog } from './dialogs';
import { CACHE_AT_REFRESH_MS, createPinnedListCache, readPinnedCache, toCachedDialog } from './pinned-cache';
import { redact, registerSecret } from './redact';
import { CACHED_TEXT_LIMITS, MAX_CACHED_DIALOGS } from './storage/store-constants';
import { isPinnedCacheEntry } from './storage/validators';

const T0 = 1_700_000_000_000;

const loaded = (dialogId: string, over: Partial<LoadedDialog> = {}): LoadedDialog => ({
  accountId: 'acc1',
  dialogId,
  kind: dialogId.startsWith('chat') ? 'chat' : 'user',
  title: `Dialog ${dialogId}`,
  avatarUrl: 'https://cdn.example/a.png',
  color: '#1eb4aa',
  initials: 'D',
  snippet: 'hello',
  counter: 2,
  unreadMark: false,
  unread: true,
  pending: false,
  muted: false,
  snoozedUntil: null,
  lastActivity: '2026-02-25T12:07:10+03:00',
  lastMessageId: 9001,
  ...over,
});

const POPUP_FIELDS = [...CACHED_DIALOG_FIELDS].sort();

function setup(initial: Record<string, unknown> = {}) {
  const store = memoryStore(initial);
  const sets: string[] = [];
  const set = store.set;
  store.set = (k, v) => {
    sets.push(k);
    set(k, v);
  };
  const warnings: string[] = [];
  const cache = createPinnedListCache({ store, logger: { warn: (m) => void warnings.push(m) }, mask: redact });
  return { store, sets, warnings, cache, cacheWrites: () => sets.filter((k) => k === 'cache').length };
}

describe('toCachedDialog', () => {
  it('keeps exactly the popup’s fields, without the queue/snooze state or bookkeeping', () => {
    const c = toCachedDialog({ ...loaded('chat74', { pending: true, snoozedUntil: 5 }), secret: 'x' } as LoadedDialog);
    expect(Object.keys(c).sort()).toEqual(POPUP_FIELDS);
    expect(c).toMatchObject({ dialogId: 'chat74', counter: 2, unread: true, title: 'Dialog chat74' });
    expect(isPinnedCacheEntry({ at: T0, dialogs: [c] })).toBe(true);
  });

  it('cuts long text to the limits (by characters) so the entry stays valid', () => {
    const c = toCachedDialog(
      loaded('5', { title: '😀'.repeat(900), snippet: 'x'.repeat(5000), lastActivity: 'y'.repeat(99) }),
    );
    expect([...c.title]).toHaveLength(CACHED_TEXT_LIMITS.title);
    expect(c.title).toBe('😀'.repeat(CACHED_TEXT_LIMITS.title));
    expect(c.snippet).toHaveLength(CACHED_TEXT_LIMITS.snippet);
    expect(c.lastActivity).toHaveLength(CACHED_TEXT_LIMITS.lastActivity);
    expect(isPinnedCacheEntry({ at: T0, dialogs: [c] })).toBe(true);
  });

  it('masks secrets in the text and drops an avatar URL that holds one', () => {
    const code = 'q1w2e3r4t5y6u7i8';
    registerSecret(code);
    const c = toCachedDialog(
      loaded('chat1', {
        title: `hook ${code}`,
        snippet: `see https://acme.bitrix24.ru/rest/1/${code}/`,
        avatarUrl: `https://cdn.example/a.png?k=${code}`,
      }),
      redact,
    );
    expect(JSON.stringify(c)).not.toContain(code);
    expect(c.snippet).toContain('/rest/1/');
    expect(c.avatarUrl).toBeNull();
  });
});

describe('pinned-list cache', () => {
  it('stores a loaded list and gives it back for the signed-in account', () => {
    const t = setup();
    expect(t.cache.save('acc1', T0, [loaded('chat74'), loaded('547', { unread: false, counter: 0 })])).toBe(true);
    const again = createPinnedListCache({ store: t.store, logger: { warn: () => undefined } });
    const got = again.load(['acc1']).get('acc1')!;
    expect(got.at).toBe(T0);
    expect(got.dialogs.map((d) => [d.dialogId, d.unread, d.counter])).toEqual([
      ['chat74', true, 2],
      ['547', false, 0],
    ]);
    for (const d of got.dialogs) expect(Object.keys(d).sort()).toEqual(POPUP_FIELDS);
  });

  it('is written once per changed list: not when nothing changed, again when something did', () => {
    const t = setup();
    const list = [loaded('chat74'), loaded('547')];
    t.cache.save('acc1', T0, list);
    expect(
      t.cache.save(
        'acc1',
        T0 + 60_000,
        list.map((d) => ({ ...d, lastMessageId: 2 })),
      ),
    ).toBe(false);
    expect(t.cacheWrites()).toBe(1);
    expect(t.cache.save('acc1', T0 + 120_000, [loaded('chat74', { unread: false, counter: 0 }), loaded('547')])).toBe(
      true,
    );
    expect(t.cacheWrites()).toBe(2);
    expect((t.store.get('cache') as Record<string, { at: number }>)['acc1']!.at).toBe(T0 + 120_000);
  });

  it('an unchanged list moves its time forward at most once per CACHE_AT_REFRESH_MS', () => {
    const t = setup();
    const list = [loaded('chat74')];
    t.cache.save('acc1', T0, list);
    expect(t.cache.save('acc1', T0 + CACHE_AT_REFRESH_MS - 1, list)).toBe(false);
    expect(t.cache.save('acc1', T0 + CACHE_AT_REFRESH_MS, list)).toBe(true);
    expect(t.cacheWrites()).toBe(2);
  });

  it(`keeps at most ${MAX_CACHED_DIALOGS} dialogs per account`, () => {
    const t = setup();
    const many = Array.from({ length: MAX_CACHED_DIALOGS + 20 }, (_, i) => loaded(`chat${i + 1}`));
    t.cache.save('acc1', T0, many);
    const got = t.cache.load(['acc1']).get('acc1')!;
    expect(got.dialogs).toHaveLength(MAX_CACHED_DIALOGS);
    expect(got.dialogs[0]!.dialogId).toBe('chat1');
  });

  it('sign-out removes only that account’s list', () => {
    const t = setup();
    t.cache.save('acc1', T0, [loaded('chat1')]);
    t.cache.save('acc2', T0, [loaded('chat2', { accountId: 'acc2' })]);
    t.cache.remove('acc1');
    expect(Object.keys(t.store.get('cache') as object)).toEqual(['acc2']);
    const writes = t.cacheWrites();
    t.cache.remove('nobody');
    expect(t.cacheWrites()).toBe(writes);
  });

  it('lists of accounts no longer signed in are not shown and leave the store with the next write', () => {
    const t = setup();
    t.cache.save('gone', T0, [loaded('chat1', { accountId: 'gone' })]);
    t.cache.save('acc1', T0, [loaded('chat1')]);
    expect([...t.cache.load(['acc1']).keys()]).toEqual(['acc1']);
    t.cache.save('acc1', T0 + 1, [loaded('chat9')]);
    expect(Object.keys(t.store.get('cache') as object)).toEqual(['acc1']);
  });

  it('a write the store refuses is logged (without content) and tried again after the next load', () => {
    const t = setup();
    let fail = true;
    const set = t.store.set;
    t.store.set = (k, v) => {
      if (fail && k === 'cache') throw new Error('EACCES: Dialog chat74 hello');
      set(k, v);
    };
    expect(() => t.cache.save('acc1', T0, [loaded('chat74')])).not.toThrow();
    expect(t.warnings).toEqual(['Could not store the pinned-list cache']);
    fail = false;
    expect(t.cache.save('acc1', T0, [loaded('chat74')])).toBe(true);
    expect(t.cache.load(['acc1']).get('acc1')!.dialogs).toHaveLength(1);
  });
});

describe('a damaged cache', () => {
  const good = () => ({ at: T0, dialogs: [toCachedDialog(loaded('chat74'))] });

  it.each([
    ['not an object', 'garbage'],
    ['a list', [good()]],
    ['null', null],
  ])('%s reads as empty, without throwing', (_, raw) => {
    expect(readPinnedCache(raw).size).toBe(0);
    const t = setup({ cache: raw });
    expect(t.cache.load(['acc1']).size).toBe(0);
  });

  it('drops each bad entry and keeps the good ones', () => {
    const bad = (over: Record<string, unknown>) => ({ ...good(), ...over });
    const dialog = (over: Record<string, unknown>) => ({ at: T0, dialogs: [{ ...good().dialogs[0]!, ...over }] });
    const raw = {
      acc1: good(),
      noAt: { dialogs: good().dialogs },
      badAt: bad({ at: 'yesterday' }),
      extraField: dialog({ accessToken: 'leaked' }),
      badId: dialog({ dialogId: '../../etc' }),
      wrongAccount: good(), // holds acc1's dialogs
      twice: { at: T0, dialogs: [good().dialogs[0], good().dialogs[0]] },
      negative: dialog({ counter: -1 }),
      'bad.key': good(),
      tooMany: { at: T0, dialogs: Array.from({ length: MAX_CACHED_DIALOGS + 1 }, () => good().dialogs[0]) },
    };
    const read = readPinnedCache(raw);
    expect([...read.keys()]).toEqual(['acc1']);
    const t = setup({ cache: raw });
    expect([...t.cache.load(Object.keys(raw)).keys()]).toEqual(['acc1']);
    // The next write leaves only valid entries on disk.
    t.cache.save('acc1', T0 + 1, [loaded('chat80')]);
    expect(Object.keys(t.store.get('cache') as object)).toEqual(['acc1']);
  });

  it('sign-out also removes an entry that was too damaged to read', () => {
    const t = setup({ cache: { acc1: { at: 'x' } } });
    t.cache.remove('acc1');
    expect(t.store.get('cache')).toEqual({});
  });
});
