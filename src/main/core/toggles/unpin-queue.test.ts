/**
 * Unpins in the durable queue: stored with their kind, sent as
 * `im.recent.pin PIN=N`, coalesced only with unpins and pins again (the
 * popup's undo, `PIN=Y`), independent of the dialog's read/unread toggles
 * (neither replaces, delays nor hides the other's failure), packed into
 * batches with toggles, resumed after a restart.
 */
import { describe, expect, it } from 'vitest';
import { BitrixError } from '../bitrix/types';
import type { QueuedAction, QueuedToggle } from '../storage/schema';
import { QUEUE_KEY, coalesce, coalescePin, createActionQueue } from './actions';
import { memoryStore, scriptedClient } from '../../../../tests/core/helpers';
import { fakeClock } from '../../../../tests/support/fake-clock';

function setup(opts: { store?: ReturnType<typeof memoryStore>; counters?: Record<string, number> } = {}) {
  const clock = fakeClock();
  const store = opts.store ?? memoryStore();
  const client = scriptedClient('https://a.bitrix24.ru');
  const dropped: { action: QueuedAction; code: string }[] = [];
  const delivered: QueuedAction[] = [];
  const retried: QueuedAction[] = [];
  let ids = 0;
  const queue = createActionQueue({
    store,
    clock,
    clientFor: () => client,
    onDropped: (action, error) => dropped.push({ action, code: error.code }),
    onDelivered: (a) => delivered.push(a),
    onRetry: (a) => retried.push(a),
    confirmedCounter: (_acc, d) => opts.counters?.[d] ?? 0,
    random: () => 0.5,
    newId: () => `q${++ids}`,
  });
  return { clock, store, client, queue, dropped, delivered, retried };
}

/** The sub-calls of every request, as `method DIALOG_ID value` strings, one array per request. */
function requests(client: ReturnType<typeof scriptedClient>): string[][] {
  return client.sent.map((r) =>
    r.calls.map((c) => {
      const p = c.params as Record<string, string>;
      return `${c.method} ${p.DIALOG_ID}${p.PIN ? ` PIN=${p.PIN}` : ''}${p.ACTION ? ` ACTION=${p.ACTION}` : ''}`;
    }),
  );
}

const toggle = (id: string, dialogId: string, unread: boolean): QueuedToggle => ({
  id,
  kind: 'unread',
  accountId: 'a',
  dialogId,
  unread,
  createdAt: 1,
  attempts: 0,
  nextAttemptAt: 1,
  lastError: null,
});

describe('coalescing unpins (pure)', () => {
  const ctx = { inFlight: new Set<string>(), now: 10, newId: () => 'n' };

  it('an unpin already waiting or in flight for the dialog stands for a new one', () => {
    const r1 = coalescePin([], { accountId: 'a', dialogId: 'chat1', pin: false }, ctx);
    expect(r1.queue).toEqual([
      {
        id: 'n',
        kind: 'unpin',
        accountId: 'a',
        dialogId: 'chat1',
        createdAt: 10,
        attempts: 0,
        nextAttemptAt: 10,
        lastError: null,
      },
    ]);
    const r2 = coalescePin(r1.queue, { accountId: 'a', dialogId: 'chat1', pin: false }, { ...ctx, newId: () => 'm' });
    expect(r2.queue).toEqual(r1.queue);
    expect(r2.action?.id).toBe('n');
    // Another dialog, another account: their own unpins.
    expect(coalescePin(r1.queue, { accountId: 'a', dialogId: 'chat2', pin: false }, ctx).queue).toHaveLength(2);
    expect(coalescePin(r1.queue, { accountId: 'b', dialogId: 'chat1', pin: false }, ctx).queue).toHaveLength(2);
  });

  it('an unpin leaves the toggles of its dialog as they are, and a toggle leaves the unpin', () => {
    const read = toggle('t1', 'chat1', false);
    const r = coalescePin([read], { accountId: 'a', dialogId: 'chat1', pin: false }, ctx);
    expect(r.queue.map((a) => [a.id, a.kind])).toEqual([
      ['t1', 'unread'],
      ['n', 'unpin'],
    ]);
    // A later toggle merges into the waiting toggle (the last wins), past the unpin.
    const t = coalesce(r.queue, { accountId: 'a', dialogId: 'chat1', unread: true }, ctx);
    expect(t.queue.map((a) => [a.id, a.kind, 'unread' in a ? a.unread : null])).toEqual([
      ['t1', 'unread', true],
      ['n', 'unpin', null],
    ]);
    // A toggle back to what the portal shows removes the toggle only.
    const back = coalesce(r.queue, { accountId: 'a', dialogId: 'chat1', unread: true }, { ...ctx, confirmed: true });
    expect(back.removed).toBe(true);
    expect(back.queue.map((a) => a.id)).toEqual(['n']);
    // A toggle of a dialog with only an unpin queued is a new intent of its own.
    const fresh = coalesce([r.queue[1]!], { accountId: 'a', dialogId: 'chat1', unread: false }, ctx);
    expect(fresh.queue.map((a) => a.kind)).toEqual(['unpin', 'unread']);
  });
});

