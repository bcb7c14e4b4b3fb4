import { generateDialogs } from '../../dev/fake-portal/server';
import { test, expect, unreadCalls, pinnedState } from './fixtures';

test('shows every pinned dialog as a switch named by its title, checked when unread', async ({ app, portal }) => {
  const expected = pinnedState(portal);
  const switches = app.getByRole('switch');
  await expect(switches).toHaveCount(expected.size);
  for (const [title, unread] of expected) {
    await expect(app.getByRole('switch', { name: title, exact: true })).toHaveAttribute(
      'aria-checked',
      unread ? 'true' : 'false',
    );
  }
  // Not pinned: not listed.
  await expect(app.getByRole('switch', { name: 'Мария Иванова' })).toHaveCount(0);
  await expect(app.locator('header .updated')).toHaveText(/^(Just now|\d+ sec\. ago)$/);
});

test('"Sending…" shows only on a change the portal has not confirmed within 400 ms, until it does', async ({
  app,
  portal,
}) => {
  // Every row that ever says it, and the banner ("1 change being sent") if it ever shows, from now
  // on (a flash between two frames included).
  await app.evaluate(() => {
    const w = window as unknown as { saidSending: string[] };
    w.saidSending = [];
    new MutationObserver((records) => {
      for (const r of records) {
        const el = r.target as Element;
        if (r.type === 'attributes' && el.matches('li[data-pending]'))
          w.saidSending.push(el.getAttribute('data-key') ?? '?');
      }
      if (document.querySelector('.banner.pending') && !w.saidSending.includes('banner')) w.saidSending.push('banner');
    }).observe(document.body, { attributes: true, childList: true, subtree: true, attributeFilter: ['data-pending'] });
  });
  const saidSending = () => app.evaluate(() => (window as unknown as { saidSending: string[] }).saidSending);

  // Answered at once (this machine's portal): the switch flips, and the row never says "Sending…".
  const release = app.getByRole('switch', { name: 'Release 2.4' });
  await release.click();
  await expect(release).toHaveAttribute('aria-checked', 'false');
  await expect.poll(() => portal.dialog('chat1317')?.unread).toBe(false);
  await app.waitForTimeout(600);
  expect(await saidSending()).toEqual([]);
  await expect(app.getByText('Sending…')).toHaveCount(0);

  // Answered 2 s late: it says so once 400 ms have passed, and stops when the portal has confirmed.
  portal.inject({ kind: 'delay', ms: 2_000, method: 'im.recent.unread', times: 1 });
  const john = app.getByRole('switch', { name: 'John Carter' });
  const clicked = Date.now();
  await john.click();
  await expect(john).toHaveAttribute('aria-checked', 'true');
  const row = app.locator('[data-key$="/612"]');
  await expect(row).toHaveAttribute('data-pending', '');
  expect(Date.now() - clicked).toBeGreaterThanOrEqual(400);
  await expect(row.getByText('Sending…')).toBeVisible();
  await expect(john).toHaveAttribute('aria-busy', 'true');
  await expect(app.locator('.banner.pending')).toHaveText('1 change being sent');
  await expect(row).not.toHaveAttribute('data-pending', '', { timeout: 5_000 });
  await expect(john).toHaveAttribute('aria-checked', 'true');
  await expect(app.locator('.banner.pending')).toHaveCount(0);
  expect((await saidSending()).sort()).toEqual([await row.getAttribute('data-key'), 'banner'].sort());
});

test('a click flips the switch at once and sends exactly one im.recent.unread', async ({ app, portal }) => {
  const release = app.getByRole('switch', { name: 'Release 2.4' });
  await expect(release).toHaveAttribute('aria-checked', 'true');
  await release.click();
  await expect(release).toHaveAttribute('aria-checked', 'false');
  await expect.poll(() => unreadCalls(portal)).toEqual([{ DIALOG_ID: 'chat1317', ACTION: 'N' }]);
  await expect.poll(() => portal.dialog('chat1317')?.counter).toBe(0);

  const john = app.getByRole('switch', { name: 'John Carter' });
  await expect(john).toHaveAttribute('aria-checked', 'false');
  await john.click();
  await expect(john).toHaveAttribute('aria-checked', 'true');
  await expect
    .poll(() => unreadCalls(portal))
    .toEqual([
      { DIALOG_ID: 'chat1317', ACTION: 'N' },
      { DIALOG_ID: '612', ACTION: 'Y' },
    ]);
  // The pending mark clears once the portal confirmed.
  await expect(app.locator('[data-pending]')).toHaveCount(0);
});

