/**
 * The durable action queue (issue 4 "Durable actions"): every toggle becomes
 * an intent persisted in the store; the write follows its request onto the
 * wire instead of holding it back (issue 14: `im.recent.unread` Y/N and
 * `im.dialog.read` are idempotent, so a crash in between finds the intent on
 * disk or the portal already holding the change), and the reply that says
 * "your toggle is safe" ({@link ActionQueue.safe}) waits for the write, or
 * for the portal's confirmation when that comes first; the write itself
 * (file bytes and fsync) runs off the event loop where the store can; intents for
 * one dialog coalesce (the last wins); the queue drains per account in
 * enqueue order, batched when several are due ("unread" is one
 * `im.recent.unread Y`; "read" adds `im.dialog.read` when messages are
 * unread, see {@link callsFor}); transient failures back off with jitter, a portal refusing the
 * whole account (plan, payment, scope) keeps them at the longest backoff, permanent ones are dropped
 * and reported, a lost sign-in holds the account's intents until the user
 * signs in again. A new queue over the same store resumes where the last
 * process stopped. Its siblings: queue-types.ts (the contract),
 * queue-policy.ts (the pure rules), queue-writer.ts (the durable write) and
 * queue-send.ts (one request per chunk).
 */
import { followAborts } from '../bitrix/request-guard';
import type { BatchOutcome } from '../bitrix/types';
import { EndOfTask, type TimerHandle } from '../ports';
import type { QueuedAction, QueuedPin, QueuedToggle, QueuedUnpin } from '../storage/schema';
import {
  BACKOFF,
  BATCH_MAX,
  backoffDelay,
  callsFor,
  chunkByCalls,
  dueAt,
  dueFor,
  classify,
  coalesce,
  coalesceMany,
  coalescePin,
  familyOf,
  longestBackoff,
  lookupIn,
  pendingIn,
  unpinPendingIn,
} from './queue-policy';
import { sendChunks, type Chunk } from './queue-send';
import type { ActionQueue, ActionQueueOptions } from './queue-types';
import { createQueueWriter, loadQueue } from './queue-writer';

/** One toggle intent as persisted under the store key `queue` (the schema lives with the store). */
export type { QueuedAction, QueuedPin, QueuedToggle, QueuedUnpin };

export { QUEUE_KEY } from './queue-writer';
export type { ActionQueue, ActionQueueOptions } from './queue-types';

export {
  BACKOFF,
  backoffDelay,
  callsFor,
  classify,
  coalesce,
  coalescePin,
  toBitrixError,
  type CoalesceContext,
} from './queue-policy';

/** An account's drain: `again` when it must look once more, `wake` while its requests are out. */
interface AccountRun {
  again: boolean;
  wake: (() => void) | null;
  done: Promise<void>;
}

/** Intent ids: this process's start time and a random part, then a counter (unique across restarts). */
const idPrefix = `a${Date.now().toString(36)}${Math.random().toString(36).slice(2, 8)}.`;
let seq = 0;
const defaultId = (): string => idPrefix + (++seq).toString(36);

