import { describe, expect, it } from 'vitest';
import { memoryStore } from '../../../tests/core/helpers';
import { fakeClock, wallClock } from '../../../tests/support/fake-clock';
import { MAX_TIMER_MS, createSnoozeSchedule, readSnoozes } from './snooze';
import type { Snooze } from './storage/schema';

const HOUR = 3600_000;
const T0 = 1_700_000_000_000;

function setup(initial: Snooze[] | unknown = []) {
  const clock = fakeClock(T0);
  // The schedule reads the wall clock, which a test may step; timers run on elapsed time (`clock`).
  const wall = wallClock(clock);
  const store = memoryStore({ snoozes: initial });
  const fired: string[] = [];
  let changes = 0;
  const make = () =>
    createSnoozeSchedule({
      store,
      clock: wall,
      onDue: (due) => void fired.push(...due.map((s) => `${s.accountId}/${s.dialogId}@${wall.now() - T0}`)),
      onChange: () => void changes++,
    });
  return { clock, wall, store, fired, make, changes: () => changes };
}

const sz = (dialogId: string, until: number, accountId = 'a1'): Snooze => ({
  accountId,
  dialogId,
  until,
  title: dialogId,
});

describe('snooze schedule', () => {
  it('fires at the chosen time, not before, and takes the snooze off the persisted list', async () => {
    const t = setup();
    const s = t.make();
    s.start();
    s.set(sz('chat1', T0 + HOUR));
    expect(s.untilOf('a1', 'chat1')).toBe(T0 + HOUR);
    expect(t.store.get('snoozes')).toEqual([sz('chat1', T0 + HOUR)]);
    await t.clock.advance(HOUR - 1);
    expect(t.fired).toEqual([]);
    await t.clock.advance(1);
    expect(t.fired).toEqual([`a1/chat1@${HOUR}`]);
    expect(s.untilOf('a1', 'chat1')).toBeNull();
    expect(t.store.get('snoozes')).toEqual([]);
    expect(t.clock.pending()).toBe(0);
  });

  it('several snoozes fire in order of their times; one timer at a time', async () => {
    const t = setup();
    const s = t.make();
    s.start();
    s.set(sz('chat2', T0 + 2 * HOUR));
    s.set(sz('chat1', T0 + HOUR));
    s.set(sz('chat3', T0 + 2 * HOUR));
    expect(t.clock.pending()).toBe(1);
    await t.clock.advance(3 * HOUR);
    expect(t.fired).toEqual([`a1/chat1@${HOUR}`, `a1/chat2@${2 * HOUR}`, `a1/chat3@${2 * HOUR}`]);
  });

  it('snoozing again moves the time; remove cancels; removeAccount drops only that account', async () => {
    const t = setup();
    const s = t.make();
    s.start();
    s.set(sz('chat1', T0 + HOUR));
    s.set(sz('chat1', T0 + 3 * HOUR));
    s.set(sz('chat2', T0 + HOUR));
    s.remove('a1', 'chat2');
    s.set(sz('chat1', T0 + HOUR, 'a2'));
    s.removeAccount('a2');
    expect(t.store.get('snoozes')).toEqual([sz('chat1', T0 + 3 * HOUR)]);
    await t.clock.advance(2 * HOUR);
    expect(t.fired).toEqual([]);
    await t.clock.advance(HOUR);
    expect(t.fired).toEqual([`a1/chat1@${3 * HOUR}`]);
  });

  it('overdue snoozes from an earlier run fire at start; the rest stay scheduled', async () => {
    const t = setup([sz('chat1', T0 - HOUR), sz('chat2', T0 + HOUR)]);
    const s = t.make();
    expect(t.fired).toEqual([]); // nothing fires before start
    s.start();
    expect(t.fired).toEqual(['a1/chat1@0']);
    expect(t.store.get('snoozes')).toEqual([sz('chat2', T0 + HOUR)]);
    await t.clock.advance(HOUR);
    expect(t.fired).toEqual(['a1/chat1@0', `a1/chat2@${HOUR}`]);
  });

  it('survives a restart: a new schedule over the same store picks the snooze up', async () => {
    const t = setup();
    const first = t.make();
    first.start();
    first.set(sz('chat1', T0 + 2 * HOUR));
    first.stop();
    expect(t.clock.pending()).toBe(0);
    await t.clock.advance(3 * HOUR);
    expect(t.fired).toEqual([]); // not running: nothing fired
    const second = t.make();
    second.start();
    expect(t.fired).toEqual([`a1/chat1@${3 * HOUR}`]);
  });

  it('a snooze weeks ahead waits in steps of MAX_TIMER_MS (Node timers overflow past ~24.8 days)', async () => {
    const t = setup();
    const s = t.make();
    s.start();
    s.set(sz('chat1', T0 + 30 * 24 * HOUR));
    await t.clock.advance(MAX_TIMER_MS);
    expect(t.fired).toEqual([]);
    expect(t.clock.pending()).toBe(1);
    await t.clock.advance(29 * 24 * HOUR - MAX_TIMER_MS);
    expect(t.fired).toEqual([]);
    await t.clock.advance(24 * HOUR);
    expect(t.fired).toEqual([`a1/chat1@${30 * 24 * HOUR}`]);
  });

  it('a wall clock set forward (NTP, the user fixing the time, a sleep without a resume event) is noticed within a minute', async () => {
    const t = setup();
    const s = t.make();
    s.start();
    s.set(sz('chat1', T0 + 2 * HOUR));
    // Three hours pass on the wall clock at once, none on the timers (Node's are monotonic).
    t.wall.step(3 * HOUR);
    await t.clock.advance(60_000);
    expect(t.fired).toEqual([`a1/chat1@${3 * HOUR + MAX_TIMER_MS}`]);
  });

  it('a wall clock set back does not fire early: the reminder waits for its wall-clock time', async () => {
    const t = setup();
    const s = t.make();
    s.start();
    s.set(sz('chat1', T0 + HOUR));
    t.wall.step(-HOUR);
    await t.clock.advance(2 * HOUR - 1);
    expect(t.fired).toEqual([]);
    await t.clock.advance(1);
    expect(t.fired).toEqual([`a1/chat1@${HOUR}`]);
  });

  it('a reminder whose removal the disk cannot take (full) does not stop the later ones', async () => {
    const t = setup();
    const s = t.make();
    s.start();
    s.set(sz('chat1', T0 + HOUR));
    s.set(sz('chat2', T0 + 2 * HOUR));
    const set = t.store.set;
    t.store.set = () => {
      throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
    };
    // The failed write is not swallowed: it reaches the timer's caller (the crash guard logs it).
    await expect(t.clock.advance(HOUR)).rejects.toThrow('ENOSPC');
    expect(t.fired).toEqual([`a1/chat1@${HOUR}`]);
    t.store.set = set; // space again
    await t.clock.advance(HOUR);
    expect(t.fired).toEqual([`a1/chat1@${HOUR}`, `a1/chat2@${2 * HOUR}`]);
    expect(t.store.get('snoozes')).toEqual([]);
  });

  it('before start nothing is scheduled; after stop no timer is left', () => {
    const t = setup();
    const s = t.make();
    s.set(sz('chat1', T0 + HOUR));
    expect(t.clock.pending()).toBe(0);
    s.start();
    expect(t.clock.pending()).toBe(1);
    s.stop();
    expect(t.clock.pending()).toBe(0);
    s.set(sz('chat2', T0 + HOUR));
    expect(t.clock.pending()).toBe(0);
  });

  it('every change is announced (the view shows the snooze time)', () => {
    const t = setup();
    const s = t.make();
    s.set(sz('chat1', T0 + HOUR));
    s.remove('a1', 'chat1');
    s.removeAccount('nobody'); // nothing to drop: no change
    expect(t.changes()).toBe(2);
  });

  it('damaged stored snoozes are dropped, the good ones kept', () => {
    expect(readSnoozes('nope')).toEqual([]);
    const good = sz('chat1', T0);
    expect(
      readSnoozes([
        good,
        null,
        5,
        { ...good, dialogId: 'chat0' },
        { ...good, until: 'soon' },
        { ...good, until: Infinity },
      ]),
    ).toEqual([good]);
    const t = setup([{ accountId: 'a1', dialogId: '../x', until: T0 }, good]);
    const s = t.make();
    expect(s.untilOf('a1', 'chat1')).toBe(T0);
  });
});
