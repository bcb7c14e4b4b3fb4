import { describe, expect, it } from 'vitest';
import { countersDiffer, createPoller, type CounterView, type PollKind } from './sync';
import { fakeClock } from '../../../tests/support/fake-clock';

const shown: CounterView[] = [
  { dialogId: 'chat1317', kind: 'chat', chatId: 1317, counter: 1, unreadMark: false },
  { dialogId: '547', kind: 'user', chatId: 1231, counter: 0, unreadMark: true },
  { dialogId: 'chat9', kind: 'chat', chatId: 9, counter: 2, unreadMark: false },
];
const same = { CHAT: { '1317': 1 }, CHAT_MUTED: { '9': 2 }, DIALOG: [], CHAT_UNREAD: [], DIALOG_UNREAD: [547] };

describe('countersDiffer', () => {
  it('no change when counters and marks match what is shown (muted chats count too)', () => {
    expect(countersDiffer(same, shown)).toBe(false);
  });
  it('a new message, a cleared mark, a new mark: changed', () => {
    expect(countersDiffer({ ...same, CHAT: { '1317': 2 } }, shown)).toBe(true);
    expect(countersDiffer({ ...same, DIALOG_UNREAD: [] }, shown)).toBe(true);
    expect(countersDiffer({ ...same, CHAT_UNREAD: [9] }, shown)).toBe(true);
    expect(countersDiffer({ ...same, CHAT: [] }, shown)).toBe(true);
  });
  it('a muted private dialog counts under CHAT_MUTED[its chat id], not DIALOG: no change', () => {
    const mutedPeer: CounterView[] = [{ dialogId: '548', kind: 'user', chatId: 9548, counter: 2, unreadMark: false }];
    expect(countersDiffer({ ...same, CHAT_MUTED: { '9548': 2 } }, mutedPeer)).toBe(false);
    expect(countersDiffer({ ...same, CHAT_MUTED: { '9548': 3 } }, mutedPeer)).toBe(true);
  });
  it('ignores dialogs that are not pinned', () => {
    expect(countersDiffer({ ...same, DIALOG: { '777': 5 }, CHAT_UNREAD: [4] }, shown)).toBe(false);
  });
  it('a wrong-shaped answer means reload', () => {
    expect(countersDiffer(null, shown)).toBe(true);
    expect(countersDiffer([], shown)).toBe(true);
    expect(countersDiffer('x', shown)).toBe(true);
  });
});

describe('poller', () => {
  function setup(result: () => PollKind | Error = () => 'counters') {
    const clock = fakeClock();
    const runs: string[] = [];
    const poller = createPoller({
      clock,
      random: () => 0.5,
      intervalMs: () => 60_000,
      fullEvery: 3,
      run: async (id, kind) => {
        runs.push(`${id}:${kind}`);
        const r = result();
        if (r instanceof Error) throw r;
        return r === 'full' ? 'full' : kind;
      },
    });
    return { clock, runs, poller };
  }

  it('polls counters every interval and reloads fully every N polls', async () => {
    const { clock, runs, poller } = setup();
    poller.add('a');
    await clock.advance(59_999);
    expect(runs).toEqual([]);
    await clock.advance(1);
    await clock.advance(60_000 * 3);
    expect(runs).toEqual(['a:counters', 'a:counters', 'a:full', 'a:counters']);
    poller.stop();
  });

  it('pauses while offline and refreshes at once when back', async () => {
    const { clock, runs, poller } = setup();
    poller.add('a');
    poller.add('b');
    poller.setOnline(false);
    await clock.advance(600_000);
    expect(runs).toEqual([]);
    poller.setOnline(true);
    await clock.advance(0);
    expect(runs.sort()).toEqual(['a:full', 'b:full']);
  });

  it('backs off while the portal fails, and recovers', async () => {
    let fail = true;
    const { clock, runs, poller } = setup(() => (fail ? new Error('down') : 'counters'));
    poller.add('a');
    await clock.advance(60_000); // fail 1
    await clock.advance(60_000); // fail 2 (next after 60 s)
    expect(runs).toHaveLength(2);
    await clock.advance(119_999); // third waits 120 s
    expect(runs).toHaveLength(2);
    await clock.advance(1);
    expect(runs).toHaveLength(3);
    fail = false;
    await clock.advance(240_000);
    expect(runs).toHaveLength(4);
    await clock.advance(60_000);
    expect(runs).toHaveLength(5);
  });

  it('refreshNow runs a full reload per account, one at a time per account', async () => {
    const { runs, poller } = setup();
    poller.add('a');
    await Promise.all([poller.refreshNow(), poller.refreshNow('a')]);
    expect(runs).toEqual(['a:full', 'a:full']);
    poller.remove('a');
    await poller.refreshNow();
    expect(runs).toHaveLength(2);
  });
});