/** Creates the queue over `store` (key `queue`), resuming what an earlier process left. */
export function createActionQueue(opts: ActionQueueOptions): ActionQueue {
  const { store, clock } = opts;
  const random = opts.random ?? Math.random;
  const newId = opts.newId ?? defaultId;
  const batchWindowMs = Math.max(0, opts.batchWindowMs ?? 0);
  const maxBatchWaitMs = opts.maxBatchWaitMs ?? 5_000;
  const backoff = opts.backoff ?? BACKOFF;
  const longest = longestBackoff(backoff);

  let items: QueuedAction[] = loadQueue(store);
  const inFlight = new Set<string>();
  const held = new Set<string>();
  /** The drain of each account that is sending or about to (accounts drain side by side: a slow portal holds up only its own). */
  const runs = new Map<string, AccountRun>();
  let timer: TimerHandle | null = null;
  let timerAt = Infinity;
  let kick: TimerHandle | EndOfTask | null = null;
  let windowOpenedAt = 0;
  /** New intents enqueued so far, and the count the window's last look saw. */
  let added = 0;
  let addedSeen = 0;
  /** The current runs were started by a full batch during an open window: partial batches wait. */
  let fullBatchesOnly = false;
  /** Batch windows opened so far, and how many of them the last drain() call covers. */
  let windowSeq = 0;
  let drainedUpTo = 0;
  let stopped = false;
  /** When each account's drain last looked for due intents (what it found due and did not send waits for an event). */
  const lookedAt = new Map<string, number>();
  /** Aborted by stop(): a send still waiting (rate limiter) or unanswered gives up. */
  const abort = new AbortController();
  // Node makes a controller's signal on first read (~0.05 ms, cold), and the request guards give it
  // its one abort listener on its first request: both here, not on the first toggle's path.
  const abortSignal = abort.signal;
  followAborts(abortSignal);

  const writer = createQueueWriter({
    store,
    items: () => items,
    sending: () => kick !== null || runs.size > 0,
    clock,
    rewriteAfterMs: opts.rewriteAfterMs,
    onError: opts.onWriteFailed,
    onWritten: opts.onWritten,
  });
  const { persist, flush, writeAfterSend } = writer;

  function changed(): void {
    persist();
    opts.onChange?.();
  }

  function enqueue(accountId: string, dialogId: string, unread: boolean): QueuedToggle {
    const r = coalesce(
      items,
      { accountId, dialogId, unread },
      { inFlight, confirmed: opts.confirmedUnread?.(accountId, dialogId), now: clock.now(), newId },
    );
    // A new intent (not one merged into a waiting one) is what keeps a batch window open.
    if (r.queue.length > items.length) added += 1;
    items = r.queue;
    changed();
    return r.action;
  }

  function enqueueMany(targets: readonly { accountId: string; dialogId: string }[], unread: boolean): QueuedToggle[] {
    const now = clock.now();
    const r = coalesceMany(items, targets, unread, (t) => ({
      inFlight,
      confirmed: opts.confirmedUnread?.(t.accountId, t.dialogId),
      now,
      newId,
    }));
    added += r.added;
    items = r.queue;
    changed();
    return r.actions;
  }

  function setPinned(accountId: string, dialogId: string, pin: boolean): QueuedUnpin | QueuedPin | null {
    const r = coalescePin(items, { accountId, dialogId, pin }, { inFlight, now: clock.now(), newId });
    if (r.queue.length > items.length) added += 1;
    items = r.queue;
    changed();
    return r.action;
  }

  function settle(action: QueuedAction, outcome: BatchOutcome): void {
    inFlight.delete(action.id);
    const idx = items.findIndex((a) => a.id === action.id);
    if (idx < 0) return; // removed meanwhile (sign-out)
    if (outcome.ok) {
      items.splice(idx, 1);
      opts.onDelivered?.(action);
      writer.delivered(action.id);
      return;
    }
    const error = outcome.error;
    const kind = classify(error);
    if (kind === 'auth-lost') {
      const first = !held.has(action.accountId);
      held.add(action.accountId);
      items[idx] = { ...action, lastError: { code: error.code, message: error.message } };
      if (first) opts.onAuthLost?.(action.accountId, error.code, error);
      return;
    }
    // Only a newer intent of the same family replaces this one: a toggle queued after an unpin
    // (or the reverse) asks for something else and must not end the failed one's retries.
    const superseded = items.some(
      (a, i) =>
        i > idx &&
        a.accountId === action.accountId &&
        a.dialogId === action.dialogId &&
        familyOf(a) === familyOf(action),
    );
    if (kind === 'permanent') {
      items.splice(idx, 1);
      // A newer wish for the dialog still goes out; report only what the user will not get.
      if (!superseded) opts.onDropped?.(action, error);
      return;
    }
    if (superseded) {
      // The newer intent for this dialog replaces the failed one (the last wins).
      items.splice(idx, 1);
      return;
    }
    const attempts = action.attempts + 1;
    opts.onRetry?.(action, error);
    // Refused until someone acts on the portal's side: asking again within seconds changes nothing.
    const hint = kind === 'account-refused' ? longest : error.opts.retryAfterMs;
    items[idx] = {
      ...action,
      attempts,
      nextAttemptAt: clock.now() + backoffDelay(attempts, random, hint, backoff),
      lastError: { code: error.code, message: error.message },
    };
  }

  /**
   * One look of an account's drain: sends what is due, as batch requests at most SEND_DEPTH at
   * once, each chunk taken when a place is free (queue-send.ts) — so what comes due while a
   * request is out (new toggles, a batch window closing on a burst's tail) leaves beside it, not
   * after the whole drain — and each settled as soon as it answers, after the next chunk's request
   * has left. What is not yet on disk (the intents of this tick, the previous chunk's settlements)
   * is written right after a request has left: a crash in between finds the intent on disk or the
   * portal holding the change. False when nothing was due.
   */
  async function drainAccount(accountId: string, run: AccountRun): Promise<boolean> {
    const plan = (action: QueuedAction): Chunk[number] => ({
      action,
      calls: callsFor(action, opts.confirmedCounter?.(accountId, action.dialogId)),
    });
    /** The first BATCH_MAX due intents (every intent costs at least one sub-call: a batch's worth). */
    const dueNow = (): QueuedAction[] => {
      const now = clock.now();
      lookedAt.set(accountId, now);
      const due = dueFor(items, accountId, now, inFlight, longest, BATCH_MAX);
      // A burst is still arriving (this run was started by a full batch, or new toggles opened a
      // window while it was sending): only a full batch now, the rest when the window closes.
      if (
        due.length < BATCH_MAX &&
        (fullBatchesOnly || (kick !== null && windowSeq > drainedUpTo)) &&
        due.reduce((n, a) => n + plan(a).calls.length, 0) < BATCH_MAX
      ) {
        return [];
      }
      return due;
    };
    // A look, even when it cannot send (no client now, held): what is due waits for the event that
    // changes that (a sign-in, release), not for a timer (schedule() would set one of 0 ms, and again).
    lookedAt.set(accountId, clock.now());
    if (stopped || held.has(accountId)) return false;
    const client = opts.clientFor(accountId);
    if (!client) return false;
    if (dueNow().length === 0) return false;
    const taken: QueuedAction[] = [];
    const source = {
      more: () => dueNow().length > 0,
      take() {
        const due = dueNow();
        if (due.length === 0) return undefined;
        const chunk = chunkByCalls(due.map(plan), (p) => p.calls.length)[0]!;
        for (const p of chunk) {
          inFlight.add(p.action.id);
          taken.push(p.action);
        }
        return chunk;
      },
    };
    try {
      const sending = sendChunks(client, source, abortSignal, {
        mayStart: (answered) =>
          !stopped && !held.has(accountId) && !answered?.some((o) => !o.ok && classify(o.error) === 'auth-lost'),
        started: sent,
        allOut() {
          // Told after the requests are on their way: the push this causes does not hold them up.
          opts.onChange?.();
          if (writer.dirty) writeAfterSend();
        },
        settle(chunk, outcomes) {
          // Stopped meanwhile: an aborted send settles nothing (its intents stay as stored).
          chunk.forEach((p, j) => {
            const o = outcomes[j]!;
            if (!stopped || o.ok) settle(p.action, o);
          });
          changed();
        },
      });
      run.wake = sending.wake;
      await sending.done;
    } finally {
      run.wake = null;
      // Whatever went wrong, nothing stays marked in flight: an unsettled intent is sent again.
      for (const a of taken) inFlight.delete(a.id);
    }
    return taken.length > 0;
  }

  function schedule(): void {
    if (stopped) return;
    const now = clock.now();
    let next = Infinity;
    for (const a of items) {
      if (held.has(a.accountId) || inFlight.has(a.id)) continue;
      // Measured from the drain's look, not from now: an intent that came due after the look (the
      // clock moves on while the drain runs) is due now, not never. It happens: Node's timers run
      // on libuv's millisecond monotonic clock, which rounds down at other instants than
      // Date.now(), so a retry's timer can fire up to 1 ms before the clock reads its time; the
      // drain then finds it not yet due, and by this look it was (fault-injection.test caught an
      // OPERATION_TIME_LIMIT retry so left for good). What was due at the look and was not sent
      // (its account has no client, a window is open) waits for the event that changes that.
      const at = dueAt(a, now, longest);
      if (at > (lookedAt.get(a.accountId) ?? -Infinity) && at < next) next = at;
    }
    if (next === timerAt) return;
    if (timer !== null) clock.clearTimeout(timer);
    timer = null;
    timerAt = Infinity;
    if (next === Infinity) return;
    timerAt = next;
    timer = clock.setTimeout(
      () => {
        timer = null;
        timerAt = Infinity;
        void drain();
      },
      Math.max(0, next - now),
    );
  }

  /**
   * A request was started in this task: the HTTP client hands it to its socket from this task's
   * microtasks, so until the next turn a state push waits (see `requestLeaving`).
   */
  let sendTurn = false;
  function sent(): void {
    if (sendTurn) return;
    sendTurn = true;
    setImmediate(() => (sendTurn = false));
  }

  /** Sends everything that is due (retries, the window closing, the network back, start-up). */
  function drain(): Promise<void> {
    fullBatchesOnly = false;
    drainedUpTo = windowSeq;
    return run();
  }

  /** Starts the drain of every account with intents; an account already draining looks again, and takes what is due into a free place at once. */
  function run(): Promise<void> {
    if (stopped) return Promise.resolve();
    for (const accountId of new Set(items.map((a) => a.accountId))) {
      const current = runs.get(accountId);
      if (current) {
        current.again = true;
        current.wake?.();
      } else {
        runAccount(accountId);
      }
    }
    return Promise.all([...runs.values()].map((r) => r.done)).then(() => undefined);
  }

  function runAccount(accountId: string): void {
    const r: AccountRun = { again: false, wake: null, done: Promise.resolve() };
    runs.set(accountId, r);
    r.done = (async () => {
      try {
        let progress = true;
        while (!stopped && (progress || r.again)) {
          r.again = false;
          progress = await drainAccount(accountId, r);
        }
      } catch (err) {
        // Nothing awaits a background drain: report instead of an unhandled rejection. The
        // intents stay queued: schedule() below keeps the timers of those backing off; those that
        // were due go with the next drain (a toggle, the network back, a restart).
        opts.onError?.(err);
      } finally {
        runs.delete(accountId);
        if (runs.size === 0) fullBatchesOnly = false;
        schedule();
      }
    })();
  }

  return {
    enqueue,
    enqueueMany,
    unpin: (accountId, dialogId) => setPinned(accountId, dialogId, false),
    pin: (accountId, dialogId) => setPinned(accountId, dialogId, true),
    lookup: () => lookupIn(items),
    persisted: writer.persisted,
    safe: (actions) => writer.safe(actions.map((a) => a.id)),
    flush,
    pendingFor: (accountId, dialogId) => pendingIn(items, accountId, dialogId),
    unpinPending: (accountId, dialogId) => unpinPendingIn(items, accountId, dialogId),
    all: () => items.map((a) => ({ ...a })),
    size: () => items.length,
    drain,
    requestDrain() {
      if (stopped) return;
      if (kick === null) {
        // Open the window. Of 0 ms (the default) it closes once this task's code has run: a lone
        // toggle leaves at once, everything queued in the same task goes with it (no turn of the
        // event loop on a toggle's path: issue 14), a toggle of a later task takes the account's
        // second place if it is free, and those arriving while both are out go together when one
        // answers. Of more, it closes at the first look that
        // finds no new intent since the one before, so a burst across tasks stays together; a
        // merged toggle (a key held on one row) adds no intent and holds nothing open.
        windowOpenedAt = clock.now();
        windowSeq += 1;
        addedSeen = added;
        const look = (): void => {
          kick = null;
          const now = clock.now();
          const limit = windowOpenedAt + maxBatchWaitMs;
          if (batchWindowMs > 0 && added !== addedSeen && now < limit) {
            addedSeen = added;
            kick = clock.setTimeout(look, Math.min(batchWindowMs, limit - now));
            return;
          }
          void drain();
        };
        kick = batchWindowMs === 0 ? new EndOfTask(look) : clock.setTimeout(look, batchWindowMs);
      }
      // A full batch has nothing to wait for; the rest of the burst keeps waiting for the window.
      if (items.length - inFlight.size >= BATCH_MAX) {
        if (runs.size === 0) fullBatchesOnly = true;
        void run();
      }
    },
    requestLeaving: () => (kick !== null && batchWindowMs === 0) || sendTurn,
    retryNow(accountId) {
      const now = clock.now();
      let touched = false;
      items = items.map((a) => {
        if ((accountId && a.accountId !== accountId) || a.nextAttemptAt <= now) return a;
        touched = true;
        return { ...a, nextAttemptAt: now };
      });
      if (touched) persist();
      void drain();
    },
    hold(accountId) {
      held.add(accountId);
    },
    release(accountId) {
      if (!held.delete(accountId)) return;
      const now = clock.now();
      items = items.map((a) => (a.accountId === accountId ? { ...a, nextAttemptAt: now } : a));
      changed();
      void drain();
    },
    isHeld: (accountId) => held.has(accountId),
    removeAccount(accountId) {
      const before = items.length;
      lookedAt.delete(accountId);
      items = items.filter((a) => a.accountId !== accountId);
      held.delete(accountId);
      if (items.length !== before) changed();
    },
    moveAccount(from, to) {
      held.delete(from);
      lookedAt.delete(from);
      if (!items.some((a) => a.accountId === from)) return;
      items = items.map((a) => (a.accountId === from ? { ...a, accountId: to, nextAttemptAt: clock.now() } : a));
      changed();
      void drain();
    },
    stop() {
      stopped = true;
      // What has not been answered gives up: a send parked in the limiter never leaves.
      abort.abort(new DOMException('The action queue stopped.', 'AbortError'));
      // Nothing changed in this tick may be lost at quit.
      flush();
      if (timer !== null) clock.clearTimeout(timer);
      if (kick instanceof EndOfTask) kick.cancel();
      else if (kick !== null) clock.clearTimeout(kick);
      timer = kick = null;
      timerAt = Infinity;
    },
  };
}
