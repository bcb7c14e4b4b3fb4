/**
 * The bench's sides are timed on connections in the same state (bench/workloads.ts WARM_UP): each
 * side's timed toggle goes on an open connection whose last request was the warm-up call, sent just
 * before. Until issue 14's sixteenth round ours' last request before its toggle was its sign-in's
 * list load, tens of milliseconds earlier, and the same fetch on that colder connection was ~0.5 ms
 * slower than on the peers' just-used ones.
 */
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { afterAll, describe, expect, it } from 'vitest';
import { runNaive } from '../bench/peers';
import { closePortalHost } from '../bench/portal';
import { oursToggle, WARM_UP } from '../bench/workloads';

/** Every request Node's fetch sends while `run` runs: its REST method and the socket it went on. */
async function requestsOf(run: () => Promise<unknown>): Promise<{ method: string; socket: object }[]> {
  const sent: { method: string; socket: object }[] = [];
  const onSend = (m: unknown): void => {
    const { request, socket } = m as { request: { path: string }; socket: object };
    sent.push({
      method: request.path
        .split('/')
        .pop()!
        .replace(/\.json$/, ''),
      socket,
    });
  };
  subscribe('undici:client:sendHeaders', onSend);
  try {
    await run();
  } finally {
    unsubscribe('undici:client:sendHeaders', onSend);
  }
  return sent;
}

/** The methods of the requests sent on the socket of the last `im.recent.unread` (the timed toggle), in order. */
function onToggleSocket(sent: { method: string; socket: object }[]): string[] {
  const toggle = sent.findLast((r) => r.method === 'im.recent.unread');
  expect(toggle).toBeDefined();
  return sent.filter((r) => r.socket === toggle!.socket).map((r) => r.method);
}

describe('the connection each side toggles on (bench)', () => {
  afterAll(() => closePortalHost());

  it(`ours: its sign-in's connection, which carried the ${WARM_UP} call just before`, async () => {
    const methods = onToggleSocket(await requestsOf(() => oursToggle('memory')));
    expect(methods.slice(-2)).toEqual([WARM_UP, 'im.recent.unread']);
    // The sign-in's requests went on it first: the warm-up reused ours' connection, it opened none.
    expect(methods.length).toBeGreaterThan(2);
  });

  it(`the naive peer: the connection that carried its ${WARM_UP} call just before`, async () => {
    const methods = onToggleSocket(await requestsOf(() => runNaive('toggle')));
    expect(methods.slice(-2)).toEqual([WARM_UP, 'im.recent.unread']);
  });
});
