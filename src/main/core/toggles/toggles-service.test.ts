import { describe, expect, it, vi } from 'vitest';
import { scriptedClient, unreadCalls } from '../../../../tests/core/helpers';
import { serviceContext } from '../../../../tests/core/service-context';
import { flush } from '../../../../tests/support/fake-clock';
import type { ViewState } from '../../../shared/types';
import { createAccountsService } from '../accounts/accounts-service';
import type { RecentItem } from '../bitrix/types';
import { createPinnedService } from '../pinned/pinned-service';
import { QUEUE_KEY } from './actions';
import { createTogglesService } from './toggles-service';

const chatItem = {
  id: 'chat74',
  chat_id: 74,
  type: 'chat',
  avatar: { url: '', color: '#4ba984' },
  title: 'Team',
  message: { id: 1, text: 'hi' },
  counter: 0,
  pinned: true,
  unread: false,
  chat: { id: 74 },
} as RecentItem;

async function setup(unread = false) {
  const ctx = serviceContext();
  const accounts = createAccountsService(ctx, { onLost: () => undefined });
  const rec = await accounts.store.add({
    kind: 'webhook',
    origin: 'https://acme.bitrix24.ru',
    userId: 7,
    userName: 'Anna',
    secret: { kind: 'webhook', url: 'https://acme.bitrix24.ru/rest/7/abcdefghijklmnop/' },
  });
  const client = scriptedClient();
  client.recent = [{ ...chatItem, unread }];
  accounts.runtime(rec.id).client = client;
  const notifications = { newMessages: vi.fn(), reminder: vi.fn() };
  const pinned = createPinnedService(ctx, accounts, notifications, { retryNow: (id) => toggles.queue.retryNow(id) });
  let state: ViewState | null = null;
  const toggles = createTogglesService(ctx, accounts, pinned, notifications, { state: () => state! });
  await pinned.loadAccount(rec.id);
  return { ctx, accounts, id: rec.id, client, pinned, toggles, notifications, setState: (s: ViewState) => (state = s) };
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
