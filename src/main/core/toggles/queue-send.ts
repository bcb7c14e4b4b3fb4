/**
 * The durable queue's requests (moved out of actions.ts): one chunk of due
 * intents goes out as one request (a single call when the chunk holds one
 * sub-call, else one `batch`), and comes back as one outcome per intent; an
 * account's chunks go out at most {@link SEND_DEPTH} at a time.
 */
import { BitrixError, type BatchCall, type BatchOutcome, type BitrixClient } from '../bitrix/types';
import type { QueuedAction } from '../storage/schema';
import { SEND_DEPTH, toBitrixError } from './queue-policy';

/** One chunk of a drain: its intents and the sub-calls each costs. */
export type Chunk = { action: QueuedAction; calls: BatchCall[] }[];

/** Where a drain's chunks come from: taken one at a time, when a request may leave. */
export interface ChunkSource {
  /** The next chunk to send, its intents now counted as in flight; none when nothing is due. */
  take(): Chunk | undefined;
  /** Whether {@link ChunkSource.take} would give a chunk now. */
  more(): boolean;
}

/** A drain's requests under way: {@link SentChunks.wake} when more may have come due. */
export interface SentChunks {
  /** Settles once every request has answered and every chunk is settled. */
  readonly done: Promise<void>;
  /** Takes what is due into the free places (up to {@link SEND_DEPTH} out); nothing once `done`. */
  wake(): void;
}

/**
 * Sends one account's chunks, at most {@link SEND_DEPTH} requests out at once, each taken from
 * `source` when a place is free: at the start, on the turn after the oldest answers, and on
 * `wake()` (new intents, a batch window closing) while one is still out, and after a settlement
 * that let a newer wish for one of its dialogs come due — so what comes due while a request is
 * out leaves beside it, not after the whole drain. Each chunk's outcomes go to
 * `settle` in order, once the request that replaces it has left: taking in an answer never holds
 * one up. `mayStart` is asked before each request, with the outcomes of the chunk that just
 * answered (stopped, a sign-in lost — on that chunk or before —: the chunks already out settle as
 * usual, nothing more is taken); `started` is told after each one is on its way and `allOut` once
 * the first ones are (and again after a `wake()` that sent some).
 *
 * The request that follows an answer starts on the next turn of the event loop, not from the
 * answer's own microtasks: Node's fetch (undici) takes a connection back for another request only
 * a full turn after a response ends (node_modules/undici/lib/dispatcher/client-h1.js,
 * `onMessageComplete`: "We must wait a full event loop cycle to reuse this socket", for
 * pipelining 1), and its pool opens a new connection for a request that finds every one busy
 * (dispatcher/pool.js `kGetDispatcher`, no limit by default). Started at once, the third batch of
 * a Mark all read waited for a new connection (a TCP handshake; a TLS one too against a real
 * portal) while the one that had just answered stood idle. Electron's `net.fetch` (Chromium's
 * socket pool) was not checked here; there the wait costs one turn.
 */
export function sendChunks(
  client: BitrixClient,
  source: ChunkSource,
  signal: AbortSignal,
  hooks: {
    mayStart(answered?: readonly BatchOutcome[]): boolean;
    started(): void;
    allOut(): void;
    settle(chunk: Chunk, outcomes: BatchOutcome[]): void;
  },
): SentChunks {
  /** The requests out, oldest first (the oldest stays here until its place is taken again). */
  const out: { chunk: Chunk; outcomes: Promise<BatchOutcome[]> }[] = [];
  let finished = false;
  const fill = (answered?: readonly BatchOutcome[]): number => {
    let n = 0;
    while (out.length < SEND_DEPTH && hooks.mayStart(answered)) {
      const chunk = source.take();
      if (!chunk) break;
      out.push({ chunk, outcomes: sendChunk(client, chunk, signal) });
      hooks.started();
      n += 1;
    }
    return n;
  };
  fill();
  hooks.allOut();
  const done = (async () => {
    // Finished the moment the last one is settled, however it ends (a callback that throws
    // included): a later wake() takes nothing.
    try {
      while (out.length > 0) {
        const { chunk, outcomes } = out[0]!;
        const answered = await outcomes;
        if (source.more()) await nextTurn();
        out.shift();
        fill(answered);
        hooks.settle(chunk, answered);
        // The settlement may have let a newer wish for one of its dialogs come due (it waits while
        // the older one is out): it takes a place left free, on the next turn as above.
        if (out.length < SEND_DEPTH && source.more()) {
          await nextTurn();
          if (fill() > 0) hooks.allOut();
        }
      }
    } finally {
      finished = true;
    }
  })();
  return {
    done,
    wake() {
      if (!finished && fill() > 0) hooks.allOut();
    },
  };
}

/** Resolves on the next turn of the event loop, once the I/O callbacks of this one have run (see {@link sendChunks}). */
const nextTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** Sends one request for the chunk; one outcome per intent (delivered only when all its sub-calls are). */
export async function sendChunk(client: BitrixClient, batch: Chunk, signal: AbortSignal): Promise<BatchOutcome[]> {
  const calls = batch.flatMap((b) => b.calls);
  if (calls.length === 1) {
    const c = calls[0]!;
    try {
      const result = await client.call(c.method, c.params, { retries: 0, signal });
      return [{ ok: true, result }];
    } catch (err) {
      return [{ ok: false, error: toBitrixError(err) }];
    }
  }
  let outcomes: BatchOutcome[];
  try {
    outcomes = await client.batch(calls, { retries: 0, signal });
  } catch (err) {
    const error = toBitrixError(err);
    return batch.map(() => ({ ok: false as const, error }));
  }
  // A short answer must not count missing sub-calls as delivered.
  const missing = (): BatchOutcome => ({
    ok: false,
    error: new BitrixError('BAD_RESPONSE', 'The portal answered part of a batch.', { transient: true }),
  });
  let i = 0;
  return batch.map((b) => {
    const mine = b.calls.map(() => outcomes[i++] ?? missing());
    return mine.find((o) => !o.ok) ?? mine[0]!;
  });
}