test('keyboard: focus starts on the first switch, arrows and j/k move, Space and Enter toggle', async ({
  app,
  portal,
}) => {
  const switches = app.getByRole('switch');
  await expect(switches.first()).toBeFocused();
  const first = (await switches.nth(0).getAttribute('aria-label'))!;
  const second = (await switches.nth(1).getAttribute('aria-label'))!;
  await app.keyboard.press('ArrowDown');
  await expect(switches.nth(1)).toBeFocused();
  await app.keyboard.press('j');
  await expect(switches.nth(2)).toBeFocused();
  await app.keyboard.press('k');
  await app.keyboard.press('ArrowUp');
  await expect(switches.nth(0)).toBeFocused();
  // Only one switch is in the Tab order (roving tabindex).
  await expect(app.locator('[role="switch"][tabindex="0"]')).toHaveCount(1);

  const before = await switches.nth(0).getAttribute('aria-checked');
  await app.keyboard.press('Space');
  await expect(switches.nth(0)).not.toHaveAttribute('aria-checked', before!);
  await app.keyboard.press('ArrowDown');
  const before2 = await switches.nth(1).getAttribute('aria-checked');
  await app.keyboard.press('Enter');
  await expect(switches.nth(1)).not.toHaveAttribute('aria-checked', before2!);

  const id = (title: string) => String(portal.dialogs().find((d) => d.title === title)!.id);
  await expect
    .poll(() => unreadCalls(portal))
    .toEqual([
      { DIALOG_ID: id(first), ACTION: before === 'true' ? 'N' : 'Y' },
      { DIALOG_ID: id(second), ACTION: before2 === 'true' ? 'N' : 'Y' },
    ]);
});

test('digits 1–9 toggle the Nth visible dialog', async ({ app, portal }) => {
  const third = app.getByRole('switch').nth(2);
  const title = (await third.getAttribute('aria-label'))!;
  const before = await third.getAttribute('aria-checked');
  await app.keyboard.press('3');
  await expect(third).not.toHaveAttribute('aria-checked', before!);
  const dialog = portal.dialogs().find((d) => d.title === title)!;
  await expect
    .poll(() => unreadCalls(portal))
    .toEqual([{ DIALOG_ID: String(dialog.id), ACTION: before === 'true' ? 'N' : 'Y' }]);
  // A digit past the end does nothing.
  await app.keyboard.press('9');
  await app.waitForTimeout(200);
  expect(unreadCalls(portal)).toHaveLength(1);
});

test('typing filters by title; Backspace edits; Esc clears, then hides the popup', async ({ app, preview }) => {
  // Typed on the list, not in the box: focus stays on the rows so Space/digits still act.
  await app.keyboard.type('eas');
  const filter = app.getByRole('searchbox', { name: 'Filter dialogs by title' });
  await expect(filter).toHaveValue('eas');
  await expect(app.getByRole('switch')).toHaveCount(1);
  await expect(app.getByRole('switch', { name: 'Release 2.4' })).toBeFocused();
  await app.keyboard.press('Backspace');
  await app.keyboard.press('Backspace');
  await expect(filter).toHaveValue('e');
  await app.keyboard.press('Escape');
  await expect(filter).toHaveValue('');
  await expect(app.getByRole('switch')).toHaveCount(6);
  expect((await preview.records(app)).hidden).toBe(0);
  await app.keyboard.press('Escape');
  await expect.poll(async () => (await preview.records(app)).hidden).toBe(1);
});

