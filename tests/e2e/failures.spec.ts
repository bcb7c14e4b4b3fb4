import type { Api } from '../../src/shared/ipc';
import { test, expect, unreadCalls } from './fixtures';

/** The portal refusing a flip as it does for a dialog the user lost access to. */
const ACCESS_ERROR = {
  kind: 'error',
  code: 'ACCESS_ERROR',
  status: 403,
  description: 'You do not have access to the specified dialog',
  method: 'im.recent.unread',
} as const;

test('the portal refusing (result:false) returns the switch to the true state and names the dialog', async ({
  app,
  portal,
}) => {
  portal.inject({ kind: 'resultFalse', method: 'im.recent.unread' });
  const john = app.getByRole('switch', { name: 'John Carter' });
  await expect(john).toHaveAttribute('aria-checked', 'false');
  await john.click();
  // What failed and a reason true for every refusal by result:false (a pin may be refused at a limit).
  await expect(app.getByRole('alert')).toContainText(
    '«John Carter» could not be marked unread: Bitrix24 refused the change without saying why',
  );
  await expect(john).toHaveAttribute('aria-checked', 'false');
  await expect(john).not.toHaveAttribute('data-pending', '');
  expect(portal.dialog(612)?.unread).toBeFalsy();
});

test('ACCESS_ERROR: the switch returns and the alert explains it', async ({ app, portal }) => {
  portal.inject(ACCESS_ERROR);
  const release = app.getByRole('switch', { name: 'Release 2.4' });
  await release.click();
  const alert = app.getByRole('alert');
  await expect(alert).toContainText('Release 2.4');
  await expect(alert).toContainText('You no longer have access to this dialog.');
  await expect(release).toHaveAttribute('aria-checked', 'true');
  // Dismissing the notice removes it.
  await alert.getByRole('button', { name: 'Dismiss' }).first().click();
  await expect(alert).not.toContainText('Release 2.4');
});

test('a notice dismissed from the keyboard leaves the focus on the next one, then on the list', async ({
  app,
  portal,
}) => {
  portal.inject({ kind: 'resultFalse', method: 'im.recent.unread', times: 2 });
  await app.getByRole('switch', { name: 'John Carter' }).click();
  await app.getByRole('switch', { name: 'Release 2.4' }).click();
  const dismiss = app.getByRole('alert').getByRole('button', { name: 'Dismiss' });
  await expect(dismiss).toHaveCount(2);
  await dismiss.first().focus();
  await app.keyboard.press('Enter');
  await expect(dismiss).toHaveCount(1);
  await expect(dismiss).toBeFocused();
  await app.keyboard.press('Enter');
  await expect(dismiss).toHaveCount(0);
  // The list's active row, not the page: arrows and Space go on working from here.
  await expect(app.getByRole('switch', { name: 'Release 2.4' })).toBeFocused();
});

test('a notice the core replaces while its × holds the focus leaves the focus on the new one', async ({
  app,
  portal,
}) => {
  portal.inject({ ...ACCESS_ERROR, times: 2 });
  const release = app.getByRole('switch', { name: 'Release 2.4' });
  await release.click();
  const dismiss = app.getByRole('alert').getByRole('button', { name: 'Dismiss' });
  await expect(dismiss).toHaveCount(1);
  await dismiss.focus();
  const first = await dismiss.elementHandle();
  // The same flip from outside the popup (a hotkey, the tray) fails the same way: its notice
  // replaces the one whose × has the focus.
  const [accountId, dialogId] = (await app.locator('[data-key$="/chat1317"]').getAttribute('data-key'))!.split('/');
  await app.evaluate(
    ([a, d]) => (window as unknown as { api: Api }).api.setUnread(a!, d!, false),
    [accountId, dialogId],
  );
  // The notice was replaced, × and all.
  await expect.poll(() => first!.evaluate((el) => el.isConnected)).toBe(false);
  await expect(dismiss).toHaveCount(1);
  await expect(app.getByRole('alert')).toContainText('Release 2.4');
  await expect(dismiss).toBeFocused();
});

test('offline: the banner counts waiting actions, rows show pending; back online they are delivered', async ({
  app,
  portal,
}) => {
  portal.setOffline(true);
  const john = app.getByRole('switch', { name: 'John Carter' });
  await john.click();
  await expect(john).toHaveAttribute('aria-checked', 'true');
  await expect(app.getByText('Offline — 1 action waiting')).toBeVisible();
  await expect(app.locator('[data-key$="/612"]')).toHaveAttribute('data-pending', '');
  await app.getByRole('switch', { name: 'Release 2.4' }).click();
  await expect(app.getByText('Offline — 2 actions waiting')).toBeVisible();
  expect(unreadCalls(portal)).toEqual([]);

  portal.setOffline(false);
  await app.getByRole('button', { name: 'Refresh' }).click();
  await expect
    .poll(() => unreadCalls(portal).sort((a, b) => String(a.DIALOG_ID).localeCompare(String(b.DIALOG_ID))), {
      timeout: 15_000,
    })
    .toEqual([
      { DIALOG_ID: '612', ACTION: 'Y' },
      { DIALOG_ID: 'chat1317', ACTION: 'N' },
    ]);
  await expect(app.getByText(/Offline/)).toHaveCount(0, { timeout: 10_000 });
  await expect(app.locator('[data-pending]')).toHaveCount(0);
  await expect(john).toHaveAttribute('aria-checked', 'true');
});

