import { test, expect } from './fixtures';
import type { FakePortal } from '../../dev/fake-portal/server';

/** The `im.recent.pin` calls the portal answered, as `DIALOG_ID:PIN`. */
function pinCalls(portal: FakePortal): string[] {
  return portal
    .callsTo('im.recent.pin')
    .filter((c) => c.status === 200 && !c.errorCode)
    .map((c) => `${String(c.params.DIALOG_ID)}:${String(c.params.PIN)}`);
}

test('Delete unpins the focused dialog: its row goes, the next row takes the focus, one im.recent.pin PIN=N', async ({
  app,
  portal,
}) => {
  const switches = app.getByRole('switch');
  const count = await switches.count();
  await expect(switches.first()).toBeFocused();
  await app.keyboard.press('ArrowDown');
  const unpinned = (await switches.nth(1).getAttribute('aria-label'))!;
  const next = (await switches.nth(2).getAttribute('aria-label'))!;
  const id = String(portal.dialogs().find((d) => d.title === unpinned)!.id);

  await app.keyboard.press('Delete');
  await expect(app.getByRole('switch', { name: unpinned, exact: true })).toHaveCount(0);
  await expect(switches).toHaveCount(count - 1);
  await expect(app.getByRole('switch', { name: next, exact: true })).toBeFocused();
  await expect.poll(() => pinCalls(portal)).toEqual([`${id}:N`]);
  await expect.poll(() => portal.dialog(id)?.pinned).toBe(false);

  // The reload agrees (the portal no longer lists it pinned); nothing more is sent.
  await app.getByRole('button', { name: 'Refresh' }).click();
  await expect(app.locator('header .updated')).toHaveText(/^(Just now|\d+ sec\. ago)$/);
  await expect(app.getByRole('switch', { name: unpinned, exact: true })).toHaveCount(0);
  expect(pinCalls(portal)).toEqual([`${id}:N`]);
});

test('the row’s Unpin button (shown on hover) unpins that dialog', async ({ app, portal }) => {
  const row = app.locator('[data-key$="/612"]');
  const button = app.getByRole('button', { name: 'Unpin: John Carter' });
  await expect(button).toBeHidden();
  await row.hover();
  await expect(button).toBeVisible();
  await expect(button).toHaveAttribute('title', 'Unpin (Delete)');
  await button.click();
  await expect(row).toHaveCount(0);
  await expect.poll(() => pinCalls(portal)).toEqual(['612:N']);
  await expect.poll(() => portal.dialog(612)?.pinned).toBe(false);
});

test('u is a letter of the filter, not an unpin, even as the first one typed', async ({ app, portal }) => {
  const switches = app.getByRole('switch');
  const count = await switches.count();
  await expect(switches.first()).toBeFocused();
  // Typed on the list (not in the filter box). Until the unpin moved to Delete, the u of "urgent"
  // unpinned the focused dialog in Bitrix24.
  await app.keyboard.type('urgent');
  await expect(app.getByRole('searchbox')).toHaveValue('urgent');
  await app.keyboard.press('Escape');
  await expect(app.getByRole('searchbox')).toHaveValue('');
  await expect(switches).toHaveCount(count);
  await app.waitForTimeout(200);
  expect(portal.callsTo('im.recent.pin')).toEqual([]);
});

test('a refused unpin brings the row back with a notice naming the dialog', async ({ app, portal }) => {
  portal.inject({
    kind: 'error',
    code: 'ACCESS_ERROR',
    status: 400,
    description: "You don't have access to this chat",
    method: 'im.recent.pin',
  });
  await app.locator('[data-key$="/chat1317"]').hover();
  await app.getByRole('button', { name: 'Unpin: Release 2.4' }).click();
  // The popup shows the core's notice: the dialog, that its unpin failed, and why.
  const alert = app.getByRole('alert');
  await expect(alert).toContainText('«Release 2.4» could not be unpinned: You no longer have access to this dialog.');
  await expect(app.getByRole('switch', { name: 'Release 2.4' })).toBeVisible();
  expect(portal.dialog('chat1317')?.pinned).toBe(true);
  // Nothing was unpinned: no undo is offered.
  await expect(app.getByRole('button', { name: 'Undo' })).toHaveCount(0);
});

test('unpinning the last row leaves the focus on the message that the list is empty', async ({ app, portal }) => {
  const switches = app.getByRole('switch');
  const count = await switches.count();
  for (let left = count; left > 0; left--) {
    await expect(switches.first()).toBeFocused();
    await app.keyboard.press('Delete');
    await expect(switches).toHaveCount(left - 1);
  }
  // Not the page: Tab would start again from the top bar, and a screen reader would say nothing.
  await expect(app.getByText('No pinned dialogs')).toBeFocused();
  await expect.poll(() => pinCalls(portal)).toHaveLength(count);
});

test('Ctrl+Z after an unpin pins the dialog again: the row comes back, and Bitrix24 has it pinned', async ({
  app,
  portal,
}) => {
  const switches = app.getByRole('switch');
  const count = await switches.count();
  await app.keyboard.press('ArrowDown');
  const unpinned = (await switches.nth(1).getAttribute('aria-label'))!;
  const id = String(portal.dialogs().find((d) => d.title === unpinned)!.id);
  await app.keyboard.press('Delete');
  const offer = app.getByRole('status').filter({ hasText: `Unpinned “${unpinned}”` });
  await expect(offer).toBeVisible();
  await expect.poll(() => portal.dialog(id)?.pinned).toBe(false);

  await app.keyboard.press('Control+z');
  await expect(offer).toHaveCount(0);
  await expect.poll(() => pinCalls(portal)).toEqual([`${id}:N`, `${id}:Y`]);
  await expect.poll(() => portal.dialog(id)?.pinned).toBe(true);
  // Back in the list, in its place, once the portal's list says so.
  await expect(switches).toHaveCount(count);
  await expect(switches.nth(1)).toHaveAttribute('aria-label', unpinned);
});

test('offline, the Undo button of an unpin brings the row back at once, and Bitrix24 never unpins it', async ({
  app,
  portal,
}) => {
  const switches = app.getByRole('switch');
  const count = await switches.count();
  const first = (await switches.first().getAttribute('aria-label'))!;
  const id = String(portal.dialogs().find((d) => d.title === first)!.id);
  portal.setOffline(true);
  await app.keyboard.press('Delete');
  await expect(switches).toHaveCount(count - 1);
  await app.getByRole('status').getByRole('button', { name: 'Undo' }).click();
  // Back at once: the unpin never reached the portal, so there is nothing to wait for.
  await expect(switches).toHaveCount(count);
  await expect(switches.first()).toHaveAttribute('aria-label', first);
  portal.setOffline(false);
  await app.getByRole('button', { name: 'Refresh' }).click();
  // The unpin may have left before the network failed it, so the queue pins again to be sure
  // (PIN=Y on a pinned dialog changes nothing); it never sends the unpin once the undo is in.
  await expect(app.getByText(/being sent|Offline/)).toHaveCount(0, { timeout: 10_000 });
  expect(pinCalls(portal).filter((c) => c.endsWith(':N'))).toEqual([]);
  expect(portal.dialog(id)?.pinned).toBe(true);
  await expect(switches).toHaveCount(count);
});
