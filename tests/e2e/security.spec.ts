import type { Api } from '../../src/shared/ipc';
import { test, expect } from './fixtures';

test('the preview refuses any request without the per-run token', async ({ preview, browser }) => {
  // Straight from Node: no cookie, no header.
  for (const path of ['/', '/index.html', '/bridge.js', '/api/events']) {
    expect((await fetch(`${preview.origin}${path}`)).status, path).toBe(403);
  }
  const invoke = await fetch(`${preview.origin}/api/invoke/getState`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: '[]',
  });
  expect(invoke.status).toBe(403);
  expect(await invoke.text()).not.toContain('webhook');
  expect((await fetch(`${preview.origin}/?token=not-the-token`)).status).toBe(403);

  // A browser without the token sees a refusal, not the popup.
  const context = await browser.newContext();
  const page = await context.newPage();
  const res = await page.goto(preview.origin);
  expect(res?.status()).toBe(403);
  await expect(page.getByRole('switch')).toHaveCount(0);
  await context.close();
});

test('with the token, the page works and the token leaves the address bar', async ({ app, preview }) => {
  expect(app.url()).toBe(`${preview.origin}/`);
  // API calls need the header as well as the cookie: a plain form-like POST from the page is refused.
  const status = await app.evaluate(async () => {
    const r = await fetch('/api/invoke/getState', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '[]',
    });
    return r.status;
  });
  expect(status).toBe(403);
});

test('no secret reaches the page', async ({ app, portal }) => {
  const code = /\/rest\/\d+\/(\w+)\//.exec(portal.webhookUrl)![1]!;
  const state = await app.evaluate(async () =>
    JSON.stringify(await (window as unknown as { api: Api }).api.getState()),
  );
  expect(state).not.toContain(code);
  expect(await app.content()).not.toContain(code);
});
