import { afterEach, describe, expect, it } from 'vitest';
import { startFakePortal, type FakePortal } from './server';
import { answer, postJson, resultOf } from './test-helpers';

let portal: FakePortal | undefined;
afterEach(async () => {
  await portal?.close();
  portal = undefined;
});

async function start(opts: Parameters<typeof startFakePortal>[0] = {}): Promise<FakePortal> {
  portal = await startFakePortal({ rateLimit: false, seed: [{ id: 'chat1', title: 'One' }], ...opts });
  return portal;
}

describe('leaky bucket', () => {
  it('lets a burst through, then answers 503 QUERY_LIMIT_EXCEEDED until it drains', async () => {
    const clock = { t: 1_000_000 };
    const p = await start({ rateLimit: { ratePerSec: 2, burst: 5 }, now: () => clock.t });
    const statuses: number[] = [];
    for (let i = 0; i < 7; i++) statuses.push((await postJson(p.webhookUrl, 'profile')).status);
    expect(statuses).toEqual([200, 200, 200, 200, 200, 503, 503]);
    const refused = await postJson(p.webhookUrl, 'profile');
    expect(refused.json).toEqual({ error: 'QUERY_LIMIT_EXCEEDED', error_description: 'Too many requests' });
    expect(p.limiterViolations()).toBe(3);
    // 2/s drain: after one second two more fit, the third does not.
    clock.t += 1000;
    const after = [];
    for (let i = 0; i < 3; i++) after.push((await postJson(p.webhookUrl, 'profile')).status);
    expect(after).toEqual([200, 200, 503]);
  });

  it('counts a batch as one request, whatever it holds', async () => {
    const clock = { t: 1_000_000 };
    const p = await start({ rateLimit: { ratePerSec: 2, burst: 2 }, now: () => clock.t });
    const cmd = Object.fromEntries(Array.from({ length: 50 }, (_, i) => [`k${i}`, 'profile']));
    expect((await postJson(p.webhookUrl, 'batch', { cmd })).status).toBe(200);
    expect((await postJson(p.webhookUrl, 'batch', { cmd })).status).toBe(200);
    expect((await postJson(p.webhookUrl, 'batch', { cmd })).status).toBe(503);
  });

  it('defaults to 2/s with a burst of 50', async () => {
    const clock = { t: 1_000_000 };
    const p = await startFakePortal({ now: () => clock.t });
    portal = p;
    const results = await Promise.all(Array.from({ length: 52 }, () => postJson(p.webhookUrl, 'profile')));
    expect(results.filter((r) => r.status === 200)).toHaveLength(50);
    expect(p.limiterViolations()).toBe(2);
  });
});

