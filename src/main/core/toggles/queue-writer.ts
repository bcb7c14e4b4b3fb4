/**
 * The durable queue's persistence (moved out of actions.ts as is): reading
 * what an earlier process left under the store key `queue`, and writing the
 * queue at most once per tick, after a request that is about to leave has
 * left (issue 14: the write follows its request onto the wire), with a
 * promise for whoever must wait until the intents are on disk.
 */
import type { KeyValueStore } from '../ports';
import { isQueuedAction, type QueuedAction } from '../storage/schema';

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
  /** Writes pending changes now (synchronously). */
  flush(): void;
  /** Writes on the next turn of the event loop, after a request started in this turn has left. */
  writeAfterSend(): void;
  /** Resolves once every change made so far is written (at once when nothing waits to be written). */
  persisted(): Promise<void>;
  /** Changes not yet written. */
  readonly dirty: boolean;
}

export function createQueueWriter(opts: {
  store: KeyValueStore;
  /** The queue as it is now (what a write stores). */
  items: () => QueuedAction[];
  /** A drain is about to send (a batch window is open) or is sending: the write follows its request. */
  sending: () => boolean;
  /** A write failed; the intents are still in memory and the next write saves the whole queue. */
  onError?: (err: unknown) => void;
}): QueueWriter {
  const { store } = opts;
  /** Changes not yet written, and who waits for the write. */
  let dirty = false;
  let pendingWrite: Promise<void> | null = null;
  let writeDone: (() => void) | null = null;
  let lateWrite = false;

  function flush(): void {
    if (dirty) {
      dirty = false;
      try {
        store.set(QUEUE_KEY, opts.items());
      } catch (err) {
        // A failed write (disk full, folder gone at quit) must not break delivery: the intents
        // are still in memory and the next write saves the whole queue again.
        opts.onError?.(err);
      }
    }
    const done = writeDone;
    pendingWrite = null;
    writeDone = null;
    done?.();
  }
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
      flush();
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
      if (!dirty) return flush();
      // A drain about to send (window open) or sending: its request leaves first; a batch's
      // settlements are written after the state push that shows them.
      if (opts.sending()) writeAfterSend();
      else flush();
    });
  }

  return {
    persist,
    flush,
    writeAfterSend,
    persisted: () => pendingWrite ?? Promise.resolve(),
    get dirty() {
      return dirty;
    },
  };
}
