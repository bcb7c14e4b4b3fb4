/**
 * The core against the REAL fake portal over HTTP, with the real client,
 * real storage (conf in a temp dir) and an AES secret box.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { startFakePortal, generateDialogs, type FakePortal } from '../../dev/fake-portal/server';
import type { SeedDialog } from '../../dev/fake-portal/types';
import { deliveredUnread, makeCore, toggleRequests, type Harness } from './harness';
import { until } from '../support/wait';
import { explain, explainSignIn } from '../../src/shared/errors';

const portals: FakePortal[] = [];
const cores: Harness[] = [];

async function portal(seed: SeedDialog[], rate: { ratePerSec: number; burst: number } | false = false) {
  const p = await startFakePortal({ seed, rateLimit: rate });
  portals.push(p);
  return p;
}
function core(opts: Parameters<typeof makeCore>[0] = {}) {
  const h = makeCore(opts);
  cores.push(h);
  return h;
}
afterEach(async () => {
  for (const h of cores.splice(0)) await h.core.stop();
  for (const p of portals.splice(0)) await p.close();
});

const base: SeedDialog[] = [
  { id: 'chat74', title: 'Отдел продаж', pinned: true, counter: 2, date: '2026-02-25T12:07:10+03:00' },
  { id: 547, title: 'Анна Смирнова', pinned: true, unread: true, date: '2026-02-25T11:07:10+03:00' },
  { id: 'chat80', title: 'Release 2.4', pinned: true, date: '2026-02-24T12:07:10+03:00' },
  { id: 600, title: 'Not pinned', pinned: false, counter: 1, date: '2026-02-25T13:07:10+03:00' },
];

async function signIn(h: Harness, p: FakePortal) {
  const r = await h.core.dispatch('signInWithWebhook', [p.webhookUrl]);
  expect(r.ok, JSON.stringify(r)).toBe(true);
  return (r as { ok: true; data: { id: string } }).data.id;
}

describe('AppCore over a real fake portal', () => {
  it('signs in with a webhook and shows the pinned dialogs in messenger order', async () => {
    const p = await portal(base, { ratePerSec: 2, burst: 50 });
    const h = core();
    expect(h.core.state().status).toBe('signed-out');
    const states: string[] = [];
    h.core.on('state', (s) => states.push(s.status));
    const id = await signIn(h, p);
    const s = h.core.state();
    expect(s.status).toBe('ready');
    expect(s.accounts).toMatchObject([
      { id, origin: p.url, kind: 'webhook', status: 'ok', secretStorage: 'encrypted' },
    ]);
    expect(s.dialogs.map((d) => [d.dialogId, d.unread, d.counter])).toEqual([
      ['chat74', true, 2],
      ['547', true, 0],
      ['chat80', false, 0],
    ]);
    expect(s.dialogs[1]!.initials).toBe('АС');
    expect(states.length).toBeGreaterThan(0);
    // The webhook code never reaches the disk in plaintext.
    const code = p.webhookUrl.split('/').filter(Boolean).pop()!;
    for (const f of readdirSync(h.dir)) expect(readFileSync(join(h.dir, f), 'utf8')).not.toContain(code);
    expect(p.limiterViolations()).toBe(0);
  });

  it('finds a pinned dialog beyond the first 200 recent items', async () => {
    const p = await portal(generateDialogs(250, { pinned: 250 }));
    const h = core();
    await signIn(h, p);
    const ids = h.core.state().dialogs.map((d) => d.dialogId);
    expect(ids).toHaveLength(250);
    expect(ids).toContain('chat1248'); // the 249th item, on the second page
    expect(new Set(ids).size).toBe(250);
  });

  it('setUnread is optimistic and sends exactly im.recent.unread {DIALOG_ID: chat74, ACTION: Y}', async () => {
    const p = await portal([{ id: 'chat74', title: 'Sales', pinned: true }]);
    const h = core();
    const acc = await signIn(h, p);
    p.resetCalls();
    const reply = h.core.dispatch('setUnread', [acc, 'chat74', true]);
    // Optimistic at once; the reply (once the intent is on disk) may come after the delivery.
    expect(h.core.state().dialogs[0]).toMatchObject({ unread: true, pending: true });
    expect(h.core.state().pendingActions).toBe(1);
    expect(await reply).toMatchObject({ ok: true, data: { dialogId: 'chat74', unread: true, pending: true } });
    await until(() => h.core.state().pendingActions === 0);
    expect(p.callsTo('im.recent.unread').map((c) => c.params)).toEqual([{ DIALOG_ID: 'chat74', ACTION: 'Y' }]);
    expect(p.calls.filter((c) => !c.inBatch)).toHaveLength(1);
    expect(p.dialog('chat74')!.unread).toBe(true);
    expect(h.core.state().dialogs[0]).toMatchObject({ unread: true, unreadMark: true, pending: false });

    // Read: ACTION N removes the mark (and marks read), still one request.
    p.resetCalls();
    await h.core.dispatch('setUnread', [acc, 'chat74', false]);
    await until(() => h.core.state().pendingActions === 0);
    expect(p.callsTo('im.recent.unread').map((c) => c.params)).toEqual([{ DIALOG_ID: 'chat74', ACTION: 'N' }]);
    expect(p.dialog('chat74')!.unread).toBe(false);
  });

  it('a lone toggle leaves before its state is built and pushed; that one push shows it under way', async () => {
    const p = await portal([{ id: 'chat74', title: 'Sales', pinned: true }]);
    const seen: string[] = [];
    const h = core({
      options: { batchWindowMs: 0 },
      fetch: (input, init) => {
        if (String(input).includes('im.recent.unread')) seen.push('request');
        return fetch(input, init);
      },
    });
    const acc = await signIn(h, p);
    h.core.on('state', (s) => {
      const d = s.dialogs[0]!;
      seen.push(`state ${d.unread ? 'unread' : 'read'}${d.pending ? ' pending' : ''}`);
    });
    const reply = await h.core.dispatch('setUnread', [acc, 'chat74', true]);
    expect(reply.ok).toBe(true);
    await until(() => h.core.state().pendingActions === 0);
    expect(seen).toEqual(['request', 'state unread pending', 'state unread']);
  });

  it("Mark all read: two batches leave at once, the third is on its way before the state push of the first one's answer", async () => {
    // 110 marked dialogs, no unread messages: one call each, so three batch requests (50 + 50 + 10).
    const p = await portal(generateDialogs(110, { pinned: 110, unread: 110 }).map((d) => ({ ...d, counter: 0 })));
    const seen: string[] = [];
    const h = core({
      options: { batchWindowMs: 0 },
      // As undici's fetch does: the request reaches its socket a few microtasks after fetch()
      // returns (measured on Node 20: ~0.2 ms later), not in the call itself.
      fetch: async (input, init) => {
        const batch = String(input).includes('/batch');
        if (batch) seen.push('request');
        for (let i = 0; i < 3; i++) await Promise.resolve();
        if (batch) seen.push('on its way');
        return fetch(input, init);
      },
    });
    const acc = await signIn(h, p);
    const targets = h.core.state().dialogs.map((d) => ({ accountId: acc, dialogId: d.dialogId }));
    expect(targets).toHaveLength(110);
    h.core.on('state', (s) => seen.push(`state ${s.pendingActions}`));
    const reply = await h.core.dispatch('setUnreadMany', [targets, false]);
    expect(reply.ok).toBe(true);
    await until(() => h.core.state().pendingActions === 0);
    // The first two (SEND_DEPTH) are out before anything is pushed; the last 10 wait for a place.
    expect(seen.slice(0, 4)).toEqual(['request', 'request', 'on its way', 'on its way']);
    const third = seen.indexOf('request', 2);
    // Nothing is pushed between a request and its leaving, and the first answer's settlement is
    // pushed only once the request that took its place is on its way: before it, only the queued 110.
    expect(seen[third + 1]).toBe('on its way');
    expect(seen.slice(0, third).filter((e) => e.startsWith('state'))).toEqual(['state 110']);
    expect(seen.filter((e) => !e.startsWith('state'))).toHaveLength(6);
    expect(seen.at(-1)).toBe('state 0');
  });

  it('a toggle on one portal is delivered while another portal is slow to answer', async () => {
    const slow = await portal([{ id: 'chat74', title: 'Sales', pinned: true }]);
    const fast = await portal([{ id: 'chat80', title: 'Release', pinned: true }]);
    const h = core({ options: { batchWindowMs: 0 } });
    const a = await signIn(h, slow);
    const b = await signIn(h, fast);
    // The slow portal holds its answer 3 s (a self-hosted portal under load, a dying connection).
    slow.inject({ kind: 'delay', ms: 3_000, method: 'im.recent.unread' });
    const pendingOf = (acc: string, id: string) =>
      h.core.state().dialogs.find((d) => d.accountId === acc && d.dialogId === id)?.pending;
    expect((await h.core.dispatch('setUnread', [a, 'chat74', true])).ok).toBe(true);
    await until(() => slow.inFlightRequests() === 1);
    expect((await h.core.dispatch('setUnread', [b, 'chat80', true])).ok).toBe(true);
    await until(() => pendingOf(b, 'chat80') === false, 2_500, 'the fast portal to confirm');
    // Confirmed by the fast portal while the slow one still holds its request.
    expect(fast.dialog('chat80')!.unread).toBe(true);
    expect(slow.inFlightRequests()).toBe(1);
    expect(pendingOf(a, 'chat74')).toBe(true);
    await until(() => h.core.state().pendingActions === 0, 5_000, 'the slow portal to confirm');
    expect(slow.dialog('chat74')!.unread).toBe(true);
  });

  it('bad input is refused before anything is sent', async () => {
    const p = await portal(base);
    const h = core();
    const acc = await signIn(h, p);
    p.resetCalls();
    for (const args of [
      [acc, 'chat0', true],
      [acc, 'chat74', 'yes'],
      ['someone-else', 'chat74', true],
      [acc, 'chat999', true], // well-formed but not pinned
    ]) {
      const r = await h.core.dispatch('setUnread', args);
      expect(r.ok).toBe(false);
    }
    await new Promise((r) => setTimeout(r, 60));
    expect(p.calls).toEqual([]);
  });

  it('a sign-in that cannot reach the portal says the user is not signed in, not that something was saved', async () => {
    const gone = await startFakePortal({ seed: base, rateLimit: false });
    const url = gone.webhookUrl;
    await gone.close();
    for (const [locale, lang] of [
      ['en-US', 'en'],
      ['ru-RU', 'ru'],
    ] as const) {
      const r = await core({ locale }).core.dispatch('signInWithWebhook', [url]);
      if (r.ok) throw new Error('signed in to a portal that is gone');
      // The toggles' text ("Your action is saved and will be sent when the connection is back") is not true of a sign-in.
      expect(r.error).toMatchObject({ code: 'NETWORK', message: explainSignIn('NETWORK', lang) });
      expect(r.error.message).not.toBe(explain('NETWORK', lang));
    }
  });

  it('marking 200 dialogs read costs at most 4 requests', async () => {
    const p = await portal(generateDialogs(200, { pinned: 200, unread: 200 }), { ratePerSec: 2, burst: 50 });
    const h = core();
    const acc = await signIn(h, p);
    const ids = h.core.state().dialogs.map((d) => d.dialogId);
    expect(ids).toHaveLength(200);
    p.resetCalls();
    // As key presses arrive: one IPC message per task, none waiting for the previous reply.
    const replies: Promise<unknown>[] = [];
    for (const id of ids) {
      replies.push(h.core.dispatch('setUnread', [acc, id, false]));
      await new Promise<void>((r) => setImmediate(r));
    }
    expect((await Promise.all(replies)).every((r) => (r as { ok: boolean }).ok)).toBe(true);
    await until(() => h.core.state().pendingActions === 0);
    expect(toggleRequests(p)).toBeLessThanOrEqual(4);
    expect(deliveredUnread(p)).toHaveLength(200);
    expect(p.dialogs().filter((d) => d.unread)).toEqual([]);
    expect(p.limiterViolations()).toBe(0);
  });

  it('"Mark all read": 200 dialogs in one setUnreadMany — one store write, then exactly 4 requests', async () => {
    const p = await portal(generateDialogs(200, { pinned: 200, unread: 200 }), { ratePerSec: 2, burst: 50 });
    const h = core();
    const acc = await signIn(h, p);
    const ids = h.core.state().dialogs.map((d) => d.dialogId);
    expect(ids).toHaveLength(200);
    p.resetCalls();
    // Every write of the store (synchronous or not), with how many toggle requests the portal had seen by then.
    const writes: { key: string; requestsBefore: number }[] = [];
    const store = h.deps.store;
    const set = store.set.bind(store);
    store.set = (key, value) => {
      writes.push({ key, requestsBefore: toggleRequests(p) });
      set(key, value);
    };
    const setAsync = store.setAsync?.bind(store);
    if (setAsync) {
      store.setAsync = (key, value) => {
        writes.push({ key, requestsBefore: toggleRequests(p) });
        return setAsync(key, value);
      };
    }
    const states: number[] = [];
    h.core.on('state', (s) => states.push(s.dialogs.filter((d) => d.unread).length));

    const r = await h.core.dispatch('setUnreadMany', [ids.map((dialogId) => ({ accountId: acc, dialogId })), false]);
    expect(r).toEqual({ ok: true, data: { queued: 200 } });
    // By the reply all 200 are on disk, written in one write before any request was answered; the
    // first push already showed the list all read (one render, not 200).
    expect(writes[0]).toEqual({ key: 'queue', requestsBefore: 0 });
    expect(states[0]).toBe(0);

    await until(() => h.core.state().pendingActions === 0);
    expect(toggleRequests(p)).toBe(4);
    expect(new Set(deliveredUnread(p))).toEqual(new Set(ids.map((id) => `${id}:N`)));
    expect(deliveredUnread(p)).toHaveLength(200);
    expect(p.dialogs().filter((d) => d.unread)).toEqual([]);
    expect(writes.filter((w) => w.requestsBefore === 0)).toHaveLength(1);
    expect(p.limiterViolations()).toBe(0);
  });

  it('setUnreadMany naming one dialog that is not pinned queues nothing', async () => {
    const p = await portal(base);
    const h = core();
    const acc = await signIn(h, p);
    p.resetCalls();
    const r = await h.core.dispatch('setUnreadMany', [
      [
        { accountId: acc, dialogId: 'chat74' },
        { accountId: acc, dialogId: '600' },
      ],
      false,
    ]);
    expect(r).toMatchObject({ ok: false, error: { code: 'UNKNOWN_DIALOG', dialogId: '600' } });
    expect(h.core.state().pendingActions).toBe(0);
    expect(h.core.state().dialogs.find((d) => d.dialogId === 'chat74')?.unread).toBe(true);
    await new Promise((resolve) => setTimeout(resolve, 40));
    expect(toggleRequests(p)).toBe(0);
  });

  it('network down during 50 toggles, then back: all delivered once (0 lost, 0 duplicates)', async () => {
    const p = await portal(generateDialogs(50, { pinned: 50 }));
    const h = core();
    const acc = await signIn(h, p);
    await h.core.start();
    const ids = h.core.state().dialogs.map((d) => d.dialogId);
    p.resetCalls();
    p.setOffline(true);
    for (const id of ids) await h.core.dispatch('setUnread', [acc, id, true]);
    await until(() => h.core.queue.all().some((a) => a.attempts > 0), 5_000, 'a failed attempt');
    expect(h.core.state().dialogs.every((d) => d.unread && d.pending)).toBe(true);
    expect(h.core.state()).toMatchObject({ status: 'offline', error: { code: 'NETWORK' } });
    p.setOffline(false);
    h.core.onOnline(true);
    await until(() => h.core.state().pendingActions === 0, 15_000, 'the queue to drain');
    expect(h.core.state().status).toBe('ready');
    const sent = deliveredUnread(p);
    expect(sent.sort()).toEqual(ids.map((id) => `${id}:Y`).sort());
    expect(ids.every((id) => p.dialog(id)!.unread)).toBe(true);
  });

  it('a restart with a full queue delivers everything once', async () => {
    const p = await portal(generateDialogs(30, { pinned: 30 }));
    const first = core();
    const acc = await signIn(first, p);
    const ids = first.core.state().dialogs.map((d) => d.dialogId);
    p.setOffline(true);
    for (const id of ids) await first.core.dispatch('setUnread', [acc, id, true]);
    await until(() => first.core.queue.all().some((a) => a.attempts > 0), 5_000, 'a failed attempt');
    await first.core.stop(); // "killed" with a full queue
    expect(first.core.queue.all()).toHaveLength(30);

    p.resetCalls();
    p.setOffline(false);
    const second = core({ dir: first.dir, key: first.key });
    expect(second.core.state().pendingActions).toBe(30);
    await second.core.start();
    await until(() => second.core.state().pendingActions === 0, 15_000, 'the queue to drain');
    expect(deliveredUnread(p).sort()).toEqual(ids.map((id) => `${id}:Y`).sort());
  });

  it('a revoked webhook keeps the queue and asks to sign in again', async () => {
    const p = await portal(base);
    const h = core();
    const acc = await signIn(h, p);
    p.revokeWebhook();
    await h.core.dispatch('setUnread', [acc, 'chat80', true]);
    await until(() => h.core.state().accounts[0]!.status === 'needs-sign-in', 5_000, 'needs-sign-in');
    const s = h.core.state();
    expect(s.pendingActions).toBe(1);
    expect(s.status).toBe('error');
    expect(s.error?.code).toBe('SIGN_IN_EXPIRED');
    expect(s.notices.some((n) => n.code === 'NO_AUTH_FOUND' && n.accountId === acc)).toBe(true);
    expect(h.core.queue.all()).toMatchObject([{ accountId: acc, dialogId: 'chat80', unread: true }]);
    // Nothing more is sent for that account.
    const before = p.calls.length;
    h.core.onOnline(true);
    await h.core.refresh();
    await new Promise((r) => setTimeout(r, 100));
    expect(p.calls.length).toBe(before);
  });

  it('a refused toggle returns the switch to the truth and says which dialog and why', async () => {
    const p = await portal(base);
    const h = core();
    const acc = await signIn(h, p);
    p.inject({ kind: 'error', code: 'ACCESS_ERROR', status: 403, method: 'im.recent.unread' });
    await h.core.dispatch('setUnread', [acc, 'chat80', true]);
    await until(() => h.core.state().pendingActions === 0);
    const s = h.core.state();
    expect(s.dialogs.find((d) => d.dialogId === 'chat80')).toMatchObject({ unread: false, pending: false });
    expect(s.notices).toMatchObject([
      { level: 'error', code: 'ACCESS_ERROR', dialogId: 'chat80', title: 'Release 2.4' },
    ]);
    expect(s.notices[0]!.message).toContain('Release 2.4');
    const dismissed = await h.core.dispatch('dismissNotice', [s.notices[0]!.id]);
    expect(dismissed.ok).toBe(true);
    expect(h.core.state().notices).toEqual([]);
  });

  it('two portals at once: a toggle reaches the right portal only; signing out of one leaves the other', async () => {
    const a = await portal([{ id: 'chat74', title: 'A sales', pinned: true }]);
    const b = await portal([{ id: 'chat74', title: 'B sales', pinned: true }]);
    const h = core();
    const accA = await signIn(h, a);
    const accB = await signIn(h, b);
    expect(accA).not.toBe(accB);
    expect(h.core.state().dialogs.map((d) => `${d.accountId === accA ? 'A' : 'B'}:${d.title}`)).toEqual([
      'A:A sales',
      'B:B sales',
    ]);
    a.resetCalls();
    b.resetCalls();
    await h.core.dispatch('setUnread', [accB, 'chat74', true]);
    await until(() => h.core.state().pendingActions === 0);
    expect(a.callsTo('im.recent.unread')).toEqual([]);
    expect(deliveredUnread(b)).toEqual(['chat74:Y']);
    expect(b.dialog('chat74')!.unread).toBe(true);
    expect(a.dialog('chat74')!.unread).toBe(false);

    // The slot-1 hotkey flips the first dialog across accounts: portal A's.
    await h.core.start();
    h.registrar.registered.get('CommandOrControl+Shift+Alt+1')!();
    await until(() => h.core.state().pendingActions === 1);
    await until(() => h.core.state().pendingActions === 0);
    expect(deliveredUnread(a)).toEqual(['chat74:Y']);

    await h.core.dispatch('signOut', [accA]);
    const s = h.core.state();
    expect(s.accounts.map((x) => x.id)).toEqual([accB]);
    expect(s.dialogs.map((d) => d.title)).toEqual(['B sales']);
  });

  it('opens a dialog only on the signed-in portal’s own origin', async () => {
    const p = await portal(base);
    const h = core();
    const acc = await signIn(h, p);
    expect(await h.core.dispatch('openInBitrix', [acc, 'chat74'])).toEqual({ ok: true, data: null });
    expect(h.opened).toEqual([`${p.url}/online/?IM_DIALOG=chat74`]);
    const bad = await h.core.dispatch('openInBitrix', [acc, '//evil.example/x']);
    expect(bad).toMatchObject({ ok: false, error: { code: 'INVALID_DIALOG_ID' } });
    expect(await h.core.dispatch('openInBitrix', ['nobody', 'chat74'])).toMatchObject({
      ok: false,
      error: { code: 'UNKNOWN_ACCOUNT' },
    });
    expect(h.opened).toHaveLength(1);
  });
});
