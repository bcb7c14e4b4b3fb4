/**
 * Issue 10 "Behave like the real Bitrix24": the app against the fake portal in
 * SERVER mode (where the vendor's server and its docs disagree, the fake does
 * what the server does, bitrix24-api.md §6), over real HTTP with the real
 * client, storage and core. The bench rows of the same issue (Mark all read of
 * 200 = 8 / 4 requests, 300 recent with 40 pinned = 1 request, an idle poll
 * with a muted private dialog = 1 request) are checked in
 * tests/bench-counts.test.ts over the same stack.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { startOAuthFlow } from '../../src/main/core/auth/oauth-flow';
import type { FetchLike } from '../../src/main/core/ports';
import { SEND_DEPTH } from '../../src/main/core/toggles/queue-policy';
import { generateDialogs, startFakePortal, type FakePortal } from '../../dev/fake-portal/server';
import type { FakePortalOptions, SeedDialog } from '../../dev/fake-portal/types';
import { fakeClock, flush } from '../support/fake-clock';
import { freePort } from '../support/free-port';
import { until } from '../support/wait';
import { makeCore, type Harness } from './harness';

const portals: FakePortal[] = [];
const cores: Harness[] = [];
afterEach(async () => {
  for (const h of cores.splice(0)) await h.core.stop();
  for (const p of portals.splice(0)) await p.close();
});

async function portal(seed: SeedDialog[], opts: FakePortalOptions = {}): Promise<FakePortal> {
  const p = await startFakePortal({ seed, rateLimit: false, ...opts });
  portals.push(p);
  return p;
}

async function signedIn(p: FakePortal, clock = fakeClock(Date.now())) {
  // random 0.5: no poll jitter, the first poll is due one interval (60 s) after sign-in.
  const h = makeCore({ clock, options: { random: () => 0.5 } });
  cores.push(h);
  await h.core.start();
  const r = await h.core.dispatch('signInWithWebhook', [p.webhookUrl]);
  if (!r.ok) throw new Error(r.error.message);
  return { h, clock, acc: (r.data as { id: string }).id };
}

/** The poll is done once the account's data is confirmed again (after its reload, if it made one). */
const polled = (h: Harness, before: number | null) =>
  (h.core.state().updatedAt ?? 0) > (before ?? 0) && h.core.state().status === 'ready';

const shown = (h: Harness, id: string) => h.core.state().dialogs.find((d) => d.dialogId === id);

describe('"read" really reads', () => {
  it.each(['server', 'docs'] as const)(
    '%s mode: a pinned dialog with counter 3 switched to read is read on the portal, after the next poll and a Refresh',
    async (readSemantics) => {
      const p = await portal(
        [
          { id: 'chat74', title: 'Sales', pinned: true, counter: 3, messageId: 500 },
          { id: 'chat80', title: 'Release', pinned: true },
        ],
        { readSemantics },
      );
      const { h, clock, acc } = await signedIn(p);
      expect(shown(h, 'chat74')).toMatchObject({ unread: true, counter: 3 });

      const r = await h.core.dispatch('setUnread', [acc, 'chat74', false]);
      expect(r.ok).toBe(true);
      await clock.advance(50); // the batch window
      await until(() => h.core.state().pendingActions === 0, 5_000, 'the toggle to be delivered');
      // One request: the mark removed and the messages read together.
      expect(p.calls.filter((c) => !c.inBatch).map((c) => c.method)).toContain('batch');
      expect(p.dialog('chat74')).toMatchObject({ unread: false, counter: 0, lastId: 500 });

      // The next poll (one im.recent.list page) and a Refresh keep it read.
      p.resetCalls();
      const before = h.core.state().updatedAt;
      await clock.advance(60_000);
      await until(() => polled(h, before), 5_000, 'a poll');
      expect(p.calls.map((c) => c.method)).toEqual(['im.recent.list']);
      expect(shown(h, 'chat74')).toMatchObject({ unread: false, counter: 0 });
      await h.core.refresh();
      expect(shown(h, 'chat74')).toMatchObject({ unread: false, counter: 0 });
    },
  );

  it('a dialog carrying only the mark costs the single im.recent.unread N', async () => {
    const p = await portal([{ id: 'chat74', title: 'Sales', pinned: true, unread: true }]);
    const { h, clock, acc } = await signedIn(p);
    p.resetCalls();
    await h.core.dispatch('setUnread', [acc, 'chat74', false]);
    await clock.advance(50);
    await until(() => h.core.state().pendingActions === 0, 5_000, 'the toggle to be delivered');
    expect(p.calls.map((c) => [c.method, c.params])).toEqual([
      ['im.recent.unread', { DIALOG_ID: 'chat74', ACTION: 'N' }],
    ]);
    expect(p.dialog('chat74')).toMatchObject({ unread: false, counter: 0 });
  });

  it('a workgroup id (sg17) is refused with an actionable message and nothing is sent', async () => {
    const p = await portal([{ id: 'chat74', title: 'Sales', pinned: true }]);
    const { h, acc } = await signedIn(p);
    p.resetCalls();
    const r = await h.core.dispatch('setUnread', [acc, 'sg17', true]);
    expect(r.ok).toBe(false);
    expect(!r.ok && r.error.code).toBe('INVALID_DIALOG_ID');
    // The popup's reply in the catalogue's words (core/errors/to-app-error.ts inWords); the notice says more.
    expect(!r.ok && r.error.message).toMatch(/"chat74"/);
    await h.core.toggleDialog('sg17');
    expect(h.core.state().notices.at(-1)).toMatchObject({ code: 'INVALID_DIALOG_ID' });
    expect(h.core.state().notices.at(-1)?.message).toMatch(/workgroup/);
    expect(p.calls).toEqual([]);
  });
});

