import { generateDialogs, startFakePortal, type FakePortal } from '../../dev/fake-portal/server';
import type { Api } from '../../src/shared/ipc';
import { test, expect } from './fixtures';

// Two portals of 120 pinned dialogs: the windowed list (issue 14) places each portal's rows
// below its own header, so reaching the second portal's rows depends on where its list starts.
const N = 120;
test.use({ portalOptions: { seed: generateDialogs(N, { pinned: N }), rateLimit: false } });

let second: FakePortal;
test.beforeEach(async () => {
  second = await startFakePortal({ rateLimit: false, seed: generateDialogs(N, { pinned: N, startId: 5000 }) });
});
test.afterEach(async () => {
  await second.close();
});

const hostOf = (p: FakePortal) => new URL(p.url).host;

test('two large portals: each group is windowed with its own size; End and scrolling reach the second', async ({
  app,
  portal,
}) => {
  await app.keyboard.press('Control+Comma');
  await app.getByRole('button', { name: '+ Add portal' }).click();
  await app.getByLabel('Inbound webhook URL').fill(second.webhookUrl);
  await app.getByRole('button', { name: 'Sign in' }).click();
  const firstGroup = app.getByRole('region', { name: hostOf(portal) });
  const secondGroup = app.getByRole('region', { name: hostOf(second) });
  await expect(firstGroup.getByRole('switch').first()).toBeVisible();

  // Both lists tell their own size; only a window of rows exists.
  await expect(firstGroup.locator('[data-key]').first()).toHaveAttribute('aria-setsize', String(N));
  expect(await app.locator('[data-key]').count()).toBeLessThanOrEqual(24);

  // End: the second portal's last row, focused and in view.
  // The second portal's last dialog in list order, as the core pushed it.
  const lastTitle = await app.evaluate(async () => {
    const r = await (window as unknown as { api: Api }).api.getState();
    if (!r.ok) throw new Error(r.error.message);
    const account = r.data.accounts[1]!.id;
    return r.data.dialogs.filter((d) => d.accountId === account).at(-1)!.title;
  });
  expect(second.dialogs().some((d) => d.title === lastTitle)).toBe(true);
  await app.getByRole('switch').first().focus();
  await app.keyboard.press('End');
  const last = secondGroup.getByRole('switch', { name: lastTitle, exact: true });
  await expect(last).toBeFocused();
  await expect(last).toBeInViewport();
  const item = last.locator('xpath=ancestor::li[1]');
  await expect(item).toHaveAttribute('aria-posinset', String(N));
  await expect(item).toHaveAttribute('aria-setsize', String(N));

  // Scrolled to the middle of the second portal: its rows there are rendered and visible.
  await app.locator('main').evaluate((m) => {
    const ul = m.querySelectorAll('section ul')[1] as HTMLElement;
    m.scrollTop += ul.getBoundingClientRect().top - m.getBoundingClientRect().top + 60 * 52;
  });
  const middle = secondGroup.locator('[data-key][aria-posinset="62"]');
  await expect(middle).toBeInViewport();
  expect(await app.locator('[data-key]').count()).toBeLessThanOrEqual(24);
});
