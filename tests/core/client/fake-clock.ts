/**
 * A manual {@link Clock} for tests: time moves only when the test says so,
 * and timers fire in due order, with pending promise callbacks run in between.
 */
import type { Clock } from '../../../src/main/core/ports';

/** A manual clock. */
export interface FakeClock extends Clock {
  /** Moves time forward by `ms`, firing due timers in order. */
  advance(ms: number): Promise<void>;
  /** Number of timers waiting. */
  pending(): number;
}

/** Lets queued promise callbacks (and their follow-ups) run. */
export async function flush(rounds = 20): Promise<void> {
  for (let i = 0; i < rounds; i += 1) await Promise.resolve();
}

/** Creates a manual clock starting at `start` (epoch ms). */
export function createFakeClock(start = 1_700_000_000_000): FakeClock {
  let now = start;
  let seq = 0;
  const timers = new Map<number, { at: number; fn: () => void; seq: number }>();
  return {
    now: () => now,
    setTimeout(fn, ms) {
      const id = ++seq;
      timers.set(id, { at: now + Math.max(0, ms), fn, seq: id });
      return id;
    },
    clearTimeout(h) {
      timers.delete(h as number);
    },
    pending: () => timers.size,
    async advance(ms) {
      const end = now + ms;
      await flush();
      for (;;) {
        let next: [number, { at: number; fn: () => void; seq: number }] | null = null;
        for (const entry of timers) {
          if (
            entry[1].at <= end &&
            (!next || entry[1].at < next[1].at || (entry[1].at === next[1].at && entry[1].seq < next[1].seq))
          )
            next = entry;
        }
        if (!next) break;
        timers.delete(next[0]);
        now = Math.max(now, next[1].at);
        next[1].fn();
        await flush();
      }
      now = end;
      await flush();
    },
  };
}