describe('the pinned list from the first page(s)', () => {
  it('45 pinned on a portal whose first page holds only pinned rows still load completely', async () => {
    // 5 raw rows per pinned dialog: the first page (200 raw rows) collapses to 40 pinned dialogs
    // and nothing else, so the load must read on to find the other 5.
    const p = await portal(generateDialogs(300, { pinned: 45 }), { pinnedRawRows: 5 });
    const { h } = await signedIn(p);
    expect(h.core.state().dialogs).toHaveLength(45);
    expect(p.callsTo('im.recent.list')).toHaveLength(2);
    p.resetCalls();
    await h.core.refresh();
    expect(h.core.state().dialogs).toHaveLength(45);
    expect(p.callsTo('im.recent.list')).toHaveLength(2);
  });

  it('300 recent with 40 pinned load in 1 request', async () => {
    const p = await portal(generateDialogs(300, { pinned: 40 }));
    const { h } = await signedIn(p);
    p.resetCalls();
    await h.core.refresh();
    expect(h.core.state().dialogs).toHaveLength(40);
    expect(p.calls.map((c) => c.method)).toEqual(['im.recent.list']);
  });
});

describe('connections', () => {
  it(`Mark all read of 200 (8 batches, ${SEND_DEPTH} out at once) leaves the portal with no more than ${SEND_DEPTH} connections`, async () => {
    // Node's fetch takes a connection back only a full turn after its answer ended: a batch
    // started from the answer's own microtasks found it busy and opened another one.
    const p = await portal(generateDialogs(300, { pinned: 200, unread: 300, withCounter: 300 }));
    const { h, clock, acc } = await signedIn(p);
    const targets = h.core.state().dialogs.map((d) => ({ accountId: acc, dialogId: d.dialogId }));
    expect(targets).toHaveLength(200);
    // A user's Mark all read arrives in a task of its own (an IPC message), not in the microtasks
    // of the sign-in's last answer, whose connection is not free again until the next turn.
    await flush(1);
    p.resetCalls();
    const r = await h.core.dispatch('setUnreadMany', [targets, false]);
    expect(r.ok).toBe(true);
    await clock.advance(50); // the batch window
    await until(() => h.core.state().pendingActions === 0, 10_000, 'Mark all read to be delivered');
    expect(p.calls.filter((c) => !c.inBatch).map((c) => c.method)).toEqual(Array(8).fill('batch'));
    expect(h.core.state().dialogs.filter((d) => d.unread || d.counter > 0)).toEqual([]);
    expect(p.openConnections).toBeLessThanOrEqual(SEND_DEPTH);
  });
});

