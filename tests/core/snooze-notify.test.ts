/**
 * Snooze scheduling across a restart and notification decisions, with a
 * fake clock driving the core's timers and the real fake portal answering.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { startFakePortal, type FakePortal } from '../../dev/fake-portal/server';
import type { SeedDialog } from '../../dev/fake-portal/types';
import type { Clock } from '../../src/main/core/ports';
import { fakeClock, wallClock } from '../support/fake-clock';
import { deliveredUnread, makeCore, type Harness } from './harness';
import { until } from '../support/wait';

const portals: FakePortal[] = [];
const cores: Harness[] = [];
afterEach(async () => {
  for (const h of cores.splice(0)) await h.core.stop();
  for (const p of portals.splice(0)) await p.close();
});

const HOUR = 3600_000;

/** `core` is the clock the core reads (a {@link wallClock} over `timers` to step it); the result's `clock` runs the timers. */
async function setup(seed: SeedDialog[], timers = fakeClock(Date.now()), core: Clock = timers) {
  const clock = timers;
  const p = await startFakePortal({ seed, rateLimit: false });
  portals.push(p);
  const h = makeCore({ clock: core });
  cores.push(h);
  const r = await h.core.dispatch('signInWithWebhook', [p.webhookUrl]);
  if (!r.ok) throw new Error(r.error.message);
  return { p, h, clock, acc: (r.data as { id: string }).id };
}

describe('snooze', () => {
  it('sets the dialog read now and unread again at the chosen time, even across a restart', async () => {
    const { p, h, clock, acc } = await setup([{ id: 'chat74', title: 'Sales', pinned: true, unread: true }]);
    await h.core.start();
    const until1 = clock.now() + 2 * HOUR;
    const r = await h.core.dispatch('snooze', [acc, 'chat74', until1]);
    expect(r).toMatchObject({ ok: true, data: { unread: false, pending: true, snoozedUntil: until1 } });
    await clock.advance(50); // the batch window
    await until(() => h.core.state().pendingActions === 0);
    expect(deliveredUnread(p)).toEqual(['chat74:N']);
    expect(h.core.state().dialogs[0]).toMatchObject({ unread: false, snoozedUntil: until1 });

    // The app quits; it starts again three hours later.
    await h.core.stop();
    await clock.advance(3 * HOUR);
    const second = makeCore({ dir: h.dir, key: h.key, clock });
    cores.push(second);
    await second.core.start();
    await until(() => deliveredUnread(p).length === 2, 5_000, 'the overdue snooze to fire');
    expect(deliveredUnread(p)).toEqual(['chat74:N', 'chat74:Y']);
    expect(p.dialog('chat74')!.unread).toBe(true);
    expect(second.notified.map((n) => n.title)).toEqual(['Sales']);
    await until(() => second.core.state().dialogs.length === 1);
    expect(second.core.state().dialogs[0]!.snoozedUntil).toBeNull();
  });

  it('fires on time while running; unsnooze cancels', async () => {
    const { p, h, clock, acc } = await setup([
      { id: 'chat1', title: 'One', pinned: true },
      { id: 'chat2', title: 'Two', pinned: true },
    ]);
    await h.core.start();
    await h.core.dispatch('snooze', [acc, 'chat1', clock.now() + HOUR]);
    await h.core.dispatch('snooze', [acc, 'chat2', clock.now() + HOUR]);
    const un = await h.core.dispatch('unsnooze', [acc, 'chat2']);
    expect(un).toMatchObject({ ok: true, data: { snoozedUntil: null } });
    await clock.advance(HOUR - 1_000);
    expect(p.dialog('chat1')!.unread).toBe(false);
    await clock.advance(1_100);
    await until(() => p.dialog('chat1')!.unread === true, 5_000, 'the snooze to fire');
    expect(p.dialog('chat2')!.unread).toBe(false);
  });

  it('a reminder that came due while the machine slept fires as it wakes', async () => {
    const timers = fakeClock(Date.now());
    // Asleep, the wall clock moves on and the (monotonic) timers do not.
    const clock = wallClock(timers);
    const { p, h, acc } = await setup([{ id: 'chat74', title: 'Sales', pinned: true, unread: true }], timers, clock);
    await h.core.start();
    await h.core.dispatch('snooze', [acc, 'chat74', clock.now() + 2 * HOUR]);
    await timers.advance(50);
    await until(() => h.core.state().pendingActions === 0);
    clock.step(10 * HOUR); // closed the lid in the evening, opened it in the morning
    h.core.onResume();
    await timers.advance(50); // the batch window, not a minute
    await until(() => deliveredUnread(p).length === 2, 5_000, 'the reminder to fire on resume');
    expect(deliveredUnread(p)).toEqual(['chat74:N', 'chat74:Y']);
    expect(h.notified.map((n) => n.title)).toEqual(['Sales']);
  });

  it('many reminders due at once (the same morning, or overdue at start) make one notification', async () => {
    const ids = ['chat1', 'chat2', 'chat3', 'chat4', 'chat5'];
    const { p, h, clock, acc } = await setup(ids.map((id, i) => ({ id, title: `D${i + 1}`, pinned: true })));
    await h.core.start();
    const at = clock.now() + HOUR;
    for (const id of ids) await h.core.dispatch('snooze', [acc, id, at]);
    await clock.advance(HOUR + 100); // and the batch window
    await until(() => ids.every((id) => p.dialog(id)!.unread), 5_000, 'the reminders to fire');
    expect(h.notified).toEqual([{ title: 'Reminders for 5 dialogs', body: 'D1, D2, D3, D4, D5' }]);
    await h.core.dispatch('updateSettings', [{ language: 'ru' }]);
    for (const id of ids.slice(0, 2)) await h.core.dispatch('snooze', [acc, id, clock.now() + HOUR]);
    await clock.advance(HOUR + 100);
    await until(() => h.notified.length === 3, 5_000, 'two reminders, one each');
    expect(h.notified.slice(1).map((n) => n.title)).toEqual(['D1', 'D2']);
    expect(h.notified[1]!.body).toBe('Напоминание: вернуться к диалогу');
  });

  it('refuses a time in the past or more than a year ahead', async () => {
    const { h, clock, acc } = await setup([{ id: 'chat1', title: 'One', pinned: true }]);
    for (const t of [clock.now() - 1, clock.now() + 400 * 24 * HOUR]) {
      expect(await h.core.dispatch('snooze', [acc, 'chat1', t])).toMatchObject({
        ok: false,
        error: { code: 'INVALID_ARGUMENT' },
      });
    }
  });
});

