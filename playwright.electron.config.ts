import { defineConfig } from '@playwright/test';

/**
 * `npm run test:electron`: specs that launch the built app in a real
 * Electron (`_electron.launch`). They skip, with the reason printed, where
 * the Electron binary is absent (it is downloaded from GitHub) or, on
 * Linux, where there is no display (`xvfb-run -a npm run test:electron`).
 * The default `npm test` never depends on them.
 */
export default defineConfig({
  testDir: 'tests/electron',
  testMatch: '*.spec.ts',
  globalSetup: './tests/electron/global-setup.ts',
  workers: 1,
  fullyParallel: false,
  forbidOnly: !!process.env.CI,
  reporter: [['list']],
  timeout: 60_000,
});