describe('an idle poll with a muted private dialog', () => {
  it('costs 1 request and shows its count', async () => {
    const p = await portal([
      { id: 548, title: 'Muted peer', pinned: true, counter: 2, muted: true },
      { id: 'chat74', title: 'Sales', pinned: true },
    ]);
    const { h, clock } = await signedIn(p);
    expect(shown(h, '548')).toMatchObject({ counter: 2, muted: true });
    p.resetCalls();
    const before = h.core.state().updatedAt;
    await clock.advance(60_000);
    await until(() => polled(h, before), 5_000, 'a poll');
    // One page just past the 2 pinned rows (dialogs.ts pollPageSize).
    expect(p.calls.map((c) => [c.method, c.params['LIMIT']])).toEqual([['im.recent.list', 7]]);
    expect(shown(h, '548')).toMatchObject({ counter: 2, muted: true });
  });
});

describe('notifications on Linux', () => {
  it('a title <a href="https://x">Session expired</a> reaches the notifier escaped', async () => {
    const title = '<a href="https://x">Session expired</a>';
    const p = await portal([{ id: 'chat9', title, pinned: true, messageId: 100 }]);
    const { h } = await signedIn(p); // the harness core runs with platform 'linux'
    p.setDialog('chat9', { counter: 1, messageId: 101, messageText: '<img src="https://x/p.png">' });
    await h.core.refresh();
    expect(h.notified).toEqual([
      {
        title: '&lt;a href=&quot;https://x&quot;&gt;Session expired&lt;/a&gt;',
        body: '&lt;img src=&quot;https://x/p.png&quot;&gt;',
      },
    ]);
  });
});

describe('the OAuth code exchange', () => {
  /** Runs the browser part of a sign-in: authorize, follow the redirect to our listener. */
  async function signInVia(serverDomain: string) {
    const p = await startFakePortal({
      seed: [],
      rateLimit: false,
      oauth: { clientId: 'local.app', clientSecret: 'app-secret', serverDomain },
    });
    portals.push(p);
    const sent: string[] = [];
    // The stand-in for the internet: a known OAuth server's token endpoint is served by the fake portal.
    const fetch: FetchLike = (input, init) => {
      const url = new URL(String(input));
      sent.push(url.href);
      const target = url.pathname === '/oauth/token/' ? p.oauth.tokenUrl : url.href;
      return globalThis.fetch(target, init);
    };
    const flow = await startOAuthFlow({
      portal: p.url,
      clientId: 'local.app',
      clientSecret: 'app-secret',
      port: await freePort(),
      fetch,
    });
    p.setOAuthRedirectUri(flow.redirectUrl);
    const r1 = await globalThis.fetch(flow.authorizeUrl, { redirect: 'manual' });
    const callback = r1.headers.get('location')!;
    expect(new URL(callback).searchParams.get('server_domain')).toBe(serverDomain);
    const page = await globalThis.fetch(callback);
    const result = await flow.result.then(
      (tokens) => ({ tokens, error: null }),
      (error: { code: string; message: string }) => ({ tokens: null, error }),
    );
    return { p, sent, result, page };
  }

  it.each(['oauth.bitrix.info', 'oauth.bitrix24.tech'])('goes to %s when server_domain names it', async (host) => {
    const { p, sent, result } = await signInVia(host);
    expect(result.error).toBeNull();
    expect(sent).toEqual([`https://${host}/oauth/token/`]);
    expect(p.callsTo('oauth/token')).toHaveLength(1);
    expect(result.tokens).toMatchObject({ clientEndpoint: `${p.url}/rest/`, serverEndpoint: `https://${host}/rest/` });
  });

  it.each(['evil.example', 'oauth.bitrix.info.evil.example'])(
    'is refused for %s with a clear message and nothing sent',
    async (host) => {
      const { p, sent, result, page } = await signInVia(host);
      expect(result.error?.code).toBe('UNKNOWN_OAUTH_SERVER');
      expect(result.error?.message).toMatch(/oauth\.bitrix\.info and oauth\.bitrix24\.tech/);
      expect(page.status).toBe(400);
      expect(sent).toEqual([]);
      expect(p.callsTo('oauth/token')).toEqual([]);
    },
  );
});