describe('notifications', () => {
  const seed: SeedDialog[] = [
    { id: 'chat1', title: 'One', pinned: true, messageId: 100 },
    { id: 'chat2', title: 'Muted', pinned: true, muted: true, messageId: 100 },
    { id: 'chat3', title: 'Three', pinned: true, messageId: 100 },
    { id: 'chat4', title: 'Four', pinned: true, messageId: 100 },
    { id: 'chat5', title: 'Five', pinned: true, messageId: 100 },
    { id: 'chat6', title: 'Six', pinned: true, messageId: 100 },
  ];

  it('a new message in a pinned dialog notifies once; already seen and muted stay silent', async () => {
    const { p, h } = await setup(seed);
    expect(h.notified).toEqual([]); // the first load is not news
    p.setDialog('chat1', { counter: 1, messageId: 101, messageText: 'Ping' });
    p.setDialog('chat2', { counter: 1, messageId: 101 });
    await h.core.refresh();
    expect(h.notified).toEqual([{ title: 'One', body: 'Ping' }]);
    await h.core.refresh(); // nothing new
    expect(h.notified).toHaveLength(1);
  });

  it('a dialog pinned again is a first sight: what came while it was unpinned is not news', async () => {
    const { p, h } = await setup(seed);
    p.setDialog('chat1', { pinned: false }); // unpinned in Bitrix24
    await h.core.refresh();
    p.setDialog('chat1', { counter: 3, messageId: 140, messageText: 'Last week' });
    await h.core.refresh();
    p.setDialog('chat1', { pinned: true }); // pinned again a week later
    await h.core.refresh();
    expect(h.notified).toEqual([]);
    p.setDialog('chat1', { counter: 4, messageId: 141, messageText: 'Now' });
    await h.core.refresh();
    expect(h.notified).toEqual([{ title: 'One', body: 'Now' }]);
  });

  it('many at once become one grouped notification', async () => {
    const { p, h } = await setup(seed);
    for (const id of ['chat1', 'chat3', 'chat4', 'chat5', 'chat6']) p.setDialog(id, { counter: 2, messageId: 105 });
    await h.core.refresh();
    expect(h.notified).toHaveLength(1);
    expect(h.notified[0]!.title).toBe('New messages in 5 dialogs');
  });

  it('respects "off" and "chosen dialogs only"', async () => {
    const { p, h, acc } = await setup(seed);
    await h.core.dispatch('updateSettings', [{ notifications: 'off' }]);
    p.setDialog('chat1', { counter: 1, messageId: 101 });
    await h.core.refresh();
    expect(h.notified).toEqual([]);
    await h.core.dispatch('updateSettings', [{ notifications: 'chosen', notifyDialogs: [`${acc}/chat3`] }]);
    p.setDialog('chat1', { counter: 2, messageId: 102 });
    p.setDialog('chat3', { counter: 1, messageId: 101, messageText: 'Hi' });
    await h.core.refresh();
    expect(h.notified).toEqual([{ title: 'Three', body: 'Hi' }]);
  });
});
