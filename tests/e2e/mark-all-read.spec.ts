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
