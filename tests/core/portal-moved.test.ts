/**
 * A portal whose address changed (renamed): its old address answers every REST request with a
 * redirect to the new one (bitrix24/b24phpsdk src/Core/Core.php, STATUS_FOUND). The app does not
 * follow it with the sign-in's secret; it says what happened and keeps the user's toggles.
 */
import { afterEach, expect, it } from 'vitest';
import { startFakePortal, type FakePortal } from '../../dev/fake-portal/server';
import type { SeedDialog } from '../../dev/fake-portal/types';
import { deliveredUnread, makeCore, type Harness } from './harness';
import { until } from '../support/wait';

const portals: FakePortal[] = [];
const cores: Harness[] = [];
afterEach(async () => {
  for (const h of cores.splice(0)) await h.core.stop();
  for (const p of portals.splice(0)) await p.close();
});

const seed: SeedDialog[] = [
  { id: 'chat74', title: 'Отдел продаж', pinned: true, date: '2026-02-25T12:07:10+03:00' },
  { id: 'chat80', title: 'Release 2.4', pinned: true, date: '2026-02-24T12:07:10+03:00' },
];

/** The portal at its old address, and the same portal (same user, same webhook) at its new one. */
async function renamedPortal() {
  const webhook = { userId: 1, code: 'k3yofthewebhook1' };
  const old = await startFakePortal({ seed, rateLimit: false, webhook });
  const renamed = await startFakePortal({ seed, rateLimit: false, webhook });
  portals.push(old, renamed);
  return { old, renamed };
}

it('a toggle meeting the redirect of a renamed portal is kept, and the account asks to sign in again, saying why', async () => {
  const { old, renamed } = await renamedPortal();
  const h = makeCore();
  cores.push(h);
  const signed = await h.core.dispatch('signInWithWebhook', [old.webhookUrl]);
  expect(signed.ok, JSON.stringify(signed)).toBe(true);
  const acc = (signed as { ok: true; data: { id: string } }).data.id;
  old.moveTo(renamed.url);

  await h.core.dispatch('setUnread', [acc, 'chat80', true]);
  await until(() => h.core.state().accounts[0]?.status === 'needs-sign-in', 5_000, 'needs-sign-in');
  expect(h.core.queue.all()).toMatchObject([{ accountId: acc, dialogId: 'chat80', unread: true }]);
  const s = h.core.state();
  expect(s.notices).toMatchObject([{ code: 'PORTAL_MOVED', accountId: acc }]);
  expect(s.notices[0]!.message).toMatch(/address has changed/);
  // Where it went, which the user may not know (an administrator renamed it); said once.
  expect(s.notices[0]!.message).toContain(`Its new address: ${renamed.url}`);
  expect(s.notices[0]!.message).not.toMatch(/sign-in expired/i);
  // Nothing with the webhook's code went to the new address on the app's own.
  expect(renamed.calls).toEqual([]);
  expect(deliveredUnread(old)).toEqual([]);

  // Signing in with the old address again says the same at once, and where to sign in instead.
  const again = await h.core.dispatch('signInWithWebhook', [old.webhookUrl]);
  expect(again).toMatchObject({ ok: false, error: { code: 'PORTAL_MOVED' } });
  expect((again as { ok: false; error: { message: string } }).error.message).toContain(
    `Its new address: ${renamed.url}`,
  );
});

it('a first sign-in at the old address says it is not signed in and names the new address, promising no kept changes', async () => {
  const { old, renamed } = await renamedPortal();
  old.moveTo(renamed.url);
  for (const [locale, lang] of [
    ['en-US', 'en'],
    ['ru-RU', 'ru'],
  ] as const) {
    const h = makeCore({ locale });
    cores.push(h);
    const r = await h.core.dispatch('signInWithWebhook', [old.webhookUrl]);
    expect(r).toMatchObject({ ok: false, error: { code: 'PORTAL_MOVED' } });
    const message = (r as { ok: false; error: { message: string } }).error.message;
    expect(message).toBe(
      lang === 'en'
        ? `The portal's address has changed, so you are not signed in. Sign in with its new address. Its new address: ${renamed.url}`
        : `Адрес портала изменился, вход не выполнен. Войдите с его новым адресом. Новый адрес: ${renamed.url}`,
    );
    expect(h.core.state().accounts).toEqual([]);
  }
  // Nothing went to the new address on the app's own.
  expect(renamed.calls).toEqual([]);
});

