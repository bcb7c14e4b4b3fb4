/**
 * A real-time clock that the benchmark can also move forward: `now()` is
 * `Date.now()` plus an offset, and timers fire on real time as usual, or at
 * once when {@link SteerableClock.advance} jumps past their due time. It lets
 * the bench fire the core's 60 s poll timer without waiting a minute, while
 * every request, limiter wait and batch window still runs on real time.
 */
import type { Clock, TimerHandle } from '../src/main/core/ports';

/** A {@link Clock} with an adjustable offset. */
export interface SteerableClock extends Clock {
  /** Moves time forward by `ms` and runs every timer that is now due, in due order. */
  advance(ms: number): void;
}

interface Entry {
  due: number;
  fn: () => void;
  real: ReturnType<typeof setTimeout>;
}

/** Creates a clock that starts at the real time. */
export function steerableClock(): SteerableClock {
  let offset = 0;
  let seq = 0;
  const timers = new Map<number, Entry>();
  const now = (): number => Date.now() + offset;

  const clock: SteerableClock = {
    now,
    setTimeout(fn, ms) {
      const id = ++seq;
      const delay = Math.max(0, ms);
      const real = setTimeout(() => {
        timers.delete(id);
        fn();
      }, delay);
      // Like systemClock: a pending poll or retry never keeps the process alive.
      real.unref();
      timers.set(id, { due: now() + delay, fn, real });
      return id as TimerHandle;
    },
    clearTimeout(h) {
      const e = timers.get(h as number);
      if (!e) return;
      clearTimeout(e.real);
      timers.delete(h as number);
    },
    advance(ms) {
      if (!(ms > 0)) return;
      offset += ms;
      // Only timers that existed before the jump fire here: a callback's own follow-ups run on real time.
      const last = seq;
      for (;;) {
        let best: [number, Entry] | null = null;
        for (const e of timers) {
          if (e[0] <= last && e[1].due <= now() && (!best || e[1].due < best[1].due)) best = e;
        }
        if (!best) return;
        clearTimeout(best[1].real);
        timers.delete(best[0]);
        best[1].fn();
      }
    },
  };
  return clock;
}
