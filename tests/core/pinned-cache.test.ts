/**
 * The pinned-list cache through the real core, the real store (conf in a
 * temp dir) and the fake portal: an instant (and offline) start, what is
 * written and when, and a damaged cache.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startFakePortal, type FakePortal } from '../../dev/fake-portal/server';
import type { SeedDialog } from '../../dev/fake-portal/types';
import { deliveredUnread, makeCore, type Harness } from './harness';
import { CACHED_DIALOG_FIELDS } from '../support/store-records';
import { until } from '../support/wait';

const portals: FakePortal[] = [];
const cores: Harness[] = [];
afterEach(async () => {
  for (const h of cores.splice(0)) await h.core.stop();
  for (const p of portals.splice(0)) await p.close();
});

// Fixed dates: the messenger order (newest first) must not depend on when the test runs.
const seed: SeedDialog[] = [
  { id: 'chat74', title: 'Sales', pinned: true, counter: 2, messageId: 100, date: '2026-02-25T12:00:00+03:00' },
  { id: 547, title: 'Anna', pinned: true, unread: true, messageId: 100, date: '2026-02-25T11:00:00+03:00' },
  { id: 'chat80', title: 'Release', pinned: true, messageId: 100, date: '2026-02-25T10:00:00+03:00' },
  { id: 600, title: 'Not pinned', pinned: false, counter: 1, date: '2026-02-25T13:00:00+03:00' },
];

async function portal(dialogs: SeedDialog[] = seed) {
  const p = await startFakePortal({ seed: dialogs, rateLimit: false });
  portals.push(p);
  return p;
}
function core(opts: Parameters<typeof makeCore>[0] = {}) {
  const h = makeCore({ options: { backoff: { baseMs: 50, capMs: 200 } }, ...opts });
  cores.push(h);
  return h;
}
async function signIn(h: Harness, p: FakePortal): Promise<string> {
  const r = await h.core.dispatch('signInWithWebhook', [p.webhookUrl]);
  if (!r.ok) throw new Error(r.error.message);
  return (r.data as { id: string }).id;
}
const configOf = (h: Harness) =>
  JSON.parse(readFileSync(join(h.dir, 'config.json'), 'utf8')) as Record<string, unknown>;
/** The cache lives in its own file beside config.json (storage/store.ts, CACHE_SUFFIX). */
const cacheOf = (h: Harness) =>
  JSON.parse(readFileSync(join(h.dir, 'config.cache.json'), 'utf8')) as Record<
    string,
    { at: number; dialogs: Record<string, unknown>[] }
  >;
const rows = (h: Harness) =>
  h.core.state().dialogs.map((d) => `${d.dialogId}:${d.unread ? 'U' : 'r'}${d.pending ? '*' : ''}`);
const cacheWrites = (spy: { mock: { calls: unknown[][] } }) => spy.mock.calls.filter((c) => c[0] === 'cache').length;

