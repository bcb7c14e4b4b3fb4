import { describe, expect, it } from 'vitest';
import { createPoller, type PollKind } from './sync';
import { fakeClock } from '../../../tests/support/fake-clock';

describe('poller', () => {
  function setup(result: () => PollKind | Error = () => 'quick', opts: { fullEvery?: number } = { fullEvery: 3 }) {
    const clock = fakeClock();
    const runs: string[] = [];
    const poller = createPoller({
      clock,
      random: () => 0.5,
      intervalMs: () => 60_000,
      ...opts,
      run: async (id, kind) => {
        runs.push(`${id}:${kind}`);
        const r = result();
        if (r instanceof Error) throw r;
        return r === 'full' ? 'full' : kind;
      },
    });
    return { clock, runs, poller };
  }

  it('polls quickly every interval and, with fullEvery, reloads fully every N polls', async () => {
    const { clock, runs, poller } = setup();
    poller.add('a');
    await clock.advance(59_999);
    expect(runs).toEqual([]);
    await clock.advance(1);
    await clock.advance(60_000 * 3);
    expect(runs).toEqual(['a:quick', 'a:quick', 'a:full', 'a:quick']);
    poller.stop();
  });

  it('without fullEvery every poll is quick', async () => {
    const { clock, runs, poller } = setup(undefined, {});
    poller.add('a');
    await clock.advance(60_000 * 12);
    expect(runs).toEqual(Array(12).fill('a:quick'));
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
    const { clock, runs, poller } = setup(() => (fail ? new Error('down') : 'quick'));
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