describe('pinning again (the undo of an unpin), coalesced with the unpin (pure)', () => {
  const unpin = (id: string, attempts = 0): QueuedAction => ({
    id,
    kind: 'unpin',
    accountId: 'a',
    dialogId: 'chat1',
    createdAt: 1,
    attempts,
    nextAttemptAt: 1,
    lastError: null,
  });
  const ctx = (inFlight: string[] = []) => ({ inFlight: new Set(inFlight), now: 10, newId: () => 'p' });
  const pin = { accountId: 'a', dialogId: 'chat1', pin: true };

  it('an unpin never sent is taken back: nothing is queued, nothing is sent', () => {
    const r = coalescePin([toggle('t1', 'chat1', true), unpin('u1')], pin, ctx());
    expect(r.queue.map((a) => a.id)).toEqual(['t1']);
    expect(r.action).toBeNull();
  });

  it('behind an unpin in flight, or after one already sent once (a retry), a pin again is queued', () => {
    const flying = coalescePin([unpin('u1')], pin, ctx(['u1']));
    expect(flying.queue.map((a) => [a.id, a.kind])).toEqual([
      ['u1', 'unpin'],
      ['p', 'pin'],
    ]);
    expect(flying.action).toMatchObject({ id: 'p', kind: 'pin' });
    // It may have reached the portal before its answer was lost: the pin replaces it.
    const retried = coalescePin([unpin('u1', 1)], pin, ctx());
    expect(retried.queue.map((a) => [a.id, a.kind])).toEqual([['p', 'pin']]);
    // Unpinned again meanwhile: the waiting pin goes, the unpin in flight stands for the wish.
    const again = coalescePin(flying.queue, { ...pin, pin: false }, ctx(['u1']));
    expect(again.queue.map((a) => a.id)).toEqual(['u1']);
    expect(again.action?.id).toBe('u1');
  });
});