describe('fault injection', () => {
  it('serves an HTML 502 page instead of JSON', async () => {
    const p = await start();
    p.inject({ kind: 'html' });
    const a = await postJson(p.webhookUrl, 'profile');
    expect(a.status).toBe(502);
    expect(a.type).toContain('text/html');
    expect(a.text).toContain('502 Bad Gateway');
    expect(a.json).toBeUndefined();
    expect((await postJson(p.webhookUrl, 'profile')).status).toBe(200);
    expect(p.callsTo('profile')[0]).toMatchObject({ status: 502, fault: 'html' });
  });

  it('applies faults FIFO to matching methods only, `times` requests each', async () => {
    const p = await start();
    p.inject({ kind: 'error', method: 'im.recent.unread', code: 'OVERLOAD_LIMIT', status: 503, times: 2 });
    p.inject({ kind: 'html', status: 500 });
    // profile does not match the first fault; it takes the second.
    expect((await postJson(p.webhookUrl, 'profile')).status).toBe(500);
    const u1 = await postJson(p.webhookUrl, 'im.recent.unread', { DIALOG_ID: 'chat1' });
    const u2 = await postJson(p.webhookUrl, 'im.recent.unread', { DIALOG_ID: 'chat1' });
    const u3 = await postJson(p.webhookUrl, 'im.recent.unread', { DIALOG_ID: 'chat1' });
    expect([u1.status, u2.status, u3.status]).toEqual([503, 503, 200]);
    expect(u1.json).toEqual({ error: 'OVERLOAD_LIMIT', error_description: 'OVERLOAD_LIMIT' });
    expect(p.dialog('chat1')?.unread).toBe(true);
  });

  it('answers 429 OPERATION_TIME_LIMIT with operating_reset_at when asked to', async () => {
    const p = await start();
    p.inject({
      kind: 'error',
      code: 'OPERATION_TIME_LIMIT',
      status: 429,
      description: 'Method is blocked due to operation time limit',
      operatingResetInSec: 90,
    });
    const before = Math.floor(Date.now() / 1000);
    const a = await postJson(p.webhookUrl, 'im.recent.list');
    expect(a.status).toBe(429);
    const body = a.json as { error: string; time: { operating_reset_at: number } };
    expect(body.error).toBe('OPERATION_TIME_LIMIT');
    expect(body.time.operating_reset_at).toBeGreaterThanOrEqual(before + 90);
    expect(body.time.operating_reset_at).toBeLessThanOrEqual(before + 92);
  });

  it('answers result:false with HTTP 200', async () => {
    const p = await start();
    p.inject({ kind: 'resultFalse', method: 'im.recent.unread' });
    const a = await postJson(p.webhookUrl, 'im.recent.unread', { DIALOG_ID: 'chat1' });
    expect(a.status).toBe(200);
    expect(resultOf(a)).toBe(false);
    expect(p.dialog('chat1')?.unread).toBe(false);
  });

  it('delays an answer, which a client timeout can then cut short', async () => {
    const p = await start();
    p.inject({ kind: 'delay', ms: 150 });
    const t0 = performance.now();
    expect((await postJson(p.webhookUrl, 'profile')).status).toBe(200);
    expect(performance.now() - t0).toBeGreaterThanOrEqual(140);
    p.inject({ kind: 'delay', ms: 400 });
    await expect(fetch(`${p.webhookUrl}profile`, { signal: AbortSignal.timeout(50) })).rejects.toThrow();
  });

  it('resets the connection, as fetch sees a network failure', async () => {
    const p = await start();
    p.inject({ kind: 'reset', method: 'im.recent.unread' });
    await expect(postJson(p.webhookUrl, 'im.recent.unread', { DIALOG_ID: 'chat1' })).rejects.toThrow(/fetch failed/);
    expect(p.callsTo('im.recent.unread')).toEqual([expect.objectContaining({ status: 0, fault: 'reset' })]);
    expect(p.dialog('chat1')?.unread).toBe(false);
    expect((await postJson(p.webhookUrl, 'im.recent.unread', { DIALOG_ID: 'chat1' })).status).toBe(200);
  });

  it('matches the token endpoint only by method "oauth/token"', async () => {
    const p = await start();
    const t = p.issueTokens();
    p.inject({ kind: 'html' });
    p.inject({ kind: 'html', status: 503, method: 'oauth/token' });
    const refresh = (): Promise<Response> =>
      fetch(
        `${p.oauth.tokenUrl}?${new URLSearchParams({
          grant_type: 'refresh_token',
          client_id: p.oauth.clientId,
          client_secret: p.oauth.clientSecret,
          refresh_token: t.refresh_token,
        })}`,
      );
    const r = await answer(await refresh());
    expect(r.status).toBe(503);
    expect((await answer(await refresh())).status).toBe(200);
    expect(p.refreshCount()).toBe(1);
    // The method-less fault is still queued for the next REST call.
    expect((await postJson(p.webhookUrl, 'profile')).status).toBe(502);
  });

  it('clearFaults() drops what is queued', async () => {
    const p = await start();
    p.inject({ kind: 'html', times: 5 });
    p.clearFaults();
    expect((await postJson(p.webhookUrl, 'profile')).status).toBe(200);
    expect(() => p.inject({ kind: 'html', times: 0 })).toThrow(/times/);
  });
});

describe('offline', () => {
  it('drops every connection while offline and serves again afterwards', async () => {
    const p = await start();
    expect((await postJson(p.webhookUrl, 'profile')).status).toBe(200);
    p.setOffline(true);
    await expect(postJson(p.webhookUrl, 'profile')).rejects.toThrow(/fetch failed/);
    await expect(fetch(p.oauth.tokenUrl)).rejects.toThrow(/fetch failed/);
    p.setOffline(false);
    expect((await postJson(p.webhookUrl, 'profile')).status).toBe(200);
  });
});
