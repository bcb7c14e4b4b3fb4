/**
 * The clocks tests and the bench drive by hand, both behind the core's
 * {@link Clock} port:
 * - {@link fakeClock}: time moves only when the test says so; timers fire in
 *   due order (ties in the order they were set), with pending promise
 *   callbacks run in between.
 * - {@link steerableClock}: real time that can also jump forward, for the
 *   bench (fire the 60 s poll timer without waiting a minute while requests,
 *   limiter waits and batch windows still run on real time).
 */
import type { Clock, TimerHandle } from '../../src/main/core/ports';

/** A clock whose time moves only when the test says so. */
export interface FakeClock extends Clock {
  /** Moves time forward by `ms`, firing due timers in order (and letting promises settle between them). */
  advance(ms: number): Promise<void>;
  /** Number of timers waiting. */
  pending(): number;
}

/** A {@link Clock} on real time with an adjustable offset. */
export interface SteerableClock extends Clock {
  /** Moves time forward by `ms` and runs every timer that is now due, in due order. */
  advance(ms: number): void;
}

/** Lets every queued promise callback run (each round drains the microtask queue, then one macrotask turn). */
export async function flush(rounds = 10): Promise<void> {
  for (let i = 0; i < rounds; i++) await new Promise<void>((r) => setImmediate(r));
}

/**
 * The id of the timer due first, no later than `until` and set no later than
 * `lastId`; the one set first wins a tie (ids grow, and a Map iterates in
 * insertion order).
 */
function firstDue(timers: Map<number, { due: number }>, until: number, lastId = Infinity): number | undefined {
  let best: number | undefined;
  let bestDue = Infinity;
  for (const [id, t] of timers) {
    if (id <= lastId && t.due <= until && t.due < bestDue) {
      best = id;
      bestDue = t.due;
    }
  }
  return best;
}

/** Creates a manual clock starting at `start` (epoch ms). */
export function fakeClock(start = 1_700_000_000_000): FakeClock {
  let now = start;
  let seq = 0;
  const timers = new Map<number, { due: number; fn: () => void }>();
  return {
    now: () => now,
    setTimeout(fn, ms) {
      const id = ++seq;
      timers.set(id, { due: now + Math.max(0, ms), fn });
      return id;
    },
    clearTimeout(h) {
      timers.delete(h as number);
    },
    async advance(ms) {
      const target = now + ms;
      await flush();
      for (let id = firstDue(timers, target); id !== undefined; id = firstDue(timers, target)) {
        const t = timers.get(id)!;
        timers.delete(id);
        now = Math.max(now, t.due);
        t.fn();
        await flush();
      }
      now = target;
      await flush();
    },
    pending: () => timers.size,
  };
}

/** Creates a steerable clock that starts at the real time. */
export function steerableClock(): SteerableClock {
  let offset = 0;
  let seq = 0;
  type Real = ReturnType<typeof setTimeout> | ReturnType<typeof setImmediate>;
  const timers = new Map<number, { due: number; fn: () => void; real: Real }>();
  const now = (): number => Date.now() + offset;
  const cancel = (real: Real): void => {
    // An Immediate has no refresh(); a Timeout has.
    if ('refresh' in real) clearTimeout(real);
    else clearImmediate(real);
  };
  return {
    now,
    setTimeout(fn, ms) {
      const id = ++seq;
      const delay = Math.max(0, ms);
      const run = (): void => {
        timers.delete(id);
        fn();
      };
      // Like systemClock: 0 ms is the next turn (setImmediate), and a pending poll or retry
      // never keeps the process alive.
      const real: Real = delay === 0 ? setImmediate(run) : setTimeout(run, delay);
      real.unref();
      timers.set(id, { due: now() + delay, fn, real });
      return id as TimerHandle;
    },
    clearTimeout(h) {
      const e = timers.get(h as number);
      if (!e) return;
      cancel(e.real);
      timers.delete(h as number);
    },
    advance(ms) {
      if (!(ms > 0)) return;
      offset += ms;
      // Only timers that existed before the jump fire here: a callback's own follow-ups run on real time.
      const last = seq;
      for (let id = firstDue(timers, now(), last); id !== undefined; id = firstDue(timers, now(), last)) {
        const e = timers.get(id)!;
        cancel(e.real);
        timers.delete(id);
        e.fn();
      }
    },
  };
}

/**
 * A wall clock over `timers` (a {@link fakeClock}) that the test can step back or forward, as an NTP
 * correction, the user setting the time or a resumed VM does: `now()` moves by the step at once,
 * while timers keep running on the elapsed time (Node's timers are monotonic).
 */
export function wallClock(timers: FakeClock): Clock & { step(ms: number): void } {
  let offset = 0;
  return {
    now: () => timers.now() + offset,
    setTimeout: (fn, ms) => timers.setTimeout(fn, ms),
    clearTimeout: (h) => timers.clearTimeout(h),
    step(ms) {
      offset += ms;
    },
  };
}
