/**
 * Keeping the pinned list fresh cheaply (issue 3): per account, one poll
 * every `pollIntervalSec` with jitter, one request each (the pinned service
 * asks one `im.recent.list` page just past the pinned rows, which carries
 * every change the popup shows: counts and marks, but also pins, unpins,
 * hides, renames and last messages, which move no counter). Paused while
 * offline; backs off while the portal errors.
 */
import type { Clock, TimerHandle } from './ports';

/** What one poll did: `quick`, a poll sized to the list shown; `full`, a load from scratch. */
export type PollKind = 'quick' | 'full';

export interface PollerOptions {
  clock: Clock;
  random?: () => number;
  /** The poll interval now (settings may change it). */
  intervalMs: () => number;
  /** A full reload every this many polls (default: never; a quick poll sees what a full one does). */
  fullEvery?: number;
  /** Longest wait while the portal keeps failing (default 15 min). */
  maxBackoffMs?: number;
  /**
   * Polls an account. `kind` is what the poller asks for; resolves with what
   * was actually done (a quick poll of an account with no confirmed list loads it: 'full').
   * Throws when the portal could not be reached or refused.
   */
  run: (accountId: string, kind: PollKind) => Promise<PollKind>;
}

/** Per-account polling. */
export interface Poller {
  /** Starts polling an account (its first poll one interval from now). */
  add(accountId: string): void;
  remove(accountId: string): void;
  /** Whether the account is being polled. */
  has(accountId: string): boolean;
  /** A full reload of one account (or all) now; resolves when done (failures are reported by `run`, not thrown). */
  refreshNow(accountId?: string): Promise<void>;
  /** Offline pauses every timer; back online refreshes at once. */
  setOnline(online: boolean): void;
  /** The interval changed: re-plan every timer. */
  reschedule(): void;
  stop(): void;
}

interface AccountPoll {
  timer: TimerHandle | null;
  sinceFull: number;
  failures: number;
  running: Promise<void> | null;
}

/** Creates the poller. */
export function createPoller(opts: PollerOptions): Poller {
  const { clock } = opts;
  const random = opts.random ?? Math.random;
  const fullEvery = opts.fullEvery ?? Infinity;
  const maxBackoffMs = opts.maxBackoffMs ?? 15 * 60_000;
  const accounts = new Map<string, AccountPoll>();
  let online = true;
  let stopped = false;

  function delayFor(p: AccountPoll): number {
    const interval = Math.max(1_000, opts.intervalMs());
    // ±10% so that several accounts (and several app instances behind one office IP) do not poll in lockstep.
    const jittered = interval * (0.9 + 0.2 * random());
    if (p.failures === 0) return Math.round(jittered);
    return Math.round(Math.min(maxBackoffMs, jittered * 2 ** Math.min(p.failures - 1, 10)));
  }

  function plan(id: string, p: AccountPoll): void {
    if (p.timer !== null) clock.clearTimeout(p.timer);
    p.timer = null;
    if (stopped || !online || !accounts.has(id)) return;
    p.timer = clock.setTimeout(() => {
      p.timer = null;
      void poll(id, p.sinceFull + 1 >= fullEvery ? 'full' : 'quick');
    }, delayFor(p));
  }

  function poll(id: string, kind: PollKind): Promise<void> {
    const p = accounts.get(id);
    if (!p) return Promise.resolve();
    const previous = p.running ?? Promise.resolve();
    const run = previous.then(async () => {
      if (!accounts.has(id) || stopped) return;
      if (p.timer !== null) clock.clearTimeout(p.timer);
      p.timer = null;
      try {
        const did = await opts.run(id, kind);
        p.failures = 0;
        p.sinceFull = did === 'full' ? 0 : p.sinceFull + 1;
      } catch {
        p.failures += 1;
      } finally {
        if (p.running === run) p.running = null;
        plan(id, p);
      }
    });
    p.running = run;
    return run;
  }

  return {
    add(id) {
      if (accounts.has(id)) return;
      const p: AccountPoll = { timer: null, sinceFull: 0, failures: 0, running: null };
      accounts.set(id, p);
      plan(id, p);
    },
    remove(id) {
      const p = accounts.get(id);
      if (p?.timer !== null && p?.timer !== undefined) clock.clearTimeout(p.timer);
      accounts.delete(id);
    },
    has: (id) => accounts.has(id),
    async refreshNow(id) {
      const ids = id ? [id] : [...accounts.keys()];
      await Promise.all(ids.map((a) => poll(a, 'full')));
    },
    setOnline(next) {
      if (next === online) return;
      online = next;
      if (!online) {
        for (const p of accounts.values()) {
          if (p.timer !== null) clock.clearTimeout(p.timer);
          p.timer = null;
        }
        return;
      }
      for (const p of accounts.values()) p.failures = 0;
      void this.refreshNow();
    },
    reschedule() {
      for (const [id, p] of accounts) if (!p.running) plan(id, p);
    },
    stop() {
      stopped = true;
      for (const p of accounts.values()) if (p.timer !== null) clock.clearTimeout(p.timer);
      accounts.clear();
    },
  };
}
