/**
 * The portal's operating-time limit, per method (bitrix24-api.md §2, §6): each call and each
 * `batch` sub-call counts against its method's summed execution time; over the limit the portal
 * answers 429 OPERATION_TIME_LIMIT for that method only, until its window resets. A good response's
 * `time` (a sub-call's `result_time`) says when: `operating_reset_at`. Error envelopes carry no
 * `time`, so the reset a client waits for is the one the last good response gave.
 */
import type { Clock } from '../ports';
import { bitrixError, isPlainObject } from './envelope';
import type { BitrixError, ResponseTime } from './types';

export interface OperatingLimits {
  /** Takes `operating_reset_at` from a good response's `time` (or a sub-call's `result_time`) of `method`. */
  remember(method: string, time: unknown): void;
  /** Local ms until `method`'s window resets, as last told; 0 when unknown or past. */
  untilReset(method: string): number;
  /**
   * `err` with the wait until `method`'s block lifts (`retryAfterMs`, for the action queue to
   * schedule by) when it is an OPERATION_TIME_LIMIT without one and the reset is known; `method` is
   * then held as blocked until that reset. Else `err` itself.
   */
  withResetHint(err: BitrixError, method: string): BitrixError;
  /** The error a sub-call of `method` gets, unsent, while the portal blocks the method; else null. */
  blocked(method: string): BitrixError | null;
}

export function createOperatingLimits(clock: Clock): OperatingLimits {
  /** Per method: local epoch ms when its operating-time window resets. */
  const resetAt = new Map<string, number>();
  /** Per method: until when the portal refuses it (an OPERATION_TIME_LIMIT answered, its reset known). */
  const blockedUntil = new Map<string, number>();
  const untilReset = (method: string): number => Math.max(0, (resetAt.get(method) ?? 0) - clock.now());

  return {
    remember(method, time) {
      if (!isPlainObject(time)) return;
      const t = time as ResponseTime;
      if (typeof t.operating_reset_at !== 'number' || !Number.isFinite(t.operating_reset_at)) return;
      // Measured against the portal's own `finish` so a skewed local clock does not matter.
      const ref = typeof t.finish === 'number' ? t.finish : typeof t.start === 'number' ? t.start : null;
      const at = ref !== null ? clock.now() + (t.operating_reset_at - ref) * 1000 : t.operating_reset_at * 1000;
      resetAt.set(method, at);
    },
    untilReset,
    withResetHint(err, method) {
      if (err.code !== 'OPERATION_TIME_LIMIT' || err.opts.retryAfterMs !== undefined) return err;
      const wait = untilReset(method);
      if (wait === 0) return err;
      blockedUntil.set(method, clock.now() + wait);
      return bitrixError('OPERATION_TIME_LIMIT', { ...err.opts, retryAfterMs: wait });
    },
    blocked(method) {
      const at = blockedUntil.get(method);
      if (at === undefined) return null;
      const wait = at - clock.now();
      if (wait <= 0) {
        blockedUntil.delete(method);
        return null;
      }
      return bitrixError('OPERATION_TIME_LIMIT', { method, status: null, transient: true, retryAfterMs: wait });
    },
  };
}