test('a title typed on the list goes to the filter whole, its space and digits too, and flips nothing', async ({
  app,
  portal,
}) => {
  const filter = app.getByRole('searchbox', { name: 'Filter dialogs by title' });
  await expect(app.getByRole('switch').first()).toBeFocused();
  // Until typing counted, the space flipped the focused dialog in Bitrix24 and the filter read "JohnCarter".
  await app.keyboard.type('John Carter');
  await expect(filter).toHaveValue('John Carter');
  await expect(app.getByRole('switch')).toHaveCount(1);
  await app.keyboard.press('Escape');
  // …and the 2 of "Release 2" flipped the second row.
  await app.keyboard.type('Release 2');
  await expect(filter).toHaveValue('Release 2');
  await expect(app.getByRole('switch', { name: 'Release 2.4' })).toBeFocused();
  await app.waitForTimeout(200);
  expect(unreadCalls(portal)).toEqual([]);
  // Once the typing pauses, Space flips the focused dialog again.
  await app.waitForTimeout(1_000);
  const release = app.getByRole('switch', { name: 'Release 2.4' });
  const was = await release.getAttribute('aria-checked');
  await app.keyboard.press('Space');
  await expect(release).toHaveAttribute('aria-checked', was === 'true' ? 'false' : 'true');
});

test('Delete and Ctrl+Enter act on the row holding the focus, not on the one focused before the header', async ({
  app,
  portal,
  preview,
}) => {
  const count = await app.getByRole('switch').count();
  await app.getByRole('switch', { name: 'Анна Смирнова' }).focus();
  await app.getByRole('button', { name: 'Settings' }).focus();
  await app.keyboard.press('Delete');
  await app.keyboard.press('Control+Enter');
  await app.waitForTimeout(200);
  expect(portal.callsTo('im.recent.pin')).toEqual([]);
  await expect(app.getByRole('switch')).toHaveCount(count);
  expect((await preview.records(app)).opened).toEqual([]);
  // From the filter box, Ctrl+Enter opens the first match.
  await app.keyboard.press('/');
  await app.keyboard.type('John');
  await app.keyboard.press('Control+Enter');
  await expect.poll(async () => (await preview.records(app)).opened).toEqual([`${portal.url}/online/?IM_DIALOG=612`]);
});

test('a filter that matches nothing: its message takes the focus, the keys still edit the filter, and the rows take the focus back', async ({
  app,
  portal,
}) => {
  const first = app.getByRole('switch').first();
  await expect(first).toBeFocused();
  await app.keyboard.type('zzq');
  const message = app.getByText('No pinned dialog matches “zzq”');
  await expect(message).toBeVisible();
  // Not the page: Tab and the arrows would start again from the top bar.
  await expect(message).toBeFocused();
  await app.keyboard.press('Backspace');
  await expect(app.getByText('No pinned dialog matches “zz”')).toBeFocused();
  await app.keyboard.press('Backspace');
  await app.keyboard.press('Backspace');
  await expect(app.getByRole('switch')).toHaveCount(6);
  await expect(first).toBeFocused();
  // Space flips the row again, as before the filter.
  const was = await first.getAttribute('aria-checked');
  await app.keyboard.press('Space');
  await expect(first).not.toHaveAttribute('aria-checked', String(was));
  await expect.poll(() => unreadCalls(portal)).toHaveLength(1);
});

test('the × clears the filter and gives the focus back to the rows', async ({ app }) => {
  await app.keyboard.type('eas');
  await expect(app.getByRole('switch')).toHaveCount(1);
  await app.getByRole('button', { name: 'Clear filter' }).click();
  await expect(app.getByRole('switch')).toHaveCount(6);
  await expect(app.getByRole('switch', { name: 'Release 2.4' })).toBeFocused();
  // And from a filter that matched nothing.
  await app.keyboard.type('zzq');
  await expect(app.getByText('No pinned dialog matches “zzq”')).toBeFocused();
  await app.getByRole('button', { name: 'Clear filter' }).click();
  await expect(app.getByRole('switch')).toHaveCount(6);
  await expect(app.getByRole('switch', { name: 'Release 2.4' })).toBeFocused();
});

