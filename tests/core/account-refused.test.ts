/**
 * A portal that refuses the account as a whole for a while (REST off after the plan lapsed,
 * the application's payment due, the `im` scope taken from a webhook) while toggles wait:
 * the toggles are the user's and stay queued; they go once the portal takes requests again.
 */
import { afterEach, expect, it } from 'vitest';
import { generateDialogs, startFakePortal, type FakePortal } from '../../dev/fake-portal/server';
import { deliveredUnread, makeCore, type Harness } from './harness';
import { until } from '../support/wait';

const portals: FakePortal[] = [];
const cores: Harness[] = [];
afterEach(async () => {
  for (const h of cores.splice(0)) await h.core.stop();
  for (const p of portals.splice(0)) await p.close();
});

it.each([
  // bitrix24-api.md §2 (D:_includes/system-errors.md): REST only on commercial plans.
  ['ACCESS_DENIED', 403, 'REST API is available only on commercial plans'],
  ['PORTAL_DELETED', 500, 'Portal was deleted'],
  ['insufficient_scope', 403, 'The request requires higher privileges than provided by the access token.'],
] as const)(
  '"Mark all read" while the portal answers %s to every request: nothing is dropped, all go once it answers again',
  async (code, status, description) => {
    const p = await startFakePortal({ seed: generateDialogs(60, { pinned: 60, unread: 60 }), rateLimit: false });
    portals.push(p);
    const h = makeCore();
    cores.push(h);
    const signed = await h.core.dispatch('signInWithWebhook', [p.webhookUrl]);
    expect(signed.ok, JSON.stringify(signed)).toBe(true);
    const acc = (signed as { ok: true; data: { id: string } }).data.id;
    const ids = h.core.state().dialogs.map((d) => d.dialogId);
    expect(ids).toHaveLength(60);
    p.resetCalls();
    p.inject({ kind: 'error', code, status, description, times: 1_000 });

    const r = await h.core.dispatch('setUnreadMany', [ids.map((dialogId) => ({ accountId: acc, dialogId })), false]);
    expect(r.ok).toBe(true);
    await until(() => h.core.queue.all().every((a) => a.attempts > 0) || h.core.queue.size() < 60, 5_000, 'answers');
    const s = h.core.state();
    // Kept, shown as waiting, the account still signed in, its trouble named once (not 60 times).
    expect(h.core.queue.size()).toBe(60);
    expect(s.notices.filter((n) => n.dialogId !== undefined)).toEqual([]);
    expect(s.accounts).toMatchObject([{ id: acc, status: 'ok' }]);
    expect(s.dialogs.every((d) => !d.unread && d.pending)).toBe(true);
    expect(s.error?.code).toBe(code);

    p.clearFaults();
    await h.core.refresh();
    await until(() => h.core.state().pendingActions === 0, 10_000, 'the queue to drain');
    expect(new Set(deliveredUnread(p))).toEqual(new Set(ids.map((id) => `${id}:N`)));
    expect(p.dialogs().filter((d) => d.unread || (d.counter ?? 0) > 0)).toEqual([]);
  },
);
