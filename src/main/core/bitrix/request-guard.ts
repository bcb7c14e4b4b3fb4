/**
 * What ends a REST request before its answer: the caller's signal (the action
 * queue passes one that lives as long as the queue and is aborted at stop) and
 * the client's timeout.
 *
 * Issue 14: each request used to add an abort listener to the caller's signal
 * and remove it after, and to arm and clear a timer of its own. On a toggle's
 * path that code runs cold (a person toggles now and then), and those steps
 * were ~0.1 ms of the ~0.4 ms between the toggle and its request leaving
 * (CPU profiles of the bench's toggle). Here a caller's signal gets one
 * listener for as long as it lives, however many requests follow it (and
 * however many clients: one per account, rebuilt when it signs in again),
 * and one timer serves every request in flight, armed for the earliest
 * deadline: a request costs a set entry, not a listener and a timer.
 *
 * Not `AbortSignal.any()`: on Node 20 every dependent signal leaves a WeakRef
 * in the long-lived source signal for good (bench: +2 500 WeakRefs over
 * 10 000 toggles).
 */

/** One request's guard: the signal to pass to `fetch`, and `end()` once it has answered or failed. */
export interface RequestGuard {
  /** Aborted when the caller's signal aborts (with its reason) or the request times out. */
  readonly signal: AbortSignal;
  /** True when the timeout, not the caller, aborted the request. */
  timedOut(): boolean;
  /** The request is over: it is no longer timed, nor aborted with the caller's signal. */
  end(): void;
}

/** Guards for the requests of one client (see the module comment). */
export interface RequestGuards {
  /** Guards a request about to start; throws the caller's abort reason if its signal is already aborted. */
  begin(callerSignal: AbortSignal | undefined, timeoutMs: number): RequestGuard;
  /** Requests in flight (tests). */
  readonly inFlight: number;
}

/**
 * The requests in flight by the caller's signal, across every client (a client is rebuilt when its
 * account signs in again; the queue's signal outlives it): what the signal's one listener aborts.
 */
const followers = new WeakMap<AbortSignal, Set<AbortController>>();

function followersOf(signal: AbortSignal): Set<AbortController> {
  let set = followers.get(signal);
  if (set === undefined) {
    const mine = new Set<AbortController>();
    followers.set(signal, mine);
    signal.addEventListener(
      'abort',
      () => {
        for (const ctl of mine) ctl.abort(signal.reason);
        mine.clear();
      },
      { once: true },
    );
    set = mine;
  }
  return set;
}

/**
 * Gives `signal` now the one listener it gets for all its requests ({@link followersOf}). The action
 * queue calls it as it makes its signal, so that its first request (a toggle) does not add the
 * listener on its way out: ~0.04 ms of the ~0.3 ms between a toggle and its request leaving, in
 * the bench's toggle (issue 14, twelfth round).
 */
export function followAborts(signal: AbortSignal): void {
  followersOf(signal);
}

export function createRequestGuards(now: () => number = () => performance.now()): RequestGuards {
  /** Each request in flight and its deadline (`now()` time). */
  const deadlines = new Map<AbortController, number>();
  let timer: ReturnType<typeof setTimeout> | null = null;
  let timerAt = Infinity;

  function arm(at: number): void {
    if (timer !== null) clearTimeout(timer);
    timerAt = at;
    timer = setTimeout(expire, Math.max(0, at - now()));
    // A request in flight keeps the process alive by its socket, not by its timeout.
    timer.unref?.();
  }

  /** Aborts the requests past their deadline, then waits for the next deadline (if any). */
  function expire(): void {
    timer = null;
    timerAt = Infinity;
    const t = now();
    let next = Infinity;
    for (const [ctl, at] of deadlines) {
      if (at <= t) {
        deadlines.delete(ctl);
        ctl.abort(new DOMException('The request timed out.', 'TimeoutError'));
      } else if (at < next) {
        next = at;
      }
    }
    if (next !== Infinity) arm(next);
  }

  return {
    begin(callerSignal, timeoutMs) {
      if (callerSignal?.aborted) throw callerSignal.reason;
      const ctl = new AbortController();
      const group = callerSignal ? followersOf(callerSignal) : null;
      group?.add(ctl);
      const at = now() + timeoutMs;
      deadlines.set(ctl, at);
      // A deadline after the armed one is found when that timer fires (it re-arms for the next).
      if (at < timerAt) arm(at);
      return {
        signal: ctl.signal,
        // Aborted, and not by the caller (whose abort reaches the request with the caller's reason).
        timedOut: () => ctl.signal.aborted && callerSignal?.aborted !== true,
        end() {
          deadlines.delete(ctl);
          group?.delete(ctl);
        },
      };
    },
    get inFlight() {
      return deadlines.size;
    },
  };
}
