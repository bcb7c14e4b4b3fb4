import { describe, expect, it } from 'vitest';
import { unreadCalls } from '../../../../tests/core/helpers';
import { recentChat, signedInContext } from '../../../../tests/core/service-context';
import { flush } from '../../../../tests/support/fake-clock';
import type { ViewState } from '../../../shared/types';
import { BitrixError } from '../bitrix/types';
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

describe('toggles service: unpin', () => {
  it('answers once the unpin is on disk, sends im.recent.pin PIN=N, and drops the dialog from the list and the cache', async () => {
    const { ctx, toggles, id, client, pinned } = await setup();
    pinned.saveAll();
    await toggles.unpin(id, 'chat74');
    expect(ctx.deps.store.get(QUEUE_KEY)).toEqual([expect.objectContaining({ kind: 'unpin', dialogId: 'chat74' })]);
    expect(toggles.queue.unpinPending(id, 'chat74')).toBe(true);
    // Until the portal confirms, the confirmed list keeps it (the view hides it; a refusal shows it again).
    expect(pinned.confirmedDialog(id, 'chat74')).toBeDefined();
    await ctx.clock.advance(100);
    await flush();
    expect(client.sent.flatMap((r) => r.calls)).toContainEqual({
      method: 'im.recent.pin',
      params: { DIALOG_ID: 'chat74', PIN: 'N' },
    });
    expect(toggles.queue.size()).toBe(0);
    expect(pinned.confirmedDialog(id, 'chat74')).toBeUndefined();
    expect(ctx.deps.store.get('cache')).toMatchObject({ [id]: { dialogs: [] } });
  });

  it('refuses a dialog that is not in the list, queuing nothing', async () => {
    const { toggles, id } = await setup();
    await expect(Promise.resolve().then(() => toggles.unpin(id, 'chat999'))).rejects.toMatchObject({
      code: 'UNKNOWN_DIALOG',
    });
    expect(toggles.queue.size()).toBe(0);
  });

  it('a refusal for good keeps the dialog and says which one and why', async () => {
    const { ctx, toggles, id, client, pinned } = await setup();
    client.respond = (c) =>
      c.method === 'im.recent.pin' ? new BitrixError('ACCESS_ERROR', "You don't have access", { status: 400 }) : true;
    await toggles.unpin(id, 'chat74');
    await ctx.clock.advance(100);
    await flush();
    expect(toggles.queue.size()).toBe(0);
    expect(pinned.confirmedDialog(id, 'chat74')).toBeDefined();
    expect(ctx.notices.list()).toMatchObject([
      {
        level: 'error',
        code: 'ACCESS_ERROR',
        dialogId: 'chat74',
        title: 'Team',
        message: '«Team» could not be unpinned: You no longer have access to this dialog.',
      },
    ]);
  });

  it('a load that started before the unpin was confirmed does not bring the dialog back', async () => {
    const { ctx, toggles, id, client, pinned } = await setup();
    let answer = (): void => {};
    const listed = structuredClone(client.recent);
    client.listRecent = () => new Promise((resolve) => (answer = () => resolve(structuredClone(listed))));
    const loading = pinned.loadAccount(id);
    await toggles.unpin(id, 'chat74');
    await ctx.clock.advance(100);
    await flush();
    expect(pinned.confirmedDialog(id, 'chat74')).toBeUndefined();
    answer(); // the portal read its list before the unpin: it still says "pinned"
    await loading;
    expect(pinned.confirmedDialog(id, 'chat74')).toBeUndefined();
    // A load that starts after the unpin is the portal's word again (pinned anew in Bitrix24: shown).
    client.listRecent = async () => structuredClone(listed);
    await pinned.loadAccount(id);
    expect(pinned.confirmedDialog(id, 'chat74')).toBeDefined();
  });
});

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

describe('toggles service: pin again (the undo of an unpin)', () => {
  it('after the unpin was confirmed: sends im.recent.pin PIN=Y, reloads the list, and the dialog is back', async () => {
    const { ctx, toggles, id, client, pinned } = await setup();
    await toggles.unpin(id, 'chat74');
    await ctx.clock.advance(100);
    await flush();
    expect(pinned.confirmedDialog(id, 'chat74')).toBeUndefined();
    await toggles.pin(id, 'chat74');
    expect(ctx.deps.store.get(QUEUE_KEY)).toEqual([expect.objectContaining({ kind: 'pin', dialogId: 'chat74' })]);
    await ctx.clock.advance(100);
    await flush();
    expect(client.sent.flatMap((r) => r.calls).filter((c) => c.method === 'im.recent.pin')).toEqual([
      { method: 'im.recent.pin', params: { DIALOG_ID: 'chat74', PIN: 'N' } },
      { method: 'im.recent.pin', params: { DIALOG_ID: 'chat74', PIN: 'Y' } },
    ]);
    expect(toggles.queue.size()).toBe(0);
    // The portal's list (pinned again) brought it back.
    expect(pinned.confirmedDialog(id, 'chat74')).toMatchObject({ title: 'Team' });
  });

  it('a pin again refused for good names the dialog, which had left the list', async () => {
    const { ctx, toggles, id, client } = await setup();
    await toggles.unpin(id, 'chat74');
    await ctx.clock.advance(100);
    await flush();
    client.respond = (c) =>
      c.method === 'im.recent.pin' ? new BitrixError('ACCESS_ERROR', "You don't have access", { status: 400 }) : true;
    await toggles.pin(id, 'chat74');
    await ctx.clock.advance(100);
    await flush();
    expect(ctx.notices.list()).toMatchObject([
      {
        level: 'error',
        code: 'ACCESS_ERROR',
        dialogId: 'chat74',
        title: 'Team',
        message: '«Team» could not be pinned again: You no longer have access to this dialog.',
      },
    ]);
  });
});