it('signing in at the new address sends what waited for the old one, and the old account goes', async () => {
  const { old, renamed } = await renamedPortal();
  const h = makeCore();
  cores.push(h);
  const signed = await h.core.dispatch('signInWithWebhook', [old.webhookUrl]);
  const acc = (signed as { ok: true; data: { id: string } }).data.id;
  await h.core.dispatch('setUnread', [acc, 'chat74', true]);
  await until(() => h.core.state().pendingActions === 0, 5_000, 'the first toggle');
  await h.core.dispatch('snooze', [acc, 'chat74', Date.now() + 3600_000]);
  await until(() => h.core.state().pendingActions === 0, 5_000, 'the snooze');
  old.moveTo(renamed.url);
  await h.core.dispatch('setUnread', [acc, 'chat80', true]);
  await until(() => h.core.state().accounts[0]?.status === 'needs-sign-in', 5_000, 'needs-sign-in');

  const moved = await h.core.dispatch('signInWithWebhook', [renamed.webhookUrl]);
  expect(moved.ok, JSON.stringify(moved)).toBe(true);
  const now = (moved as { ok: true; data: { id: string } }).data.id;
  await until(() => h.core.state().pendingActions === 0, 5_000, 'the kept toggle to go out');
  expect(deliveredUnread(renamed)).toEqual(['chat80:Y']);
  const s = h.core.state();
  expect(s.accounts).toMatchObject([{ id: now, origin: renamed.url, status: 'ok' }]);
  expect(s.notices.filter((n) => n.accountId === acc)).toEqual([]);
  expect(s.dialogs.find((d) => d.dialogId === 'chat74')).toMatchObject({ accountId: now });
  expect(s.dialogs.find((d) => d.dialogId === 'chat74')?.snoozedUntil).toEqual(expect.any(Number));
});

it('after a restart, signing in at the new address still sends what waited for the old one, and the old account goes', async () => {
  const { old, renamed } = await renamedPortal();
  const first = makeCore();
  const signed = await first.core.dispatch('signInWithWebhook', [old.webhookUrl]);
  const acc = (signed as { ok: true; data: { id: string } }).data.id;
  old.moveTo(renamed.url);
  await first.core.dispatch('setUnread', [acc, 'chat80', true]);
  await until(() => first.core.state().accounts[0]?.status === 'needs-sign-in', 5_000, 'needs-sign-in');
  await first.core.stop();

  // The app restarts: the old account still needs its sign-in and holds the change; where the
  // portal went was learnt by the run before.
  const sentToOld: string[] = [];
  const h = makeCore({
    dir: first.dir,
    key: first.key,
    fetch: (input, init) => {
      if (String(input).startsWith(old.url)) sentToOld.push(`${init?.method ?? 'GET'} ${String(input)}`);
      return fetch(input, init);
    },
  });
  cores.push(h);
  await h.core.start();
  expect(h.core.state().accounts).toMatchObject([{ id: acc, status: 'needs-sign-in' }]);
  expect(h.core.queue.all()).toMatchObject([{ accountId: acc, dialogId: 'chat80', unread: true }]);

  old.resetCalls();
  const moved = await h.core.dispatch('signInWithWebhook', [renamed.webhookUrl]);
  expect(moved.ok, JSON.stringify(moved)).toBe(true);
  const now = (moved as { ok: true; data: { id: string } }).data.id;
  await until(() => h.core.state().pendingActions === 0, 5_000, 'the kept toggle to go out');
  expect(deliveredUnread(renamed)).toEqual(['chat80:Y']);
  expect(h.core.state().accounts).toMatchObject([{ id: now, origin: renamed.url, status: 'ok' }]);
  // The old address was asked where it went without the webhook's code or a body.
  expect(sentToOld).toEqual([`GET ${old.url}/rest/profile.json`]);
  expect(old.calls.map((c) => [c.method, c.params, c.status])).toEqual([['profile', {}, 302]]);
});

it('an old address that does not answer does not hold up a sign-in elsewhere, and hands nothing over', async () => {
  const webhook = { userId: 1, code: 'k3yofthewebhook1' };
  const a = await startFakePortal({ seed, rateLimit: false, webhook });
  const b = await startFakePortal({ seed, rateLimit: false, webhook });
  portals.push(a, b);
  const h = makeCore({ options: { timeoutMs: 300 } });
  cores.push(h);
  const first = await h.core.dispatch('signInWithWebhook', [a.webhookUrl]);
  const accA = (first as { ok: true; data: { id: string } }).data.id;
  // Portal A's sign-in is lost (its webhook revoked), a toggle waits for it; user 1 on portal B too.
  a.revokeWebhook();
  await h.core.dispatch('setUnread', [accA, 'chat80', true]);
  await until(() => h.core.state().accounts[0]?.status === 'needs-sign-in', 5_000, 'needs-sign-in');
  a.inject({ kind: 'delay', ms: 5_000, method: 'profile' });

  const r = await h.core.dispatch('signInWithWebhook', [b.webhookUrl]);
  expect(r.ok, JSON.stringify(r)).toBe(true);
  // Signed in while portal A still holds its answer: the sign-in did not wait for it.
  expect(a.inFlightRequests()).toBe(1);
  expect(h.core.state().accounts.map((x) => [x.id, x.status])).toEqual(
    expect.arrayContaining([[accA, 'needs-sign-in']]),
  );
  expect(h.core.queue.all()).toMatchObject([{ accountId: accA, dialogId: 'chat80', unread: true }]);
});
