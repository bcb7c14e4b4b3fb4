/**
 * The durable queue's request (moved out of actions.ts as is): one chunk of
 * due intents goes out as one request (a single call when the chunk holds one
 * sub-call, else one `batch`), and comes back as one outcome per intent.
 */
import { BitrixError, type BatchCall, type BatchOutcome, type BitrixClient } from '../bitrix/types';
import type { QueuedAction } from '../storage/schema';
import { toBitrixError } from './queue-policy';

/** Sends one request for the chunk; one outcome per intent (delivered only when all its sub-calls are). */
export async function sendChunk(
  client: BitrixClient,
  batch: { action: QueuedAction; calls: BatchCall[] }[],
  signal: AbortSignal,
): Promise<BatchOutcome[]> {
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