describe('pinned-list cache', () => {
  it('a start while offline shows the last list at once, with its time and the queued toggles applied', async () => {
    const p = await portal();
    const first = core();
    const acc = await signIn(first, p);
    const loadedAt = first.core.state().updatedAt;
    expect(cacheOf(first)[acc]!.dialogs.map((d) => d['dialogId'])).toEqual(['chat74', '547', 'chat80']);
    // Not in config.json: a queued toggle or a setting rewrites that file without the cache's bulk.
    expect(configOf(first)).not.toHaveProperty('cache');

    // Offline: a toggle waits in the queue; the app quits with it.
    p.setOffline(true);
    await first.core.dispatch('setUnread', [acc, 'chat80', true]);
    await until(() => first.core.queue.all().some((a) => a.attempts > 0), 5_000, 'a failed attempt');
    await first.core.stop();
    p.setDialog('chat74', { title: 'Sales (renamed)' });

    // Still offline at the next start: the list is there before any request answers.
    const second = core({ dir: first.dir, key: first.key });
    expect(rows(second)).toEqual(['chat74:U', '547:U', 'chat80:U*']);
    expect(second.core.state()).toMatchObject({ status: 'loading', updatedAt: loadedAt, pendingActions: 1 });
    expect(second.core.state().dialogs[0]).toMatchObject({ title: 'Sales', counter: 2, snoozedUntil: null });
    await second.core.start();
    await until(() => second.core.state().status === 'offline', 5_000, 'offline');
    expect(rows(second)).toEqual(['chat74:U', '547:U', 'chat80:U*']);
    expect(second.core.state().updatedAt).toBe(loadedAt);

    // The network comes back: the toggle is delivered and a fresh load replaces the cached list.
    p.setOffline(false);
    second.core.onOnline(true);
    await until(
      () => second.core.state().status === 'ready' && second.core.state().pendingActions === 0,
      10_000,
      'ready, queue drained',
    );
    await until(() => second.core.state().dialogs[0]?.title === 'Sales (renamed)', 5_000, 'the fresh list');
    expect(deliveredUnread(p)).toEqual(['chat80:Y']);
    expect(rows(second)).toEqual(['chat74:U', '547:U', 'chat80:U']);
    expect(second.core.state().updatedAt).toBeGreaterThan(loadedAt!);
    expect(cacheOf(second)[acc]!.dialogs[0]!['title']).toBe('Sales (renamed)');
  });

  it('a toggle on the cached list works before the first load answers (hotkey slot at start)', async () => {
    const p = await portal();
    const first = core();
    const acc = await signIn(first, p);
    await first.core.stop();
    p.setOffline(true);
    const second = core({ dir: first.dir, key: first.key });
    await second.core.toggleSlot(3);
    expect(rows(second)[2]).toBe('chat80:U*');
    p.setOffline(false);
    second.core.onOnline(true);
    await until(() => second.core.state().pendingActions === 0, 10_000, 'delivery');
    expect(deliveredUnread(p)).toEqual(['chat80:Y']);
    expect(p.dialog('chat80')!.unread).toBe(true);
    expect(second.core.state().accounts[0]!.id).toBe(acc);
  });

  it('messages that arrived while the app was closed are not announced on the first load after a cached start', async () => {
    const p = await portal();
    const first = core();
    await signIn(first, p);
    await first.core.stop();
    p.setDialog('chat80', { counter: 1, messageId: 101, messageText: 'While you were away' });
    const second = core({ dir: first.dir, key: first.key });
    await second.core.refresh();
    expect(rows(second)).toContain('chat80:U');
    expect(second.notified).toEqual([]);
    // Later news is announced as usual.
    p.setDialog('chat80', { counter: 2, messageId: 102, messageText: 'Ping' });
    await second.core.refresh();
    expect(second.notified).toEqual([{ title: 'Release', body: 'Ping' }]);
  });

  it('is written once per load that changed the list; never per toggle, never when nothing changed', async () => {
    const p = await portal();
    const h = core();
    const acc = await signIn(h, p);
    const set = vi.spyOn(h.deps.store, 'set');
    await h.core.refresh();
    await h.core.refresh();
    expect(cacheWrites(set)).toBe(0);
    for (const id of ['chat74', '547', 'chat80']) await h.core.dispatch('setUnread', [acc, id, false]);
    await until(() => h.core.state().pendingActions === 0, 5_000, 'delivery');
    expect(cacheWrites(set)).toBe(0);
    await h.core.refresh();
    expect(cacheWrites(set)).toBe(1);
    expect(cacheOf(h)[acc]!.dialogs.map((d) => d['unread'])).toEqual([false, false, false]);
    await h.core.refresh();
    await h.core.stop();
    expect(cacheWrites(set)).toBe(1);
  });

  it('toggles delivered after the last load are in the cache after quitting (one write at stop)', async () => {
    const p = await portal();
    const first = core();
    const acc = await signIn(first, p);
    await first.core.dispatch('setUnread', [acc, 'chat74', false]);
    await until(() => first.core.state().pendingActions === 0, 5_000, 'delivery');
    const set = vi.spyOn(first.deps.store, 'set');
    await first.core.stop();
    expect(cacheWrites(set)).toBe(1);
    p.setOffline(true);
    const second = core({ dir: first.dir, key: first.key });
    expect(rows(second)).toEqual(['chat74:r', '547:U', 'chat80:r']);
  });

  it('never holds a secret: only the popup’s fields, a webhook pasted into a chat is masked', async () => {
    const p = await portal([
      { id: 'chat74', title: 'Sales', pinned: true, messageId: 100 },
      { id: 'chat75', title: 'Admins', pinned: true, messageId: 100 },
    ]);
    p.setDialog('chat75', { messageText: `new hook: ${p.webhookUrl}` });
    const h = core();
    const acc = await signIn(h, p);
    await h.core.stop();
    const code = p.webhookUrl.split('/').filter(Boolean).pop()!;
    const cached = cacheOf(h)[acc]!;
    expect(cached.dialogs).toHaveLength(2);
    for (const d of cached.dialogs) {
      expect(Object.keys(d).sort()).toEqual([...CACHED_DIALOG_FIELDS].sort());
    }
    expect(JSON.stringify(cached)).not.toContain(code);
    for (const f of readdirSync(h.dir)) expect(readFileSync(join(h.dir, f), 'utf8')).not.toContain(code);
  });

  it('signing out deletes that account’s cached list only', async () => {
    const a = await portal([{ id: 'chat1', title: 'A', pinned: true }]);
    const b = await portal([{ id: 'chat2', title: 'B', pinned: true }]);
    const h = core();
    const accA = await signIn(h, a);
    const accB = await signIn(h, b);
    expect(Object.keys(cacheOf(h)).sort()).toEqual([accA, accB].sort());
    await h.core.dispatch('signOut', [accA]);
    expect(Object.keys(cacheOf(h))).toEqual([accB]);
    await h.core.stop();
    const again = core({ dir: h.dir, key: h.key });
    expect(again.core.state().dialogs.map((d) => d.title)).toEqual(['B']);
  });

  it.each([
    ['a damaged entry', (acc: string) => ({ [acc]: { at: 'yesterday', dialogs: 'x' } })],
    [
      'an entry with a foreign field',
      (acc: string) => ({ [acc]: { at: 1, dialogs: [{ dialogId: 'chat1', token: 'x' }] } }),
    ],
    ['a cache that is not an object', () => 'garbage'],
    ['a cache file that is not JSON', () => undefined],
  ])('%s is ignored: no crash, no "store damaged" notice, the list loads as usual', async (_, damage) => {
    const p = await portal();
    const first = core();
    const acc = await signIn(first, p);
    p.setOffline(true);
    await first.core.dispatch('setUnread', [acc, 'chat80', true]);
    await until(() => first.core.queue.all().some((a) => a.attempts > 0), 5_000, 'a failed attempt');
    await first.core.stop();
    const bad = damage(acc);
    writeFileSync(join(first.dir, 'config.cache.json'), bad === undefined ? '{"cut short' : JSON.stringify(bad));
    p.setOffline(false);

    const second = core({ dir: first.dir, key: first.key });
    expect(second.deps.storeRecovery).toBeNull();
    expect(second.core.state()).toMatchObject({ status: 'loading', dialogs: [], pendingActions: 1 });
    expect(second.core.state().accounts.map((a) => a.id)).toEqual([acc]);
    await second.core.start();
    await until(() => second.core.state().status === 'ready' && second.core.state().pendingActions === 0);
    expect(second.core.state().notices.filter((n) => n.code === 'STORE_CORRUPT')).toEqual([]);
    expect(rows(second)).toEqual(['chat74:U', '547:U', 'chat80:U']);
    await until(() => cacheOf(second)[acc]?.dialogs.length === 3, 5_000, 'a valid cache again');
  });
});
