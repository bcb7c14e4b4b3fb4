import { test, expect, unreadCalls } from './fixtures';
import type { FakePortal } from '../../dev/fake-portal/server';

/** DIALOG_IDs of the pinned dialogs that count as unread now (mark or counter). */
function unreadIds(portal: FakePortal, titleFilter = ''): string[] {
  return portal
    .dialogs()
    .filter((d) => d.pinned && !d.hidden && (Boolean(d.unread) || (d.counter ?? 0) > 0))
    .filter((d) => d.title.toLocaleLowerCase().includes(titleFilter))
    .map((d) => String(d.id))
    .sort();
}

const sorted = (calls: { DIALOG_ID: unknown; ACTION: unknown }[]) =>
  calls.map((c) => `${String(c.DIALOG_ID)}:${String(c.ACTION)}`).sort();

test('"Mark all read" unchecks every switch and sends ACTION N once for each unread dialog', async ({
  app,
  portal,
}) => {
  const wasUnread = unreadIds(portal);
  expect(wasUnread.length).toBeGreaterThan(1);
  const button = app.getByRole('button', { name: 'Mark all read' });
  await expect(button).toBeEnabled();
  await button.click();
  const switches = app.getByRole('switch');
  await expect(app.locator('[role="switch"][aria-checked="true"]')).toHaveCount(0);
  expect(await switches.count()).toBeGreaterThan(wasUnread.length);
  await expect.poll(() => sorted(unreadCalls(portal))).toEqual(wasUnread.map((id) => `${id}:N`));
  await expect.poll(() => unreadIds(portal)).toEqual([]);
  // Nothing left to mark: the button says so.
  await expect(button).toBeDisabled();
  await expect(app.locator('[data-pending]')).toHaveCount(0);
});

test('Mark all read keeps the focus once nothing is left to mark, and the arrows go on in the rows', async ({
  app,
  portal,
}) => {
  const button = app.getByRole('button', { name: 'Mark all read' });
  await button.focus();
  await app.keyboard.press('Enter');
  await expect(app.locator('[role="switch"][aria-checked="true"]')).toHaveCount(0);
  await expect(button).toBeDisabled();
  // A disabled button would have dropped the focus to the page.
  await expect(button).toBeFocused();
  await expect.poll(() => unreadIds(portal)).toEqual([]);
  const sent = unreadCalls(portal).length;
  await app.keyboard.press('Enter');
  await app.waitForTimeout(200);
  expect(unreadCalls(portal)).toHaveLength(sent);
  // On from the row that had the focus before (the first): the next one.
  await app.keyboard.press('ArrowDown');
  await expect(app.getByRole('switch').nth(1)).toBeFocused();
});

test('with a filter, Shift+Esc marks only the matching unread dialogs read', async ({ app, portal }) => {
  const all = unreadIds(portal);
  const matching = unreadIds(portal, 'release');
  expect(matching.length).toBeGreaterThan(0);
  expect(all.length).toBeGreaterThan(matching.length);
  await app.getByRole('searchbox', { name: 'Filter dialogs by title' }).fill('release');
  await app.getByRole('switch').first().focus();
  await app.keyboard.press('Shift+Escape');
  await expect.poll(() => sorted(unreadCalls(portal))).toEqual(matching.map((id) => `${id}:N`));
  await expect.poll(() => unreadIds(portal)).toEqual(all.filter((id) => !matching.includes(id)));
  // The popup stays open and the other unread rows stay checked.
  await app.getByRole('button', { name: 'Clear filter' }).click();
  await expect(app.locator('[role="switch"][aria-checked="true"]')).toHaveCount(all.length - matching.length);
});

test('Shift+Esc in the filter box marks the matching unread dialogs read too', async ({ app, portal }) => {
  const matching = unreadIds(portal, 'release');
  expect(matching.length).toBeGreaterThan(0);
  await app.keyboard.press('/');
  await app.keyboard.type('release');
  await expect(app.getByRole('searchbox')).toBeFocused();
  await app.keyboard.press('Shift+Escape');
  await expect.poll(() => sorted(unreadCalls(portal))).toEqual(matching.map((id) => `${id}:N`));
  await expect(app.getByRole('status')).toContainText('marked read');
});

/** The dialogs carrying the "unread" mark on the portal (not the ones with unread messages only). */
const markedIds = (portal: FakePortal): string[] =>
  portal
    .dialogs()
    .filter((d) => d.pinned && !d.hidden && Boolean(d.unread))
    .map((d) => String(d.id))
    .sort();

