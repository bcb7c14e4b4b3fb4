import { test, expect, unreadCalls } from './fixtures';

test('Space flips the focused switch on key down, once, however long it is held', async ({ app, portal }) => {
  const sw = app.getByRole('switch').first();
  await expect(sw).toBeFocused();
  const before = (await sw.getAttribute('aria-checked'))!;
  await app.keyboard.down(' ');
  // Flipped before the key is released: no wait for the keyup click.
  await expect(sw).not.toHaveAttribute('aria-checked', before);
  // Auto-repeat while held does not flip it back and forth.
  await sw.dispatchEvent('keydown', { key: ' ', code: 'Space', repeat: true, bubbles: true });
  await app.keyboard.up(' ');
  await expect(sw).not.toHaveAttribute('aria-checked', before);
  await expect.poll(() => unreadCalls(portal).length).toBe(1);
  // The page did not scroll on Space (the key belongs to the switch).
  expect(await app.evaluate(() => document.scrollingElement?.scrollTop ?? 0)).toBe(0);
});
