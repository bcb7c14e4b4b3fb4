import { describe, expect, it } from 'vitest';
import { unreadCalls } from '../../../../tests/core/helpers';
import { recentChat, signedInContext } from '../../../../tests/core/service-context';
import { flush } from '../../../../tests/support/fake-clock';
import type { ViewState } from '../../../shared/types';
import { createPinnedService } from '../pinned/pinned-service';
import { QUEUE_KEY } from './actions';
import { createTogglesService } from './toggles-service';

async function setup(unread = false) {
  const { ctx, accounts, id, client, notifications } = await signedInContext([
    recentChat(74, { title: 'Team', unread }),
  ]);
  const pinned = createPinnedService(ctx, accounts, notifications, { retryNow: (id) => toggles.queue.retryNow(id) });
  let state: ViewState | null = null;
  const toggles = createTogglesService(ctx, accounts, pinned, notifications, { state: () => state! });
  await pinned.loadAccount(id);
  return { ctx, accounts, id, client, pinned, toggles, notifications, setState: (s: ViewState) => (state = s) };
}

describe('toggles service', () => {
  it('setUnread answers once the intent is on disk, shows it pending, and delivers it', async () => {
    const { ctx, toggles, id, client, pinned } = await setup();
    const row = await toggles.setUnread(id, 'chat74', true);
    expect(row.unread).toBe(true);
    expect(row.pending).toBe(true);
    expect(ctx.deps.store.get(QUEUE_KEY)).toEqual([expect.objectContaining({ dialogId: 'chat74', unread: true })]);
    await ctx.clock.advance(100);
    await flush();
    expect(unreadCalls(client)).toEqual([{ DIALOG_ID: 'chat74', ACTION: 'Y' }]);
    expect(pinned.confirmedDialog(id, 'chat74')?.unread).toBe(true);
  });

  it('one unknown dialog in a batch queues nothing', async () => {
    const { toggles, id } = await setup();
    await expect(
      Promise.resolve().then(() =>
        toggles.setUnreadMany(
          [
            { accountId: id, dialogId: 'chat74' },
            { accountId: id, dialogId: 'chat999' },
          ],
          true,
        ),
      ),
    ).rejects.toMatchObject({ code: 'UNKNOWN_DIALOG' });
    expect(toggles.queue.size()).toBe(0);
  });

  it('--toggle with an sg id is a notice, not a request', async () => {
    const { toggles, ctx } = await setup();
    await toggles.toggleDialog('sg12');
    expect(toggles.queue.size()).toBe(0);
    expect(ctx.notices.list()[0]?.code).toBe('INVALID_DIALOG_ID');
  });

  it('a snooze reads the dialog now and marks it unread when due, with a reminder', async () => {
    const { toggles, id, ctx, notifications } = await setup(true);
    await toggles.snooze(id, 'chat74', ctx.clock.now() + 60_000);
    expect(toggles.queue.pendingFor(id, 'chat74')?.unread).toBe(false);
    toggles.snoozes.start();
    await ctx.clock.advance(61_000);
    await flush();
    expect(notifications.reminder).toHaveBeenCalledTimes(1);
    expect(toggles.queue.pendingFor(id, 'chat74')?.unread ?? true).toBe(true);
    toggles.snoozes.stop();
    toggles.queue.stop();
  });
});