test('Cyrillic filtering in the box, then ArrowDown and a digit toggle the Nth of the filtered rows', async ({
  app,
  portal,
}) => {
  // Playwright types non-US characters as text input, not key presses, so fill the box itself.
  await app.getByRole('searchbox', { name: 'Filter dialogs by title' }).fill('отд');
  await expect(app.getByRole('switch')).toHaveCount(1);
  await app.keyboard.press('ArrowDown');
  await expect(app.getByRole('switch', { name: 'Отдел продаж' })).toBeFocused();
  await expect(app.getByRole('switch', { name: 'Отдел продаж' })).toBeVisible();
  await app.keyboard.press('1');
  await expect.poll(() => unreadCalls(portal)).toEqual([{ DIALOG_ID: 'chat74', ACTION: 'N' }]);
});

test('the Refresh button reloads what changed on the portal', async ({ app, portal }) => {
  const john = app.getByRole('switch', { name: 'John Carter' });
  await expect(john).toHaveAttribute('aria-checked', 'false');
  portal.setDialog(612, { counter: 4 });
  await app.getByRole('button', { name: 'Refresh' }).click();
  await expect(john).toHaveAttribute('aria-checked', 'true');
  await expect(app.locator('[data-key$="/612"]')).toContainText('4');
});

test("a dialog's picture covers its initials; one that does not load leaves the initials", async ({ app, portal }) => {
  // The portal's pictures come from its CDN over https; this test serves them: one picture, one 404.
  const png = Buffer.from(
    'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==',
    'base64',
  );
  await app.route('https://cdn.example.test/**', (route) =>
    route.request().url().endsWith('/john.png')
      ? route.fulfill({ contentType: 'image/png', body: png })
      : route.fulfill({ status: 404, body: '' }),
  );
  const other = portal.dialogs().find((d) => d.pinned && d.id !== 612)!;
  portal.setDialog(612, { avatarUrl: 'https://cdn.example.test/john.png' });
  portal.setDialog(other.id, { avatarUrl: 'https://cdn.example.test/gone.png' });
  await app.getByRole('button', { name: 'Refresh' }).click();

  /** What a person sees at the middle of a row's avatar: the picture (IMG) or the initials (SPAN). */
  const seenAt = (key: string) =>
    app.locator(`[data-key$="/${key}"] .avatar`).evaluate((el) => {
      const r = el.getBoundingClientRect();
      const top = document.elementFromPoint(r.x + r.width / 2, r.y + r.height / 2);
      return top instanceof HTMLImageElement ? `IMG ${top.naturalWidth}` : `${top?.tagName} ${top?.textContent}`;
    });
  await expect.poll(() => seenAt('612')).toBe('IMG 1');
  const initials = (await app.locator(`[data-key$="/${String(other.id)}"] .avatar`).textContent())!;
  expect(initials).toMatch(/^\S{1,2}$/);
  await expect(app.locator(`[data-key$="/${String(other.id)}"] .avatar img`)).toHaveCount(0);
  await expect.poll(() => seenAt(String(other.id))).toBe(`SPAN ${initials}`);
});

test('open in Bitrix24 (button and Ctrl+Enter) goes through the core to the portal URL', async ({
  app,
  portal,
  preview,
}) => {
  await app.getByRole('switch', { name: 'Release 2.4' }).focus();
  // o is a letter of the filter ("ops"), not "open": it would put a browser over the popup mid-word.
  await app.keyboard.type('o');
  await expect(app.getByRole('searchbox')).toHaveValue('o');
  await app.keyboard.press('Escape');
  await app.getByRole('switch', { name: 'Release 2.4' }).focus();
  expect((await preview.records(app)).opened).toEqual([]);
  await app.keyboard.press('Control+Enter');
  await expect
    .poll(async () => (await preview.records(app)).opened)
    .toEqual([`${portal.url}/online/?IM_DIALOG=chat1317`]);
  // Row actions appear on hover (and on the focused row), as for a mouse user.
  await app.locator('[data-key$="/612"]').hover();
  await app.getByRole('button', { name: 'Open in Bitrix24: John Carter' }).click();
  await expect.poll(async () => (await preview.records(app)).opened).toHaveLength(2);
  expect((await preview.records(app)).opened[1]).toBe(`${portal.url}/online/?IM_DIALOG=612`);
});

