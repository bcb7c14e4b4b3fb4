import { createRequire } from 'node:module';
import type { Page, TestInfo } from '@playwright/test';
import { test, expect } from './fixtures';

const axePath = createRequire(import.meta.url).resolve('axe-core/axe.min.js');

// The popup's CSP (script-src 'self') rightly refuses the injected axe script; only this
// spec lets the test tool past it. security.spec.ts and the rest run with the CSP enforced.
test.use({ bypassCSP: true });

interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: string[] }[];
}

/** Runs axe-core in the page; returns the serious and critical violations. */
async function seriousViolations(page: Page): Promise<AxeViolation[]> {
  await page.addScriptTag({ path: axePath });
  const violations = await page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run(): Promise<{ violations: AxeViolation[] }> } }).axe;
    return (await axe.run()).violations;
  });
  return violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
}

/** Attaches a screenshot to the report (and keeps the file in test-results/ to look at). */
async function attachShot(page: Page, testInfo: TestInfo, name: string): Promise<void> {
  const path = testInfo.outputPath(name);
  await page.screenshot({ path });
  await testInfo.attach(name, { path, contentType: 'image/png' });
}

for (const scheme of ['light', 'dark'] as const) {
  test.describe(`${scheme} theme`, () => {
    test.use({ colorScheme: scheme });

    test(`the list has no serious accessibility violations (${scheme})`, async ({ app }, testInfo) => {
      // Follows the OS scheme: the page background really changes.
      const bg = await app.evaluate(() => getComputedStyle(document.body).backgroundColor);
      expect(bg).toBe(scheme === 'dark' ? 'rgb(31, 35, 42)' : 'rgb(255, 255, 255)');
      await attachShot(app, testInfo, `popup-${scheme}.png`);
      expect(await seriousViolations(app)).toEqual([]);
    });

    test(`the undo offer after Mark all read passes too (${scheme})`, async ({ app }, testInfo) => {
      await app.getByRole('button', { name: 'Mark all read' }).click();
      await expect(app.getByRole('status').getByRole('button', { name: 'Undo' })).toBeVisible();
      await attachShot(app, testInfo, `popup-undo-${scheme}.png`);
      expect(await seriousViolations(app)).toEqual([]);
    });

    test(`an alert, the reminder menu and settings pass too (${scheme})`, async ({ app, portal }, testInfo) => {
      portal.inject({ kind: 'resultFalse', method: 'im.recent.unread' });
      await app.getByRole('switch', { name: 'John Carter' }).click();
      await expect(app.getByRole('alert')).toContainText('John Carter');
      await app.locator('[data-key$="/chat1317"]').hover();
      await app.getByRole('button', { name: 'Remind me later: Release 2.4' }).click();
      await attachShot(app, testInfo, `popup-alert-menu-${scheme}.png`);
      expect(await seriousViolations(app)).toEqual([]);
      await app.keyboard.press('Escape');
      await app.keyboard.press('Control+Comma');
      await expect(app.getByRole('heading', { name: 'Shortcuts' })).toBeVisible();
      await attachShot(app, testInfo, `settings-${scheme}.png`);
      expect(await seriousViolations(app)).toEqual([]);
    });
  });
}

test.describe('signed out', () => {
  test.use({ signedIn: false, colorScheme: 'dark' });
  test('the sign-in screen has no serious accessibility violations', async ({ app }, testInfo) => {
    await expect(app.getByLabel('Inbound webhook URL')).toBeVisible();
    await attachShot(app, testInfo, 'sign-in-dark.png');
    expect(await seriousViolations(app)).toEqual([]);
  });
});
