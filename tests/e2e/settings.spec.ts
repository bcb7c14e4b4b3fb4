import { test, expect } from './fixtures';

test('a shortcut is captured from a key press and registered by the core', async ({ app, preview }) => {
  await app.keyboard.press('Control+Comma');
  const field = app.getByRole('button', { name: /^Show \/ hide popup/ });
  await field.click();
  await expect(field).toContainText('Press keys');
  await app.keyboard.press('Control+Alt+KeyK');
  await expect(field).toContainText('Ctrl+Alt+K');
  await expect.poll(async () => (await preview.records(app)).shortcuts).toContain('CommandOrControl+Alt+K');
  // Off Wayland the system answers for itself: no "requested from the desktop" caveat.
  await expect(app.getByText(/^Requested from the desktop/)).toHaveCount(0);
  // Esc leaves Settings for the list (and does not hide the popup).
  await app.keyboard.press('Escape');
  await expect(app.getByRole('switch').first()).toBeFocused();
  expect((await preview.records(app)).hidden).toBe(0);
});

test('Settings can force the dark theme and Russian, overriding the OS', async ({ app }) => {
  await app.keyboard.press('Control+Comma');
  await app.getByLabel('Theme').selectOption('dark');
  await expect.poll(() => app.evaluate(() => getComputedStyle(document.body).backgroundColor)).toBe('rgb(31, 35, 42)');
  await app.getByLabel('Language').selectOption('ru');
  await expect(app.getByRole('heading', { name: 'Сочетания клавиш' })).toBeVisible();
  await app.keyboard.press('Escape');
  await expect(app.getByRole('button', { name: 'Обновить' })).toBeVisible();
  await expect(app.locator('html')).toHaveAttribute('lang', 'ru');
  // The time of the last update, in the header's tooltip, follows the chosen language too (the
  // browser's locale here is en-US): "1 дек. 2026 г., 13:09:05".
  await expect(app.locator('header .updated')).toHaveAttribute(
    'title',
    /^\d{1,2} [а-я]+\. \d{4} г\., \d{2}:\d{2}:\d{2}$/,
  );
});

test('Settings opened from the keyboard keep the focus: it moves into them, and Tab goes on from there', async ({
  app,
}) => {
  // A row's switch has the focus; Ctrl+, takes the list (and that switch) away.
  await expect(app.getByRole('switch').first()).toBeFocused();
  await app.keyboard.press('Control+Comma');
  const settings = app.getByRole('group', { name: 'Settings' });
  await expect(settings).toBeFocused();
  await app.keyboard.press('Tab');
  // The first control of Settings, not the top bar's first button.
  await expect(app.getByRole('button', { name: /^Sign out: / }).first()).toBeFocused();
});

test('turning a shortcut off from the keyboard leaves the focus on its field, ready for a new one', async ({ app }) => {
  await app.keyboard.press('Control+Comma');
  await app.getByRole('button', { name: 'Turn off: Show / hide popup' }).focus();
  await app.keyboard.press('Enter');
  const field = app.getByRole('button', { name: /^Show \/ hide popup/ });
  await expect(field).toContainText('Off');
  await expect(field).toBeFocused();
  await expect(app.getByRole('button', { name: 'Turn off: Show / hide popup' })).toHaveCount(0);
});

test.describe('on a Linux Wayland session', () => {
  test.use({ previewEnv: { B24UT_PREVIEW_WAYLAND: '1' } });

  test('Settings say the shortcuts were requested from the desktop, not that they work', async ({ app, preview }) => {
    await app.keyboard.press('Control+Comma');
    const shortcuts = app.getByRole('region', { name: 'Shortcuts' });
    await expect(shortcuts.getByText(/^Requested from the desktop\. .*cannot tell whether they work/)).toBeVisible();
    // A new one is recorded like anywhere else; the caveat stays.
    const field = app.getByRole('button', { name: /^Show \/ hide popup/ });
    await field.click();
    await app.keyboard.press('Control+Alt+KeyK');
    await expect.poll(async () => (await preview.records(app)).shortcuts).toContain('CommandOrControl+Alt+K');
    await expect(shortcuts.getByText(/^Requested from the desktop/)).toBeVisible();
    await app.getByLabel('Language').selectOption('ru');
    await expect(app.getByText(/^Запрошены у рабочего стола\./)).toBeVisible();
  });
});

test('a shortcut another of the app’s already uses is refused by its field, naming that one', async ({ app }) => {
  await app.keyboard.press('Control+Comma');
  const slot1 = app.getByRole('button', { name: /^Toggle dialog 1 / });
  await slot1.click();
  await app.keyboard.press('Control+Shift+Alt+KeyU');
  await expect(slot1).toHaveAccessibleDescription(
    '“Ctrl+Alt+Shift+U” is taken by “Show / hide popup”; kept “Ctrl+Shift+Alt+1”.',
  );
  await expect(slot1).toContainText('Ctrl+Shift+Alt+1');
  await expect(app.locator('body')).not.toContainText('The request was not valid.');
  // Not left over the list.
  await app.keyboard.press('Escape');
  await expect(app.getByRole('switch').first()).toBeFocused();
  await expect(app.locator('body')).not.toContainText('is taken');
});

test('a check interval out of range is refused by its field, with the range, and not shown on the list', async ({
  app,
}) => {
  await app.keyboard.press('Control+Comma');
  const poll = app.getByLabel('Check for changes every (seconds)');
  const before = await poll.inputValue();
  await poll.fill('5');
  await poll.press('Tab');
  await expect(poll).toHaveAccessibleDescription('From 15 to 3600 seconds; the previous value is kept.');
  await expect(poll).toHaveValue(before);
  await expect(app.locator('body')).not.toContainText('The request was not valid.');
  await app.keyboard.press('Escape');
  await expect(app.getByRole('switch').first()).toBeFocused();
  await expect(app.locator('body')).not.toContainText('seconds; the previous value');
});

test('signing out of the last portal from Settings leaves the sign-in screen itself: its title, and Esc hides', async ({
  app,
  preview,
}) => {
  await app.keyboard.press('Control+Comma');
  await app.getByRole('button', { name: /^Sign out: / }).click();
  await expect(app.getByLabel('Inbound webhook URL')).toBeVisible();
  const title = app.locator('header .name');
  await expect(title).toHaveText('B24 Unread Tray');
  await app.keyboard.press('Escape');
  await expect.poll(async () => (await preview.records(app)).hidden).toBe(1);
  await expect(title).toHaveText('B24 Unread Tray');
});