test('a revoked webhook: Sign out first says the held changes would be lost; Sign in again sends them', async ({
  app,
  portal,
}) => {
  portal.revokeWebhook();
  const release = app.getByRole('switch', { name: 'Release 2.4' });
  const was = await release.getAttribute('aria-checked');
  await release.focus();
  await app.keyboard.press('Space');
  await app.keyboard.press('Control+Comma');
  await expect(app.getByText('Sign-in expired — sign in again')).toBeVisible();
  const host = new URL(portal.url).host;
  // One press of Sign out does not drop the change the popup said was kept.
  await app.getByRole('button', { name: `Sign out: ${host}` }).click();
  await expect(app.getByRole('alert').filter({ hasText: 'not sent yet would be lost' })).toContainText(
    '1 change not sent yet would be lost.',
  );
  await expect(app.getByRole('button', { name: `Sign out anyway: ${host}` })).toBeVisible();
  // Signing in again (a new webhook for the same user) keeps the account and sends the change.
  await app.getByRole('button', { name: 'Sign in again' }).click();
  await app.getByLabel('Inbound webhook URL').fill(portal.newWebhook());
  await app.getByRole('button', { name: 'Sign in' }).click();
  await expect
    .poll(() => unreadCalls(portal).filter((c) => c.DIALOG_ID === 'chat1317'))
    .toEqual([{ DIALOG_ID: 'chat1317', ACTION: was === 'true' ? 'N' : 'Y' }]);
});

test('a failed Add portal leaves no error behind: Esc from the sign-in screen takes it away', async ({
  app,
  portal,
}) => {
  await app.keyboard.press('Control+Comma');
  await app.getByRole('button', { name: '+ Add portal' }).click();
  const url = app.getByLabel('Inbound webhook URL');
  await url.fill(portal.webhookUrl.replace(/\/rest\/1\/\w+\//, '/rest/1/wrongcode123/'));
  await url.press('Enter');
  await expect(app.getByRole('alert')).toContainText('The webhook was revoked or mistyped');
  await app.keyboard.press('Escape');
  await expect(app.getByRole('switch').first()).toBeFocused();
  // The portal that is connected works: nothing on the list says otherwise.
  await expect(app.getByRole('alert')).not.toContainText('The webhook was revoked or mistyped');
});

test.describe('signed out', () => {
  test.use({ signedIn: false });

  test('sign in by pasting a webhook URL: the pinned list appears', async ({ app, portal }) => {
    const url = app.getByLabel('Inbound webhook URL');
    await expect(url).toBeFocused();
    await url.fill(portal.webhookUrl);
    await app.getByRole('button', { name: 'Sign in' }).click();
    await expect(app.getByRole('switch', { name: 'Release 2.4' })).toBeVisible();
    await expect(app.getByRole('switch')).toHaveCount(6);
    await expect(app.getByRole('switch').first()).toBeFocused();
  });

  test('a mistyped webhook gets a clear error, and the focus stays on Sign in', async ({ app, portal }) => {
    await app
      .getByLabel('Inbound webhook URL')
      .fill(portal.webhookUrl.replace(/\/rest\/1\/\w+\//, '/rest/1/wrongcode123/'));
    await app.getByRole('button', { name: 'Sign in' }).click();
    await expect(app.getByRole('alert')).toContainText('The webhook was revoked or mistyped');
    // Busy meanwhile, the button kept the focus it was pressed with (disabled, it dropped it to the page).
    await expect(app.getByRole('button', { name: 'Sign in' })).toBeFocused();
    await app.getByLabel('Inbound webhook URL').fill('https://not a url');
    await app.getByRole('button', { name: 'Sign in' }).click();
    await expect(app.getByRole('alert')).toContainText('inbound webhook URL');
    // The first error was about the URL before: the answer to the new one replaces it.
    await expect(app.getByRole('alert')).not.toContainText('The webhook was revoked or mistyped');
    await expect(app.getByRole('switch')).toHaveCount(0);
  });

  test('starting an OAuth sign-in keeps the focus: on the waiting panel, then back on the form after Cancel', async ({
    app,
    portal,
  }) => {
    await app.getByText('Sign in with a local application (OAuth)').click();
    await app.getByLabel('Portal address').fill(portal.url);
    await app.getByLabel('Client id').fill(portal.oauth.clientId);
    await app.getByLabel('Client secret').fill(portal.oauth.clientSecret);
    await app.getByLabel('Client secret').press('Enter');
    // The form (and its button) gave way to the panel: the focus goes there, not to the page.
    const waiting = app.getByRole('status').filter({ hasText: 'Waiting for the browser sign-in' });
    await expect(waiting).toBeFocused();
    await app.keyboard.press('Tab');
    await expect(waiting.getByRole('link')).toBeFocused();
    await waiting.getByRole('button', { name: 'Cancel' }).click();
    await expect(app.getByLabel('Inbound webhook URL')).toBeFocused();
  });

  test('the OAuth form shows the exact redirect URL to register', async ({ app }) => {
    await app.getByText('Sign in with a local application (OAuth)').click();
    await expect(app.locator('code')).toHaveText(/^http:\/\/(127\.0\.0\.1|localhost):\d+\/\S*$/);
  });
});