test('remind me later: the row is read now and shows when it comes back; cancelling removes it', async ({
  app,
  portal,
}) => {
  await app.locator('[data-key$="/chat1317"]').hover();
  await app.getByRole('button', { name: 'Remind me later: Release 2.4' }).click();
  await app.getByRole('button', { name: 'In 1 hour' }).click();
  const row = app.locator('[data-key$="/chat1317"]');
  await expect(row).toContainText(/Back (today|tomorrow) at \d\d:\d\d/);
  await expect(app.getByRole('switch', { name: 'Release 2.4' })).toHaveAttribute('aria-checked', 'false');
  await expect.poll(() => unreadCalls(portal)).toEqual([{ DIALOG_ID: 'chat1317', ACTION: 'N' }]);
  await app.getByRole('button', { name: 'Remind me later: Release 2.4' }).click();
  await app.getByRole('button', { name: 'Cancel reminder' }).click();
  await expect(row).not.toContainText('Back ');
});

test('the reminder menu keeps the keys: arrows move in it, a digit flips no row, Esc goes back to its button', async ({
  app,
}) => {
  const second = app.getByRole('switch').nth(1);
  const before = await second.getAttribute('aria-checked');
  await app.getByRole('switch', { name: 'Release 2.4' }).focus();
  await app.keyboard.press('Shift+Tab'); // unpin
  await app.keyboard.press('Shift+Tab'); // remind me later
  await expect(app.getByRole('button', { name: 'Remind me later: Release 2.4' })).toBeFocused();
  await app.keyboard.press('Enter');
  const menu = app.getByRole('group', { name: 'Remind me later' });
  const presets = menu.locator('button.item');
  await expect(presets.first()).toBeFocused();
  await app.keyboard.press('ArrowDown');
  await expect(presets.nth(1)).toBeFocused();
  await app.keyboard.press('ArrowUp');
  await app.keyboard.press('ArrowUp'); // from the first control round to the last
  await expect(menu.getByRole('button', { name: 'Remind', exact: true })).toBeFocused();
  await app.keyboard.press('Home');
  await expect(presets.first()).toBeFocused();
  await app.keyboard.press('Digit2');
  await app.keyboard.press('Escape');
  await expect(menu).toHaveCount(0);
  await expect(app.getByRole('button', { name: 'Remind me later: Release 2.4' })).toBeFocused();
  // The digit reached no row (its flip would have shown before Esc's).
  await expect(second).toHaveAttribute('aria-checked', before!);
});

test('the reminder menu’s arrows pass over the time field and leave its date alone; a past time says why Remind is off', async ({
  page,
  preview,
}) => {
  // Three presets only before 17:30 ("This evening, 18:00" is offered while it is more than 30
  // minutes away: src/renderer/lib/time.ts): the popup's clock reads 10:00 today, whenever this runs.
  const morning = new Date();
  morning.setHours(10, 0, 0, 0);
  await page.clock.setFixedTime(morning);
  await page.goto(preview.url);
  const app = page;
  await app.locator('[data-key$="/chat1317"]').hover();
  await app.getByRole('button', { name: 'Remind me later: Release 2.4' }).click();
  const menu = app.getByRole('group', { name: 'Remind me later' });
  const field = menu.getByLabel('Pick a time');
  const remind = menu.getByRole('button', { name: 'Remind', exact: true });
  const chosen = await field.inputValue();
  await expect(menu.getByRole('button', { name: 'In 1 hour' })).toBeFocused();
  await app.keyboard.press('ArrowDown');
  await app.keyboard.press('ArrowDown');
  await app.keyboard.press('ArrowDown'); // past the last preset: over the field, to Remind
  await expect(remind).toBeFocused();
  await app.keyboard.press('ArrowUp');
  await app.keyboard.press('ArrowUp');
  await expect(menu.getByRole('button', { name: 'This evening, 18:00' })).toBeFocused();
  await expect(field).toHaveValue(chosen);
  await expect(remind).toBeEnabled();
  await expect(menu).not.toContainText('Pick a time in the future.');

  await field.fill('2020-01-01T09:00');
  await expect(remind).toBeDisabled();
  await expect(remind).toHaveAccessibleDescription('Pick a time in the future.');
  await expect(menu).toContainText('Pick a time in the future.');
});

