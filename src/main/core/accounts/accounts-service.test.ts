import { describe, expect, it, vi } from 'vitest';
import { ANNA, serviceContext } from '../../../../tests/core/service-context';
import { createAccountsService } from './accounts-service';

function setup() {
  const ctx = serviceContext();
  const onLost = vi.fn();
  const accounts = createAccountsService(ctx, { onLost });
  return { ctx, onLost, accounts };
}

describe('accounts service', () => {
  it('gives every sign-in of one portal the same rate limiter, another portal its own', () => {
    const { accounts } = setup();
    expect(accounts.limiterFor('https://acme.bitrix24.ru')).toBe(accounts.limiterFor('https://acme.bitrix24.ru'));
    expect(accounts.limiterFor('https://acme.bitrix24.ru')).not.toBe(accounts.limiterFor('https://beta.bitrix24.ru'));
  });

  it('builds a client once per account and none for an unknown account', async () => {
    const { accounts } = setup();
    const rec = await accounts.store.add(ANNA);
    const client = accounts.clientFor(rec.id);
    expect(client).not.toBeNull();
    expect(accounts.clientFor(rec.id)).toBe(client);
    expect(accounts.clientFor('nobody')).toBeNull();
  });

  it('hands out the built client without copying the account record (asked for every request the queue sends)', async () => {
    const { accounts } = setup();
    const rec = await accounts.store.add(ANNA);
    const client = accounts.clientFor(rec.id);
    const get = vi.spyOn(accounts.store, 'get');
    for (let i = 0; i < 10; i++) expect(accounts.clientFor(rec.id)).toBe(client);
    expect(get).not.toHaveBeenCalled();
    // Signed out: no client, even one built before.
    accounts.store.remove(rec.id);
    expect(accounts.clientFor(rec.id)).toBeNull();
  });

  it('a lost sign-in holds the account (hook), drops its client and tells the user once', async () => {
    const { ctx, onLost, accounts } = setup();
    const rec = await accounts.store.add(ANNA);
    accounts.clientFor(rec.id);
    accounts.authLost(rec.id, 'invalid_grant');
    accounts.authLost(rec.id, 'invalid_grant');
    expect(accounts.isActive(rec.id)).toBe(false);
    expect(accounts.store.summary(rec.id).status).toBe('needs-sign-in');
    expect(accounts.runtime(rec.id).client).toBeNull();
    expect(accounts.runtime(rec.id).lastError?.code).toBe('invalid_grant');
    expect(onLost).toHaveBeenCalledWith(rec.id);
    const notices = ctx.notices.list();
    expect(notices).toHaveLength(1);
    expect(notices[0]!.message).toMatch(/^acme\.bitrix24\.ru: /);
  });

  it('an unknown account losing its sign-in changes nothing', () => {
    const { ctx, onLost, accounts } = setup();
    accounts.authLost('nobody', 'invalid_grant');
    expect(onLost).not.toHaveBeenCalled();
    expect(ctx.notices.list()).toHaveLength(0);
  });
});
