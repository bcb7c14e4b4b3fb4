import { defineConfig, devices } from '@playwright/test';

/** Debian's Chromium: `npx playwright install` cannot download browsers here. */
export const chromiumLaunch = {
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  args: [
    '--no-sandbox',
    '--disable-gpu',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    '--no-first-run',
  ],
};

export default defineConfig({
  testDir: 'tests/e2e',
  workers: 1,
  fullyParallel: false,
  forbidOnly: !!process.env.CI,
  reporter: process.env.CI ? [['list'], ['html', { open: 'never' }]] : [['list']],
  timeout: 30_000,
  use: {
    headless: true,
    // The popup follows the OS language; the specs read English names.
    locale: 'en-US',
    viewport: { width: 360, height: 480 },
    launchOptions: chromiumLaunch,
    trace: 'retain-on-failure',
  },
  projects: [
    {
      name: 'chromium',
      // The popup is ~360×480; keep Desktop Chrome's defaults but the tray popup's size.
      use: { ...devices['Desktop Chrome'], viewport: { width: 360, height: 480 }, launchOptions: chromiumLaunch },
    },
  ],
});
