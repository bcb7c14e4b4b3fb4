import { describe, expect, it, vi } from 'vitest';
import { recentChat, signedInContext } from '../../../../tests/core/service-context';
import { createAccountsService } from '../accounts/accounts-service';
import { createPinnedService } from './pinned-service';

async function setup() {
  const chat = recentChat(1317, { title: 'Green chat', message: { id: 84413, text: 'hello' }, unread: true });
  const { ctx, accounts, id, client, notifications } = await signedInContext([chat]);
  const retryNow = vi.fn();
  const pinned = createPinnedService(ctx, accounts, notifications, { retryNow });
  return { ctx, accounts, id, client, pinned, retryNow };
}

describe('pinned service', () => {
  it('a toggle confirmed while a load was under way wins over what the load saw', async () => {
    const { pinned, accounts, id, client, ctx } = await setup();
    let open!: () => void;
    client.gate = new Promise<void>((r) => (open = r));
    client.listRecent = ((orig) => async (p) => {
      await client.gate;
      return orig(p);
    })(client.listRecent.bind(client));
    const load = pinned.loadAccount(id);
    await ctx.clock.advance(5);
    accounts.runtime(id).delivered.set('chat1317', { unread: false, at: ctx.clock.now() });
    open();
    await load;
    expect(pinned.confirmedDialog(id, 'chat1317')?.unread).toBe(false);
  });

  it('a quick poll asks one page just past the pinned rows shown', async () => {
    const { pinned, id, client } = await setup();
    await pinned.loadAccount(id);
    client.sent.length = 0;
    await expect(pinned.pollAccount(id, 'quick')).resolves.toBe('quick');
    // 1 pinned dialog shown: it, the first unpinned row and POLL_SPARE_ROWS (4).
    expect(client.sent.map((s) => s.calls[0])).toEqual([
      { method: 'im.recent.list', params: { SKIP_OPENLINES: 'Y', LIMIT: 6 } },
    ]);
  });

  it('the portal answering again after an error retries the account queue', async () => {
    const { pinned, accounts, id, retryNow } = await setup();
    accounts.runtime(id).lastError = { code: 'NETWORK', message: 'offline' };
    await pinned.loadAccount(id);
    expect(retryNow).toHaveBeenCalledWith(id);
    expect(accounts.runtime(id).lastError).toBeNull();
  });

  it('a saved list comes back as the cached list of the next run', async () => {
    const first = await setup();
    await first.pinned.loadAccount(first.id);
    first.pinned.saveAll();
    const again = createPinnedService(
      first.ctx,
      createAccountsService(first.ctx, { onLost: () => undefined }),
      { newMessages: vi.fn(), reminder: vi.fn() },
      { retryNow: vi.fn() },
    );
    again.restoreCachedLists();
    expect(again.confirmedDialog(first.id, 'chat1317')?.title).toBe('Green chat');
  });
});
