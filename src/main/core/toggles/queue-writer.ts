/**
 * The durable queue's persistence (moved out of actions.ts as is): reading
 * what an earlier process left under the store key `queue`, and writing the
 * queue at most once per tick, after a request that is about to leave has
 * left (issue 14: the write follows its request onto the wire), with a
 * promise for whoever must wait until the intents are on disk. Where the
 * store can (`setAsync`: the store appends the queue to its queue log,
 * storage/queue-log.ts), a line that must reach the disk is written and
 * synced off the event loop, so an answer arriving meanwhile is taken in at
 * once; `flush` (at stop) writes before it returns.
 */
import type { Clock, KeyValueStore, TimerHandle } from '../ports';
import type { QueuedAction } from '../storage/schema';
import { isQueuedAction } from '../storage/validators';

/** The store key holding the queue. */
export const QUEUE_KEY = 'queue';

/** The intents an earlier process left in the store (invalid entries are skipped). */
export function loadQueue(store: KeyValueStore): QueuedAction[] {
  const stored = store.get(QUEUE_KEY);
  return Array.isArray(stored)
    ? stored.filter((v): v is QueuedAction => isQueuedAction(v)).map((a) => ({ ...a, lastError: a.lastError ?? null }))
    : [];
}

/** Writes the queue: once per tick, or after the request of this turn has left. */
export interface QueueWriter {
  /** Marks the queue dirty and schedules its write (see {@link createQueueWriter}). */
  persist(): void;
  /** Writes pending changes now (synchronously, with whatever an asynchronous write still had pending, or a failed write). */
  flush(): void;
  /** Writes on the next turn of the event loop, after a request started in this turn has left. */
  writeAfterSend(): void;
  /** Resolves once every change made so far is on disk (never rejects: a failed write goes to `onError`). */
  persisted(): Promise<void>;
  /**
   * Resolves once the intents `ids` cannot be lost: every change made so far is on disk, or the
   * portal has confirmed every one of them ({@link QueueWriter.delivered}), whichever comes first.
   * Never rejects.
   */
  safe(ids: readonly string[]): Promise<void>;
  /** The portal confirmed the intent `id`: whoever waits in {@link QueueWriter.safe} for it is told. */
  delivered(id: string): void;
  /** Changes not yet written. */
  readonly dirty: boolean;
}

export function createQueueWriter(opts: {
  store: KeyValueStore;
  /** The queue as it is now (what a write stores). */
  items: () => QueuedAction[];
  /** A drain is about to send (a batch window is open) or is sending: the write follows its request. */
  sending: () => boolean;
  clock: Clock;
  /** A write failed; the intents are still in memory, and the whole queue is written again after `rewriteAfterMs`. */
  onError?: (err: unknown) => void;
  /** A write succeeded. */
  onWritten?: () => void;
  /** Wait before writing again after a failed write (default 10 s). */
  rewriteAfterMs?: number;
}): QueueWriter {
  const { store } = opts;
  /** Changes not yet written, and who waits for the write. */
  let dirty = false;
  let pendingWrite: Promise<void> | null = null;
  let writeDone: (() => void) | null = null;
  let lateWrite = false;

  /** The last write started (settles once it is on disk, or failed and was reported; never rejects). */
  let lastWrite: Promise<void> = Promise.resolve();

  /** The write again after a failed one. */
  let rewrite: TimerHandle | null = null;
  const cancelRewrite = (): void => {
    if (rewrite !== null) opts.clock.clearTimeout(rewrite);
    rewrite = null;
  };

  /** Writes the queue if it changed: off the event loop where the store can, unless `sync`. */
  function write(sync: boolean): void {
    if (dirty) {
      dirty = false;
      cancelRewrite();
      // A failed write (disk full, folder gone at quit) must not break delivery: the intents are
      // still in memory; the user is told (onError), and the whole queue is written again later.
      const failed = (err: unknown): void => {
        opts.onError?.(err);
        if (rewrite !== null) return;
        rewrite = opts.clock.setTimeout(() => {
          rewrite = null;
          dirty = true;
          write(false);
        }, opts.rewriteAfterMs ?? 10_000);
      };
      const written = (): void => opts.onWritten?.();
      try {
        if (!sync && store.setAsync) {
          lastWrite = store.setAsync(QUEUE_KEY, opts.items()).then(written, failed);
        } else {
          // Writes whatever an asynchronous write still had pending too (the store's contract).
          store.set(QUEUE_KEY, opts.items());
          lastWrite = Promise.resolve();
          written();
        }
      } catch (err) {
        failed(err);
      }
    }
    const done = writeDone;
    pendingWrite = null;
    writeDone = null;
    if (done) void lastWrite.then(done);
  }
  /** At stop: writes now, a failed write's pending rewrite included, and leaves no timer behind. */
  const flush = (): void => {
    if (rewrite !== null) dirty = true;
    write(true);
    cancelRewrite();
  };
  /**
   * Writes on the next turn of the event loop: after a request started in this turn has been
   * handed to its socket (the HTTP client sends from microtasks), so the write overlaps the
   * request instead of delaying it.
   */
  function writeAfterSend(): void {
    if (lateWrite) return;
    lateWrite = true;
    setImmediate(() => {
      lateWrite = false;
      write(false);
    });
  }
  /**
   * Marks the queue dirty and writes it once per tick: 200 toggles of one tick (or one batch's
   * settled intents) cost one write of the whole queue, not 200. When a drain is about to send
   * (a batch window is open) or is sending, the write follows on the next turn; otherwise it
   * happens at the end of this tick.
   */
  function persist(): void {
    dirty = true;
    if (pendingWrite) return;
    pendingWrite = new Promise<void>((resolve) => {
      writeDone = resolve;
    });
    queueMicrotask(() => {
      if (!dirty) return write(false);
      // A drain about to send (window open) or sending: its request leaves first; a batch's
      // settlements are written after the state push that shows them.
      if (opts.sending()) writeAfterSend();
      else write(false);
    });
  }

  function persisted(): Promise<void> {
    return pendingWrite ?? lastWrite;
  }

  /** Who waits for an intent's delivery ({@link QueueWriter.safe}), by intent id. */
  const deliveryWaiters = new Map<string, (() => void)[]>();

  function safe(ids: readonly string[]): Promise<void> {
    const written = persisted();
    const queued = new Set(opts.items().map((a) => a.id));
    const waiting = [...new Set(ids)].filter((id) => queued.has(id));
    // Nothing left to deliver (coalesced away, back to what the portal has): the write decides.
    if (waiting.length === 0) return written;
    let left = waiting.length;
    let confirmed = (): void => {};
    const allDelivered = new Promise<void>((resolve) => (confirmed = resolve));
    const one = (): void => {
      left -= 1;
      if (left === 0) confirmed();
    };
    for (const id of waiting) deliveryWaiters.set(id, [...(deliveryWaiters.get(id) ?? []), one]);
    // The write lands in any case (a dropped or superseded intent is never delivered): forget the waiters then.
    return Promise.race([written, allDelivered]).then(() => {
      for (const id of waiting) {
        const list = deliveryWaiters.get(id)?.filter((w) => w !== one);
        if (list && list.length > 0) deliveryWaiters.set(id, list);
        else deliveryWaiters.delete(id);
      }
    });
  }

  function delivered(id: string): void {
    const waiting = deliveryWaiters.get(id);
    if (!waiting) return;
    deliveryWaiters.delete(id);
    for (const w of waiting) w();
  }

  return {
    persist,
    safe,
    delivered,
    flush,
    writeAfterSend,
    persisted,
    get dirty() {
      return dirty;
    },
  };
}
