/**
 * The durable queue's requests (moved out of actions.ts): one chunk of due
 * intents goes out as one request (a single call when the chunk holds one
 * sub-call, else one `batch`), and comes back as one outcome per intent; the
 * chunks of one drain go out at most {@link SEND_DEPTH} at a time.
 */
import { BitrixError, type BatchCall, type BatchOutcome, type BitrixClient } from '../bitrix/types';
import type { QueuedAction } from '../storage/schema';
import { SEND_DEPTH, toBitrixError } from './queue-policy';

/** One chunk of a drain: its intents and the sub-calls each costs. */
export type Chunk = { action: QueuedAction; calls: BatchCall[] }[];

/**
 * Sends the chunks of one account's drain, at most {@link SEND_DEPTH} requests out at once (the
 * next leaves on the turn after the oldest answers), and hands each chunk's outcomes to `settle` in
 * order, once the request that replaces it has left: taking in an answer never holds one up.
 * `mayStart` is asked before each request, with the outcomes of the chunk that just answered
 * (stopped, a sign-in lost — on that chunk or before —: the chunks already out settle as usual,
 * the rest are not sent); `started` is told after each one is on its way and `allOut` once the
 * first ones are.
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
export async function sendChunks(
  client: BitrixClient,
  chunks: readonly Chunk[],
  signal: AbortSignal,
  hooks: {
    mayStart(answered?: readonly BatchOutcome[]): boolean;
    started(): void;
    allOut(): void;
    settle(chunk: Chunk, outcomes: BatchOutcome[]): void;
  },
): Promise<void> {
  let next = 0;
  const out: { chunk: Chunk; outcomes: Promise<BatchOutcome[]> }[] = [];
  const start = (answered?: readonly BatchOutcome[]): boolean => {
    if (next >= chunks.length || !hooks.mayStart(answered)) return false;
    const chunk = chunks[next++]!;
    out.push({ chunk, outcomes: sendChunk(client, chunk, signal) });
    hooks.started();
    return true;
  };
  while (out.length < SEND_DEPTH && start());
  hooks.allOut();
  while (out.length > 0) {
    const { chunk, outcomes } = out.shift()!;
    const answered = await outcomes;
    if (next < chunks.length) await nextTurn();
    start(answered);
    hooks.settle(chunk, answered);
  }
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
