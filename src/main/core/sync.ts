/**
 * Keeping the pinned list fresh cheaply (issue 3): per account, poll
 * `im.counters.get` (one request) every `pollIntervalSec` with jitter, and
 * reload the pinned list only when the counters or the manual marks of the
 * pinned dialogs differ from what is shown — plus a full reload every ~10
 * polls, since pins can change without any counter moving. Paused while
 * offline; backs off while the portal errors.
 */
import type { DialogKind } from '../../shared/dialog-id';
import type { Clock, TimerHandle } from './ports';

/** What {@link countersDiffer} needs of a shown dialog (its confirmed, not optimistic, state). */
export interface CounterView {
  dialogId: string;
  kind: DialogKind;
  chatId: number | null;
  counter: number;
  unreadMark: boolean;
}

function countMap(v: unknown): Map<string, number> {
  const out = new Map<string, number>();
  // Empty PHP arrays serialise as [] (bitrix24-api.md §1).
  if (!v || typeof v !== 'object' || Array.isArray(v)) return out;
  for (const [k, n] of Object.entries(v as Record<string, unknown>)) {
    const num = Number(n);
    if (Number.isFinite(num) && num > 0) out.set(k, num);
  }
  return out;
}

function idSet(v: unknown): Set<string> {
  if (Array.isArray(v)) return new Set(v.map((x) => String(x)));
  if (v && typeof v === 'object') {
    return new Set(
      Object.entries(v as Record<string, unknown>)
        .filter(([, x]) => Boolean(x))
        .map(([k]) => k),
    );
  }
  return new Set();
}

/**
 * True when `im.counters.get`'s result disagrees with the shown dialogs
 * (an unread count or a manual mark changed), or has an unexpected shape.
 */
export function countersDiffer(raw: unknown, dialogs: readonly CounterView[]): boolean {
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) return true;
  const r = raw as Record<string, unknown>;
  const chat = countMap(r['CHAT']);
  const muted = countMap(r['CHAT_MUTED']);
  const dialog = countMap(r['DIALOG']);
  const chatUnread = idSet(r['CHAT_UNREAD']);
  const dialogUnread = idSet(r['DIALOG_UNREAD']);
  for (const d of dialogs) {
    let counter: number;
    let mark: boolean;
    if (d.kind === 'user') {
      // A muted private dialog's count is under CHAT_MUTED[its private chat id], not DIALOG
      // (the server fills CHAT_MUTED before its private-dialog branch, bitrix24-api.md §6).
      counter = dialog.get(d.dialogId) ?? (d.chatId !== null ? muted.get(String(d.chatId)) : undefined) ?? 0;
      mark = dialogUnread.has(d.dialogId);
    } else {
      const chatId = d.chatId ?? (d.kind === 'chat' ? Number(d.dialogId.slice(4)) : null);
      // A workgroup chat without a known chat id cannot be checked here; the periodic full reload covers it.
      if (chatId === null) continue;
      const key = String(chatId);
      counter = chat.get(key) ?? muted.get(key) ?? 0;
      mark = chatUnread.has(key);
    }
    if (counter !== d.counter || mark !== d.unreadMark) return true;
  }
  return false;
}

/** What one poll did. */
export type PollKind = 'counters' | 'full';

export interface PollerOptions {
  clock: Clock;
  random?: () => number;
  /** The poll interval now (settings may change it). */
  intervalMs: () => number;
  /** A full reload every this many polls (default 10). */
  fullEvery?: number;
  /** Longest wait while the portal keeps failing (default 15 min). */
  maxBackoffMs?: number;
  /**
   * Polls an account. `kind` is what the poller asks for; resolves with what
   * was actually done (a counters poll that found a change reloads: 'full').
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
  const fullEvery = opts.fullEvery ?? 10;
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
      void poll(id, p.sinceFull + 1 >= fullEvery ? 'full' : 'counters');
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
