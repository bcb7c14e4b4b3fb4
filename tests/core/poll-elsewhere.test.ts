/**
 * What changes in Bitrix24 outside the app shows after the next poll, and an
 * idle poll is one request: the real core over HTTP to the fake portal (which
 * changes what a real portal changes, dev/fake-portal/README.md), on a fake
 * clock. Among these changes, a pin, an unpin, a hide, a rename and the user's
 * own message move no count and no mark: `im.counters.get`, which the polls
 * used to ask, does not see them (it is built from the unread messages and the
 * marks alone: im/lib/V2/Reading/Counter/UserCountersCollector.php in the
 * vendor's `im` module).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { startFakePortal, type FakePortal } from '../../dev/fake-portal/server';
import type { SeedDialog } from '../../dev/fake-portal/types';
import { fakeClock } from '../support/fake-clock';
import { until } from '../support/wait';
import { makeCore, type Harness } from './harness';

const portals: FakePortal[] = [];
const cores: Harness[] = [];
afterEach(async () => {
  for (const h of cores.splice(0)) await h.core.stop();
  for (const p of portals.splice(0)) await p.close();
});

const minutesAgo = (n: number) => new Date(Date.now() - n * 60_000).toISOString();

const SEED: SeedDialog[] = [
  { id: 'chat74', title: 'Sales', pinned: true, messageId: 740, messageText: 'prices', date: minutesAgo(5) },
  { id: 'chat80', title: 'Release', pinned: true, counter: 2, messageId: 800, date: minutesAgo(6) },
  { id: 'chat90', title: 'Support', pinned: true, messageId: 900, date: minutesAgo(7) },
  { id: 547, title: 'Ivan Ivanov', messageId: 5470, date: minutesAgo(8) },
  { id: 548, title: 'Olga Novak', messageId: 5480, date: minutesAgo(9) },
  { id: 'chat95', title: 'Lunch', messageId: 950, date: minutesAgo(10) },
];

async function signedIn(seed: SeedDialog[] = SEED) {
  const p = await startFakePortal({ seed, rateLimit: false });
  portals.push(p);
  const clock = fakeClock(Date.now());
  // random 0.5: no poll jitter, the next poll is due one interval (60 s) after the last.
  const h = makeCore({ clock, options: { random: () => 0.5 } });
  cores.push(h);
  await h.core.start();
  const r = await h.core.dispatch('signInWithWebhook', [p.webhookUrl]);
  if (!r.ok) throw new Error(r.error.message);
  return { p, h, clock };
}

/** One poll: the clock moves one interval, and the account's list is confirmed again. */
async function nextPoll(h: Harness, clock: ReturnType<typeof fakeClock>): Promise<void> {
  const before = h.core.state().updatedAt ?? 0;
  await clock.advance(60_000);
  await until(() => (h.core.state().updatedAt ?? 0) > before && h.core.state().status === 'ready', 5_000, 'a poll');
}

/** As the user's other client does it: a REST call of the portal's own. */
async function elsewhere(p: FakePortal, method: string, params: Record<string, unknown>): Promise<void> {
  const res = await fetch(`${p.webhookUrl}${method}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(params),
  });
  expect(res.status).toBe(200);
}

const rows = (h: Harness) => h.core.state().dialogs.map((d) => `${d.dialogId} ${d.title} ${d.counter}`);

describe('a poll shows what changed in Bitrix24 elsewhere, for one request', () => {
  it.each<[string, (p: FakePortal) => Promise<void> | void, string[]]>([
    ['nothing changed', () => undefined, ['chat74 Sales 0', 'chat80 Release 2', 'chat90 Support 0']],
    [
      'a dialog pinned in the browser comes in',
      (p) => elsewhere(p, 'im.recent.pin', { DIALOG_ID: '547', PIN: 'Y' }),
      ['chat74 Sales 0', 'chat80 Release 2', 'chat90 Support 0', '547 Ivan Ivanov 0'],
    ],
    [
      'a dialog unpinned on the phone goes',
      (p) => elsewhere(p, 'im.recent.pin', { DIALOG_ID: 'chat90', PIN: 'N' }),
      ['chat74 Sales 0', 'chat80 Release 2'],
    ],
    [
      'a chat with unread messages hidden from the recent list goes (its counters stay)',
      (p) => elsewhere(p, 'im.recent.hide', { DIALOG_ID: 'chat80' }),
      ['chat74 Sales 0', 'chat90 Support 0'],
    ],
    [
      'a chat the user was removed from goes',
      (p) => p.setDialog('chat90', { hidden: true, pinned: false }),
      ['chat74 Sales 0', 'chat80 Release 2'],
    ],
    [
      'a renamed chat shows its new title',
      (p) => p.setDialog('chat74', { title: 'Sales 2027' }),
      ['chat74 Sales 2027 0', 'chat80 Release 2', 'chat90 Support 0'],
    ],
    [
      'a dialog read in the browser shows read',
      (p) => elsewhere(p, 'im.dialog.read', { DIALOG_ID: 'chat80' }),
      ['chat74 Sales 0', 'chat80 Release 0', 'chat90 Support 0'],
    ],
  ])('%s', async (_name, change, expected) => {
    const { p, h, clock } = await signedIn();
    expect(rows(h)).toEqual(['chat74 Sales 0', 'chat80 Release 2', 'chat90 Support 0']);
    await change(p);
    p.resetCalls();
    await nextPoll(h, clock);
    expect(rows(h)).toEqual(expected);
    expect(p.calls.map((c) => c.method)).toEqual(['im.recent.list']);
  });

  it("the user's own message from the phone shows as the last message", async () => {
    const { p, h, clock } = await signedIn();
    // Sending reads the chat for its author and moves no count (bitrix24-api.md §1: counter stays 0).
    p.setDialog('chat74', { messageId: 741, messageText: 'new prices attached', messageAuthorId: 1 });
    p.resetCalls();
    await nextPoll(h, clock);
    expect(h.core.state().dialogs.find((d) => d.dialogId === 'chat74')?.snippet).toBe('new prices attached');
    expect(p.calls.map((c) => c.method)).toEqual(['im.recent.list']);
  });

  it('a private dialog whose user was fired, with nothing unread, goes (the server no longer lists it)', async () => {
    const { p, h, clock } = await signedIn([
      ...SEED,
      { id: 546, title: 'Petr Sidorov', pinned: true, messageId: 5460, date: minutesAgo(4) },
    ]);
    expect(rows(h)).toEqual(['546 Petr Sidorov 0', 'chat74 Sales 0', 'chat80 Release 2', 'chat90 Support 0']);
    p.setDialog(546, { active: false });
    p.resetCalls();
    await nextPoll(h, clock);
    expect(rows(h)).toEqual(['chat74 Sales 0', 'chat80 Release 2', 'chat90 Support 0']);
    expect(p.calls.map((c) => c.method)).toEqual(['im.recent.list']);
  });

  it('pinned rows the server never lists (fired users) do not make an idle poll read a second page', async () => {
    const fired = [541, 542, 543].map((id) => ({
      id,
      title: `Fired ${id}`,
      pinned: true,
      active: false,
      date: minutesAgo(1),
    }));
    const { p, h, clock } = await signedIn([...SEED, ...fired]);
    expect(rows(h)).toEqual(['chat74 Sales 0', 'chat80 Release 2', 'chat90 Support 0']);
    p.resetCalls();
    await nextPoll(h, clock);
    expect(rows(h)).toEqual(['chat74 Sales 0', 'chat80 Release 2', 'chat90 Support 0']);
    expect(p.calls.map((c) => c.method)).toEqual(['im.recent.list']);
  });
});
