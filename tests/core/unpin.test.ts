/**
 * Unpin through the REAL core (dispatch, durable queue, conf storage in a temp
 * dir, REST client over HTTP) against the fake portal: the row leaves the
 * pushed state at once, the portal gets exactly one `im.recent.pin PIN=N`,
 * the reload agrees, a restart with the portal unreachable keeps the row
 * hidden and delivers the call once, and a refusal brings the row back with
 * a notice.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { startFakePortal, type FakePortal } from '../../dev/fake-portal/server';
import type { SeedDialog } from '../../dev/fake-portal/types';
import type { ViewState } from '../../src/shared/types';
import { makeCore, type Harness } from './harness';
import { until } from '../support/wait';

const portals: FakePortal[] = [];
const cores: Harness[] = [];
afterEach(async () => {
  for (const h of cores.splice(0)) await h.core.stop();
  for (const p of portals.splice(0)) await p.close();
});

const seed: SeedDialog[] = [
  { id: 'chat74', title: 'Отдел продаж', pinned: true, counter: 2, date: '2026-02-25T12:07:10+03:00' },
  { id: 547, title: 'Анна Смирнова', pinned: true, unread: true, date: '2026-02-25T11:07:10+03:00' },
  { id: 'chat80', title: 'Release 2.4', pinned: true, date: '2026-02-24T12:07:10+03:00' },
];

async function portal(): Promise<FakePortal> {
  const p = await startFakePortal({ seed, rateLimit: false });
  portals.push(p);
  return p;
}
function core(opts: Parameters<typeof makeCore>[0] = {}): Harness {
  const h = makeCore(opts);
  cores.push(h);
  return h;
}
async function signIn(h: Harness, p: FakePortal): Promise<string> {
  const r = await h.core.dispatch('signInWithWebhook', [p.webhookUrl]);
  expect(r.ok, JSON.stringify(r)).toBe(true);
  return (r as { ok: true; data: { id: string } }).data.id;
}
const rows = (s: ViewState) => s.dialogs.map((d) => d.dialogId);
/** `im.recent.pin` calls the portal answered 200, as `DIALOG_ID:PIN`. */
const pinCalls = (p: FakePortal) =>
  p
    .callsTo('im.recent.pin')
    .filter((c) => c.status === 200 && !c.errorCode)
    .map((c) => `${String(c.params['DIALOG_ID'])}:${String(c.params['PIN'])}`);

describe('unpin through the core', () => {
  it('hides the row in the very push that queues it, sends one im.recent.pin PIN=N, and the reload agrees', async () => {
    const p = await portal();
    const h = core();
    const acc = await signIn(h, p);
    expect(rows(h.core.state())).toEqual(['chat74', '547', 'chat80']);
    p.resetCalls();
    const pushed: ViewState[] = [];
    h.core.on('state', (s) => void pushed.push(s));

    const r = await h.core.dispatch('unpin', [acc, 'chat80']);
    expect(r).toEqual({ ok: true, data: null });
    expect(rows(pushed[0]!)).toEqual(['chat74', '547']);
    await until(() => h.core.state().pendingActions === 0, 5_000, 'the unpin');
    expect(pinCalls(p)).toEqual(['chat80:N']);
    expect(p.dialog('chat80')?.pinned).toBe(false);
    // No push in between showed the row again.
    expect(pushed.every((s) => !rows(s).includes('chat80'))).toBe(true);

    await h.core.refresh();
    expect(rows(h.core.state())).toEqual(['chat74', '547']);
    expect(pinCalls(p)).toEqual(['chat80:N']);
  });

  it('a read and an unpin of the same dialog both reach the portal', async () => {
    const p = await portal();
    const h = core();
    const acc = await signIn(h, p);
    p.resetCalls();
    await h.core.dispatch('setUnread', [acc, 'chat74', false]);
    await h.core.dispatch('unpin', [acc, 'chat74']);
    await until(() => h.core.state().pendingActions === 0, 5_000, 'both intents');
    expect(p.dialog('chat74')).toMatchObject({ pinned: false, counter: 0, unread: false });
    expect(rows(h.core.state())).toEqual(['547', 'chat80']);
  });

  it('a restart with the portal unreachable keeps the row hidden and delivers the unpin once', async () => {
    const p = await portal();
    const first = core({ options: { batchWindowMs: 0, backoff: { baseMs: 20, capMs: 100 } } });
    const acc = await signIn(first, p);
    await first.core.start();
    p.setOffline(true);
    await first.core.dispatch('unpin', [acc, '547']);
    await until(() => first.core.queue.all().some((a) => a.attempts > 0), 5_000, 'a failed attempt');
    expect(rows(first.core.state())).toEqual(['chat74', 'chat80']);
    await first.core.stop();

    // The next run: before start() (cached list + stored queue) and after, the row stays hidden.
    const second = core({ dir: first.dir, key: first.key, options: { batchWindowMs: 0 } });
    expect(second.core.queue.all()).toMatchObject([{ kind: 'unpin', dialogId: '547' }]);
    expect(rows(second.core.state())).toEqual(['chat74', 'chat80']);
    p.resetCalls();
    p.setOffline(false);
    await second.core.start();
    await until(() => second.core.state().pendingActions === 0, 10_000, 'the queue to drain');
    await second.core.refresh();
    expect(pinCalls(p)).toEqual(['547:N']);
    expect(p.dialog(547)?.pinned).toBe(false);
    expect(rows(second.core.state())).toEqual(['chat74', 'chat80']);
  });

  it('a refusal brings the row back with a notice naming the dialog, in the user’s language', async () => {
    const p = await portal();
    const h = core({ locale: 'ru-RU' });
    const acc = await signIn(h, p);
    p.inject({ kind: 'error', code: 'ACCESS_ERROR', status: 400, method: 'im.recent.pin' });
    await h.core.dispatch('unpin', [acc, 'chat80']);
    expect(rows(h.core.state())).toEqual(['chat74', '547']);
    await until(() => h.core.state().pendingActions === 0, 5_000, 'the refusal');
    const s = h.core.state();
    expect(rows(s)).toEqual(['chat74', '547', 'chat80']);
    expect(s.notices).toMatchObject([
      { level: 'error', code: 'ACCESS_ERROR', dialogId: 'chat80', title: 'Release 2.4' },
    ]);
    expect(s.notices[0]!.message).toBe('«Release 2.4» не удалось открепить: У вас больше нет доступа к этому диалогу.');
    expect(p.dialog('chat80')?.pinned).toBe(true);
  });

  it('refuses an unknown dialog or account before anything is sent', async () => {
    const p = await portal();
    const h = core();
    const acc = await signIn(h, p);
    p.resetCalls();
    expect(await h.core.dispatch('unpin', [acc, 'chat999'])).toMatchObject({
      ok: false,
      error: { code: 'UNKNOWN_DIALOG' },
    });
    expect(await h.core.dispatch('unpin', ['nobody', 'chat80'])).toMatchObject({
      ok: false,
      error: { code: 'UNKNOWN_ACCOUNT' },
    });
    expect(await h.core.dispatch('unpin', [acc, 'chat0'])).toMatchObject({
      ok: false,
      error: { code: 'INVALID_DIALOG_ID' },
    });
    expect(h.core.state().pendingActions).toBe(0);
    expect(p.calls).toEqual([]);
  });
});
