/**
 * Snoozes ("remind me later"): the dialog is set read now and unread again
 * at a chosen time. This module keeps the list (persisted under `snoozes`,
 * so a snooze survives a restart), schedules one timer for the earliest,
 * and hands the due ones to the core; a snooze that came due while the app
 * was not running fires at {@link SnoozeSchedule.start}.
 */
import { parseDialogId } from '../../shared/dialog-id';
import type { Clock, KeyValueStore, TimerHandle } from './ports';
import type { Snooze } from './storage/schema';

/**
 * The longest the timer waits before it looks at the wall clock again. A snooze's time is wall-clock
 * time, but Node's timers run on elapsed time, which stops while the machine sleeps and ignores the
 * clock being set (NTP, the user fixing the time): a timer set for the whole wait fired that much
 * late (hours after a clock set forward; a sleep on a Linux without logind brings no 'resume').
 * Re-checking each minute bounds that to a minute. It also keeps far below Node's 2^31-1 ms limit.
 */
export const MAX_TIMER_MS = 60_000;

/** The valid snoozes of a persisted value (damaged entries are dropped). */
export function readSnoozes(raw: unknown): Snooze[] {
  if (!Array.isArray(raw)) return [];
  return raw.filter(
    (s): s is Snooze =>
      s &&
      typeof s === 'object' &&
      typeof s.accountId === 'string' &&
      parseDialogId(s.dialogId) !== null &&
      typeof s.until === 'number' &&
      Number.isFinite(s.until),
  );
}

/** The snoozes and their timer. */
export interface SnoozeSchedule {
  /** When the dialog's snooze fires (epoch ms), or null when it has none. */
  untilOf(accountId: string, dialogId: string): number | null;
  /** Adds or replaces the dialog's snooze; persists and reschedules. */
  set(snooze: Snooze): void;
  /** Cancels the dialog's snooze (if any); persists and reschedules. */
  remove(accountId: string, dialogId: string): void;
  /** Drops every snooze of a signed-out account. */
  removeAccount(accountId: string): void;
  /** Hands the snoozes of account `from` to `to` (the same person on the same portal at its new address). */
  moveAccount(from: string, to: string): void;
  /** Fires what is overdue now, then keeps a timer for the next one. */
  start(): void;
  /**
   * Looks at the wall clock now (the system resumed: timers did not run while it slept): fires
   * what came due meanwhile and plans the next. Nothing before {@link start} or after {@link stop}.
   */
  recheck(): void;
  /** Stops the timer; the snoozes stay persisted. */
  stop(): void;
}

/**
 * Creates the schedule over `store`. `onDue` gets the snoozes that came due
 * (already taken off the list, which is persisted right after it returns);
 * `onChange` hears every change of the list. No timer runs before
 * {@link SnoozeSchedule.start} or after {@link SnoozeSchedule.stop}.
 */
export function createSnoozeSchedule(deps: {
  store: KeyValueStore;
  clock: Clock;
  onDue: (due: Snooze[]) => void;
  onChange: () => void;
}): SnoozeSchedule {
  const { clock } = deps;
  let snoozes: Snooze[] = readSnoozes(deps.store.get('snoozes'));
  let timer: TimerHandle | null = null;
  let running = false;
  const same = (s: Snooze, accountId: string, dialogId: string) => s.accountId === accountId && s.dialogId === dialogId;

  function save(): void {
    try {
      deps.store.set('snoozes', snoozes);
    } finally {
      // A write that failed (disk full) still leaves a timer for the next snooze: from fire(), the
      // throw left no timer at all, and every later reminder of this run stayed silent.
      plan();
      deps.onChange();
    }
  }

  function plan(): void {
    if (timer !== null) clock.clearTimeout(timer);
    timer = null;
    if (!running || snoozes.length === 0) return;
    const next = Math.min(...snoozes.map((s) => s.until));
    timer = clock.setTimeout(
      () => {
        timer = null;
        fire();
      },
      Math.min(MAX_TIMER_MS, Math.max(0, next - clock.now())),
    );
  }

  function fire(): void {
    const now = clock.now();
    const due = snoozes.filter((s) => s.until <= now);
    if (due.length === 0) return plan();
    snoozes = snoozes.filter((s) => s.until > now);
    deps.onDue(due);
    save();
  }

  return {
    untilOf(accountId, dialogId) {
      return snoozes.find((s) => same(s, accountId, dialogId))?.until ?? null;
    },
    set(snooze) {
      snoozes = [...snoozes.filter((s) => !same(s, snooze.accountId, snooze.dialogId)), { ...snooze }];
      save();
    },
    remove(accountId, dialogId) {
      snoozes = snoozes.filter((s) => !same(s, accountId, dialogId));
      save();
    },
    removeAccount(accountId) {
      const before = snoozes.length;
      snoozes = snoozes.filter((s) => s.accountId !== accountId);
      if (snoozes.length !== before) save();
    },
    moveAccount(from, to) {
      if (!snoozes.some((s) => s.accountId === from)) return;
      snoozes = snoozes.map((s) => (s.accountId === from ? { ...s, accountId: to } : s));
      save();
    },
    start() {
      if (running) return;
      running = true;
      fire();
    },
    recheck() {
      if (running) fire();
    },
    stop() {
      running = false;
      plan();
    },
  };
}
