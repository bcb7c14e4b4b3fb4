/**
 * The bench's "portal across the internet" row (bench/run.ts `measureDurability` with an answer
 * delay): the portal must hold back the timed toggle's answer, not a set-up request's, for ours and
 * for the naive peer alike, or the row would compare a remote toggle with a local one. Bounds from
 * below only (the delay is a timer in the portal): nothing here is a timing of our code.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { runNaive } from '../bench/peers';
import { closePortalHost } from '../bench/portal';
import { oursToggle } from '../bench/workloads';

const DELAY_MS = 60;

describe('the toggle against a portal that answers late (bench)', () => {
  afterAll(() => closePortalHost());

  it(`ours: the timed toggle waits the ${DELAY_MS} ms, still one request`, async () => {
    const r = await oursToggle('memory', DELAY_MS);
    expect(r.wallMs).toBeGreaterThanOrEqual(DELAY_MS);
    expect(r.requests).toBe(1);
  });

  it(`the naive peer: the timed toggle waits the ${DELAY_MS} ms, still one request`, async () => {
    const r = await runNaive('toggle', DELAY_MS);
    expect(r.wallMs).toBeGreaterThanOrEqual(DELAY_MS);
    expect(r.requests).toBe(1);
  });
});
