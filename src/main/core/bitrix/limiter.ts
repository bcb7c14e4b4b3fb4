/**
 * Client-side leaky bucket, mirroring the portal's own limiter
 * (bitrix24-api.md §2: per portal, drain 2 req/s, burst 50; over → 503
 * QUERY_LIMIT_EXCEEDED) so that a burst of user actions never trips it.
 */
import { systemClock, type Clock, type TimerHandle } from '../ports';

/** Admission control for requests to one portal. */
export interface Limiter {
  /** Resolves when one request may be sent (FIFO). Rejects with `signal.reason` when aborted while waiting. */
  take(signal?: AbortSignal): Promise<void>;
  /** The portal said 503 QUERY_LIMIT_EXCEEDED: admit nobody for `ms`, then trickle at the drain rate. */
  penalize(ms: number): void;
  /**
   * Admits one request at once when it need not wait (nobody queued, room in the bucket) and
   * returns true; otherwise admits nothing and returns false (then use {@link Limiter.take}).
   * Optional; it spares the usual call a promise and its microtask turns.
   */
  tryTake?(): boolean;
}

/** Options of {@link createLeakyBucket}. */
export interface LeakyBucketOptions {
  /** Drain rate in requests per second. */
  ratePerSec?: number;
  /** Requests admitted back to back from an empty bucket. */
  burst?: number;
  clock?: Clock;
}

/**
 * Defaults: drain 2/s (the portal's own rate: draining slower wastes time,
 * faster trips it) and burst 45, 5 under the portal's 50. The margin absorbs
 * requests that left us spaced but arrive bunched (up to 2.5 s of network
 * jitter), and a few requests from a previous run of the app that the
 * portal still counts. A burst of 100 actions then takes 45 at once plus 55
 * at 0.5 s = 27.5 s, against the portal's theoretical minimum of 25 s
 * (50 at once plus 50 at 0.5 s): 10% slower, and never a 503. A 503 caused
 * by others sharing the bucket (same portal, same office IP) is handled by
 * {@link Limiter.penalize} and the client's retry.
 */
export const DEFAULT_RATE_PER_SEC = 2;
/** See {@link DEFAULT_RATE_PER_SEC}. */
export const DEFAULT_BURST = 45;

interface Waiter {
  resolve: () => void;
  reject: (reason: unknown) => void;
  signal?: AbortSignal;
  onAbort?: () => void;
}

/**
 * A leaky bucket with FIFO waiters. The bucket level rises by one per
 * admitted request and drains continuously at `ratePerSec`; a request is
 * admitted when the level after it stays within `burst`.
 */
export function createLeakyBucket(opts: LeakyBucketOptions = {}): Limiter {
  const rate = opts.ratePerSec ?? DEFAULT_RATE_PER_SEC;
  const burst = opts.burst ?? DEFAULT_BURST;
  const clock = opts.clock ?? systemClock;
  if (!(rate > 0) || !Number.isFinite(rate)) throw new RangeError('ratePerSec must be a positive number');
  if (!(burst >= 1) || !Number.isFinite(burst)) throw new RangeError('burst must be at least 1');

  let level = 0;
  let updatedAt = clock.now();
  /** A 503's pause: from `blockedAt`, for `blockedFor` ms. */
  let blockedAt = 0;
  let blockedFor = 0;
  const queue: Waiter[] = [];
  let timer: TimerHandle | null = null;

  const drain = (now: number): void => {
    if (now < updatedAt) {
      // The wall clock stepped back (an NTP correction, the user setting the time, a VM resumed):
      // no time has passed. Read as elapsed time, the negative step would fill the bucket, and every
      // request to the portal would wait as long as the step. A pause under way starts again from now.
      blockedAt = Math.min(blockedAt, now);
    } else {
      level = Math.max(0, level - ((now - updatedAt) * rate) / 1000);
    }
    updatedAt = now;
  };

  /** Ms until one more request fits (0 = now). */
  const waitMs = (now: number): number => {
    const blockedUntil = blockedAt + blockedFor;
    if (now < blockedUntil) return blockedUntil - now;
    const excess = level + 1 - burst;
    // Tolerances absorb float rounding: a millionth of a request is nothing, and the wait is never 0 (no spinning).
    return excess <= 1e-6 ? 0 : Math.max(1, Math.ceil((excess * 1000) / rate - 1e-6));
  };

  const pump = (): void => {
    if (timer !== null) {
      clock.clearTimeout(timer);
      timer = null;
    }
    while (queue.length > 0) {
      const now = clock.now();
      drain(now);
      const wait = waitMs(now);
      if (wait > 0) {
        timer = clock.setTimeout(() => {
          timer = null;
          pump();
        }, wait);
        return;
      }
      const w = queue.shift()!;
      level += 1;
      if (w.signal && w.onAbort) w.signal.removeEventListener('abort', w.onAbort);
      w.resolve();
    }
  };

  return {
    take(signal) {
      if (signal?.aborted) return Promise.reject(signal.reason);
      return new Promise<void>((resolve, reject) => {
        const w: Waiter = { resolve, reject, signal };
        if (signal) {
          w.onAbort = () => {
            const i = queue.indexOf(w);
            if (i >= 0) queue.splice(i, 1);
            reject(signal.reason);
            // The head may have changed: recompute the timer.
            pump();
          };
          signal.addEventListener('abort', w.onAbort, { once: true });
        }
        queue.push(w);
        // Only the head can be admitted; a later arrival never overtakes it.
        if (queue.length === 1) pump();
      });
    },
    tryTake() {
      // Only when nobody waits: a later arrival never overtakes the FIFO.
      if (queue.length > 0) return false;
      const now = clock.now();
      drain(now);
      if (waitMs(now) > 0) return false;
      level += 1;
      return true;
    },
    penalize(ms) {
      if (!(ms > 0)) return;
      const now = clock.now();
      drain(now);
      if (now + ms > blockedAt + blockedFor) {
        blockedAt = now;
        blockedFor = ms;
      }
      // The portal's bucket is full: after the pause, admit at the drain rate, not a new burst.
      level = Math.max(level, burst);
      if (queue.length > 0) pump();
    },
  };
}
