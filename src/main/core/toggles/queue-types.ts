/**
 * The durable queue's contract (moved out of actions.ts as is): what the
 * queue is built from ({@link ActionQueueOptions}) and what it offers
 * ({@link ActionQueue}). The queue itself is toggles/actions.ts.
 */
import type { ErrorCode } from '../../../shared/errors';
import type { BitrixClient, BitrixError } from '../bitrix/types';
import type { Clock, KeyValueStore } from '../ports';
import type { QueuedAction, QueuedPin, QueuedToggle, QueuedUnpin } from '../storage/schema';

export interface ActionQueueOptions {
  store: KeyValueStore;
  clock: Clock;
  /** The client of that account, or null when it cannot send now (signed out, secret lost). */
  clientFor: (accountId: string) => BitrixClient | null;
  /** Any change of the queue (enqueue, delivery, drop, backoff). */
  onChange?: () => void;
  /** An intent was refused for good: tell the user which dialog and why. */
  onDropped?: (action: QueuedAction, error: BitrixError) => void;
  /** A transient failure or a portal refusing the whole account: the intent stays and is retried after a backoff (the core shows "offline" on NETWORK/TIMEOUT). */
  onRetry?: (action: QueuedAction, error: BitrixError) => void;
  /** The portal confirmed an intent. */
  onDelivered?: (action: QueuedAction) => void;
  /** An unexpected failure of a drain; the intents stay queued. */
  onError?: (err: unknown) => void;
  /**
   * The queue could not be written (disk full, no permission, a read-only disk): the intents stay
   * queued in memory and are still sent, but are lost if the app quits before a write succeeds.
   * The write is tried again every {@link ActionQueueOptions.rewriteAfterMs} until one does.
   */
  onWriteFailed?: (err: unknown) => void;
  /** A write of the queue succeeded (after a failure: the intents are safe again). */
  onWritten?: () => void;
  /** Wait before writing again after a failed write (default 10 s). */
  rewriteAfterMs?: number;
  /** The account's sign-in was lost: its intents are kept and no longer sent until {@link ActionQueue.release}. */
  onAuthLost?: (accountId: string, code: ErrorCode, error: BitrixError) => void;
  /**
   * What the portal last confirmed for a dialog (`unreadMark || counter > 0`),
   * or undefined when unknown. An intent that returns a dialog to it is removed.
   */
  confirmedUnread?: (accountId: string, dialogId: string) => boolean | undefined;
  /**
   * The unread-message count the portal last confirmed for a dialog, or undefined when unknown.
   * A "read" intent for a dialog known to have none costs the single `im.recent.unread N`; any
   * other "read" also sends `im.dialog.read` (see {@link callsFor}).
   */
  confirmedCounter?: (accountId: string, dialogId: string) => number | undefined;
  /** [0, 1) source for jitter (injectable for tests). */
  random?: () => number;
  /**
   * How often the queue looks whether new toggles still arrive before it sends. Default 0: no
   * timer; the window closes once the task that queued a toggle has run (a microtask), so a lone
   * toggle leaves at once with whatever that task queued; a toggle of a later task (one IPC
   * message each) takes the account's second place (SEND_DEPTH) if it is free, and those that
   * arrive while both are out go together when one answers. More than 0: while
   * each look finds new toggles (a burst, however its toggles arrive) the queue keeps waiting and
   * sends full batches of 50 at once, the rest when a look finds nothing new.
   */
  batchWindowMs?: number;
  /**
   * Longest a burst keeps the window open (default 5 s; a burst of new dialogs sends every 50
   * anyway, so this only bounds a slow trickle of them).
   */
  maxBatchWaitMs?: number;
  /** New ids (injectable for tests). */
  newId?: () => string;
  /** Backoff bounds (default {@link BACKOFF}: 1 s doubling up to 5 min); tests shorten them. */
  backoff?: { baseMs: number; capMs: number };
}

