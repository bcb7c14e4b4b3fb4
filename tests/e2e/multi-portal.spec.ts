import { startFakePortal, type FakePortal } from '../../dev/fake-portal/server';
import { test, expect, unreadCalls } from './fixtures';

/** A second portal with its own dialogs, started next to the fixture's. */
let second: FakePortal;
test.beforeEach(async () => {
  second = await startFakePortal({
    rateLimit: false,
    seed: [
      { id: 'chat5', title: 'Partner sync', pinned: true, counter: 2, messageText: 'Agenda for Thursday' },
      { id: 77, title: 'Maria Garcia', pinned: true, messageText: 'Thanks!' },
    ],
  });
});
test.afterEach(async () => {
  await second.close();
});

const hostOf = (p: FakePortal) => new URL(p.url).host;

test('two portals: grouped by portal, a toggle reaches the right portal only, signing out of one keeps the other', async ({
  app,
  portal,
}) => {
  // Add the second portal from Settings → Add portal.
  await app.keyboard.press('Control+Comma');
  await app.getByRole('button', { name: '+ Add portal' }).click();
  await app.getByLabel('Inbound webhook URL').fill(second.webhookUrl);
  await app.getByRole('button', { name: 'Sign in' }).click();

  const first = app.getByRole('region', { name: hostOf(portal) });
  const other = app.getByRole('region', { name: hostOf(second) });
  await expect(other.getByRole('switch')).toHaveCount(2);
  await expect(first.getByRole('switch')).toHaveCount(6);
  // One header per portal once there is more than one.
  await expect(app.getByRole('heading', { name: new RegExp(hostOf(portal).replace('.', '\\.')) })).toBeVisible();
  await expect(app.getByRole('heading', { name: new RegExp(hostOf(second).replace('.', '\\.')) })).toBeVisible();

  await other.getByRole('switch', { name: 'Maria Garcia' }).click();
  await expect.poll(() => unreadCalls(second)).toEqual([{ DIALOG_ID: '77', ACTION: 'Y' }]);
  await first.getByRole('switch', { name: 'Release 2.4' }).click();
  await expect.poll(() => unreadCalls(portal)).toEqual([{ DIALOG_ID: 'chat1317', ACTION: 'N' }]);
  expect(unreadCalls(second)).toEqual([{ DIALOG_ID: '77', ACTION: 'Y' }]);

  // Sign out of the first portal only.
  await app.keyboard.press('Control+Comma');
  await app.getByRole('button', { name: `Sign out: ${hostOf(portal)}` }).click();
  await expect(app.getByRole('button', { name: `Sign out: ${hostOf(portal)}` })).toHaveCount(0);
  await expect(app.getByRole('button', { name: `Sign out: ${hostOf(second)}` })).toBeVisible();
  // The button went with its portal; the focus stays in Settings (not on the other portal's sign-out).
  await expect(app.getByRole('group', { name: 'Settings' })).toBeFocused();
  await app.keyboard.press('Escape');
  await expect(app.getByRole('switch')).toHaveCount(2);
  await expect(app.getByRole('switch', { name: 'Partner sync' })).toBeVisible();
  await expect(app.getByRole('switch', { name: 'Release 2.4' })).toHaveCount(0);
});

test('"Only chosen dialogs" names the portal of each dialog once two are signed in', async ({ app, portal }) => {
  await app.keyboard.press('Control+Comma');
  await app.getByRole('button', { name: '+ Add portal' }).click();
  await app.getByLabel('Inbound webhook URL').fill(second.webhookUrl);
  await app.getByRole('button', { name: 'Sign in' }).click();
  await expect(app.getByRole('switch', { name: 'Maria Garcia' })).toBeVisible();
  await app.keyboard.press('Control+Comma');
  await app.getByRole('radio', { name: 'Only chosen dialogs' }).check();
  // Each box is named by its dialog and its portal (two portals may each have a "Sales").
  await expect(app.getByRole('checkbox', { name: `Maria Garcia · ${hostOf(second)}` })).toBeVisible();
  await expect(app.getByRole('checkbox', { name: `Release 2.4 · ${hostOf(portal)}` })).toBeVisible();
});