test('the reminder menu closes when a click or the focus goes elsewhere', async ({ app }) => {
  const menu = app.getByRole('group', { name: 'Remind me later' });
  const open = async () => {
    await app.locator('[data-key$="/chat1317"]').hover();
    await app.getByRole('button', { name: 'Remind me later: Release 2.4' }).click();
    await expect(menu).toHaveCount(1);
  };
  await open();
  await app.getByText('Pinned dialogs').click();
  await expect(menu).toHaveCount(0);
  await open();
  // Shift+Tab from its first control: the focus leaves it, for the row's switch.
  await app.keyboard.press('Shift+Tab');
  await expect(menu).toHaveCount(0);
  await expect(app.getByRole('switch', { name: 'Release 2.4' })).toBeFocused();
  // Its own button still toggles it.
  await app.getByRole('button', { name: 'Remind me later: Release 2.4' }).click();
  await expect(menu).toHaveCount(1);
  await app.getByRole('button', { name: 'Remind me later: Release 2.4' }).click();
  await expect(menu).toHaveCount(0);
});

test('a `shown` event naming a row focuses it', async ({ app, preview }) => {
  const key = await app.locator('[data-key$="/612"]').getAttribute('data-key');
  await preview.show(app, key);
  await expect(app.getByRole('switch', { name: 'John Carter' })).toBeFocused();
});

test.describe('nothing pinned', () => {
  test.use({ portalOptions: { seed: generateDialogs(3, { pinned: 0 }), rateLimit: false } });
  test.beforeEach(async ({ page, preview }) => {
    await page.goto(preview.url);
    await expect(page.getByText('No pinned dialogs')).toBeVisible();
  });

  test('no filter box while there is nothing to filter; it comes with the first pinned dialog', async ({
    page,
    portal,
  }) => {
    // Not shown, not in the Tab order, not announced.
    await expect(page.getByRole('searchbox')).toHaveCount(0);
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => (document.activeElement as HTMLInputElement | null)?.type)).not.toBe('search');
    const first = portal.dialogs()[0]!;
    portal.setDialog(first.id, { pinned: true });
    await page.getByRole('button', { name: 'Refresh' }).click();
    await expect(page.getByRole('switch', { name: first.title })).toBeVisible();
    await expect(page.getByRole('searchbox', { name: 'Filter dialogs by title' })).toBeVisible();
  });

  test('the list that arrives puts the focus on its first row, unless a key moved it first', async ({
    page,
    portal,
  }) => {
    for (const d of portal.dialogs()) portal.setDialog(d.id, { pinned: true });
    // ArrowDown twice (first row, then the second) the moment the rows are in the DOM, before
    // their first frame is painted.
    await page.evaluate(() => {
      const seen = new MutationObserver(() => {
        if (!document.querySelector('[data-key]')) return;
        seen.disconnect();
        for (let i = 0; i < 2; i++)
          window.dispatchEvent(new KeyboardEvent('keydown', { key: 'ArrowDown', bubbles: true }));
      });
      seen.observe(document.body, { childList: true, subtree: true });
    });
    await page.keyboard.press('r');
    const switches = page.getByRole('switch');
    await expect(switches).toHaveCount(3);
    await expect(switches.nth(1)).toBeFocused();
    // Still there once the list's first frames are painted.
    await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
    await page.waitForTimeout(150);
    await expect(switches.nth(1)).toBeFocused();
  });
});