describe('the action queue with unpins', () => {
  it('stores an unpin (kind, no `unread`), sends exactly im.recent.pin {DIALOG_ID, PIN: N} and forgets it once delivered', async () => {
    const { queue, store, client, delivered } = setup();
    const action = queue.unpin('a', 'chat74')!;
    expect(action).toMatchObject({ kind: 'unpin', dialogId: 'chat74' });
    expect('unread' in action).toBe(false);
    expect(queue.unpinPending('a', 'chat74')).toBe(true);
    expect(queue.pendingFor('a', 'chat74')).toBeUndefined();
    await queue.persisted();
    expect(store.get(QUEUE_KEY)).toEqual([action]);
    await queue.drain();
    await queue.persisted();
    expect(client.sent).toEqual([
      { kind: 'call', calls: [{ method: 'im.recent.pin', params: { DIALOG_ID: 'chat74', PIN: 'N' } }], retries: 0 },
    ]);
    expect(delivered).toEqual([action]);
    expect(queue.unpinPending('a', 'chat74')).toBe(false);
    expect(store.get(QUEUE_KEY)).toEqual([]);
  });

  it('a toggle and an unpin of one dialog both go, in one batch, in the order the user made them', async () => {
    const { queue, client, delivered } = setup({ counters: { chat1: 3 } });
    queue.enqueue('a', 'chat1', false);
    queue.unpin('a', 'chat1');
    queue.unpin('a', 'chat1'); // twice: one unpin
    expect(queue.pendingFor('a', 'chat1')).toMatchObject({ kind: 'unread', unread: false });
    expect(queue.unpinPending('a', 'chat1')).toBe(true);
    await queue.drain();
    expect(requests(client)).toEqual([
      ['im.recent.unread chat1 ACTION=N', 'im.dialog.read chat1', 'im.recent.pin chat1 PIN=N'],
    ]);
    expect(delivered.map((a) => a.kind)).toEqual(['unread', 'unpin']);
    expect(queue.size()).toBe(0);
  });

  it('a toggle that fails for now is retried although an unpin of its dialog was queued after it', async () => {
    const { queue, client, clock, dropped, retried } = setup();
    client.respond = (c) =>
      c.method === 'im.recent.unread'
        ? new BitrixError('QUERY_LIMIT_EXCEEDED', 'Too many requests', { status: 503, transient: true })
        : true;
    queue.enqueue('a', 'chat1', true);
    queue.unpin('a', 'chat1');
    await queue.drain();
    expect(retried.map((a) => a.kind)).toEqual(['unread']);
    // The unpin went; the toggle waits for its retry instead of being taken as replaced by the unpin.
    expect(queue.all().map((a) => [a.kind, a.attempts])).toEqual([['unread', 1]]);
    client.respond = () => true;
    await clock.advance(60_000);
    await queue.drain();
    expect(queue.size()).toBe(0);
    expect(dropped).toEqual([]);
    expect(
      requests(client)
        .flat()
        .filter((c) => c.startsWith('im.recent.unread')),
    ).toHaveLength(2);
  });

  it('a toggle refused for good is reported although an unpin of its dialog was queued after it', async () => {
    const { queue, client, dropped } = setup();
    client.respond = (c) =>
      c.method === 'im.recent.unread' ? new BitrixError('ACCESS_ERROR', 'no access', { status: 403 }) : true;
    queue.enqueue('a', 'chat1', true);
    queue.unpin('a', 'chat1');
    await queue.drain();
    expect(dropped.map((d) => [d.action.kind, d.code])).toEqual([['unread', 'ACCESS_ERROR']]);
    expect(queue.size()).toBe(0);
  });

  it('a toggle backing off does not hold back the unpin of its dialog', async () => {
    const { queue, client, delivered } = setup();
    client.respond = (c) =>
      c.method === 'im.recent.unread' ? new BitrixError('NETWORK', 'offline', { transient: true }) : true;
    queue.enqueue('a', 'chat1', true);
    await queue.drain();
    expect(queue.all()).toMatchObject([{ kind: 'unread', attempts: 1 }]);
    // The toggle waits for its backoff; an unpin of the same dialog leaves now.
    queue.unpin('a', 'chat1');
    await queue.drain();
    expect(delivered.map((a) => a.kind)).toEqual(['unpin']);
    expect(queue.all().map((a) => a.kind)).toEqual(['unread']);
  });

  it('an unpin refused for good is dropped and reported; the dialog has no pending unpin any more', async () => {
    const { queue, client, dropped } = setup();
    client.respond = () => new BitrixError('ACCESS_ERROR', "You don't have access to this chat", { status: 400 });
    queue.unpin('a', 'chat1');
    await queue.drain();
    expect(dropped).toMatchObject([{ action: { kind: 'unpin', dialogId: 'chat1' }, code: 'ACCESS_ERROR' }]);
    expect(queue.unpinPending('a', 'chat1')).toBe(false);
  });

  it('batches unpins with toggles in requests of at most 50 sub-calls, never splitting one intent', async () => {
    const counters = Object.fromEntries(Array.from({ length: 30 }, (_, i) => [`chat${i + 1}`, 2]));
    const { queue, client, delivered } = setup({ counters });
    // 30 reads of dialogs with unread messages (2 sub-calls each) and 30 unpins: 90 sub-calls.
    for (let i = 1; i <= 30; i++) queue.enqueue('a', `chat${i}`, false);
    for (let i = 1; i <= 30; i++) queue.unpin('a', `chat${i}`);
    await queue.drain();
    const sizes = client.sent.map((r) => r.calls.length);
    expect(sizes).toEqual([50, 40]);
    // The 25th read's two calls end the first request; the unpins follow the reads.
    expect(requests(client)[0]!.slice(-2)).toEqual(['im.recent.unread chat25 ACTION=N', 'im.dialog.read chat25']);
    expect(requests(client)[1]!.filter((c) => c.startsWith('im.recent.pin'))).toHaveLength(30);
    expect(delivered).toHaveLength(60);
  });

  it('a new queue over the same store resumes an unpin an earlier process left', async () => {
    const store = memoryStore();
    const first = setup({ store });
    first.client.failRequest = new BitrixError('NETWORK', 'offline', { transient: true });
    first.queue.unpin('a', 'chat7');
    await first.queue.drain();
    first.queue.stop();

    const second = setup({ store });
    expect(second.queue.unpinPending('a', 'chat7')).toBe(true);
    expect(second.queue.all()).toMatchObject([{ kind: 'unpin', dialogId: 'chat7', attempts: 1 }]);
    second.queue.retryNow();
    await second.queue.drain();
    expect(requests(second.client)).toEqual([['im.recent.pin chat7 PIN=N']]);
    expect(second.queue.size()).toBe(0);
  });

  it('a pin again goes after the unpin in flight, as im.recent.pin PIN=Y, and shows the row meanwhile', async () => {
    const { queue, client, delivered } = setup();
    queue.unpin('a', 'chat1');
    const draining = queue.drain();
    // The unpin is out (in flight from the drain's first step): the undo comes now.
    const p = queue.pin('a', 'chat1');
    expect(p).toMatchObject({ kind: 'pin' });
    // The row shows again (the state's lookup over every row says the same as the one-row check).
    expect(queue.all().map((a) => a.kind)).toEqual(['unpin', 'pin']);
    expect(queue.unpinPending('a', 'chat1')).toBe(false);
    expect(queue.lookup().unpinPending('a', 'chat1')).toBe(false);
    await draining;
    await queue.drain();
    expect(requests(client)).toEqual([['im.recent.pin chat1 PIN=N'], ['im.recent.pin chat1 PIN=Y']]);
    expect(delivered.map((a) => a.kind)).toEqual(['unpin', 'pin']);
    expect(queue.size()).toBe(0);
  });

  it('an undo before the unpin left (offline) takes it back: nothing is ever sent', async () => {
    const { queue, client } = setup();
    client.failRequest = new BitrixError('NETWORK', 'offline', { transient: true });
    const p = queue.pin('a', 'chat2');
    expect(p).toMatchObject({ kind: 'pin' });
    queue.unpin('a', 'chat1');
    expect(queue.pin('a', 'chat1')).toBeNull();
    expect(queue.all().map((a) => [a.kind, a.dialogId])).toEqual([['pin', 'chat2']]);
    client.failRequest = null;
    await queue.drain();
    expect(requests(client)).toEqual([['im.recent.pin chat2 PIN=Y']]);
  });
});