test('Ctrl+Z undoes Mark all read: the unread mark goes back on every dialog it marked read', async ({
  app,
  portal,
}) => {
  const wasUnread = unreadIds(portal);
  await app.getByRole('switch').first().focus();
  await app.keyboard.press('Shift+Escape');
  const offer = app.getByRole('status').filter({ hasText: `${wasUnread.length} dialogs marked read` });
  await expect(offer).toBeVisible();
  await expect.poll(() => unreadIds(portal)).toEqual([]);

  await app.keyboard.press('Control+z');
  // One Y for each: the dialogs are unread again in Bitrix24 (their messages stay read: no way back there).
  await expect
    .poll(() => sorted(unreadCalls(portal).filter((c) => c.ACTION === 'Y')))
    .toEqual(wasUnread.map((id) => `${id}:Y`));
  await expect.poll(() => markedIds(portal)).toEqual(wasUnread);
  await expect(app.locator('[role="switch"][aria-checked="true"]')).toHaveCount(wasUnread.length);
  await expect(offer).toHaveCount(0);
  await expect(app.getByRole('switch').first()).toBeFocused();
  // Once: a second Ctrl+Z sends nothing.
  const sent = unreadCalls(portal).length;
  await app.keyboard.press('Control+z');
  await app.waitForTimeout(200);
  expect(unreadCalls(portal)).toHaveLength(sent);
});

test("the offer's Undo button undoes too; its × or the next flip withdraws the offer", async ({ app, portal }) => {
  const wasUnread = unreadIds(portal);
  const markAll = app.getByRole('button', { name: 'Mark all read' });
  const undo = app.getByRole('button', { name: 'Undo' });
  await markAll.click();
  await undo.focus();
  await app.keyboard.press('Enter');
  await expect.poll(() => markedIds(portal)).toEqual(wasUnread);
  await expect(undo).toHaveCount(0);
  // The focus went back to the list with the offer, not to the page.
  await expect(app.getByRole('switch').first()).toBeFocused();

  // Dismissed: nothing to undo any more.
  await markAll.click();
  await expect.poll(() => unreadIds(portal)).toEqual([]);
  await app.getByRole('status').getByRole('button', { name: 'Dismiss' }).click();
  await expect(undo).toHaveCount(0);
  const sent = unreadCalls(portal).length;
  await app.getByRole('switch').nth(1).focus();
  await app.keyboard.press('Control+z');
  await app.waitForTimeout(200);
  expect(unreadCalls(portal)).toHaveLength(sent);

  // A flip after Mark all read: the undo would overrule it, so it is no longer offered.
  await app.keyboard.press('Space');
  await expect(app.getByRole('switch').nth(1)).toHaveAttribute('aria-checked', 'true');
  await expect.poll(() => unreadCalls(portal).length).toBe(sent + 1);
  await markAll.click();
  await expect(undo).toBeVisible();
  await app.getByRole('switch').nth(2).focus();
  await app.keyboard.press('Space');
  await expect(undo).toHaveCount(0);
  await expect.poll(() => unreadCalls(portal).length).toBe(sent + 3);
  await app.keyboard.press('Control+z');
  await app.waitForTimeout(200);
  expect(unreadCalls(portal)).toHaveLength(sent + 3);
});

test('a reminder set after Mark all read withdraws its undo (the undo would make the row unread under its reminder)', async ({
  app,
}) => {
  await app.getByRole('button', { name: 'Mark all read' }).click();
  const undo = app.getByRole('button', { name: 'Undo' });
  await expect(undo).toBeVisible();
  await app.locator('[data-key$="/chat1317"]').hover();
  await app.getByRole('button', { name: 'Remind me later: Release 2.4' }).click();
  await app.getByRole('button', { name: 'In 1 hour' }).click();
  await expect(undo).toHaveCount(0);
});

test('the popup opened again no longer offers the undo', async ({ app, portal, preview }) => {
  await app.getByRole('button', { name: 'Mark all read' }).click();
  const undo = app.getByRole('button', { name: 'Undo' });
  await expect(undo).toBeVisible();
  await expect.poll(() => unreadIds(portal)).toEqual([]);
  // As the hotkey or a tray click opens it: by then the dialogs may have changed in Bitrix24.
  await preview.show(app);
  await expect(undo).toHaveCount(0);
  const sent = unreadCalls(portal).length;
  await app.keyboard.press('Control+z');
  await app.waitForTimeout(200);
  expect(unreadCalls(portal)).toHaveLength(sent);
});