/** The running queue. */
export interface ActionQueue {
  /**
   * Records an intent and coalesces it with older ones for the dialog. The queue is written once
   * per tick: at the end of the tick, or, when a drain is about to send, on the turn of the event
   * loop after the request has left (the write no longer delays it); with a store that has
   * `setAsync`, the file's bytes and fsync then run off the event loop (nor does the write delay
   * the answer). Await {@link ActionQueue.safe} before telling anyone the intent cannot be lost.
   */
  enqueue(accountId: string, dialogId: string, unread: boolean): QueuedToggle;
  /**
   * {@link ActionQueue.enqueue} for each target in order, in one pass over the queue ("Mark all
   * read": 200 separate enqueues would cost 200 scans and copies of a growing queue).
   */
  enqueueMany(targets: readonly { accountId: string; dialogId: string }[], unread: boolean): QueuedToggle[];
  /**
   * Records an unpin of the dialog (`im.recent.pin PIN=N`), written and sent like a toggle. An
   * unpin already waiting or in flight for the dialog stands for it; the dialog's toggles stay.
   * Returns the intent that stands for the wish, or null when a pin again that was never sent
   * is taken back instead (queue-policy.ts `coalescePin`).
   */
  unpin(accountId: string, dialogId: string): QueuedUnpin | QueuedPin | null;
  /**
   * Records a pin again of the dialog (`im.recent.pin PIN=Y`: the undo of an unpin), the same way:
   * an unpin that was never sent is taken back instead (null), one in flight is followed.
   */
  pin(accountId: string, dialogId: string): QueuedUnpin | QueuedPin | null;
  /** Resolves once every change made so far is on disk (at once when nothing waits to be written). A failed write is reported through `onError`, never as a rejection. */
  persisted(): Promise<void>;
  /**
   * Resolves once the user's wishes `actions` (what {@link ActionQueue.enqueue} or
   * {@link ActionQueue.unpin} returned) cannot be lost: every change made so far is on disk
   * ({@link ActionQueue.persisted}), or the portal has confirmed every one of them, whichever
   * comes first. Never rejects.
   */
  safe(actions: readonly QueuedAction[]): Promise<void>;
  /** Writes pending changes now (synchronously, with whatever an asynchronous write still had pending). */
  flush(): void;
  /** The newest read/unread toggle for a dialog (queued or in flight), if any. */
  pendingFor(accountId: string, dialogId: string): QueuedToggle | undefined;
  /** The dialog's newest pin-family intent is an unpin (its row is hidden until it is refused or undone). */
  unpinPending(accountId: string, dialogId: string): boolean;
  /**
   * {@link ActionQueue.pendingFor} and {@link ActionQueue.unpinPending} for many rows at once:
   * one pass over the queue now, then lookups (a state of 200 rows), valid until the queue changes.
   */
  lookup(): {
    pendingFor(accountId: string, dialogId: string): QueuedToggle | undefined;
    unpinPending(accountId: string, dialogId: string): boolean;
  };
  /** Every intent, in enqueue order. */
  all(): QueuedAction[];
  /** How many intents wait (cheap). */
  size(): number;
  /** Sends what is due. Single-flight: concurrent callers share one run, which repeats while work arrives. */
  drain(): Promise<void>;
  /** Drains once new toggles stop arriving (at the end of this task for a lone toggle; what a user toggle calls). */
  requestDrain(): void;
  /**
   * A request leaves in this task's microtasks: a zero batch window is open, or a request was just
   * started (the HTTP client hands it to its socket from microtasks). A state push waits for the
   * next turn of the event loop then, so building it does not hold the request up.
   */
  requestLeaving(): boolean;
  /** Makes every backed-off intent (of one account, or all) due now: the network is back. */
  retryNow(accountId?: string): void;
  /** Stops sending for an account (sign-in lost). Its intents stay. */
  hold(accountId: string): void;
  /** Sends for the account again (signed in again) and drains. */
  release(accountId: string): void;
  isHeld(accountId: string): boolean;
  /** Forgets an account's intents (sign-out). */
  removeAccount(accountId: string): void;
  /** Hands every intent of `from` to `to` (the same person on the same portal at its new address); `from` is no longer held. */
  moveAccount(from: string, to: string): void;
  /**
   * Stops timers, writes pending changes and aborts every request that has not been answered
   * (one parked in the rate limiter never leaves; the intents stay persisted for the next start).
   */
  stop(): void;
}