test('after a change of time zone the list shows times in the new zone (the "updated" tooltip)', async ({
  page,
  preview,
}) => {
  // The zone is changed under the live page as the system's would be: Chromium's TimeZoneController
  // tells V8 of an override the same way as of a host change (timezone_controller.cc).
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Emulation.setTimezoneOverride', { timezoneId: 'Europe/Moscow' });
  await page.goto(preview.url);
  await expect(page.getByRole('switch').first()).toBeVisible();
  const updated = page.locator('header .updated');
  /** The clock time ("HH:MM:") in `tz` now and a minute ago: the tooltip's was formatted in between. */
  const clockIn = (tz: string) =>
    page.evaluate((zone) => {
      const f = new Intl.DateTimeFormat('en-US', {
        hour: '2-digit',
        minute: '2-digit',
        hourCycle: 'h23',
        timeZone: zone,
      });
      return [f.format(Date.now()), f.format(Date.now() - 60_000)].map((t) => `${t}:`);
    }, tz);
  const before = (await updated.getAttribute('title')) ?? '';
  expect(
    (await clockIn('Europe/Moscow')).some((t) => before.includes(t)),
    before,
  ).toBe(true);

  await cdp.send('Emulation.setTimezoneOverride', { timezoneId: 'Pacific/Honolulu' });
  await page.getByRole('button', { name: 'Refresh' }).click();
  await expect(updated).not.toHaveAttribute('title', before);
  const after = (await updated.getAttribute('title')) ?? '';
  // Thirteen hours from Moscow's: a formatter kept from before would still show Moscow's clock.
  expect(
    (await clockIn('Pacific/Honolulu')).some((t) => after.includes(t)),
    after,
  ).toBe(true);
});

for (const [locale, title] of [
  ['en-US', 'Pinned dialogs'],
  ['ru-RU', 'Закреплённые'],
] as const) {
  test.describe(`the header and the foot at the popup’s width, ${locale}`, () => {
    test.use({ locale });
    test('the title is whole beside how long ago the list was updated', async ({ page, preview }) => {
      await page.clock.install();
      await page.goto(preview.url);
      await expect(page.getByRole('switch').first()).toBeVisible();
      // Two-digit seconds: the longest the "updated" text gets within a minute.
      await page.clock.fastForward(45_000);
      await expect(page.locator('header .updated')).toHaveText(/\b[1-5]\d\b/);
      const name = page.locator('header .name');
      await expect(name).toHaveText(title);
      expect(await name.evaluate((el) => el.scrollWidth <= el.clientWidth)).toBe(true);
    });

    test('a reminder’s time is whole on the row that shows its buttons', async ({ page, preview }) => {
      await page.goto(preview.url);
      const row = page.locator('[data-key$="/chat1317"]');
      await row.hover();
      await row
        .getByRole('button', { name: /: Release 2\.4$/ })
        .nth(1)
        .click();
      await page.getByRole('button', { name: locale === 'en-US' ? 'Tomorrow, 09:00' : 'Завтра, 09:00' }).click();
      const sw = page.getByRole('switch', { name: 'Release 2.4' });
      await sw.focus();
      await expect(row.locator('.actions')).toBeVisible();
      const meta = row.locator('.meta');
      await expect(meta).toContainText(locale === 'en-US' ? 'tomorrow at 09:00' : 'завтра в 09:00');
      // Until the word "Back" stepped aside there, the buttons cut the time ("Back tomorrow at 0…").
      expect(await meta.evaluate((el) => el.scrollWidth <= el.clientWidth)).toBe(true);
      // A screen reader still hears it whole.
      await expect(sw).toHaveAccessibleDescription(
        locale === 'en-US' ? /^Back tomorrow at 09:00/ : /^Вернётся завтра в 09:00/,
      );
    });

    test('the keys hint at the foot is whole, the open key included', async ({ page, preview }) => {
      await page.goto(preview.url);
      const hint = page.locator('footer');
      await expect(hint).toContainText('Ctrl+↵');
      expect(await hint.evaluate((el) => el.scrollWidth <= el.clientWidth)).toBe(true);
    });
  });
}
