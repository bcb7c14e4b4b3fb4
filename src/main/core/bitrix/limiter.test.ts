import { describe, expect, it } from 'vitest';
import { fakeClock as createFakeClock, flush, wallClock } from '../../../../tests/support/fake-clock';
import type { Clock } from '../ports';
import { DEFAULT_BURST, DEFAULT_RATE_PER_SEC, createLeakyBucket } from './limiter';

/** A reference copy of the portal's bucket (2/s, burst 50): counts what it would reject. */
function portalBucket(rate: number, burst: number) {
  let level = 0;
  let at = 0;
  let violations = 0;
  return {
    hit(now: number) {
      level = Math.max(0, level - ((now - at) * rate) / 1000);
      at = now;
      if (level + 1 > burst + 1e-9) violations += 1;
      else level += 1;
    },
    violations: () => violations,
  };
}

describe('createLeakyBucket', () => {
  it('lets the burst through at once, then admits at the drain rate', async () => {
    const clock = createFakeClock(0);
    const bucket = createLeakyBucket({ ratePerSec: 2, burst: 3, clock });
    const admitted: number[] = [];
    for (let i = 0; i < 5; i += 1) void bucket.take().then(() => admitted.push(clock.now()));
    await flush();
    expect(admitted).toEqual([0, 0, 0]);
    await clock.advance(2000);
    expect(admitted).toEqual([0, 0, 0, 500, 1000]);
  });

  it('tryTake() admits at once while the bucket has room and nobody waits, and counts like take()', async () => {
    const clock = createFakeClock(0);
    const bucket = createLeakyBucket({ ratePerSec: 2, burst: 2, clock });
    expect(bucket.tryTake!()).toBe(true);
    expect(bucket.tryTake!()).toBe(true);
    expect(bucket.tryTake!()).toBe(false); // full: the caller falls back to take()
    const admitted: number[] = [];
    void bucket.take().then(() => admitted.push(clock.now()));
    await clock.advance(400);
    // A waiter is queued: tryTake never overtakes it.
    expect(bucket.tryTake!()).toBe(false);
    await clock.advance(100);
    expect(admitted).toEqual([500]);
    await clock.advance(500);
    expect(bucket.tryTake!()).toBe(true);
  });

  it('a queued waiter goes first: tryTake() refuses while one waits, even once the bucket has room', async () => {
    // A clock whose time moves without running timers: the moment between the bucket draining and
    // the waiter's timer callback (late on a busy event loop), when a tryTake() could overtake.
    let now = 0;
    const timers: (() => void)[] = [];
    const clock: Clock = {
      now: () => now,
      setTimeout: (fn) => timers.push(fn),
      clearTimeout: () => {},
    };
    const bucket = createLeakyBucket({ ratePerSec: 2, burst: 1, clock });
    expect(bucket.tryTake!()).toBe(true);
    const order: string[] = [];
    void bucket.take().then(() => order.push('waiter'));
    now = 5000; // drained long ago; the waiter's timer has not fired yet
    expect(bucket.tryTake!()).toBe(false);
    timers.at(-1)!();
    await flush();
    expect(order).toEqual(['waiter']);
    // The waiter took the room: the next tryTake waits its turn at the drain rate.
    expect(bucket.tryTake!()).toBe(false);
  });

  it('admits in FIFO order', async () => {
    const clock = createFakeClock(0);
    const bucket = createLeakyBucket({ ratePerSec: 10, burst: 1, clock });
    const order: number[] = [];
    const taken = [0, 1, 2, 3, 4].map((i) => bucket.take().then(() => void order.push(i)));
    await Promise.all([...taken, clock.advance(1000)]);
    expect(order).toEqual([0, 1, 2, 3, 4]);
  });

  it('drops an aborted waiter without blocking the ones behind it', async () => {
    const clock = createFakeClock(0);
    const bucket = createLeakyBucket({ ratePerSec: 1, burst: 1, clock });
    await bucket.take();
    const ac = new AbortController();
    const first = bucket.take(ac.signal);
    const second = bucket.take();
    ac.abort(new Error('gone'));
    await expect(first).rejects.toThrow('gone');
    await clock.advance(1001);
    await expect(second).resolves.toBeUndefined();
  });

  it('penalize() holds everyone until the pause is over, then trickles instead of bursting', async () => {
    const clock = createFakeClock(0);
    const bucket = createLeakyBucket({ ratePerSec: 2, burst: 10, clock });
    bucket.penalize(1000);
    const admitted: number[] = [];
    for (let i = 0; i < 4; i += 1) void bucket.take().then(() => admitted.push(clock.now()));
    await clock.advance(999);
    expect(admitted).toEqual([]);
    await clock.advance(2000);
    // The portal's bucket was full at the 503 and drained 2 in the pause: 2 at once, then one per 0.5 s.
    expect(admitted).toEqual([1000, 1000, 1500, 2000]);
  });

  it('a wall clock stepping back an hour holds no request: no time passed, the bucket keeps its level', async () => {
    const timers = createFakeClock(0);
    const clock = wallClock(timers);
    const bucket = createLeakyBucket({ ratePerSec: 2, burst: 2, clock });
    expect(bucket.tryTake!()).toBe(true);
    clock.step(-3_600_000);
    expect(bucket.tryTake!()).toBe(true);
    // Full now: the next one waits for the drain (0.5 s), not for the hour.
    const admitted: number[] = [];
    void bucket.take().then(() => admitted.push(timers.now()));
    await timers.advance(500);
    expect(admitted).toEqual([500]);
  });

  it("a 503's pause under way when the wall clock steps back lasts its own length from there", async () => {
    const timers = createFakeClock(0);
    const clock = wallClock(timers);
    const bucket = createLeakyBucket({ ratePerSec: 2, burst: 10, clock });
    bucket.penalize(1000);
    await timers.advance(400);
    clock.step(-3_600_000);
    const admitted: number[] = [];
    void bucket.take().then(() => admitted.push(timers.now()));
    await timers.advance(999);
    expect(admitted).toEqual([]);
    await timers.advance(1);
    expect(admitted).toEqual([1400]);
  });

  it('with its defaults, 100 back-to-back actions never trip a 2/s burst-50 portal and finish near the minimum', async () => {
    expect(DEFAULT_RATE_PER_SEC).toBe(2);
    expect(DEFAULT_BURST).toBeLessThan(50);
    const clock = createFakeClock(0);
    const bucket = createLeakyBucket({ clock });
    const portal = portalBucket(2, 50);
    let done = 0;
    let last = 0;
    for (let i = 0; i < 100; i += 1) {
      void bucket.take().then(() => {
        portal.hit(clock.now());
        last = clock.now();
        done += 1;
      });
    }
    await clock.advance(40_000);
    expect(done).toBe(100);
    expect(portal.violations()).toBe(0);
    // Theoretical minimum is 25 s (50 at once, 50 more at 0.5 s each); ours is 45 at once + 55 × 0.5 s = 27.5 s.
    expect(last).toBe(27_500);
  });

  it('rejects nonsense options', () => {
    expect(() => createLeakyBucket({ ratePerSec: 0 })).toThrow(RangeError);
    expect(() => createLeakyBucket({ burst: 0 })).toThrow(RangeError);
  });
});
