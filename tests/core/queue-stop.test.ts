/**
 * The queue's stop() against the REAL client and limiter over HTTP: a toggle
 * still waiting for the rate limiter when the app stops must never leave
 * afterwards. The next run sends it from the store; if this one sent it too,
 * the portal would get it twice (the fault table's "corrupted store file"
 * row showed 30 duplicates exactly so, when the first run's sends were
 * parked in an emptied client bucket).
 */
import { afterEach, expect, it } from 'vitest';
import { parseWebhookUrl, webhookAuth } from '../../src/main/core/auth/webhook';
import { createActionQueue } from '../../src/main/core/toggles/actions';
import { createBitrixClient } from '../../src/main/core/bitrix/client';
import { createLeakyBucket } from '../../src/main/core/bitrix/limiter';
import { fakeClock, flush } from '../support/fake-clock';
import { generateDialogs, startFakePortal, type FakePortal } from '../../dev/fake-portal/server';
import { memoryStore } from './helpers';

let portal: FakePortal | null = null;
afterEach(async () => {
  await portal?.close();
  portal = null;
});

it('a toggle parked in the rate limiter at stop() never reaches the portal, and stays queued for the next run', async () => {
  portal = await startFakePortal({ seed: generateDialogs(3, { pinned: 3 }), rateLimit: false });
  const clock = fakeClock();
  // One request a second, burst 1: the first call empties the bucket.
  const limiter = createLeakyBucket({ ratePerSec: 1, burst: 1, clock });
  const client = createBitrixClient({ auth: webhookAuth(parseWebhookUrl(portal.webhookUrl)), clock, limiter });
  await client.call('profile');
  portal.resetCalls();

  const store = memoryStore();
  const queue = createActionQueue({ store, clock, clientFor: () => client, confirmedCounter: () => 0 });
  queue.enqueue('a', 'chat1001', true);
  const draining = queue.drain();
  await flush();
  expect(portal.calls).toEqual([]); // parked in the limiter (the fake clock has not moved)

  queue.stop();
  await clock.advance(5_000); // the bucket refills: a send still waiting would leave now
  await draining;
  await flush();

  expect(portal.calls.filter((c) => c.method === 'im.recent.unread')).toEqual([]);
  const next = createActionQueue({ store, clock, clientFor: () => client });
  expect(next.all().map((a) => [a.dialogId, a.kind, 'unread' in a && a.unread])).toEqual([
    ['chat1001', 'unread', true],
  ]);
});
