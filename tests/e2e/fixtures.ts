/**
 * End-to-end fixtures: the fake portal started in the test process (so a
 * test can inspect `portal.callsTo('im.recent.unread')`), and the REAL
 * preview (`dev/preview/web.ts`: real core, real storage, real bridge) started
 * as a child process on a free port with a fresh data dir.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test as base, expect, type Page } from '@playwright/test';
import { startFakePortal, type FakePortal, type FakePortalOptions } from '../../dev/fake-portal/server';
import type { PreviewRecords } from '../../dev/preview/web-ports';
import { packagedRendererDir } from '../../scripts/renderer-out';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

/** A running `dev/preview/web.ts`. */
export interface Preview {
  /** The printed URL (token included). */
  url: string;
  /** `http://127.0.0.1:PORT`. */
  origin: string;
  dataDir: string;
  /** What the Electron stand-ins recorded (opened URLs, hides...). */
  records(page: Page): Promise<PreviewRecords>;
  /** Asks the preview's popup stand-in to show the popup (as a tray click or notification would). */
  show(page: Page, focus?: string | null): Promise<void>;
  stop(): Promise<void>;
}

/** Starts `dev/preview/web.ts` and waits for its `Popup preview:` line. */
export async function startPreview(env: Record<string, string | undefined> = {}): Promise<Preview> {
  if (!existsSync(join(packagedRendererDir(), 'index.html'))) {
    throw new Error('Build the app first: npx electron-vite build (npm run test:e2e does it).');
  }
  const dataDir = mkdtempSync(join(tmpdir(), 'b24ut-e2e-'));
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', 'dev/preview/web.ts'], {
    cwd: ROOT,
    env: {
      ...process.env,
      PORT: '0',
      B24UT_DATA_DIR: dataDir,
      B24UT_TEST_HOOKS: '1',
      B24UT_LOCALE: 'en-US',
      ELECTRON_OVERRIDE_DIST_PATH: '/nonexistent',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const url = await new Promise<string>((ok, fail) => {
    let out = '';
    const timer = setTimeout(
      () => fail(new Error(`dev/preview/web.ts did not print its URL in 20 s.\n${stderr}`)),
      20_000,
    );
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /^Popup preview: (http:\/\/127\.0\.0\.1:\d+\/\?token=\S+)$/m.exec(out);
      if (m) {
        clearTimeout(timer);
        ok(m[1]!);
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      fail(new Error(`dev/preview/web.ts exited (${code}) before printing its URL.\n${stderr}`));
    });
  });
  const origin = new URL(url).origin;
  // The test routes need the page's cookie, so they go through the page (same origin, same token).
  const call = async (page: Page, route: string): Promise<unknown> =>
    page.evaluate(async (r) => (await fetch(`/__preview/${r}`)).json(), route);
  return {
    url,
    origin,
    dataDir,
    records: (page) => call(page, 'log') as Promise<PreviewRecords>,
    show: async (page, focus) => {
      await call(page, `show${focus ? `?focus=${encodeURIComponent(focus)}` : ''}`);
    },
    stop: async () => {
      if (child.exitCode === null) {
        const exited = new Promise((ok) => child.once('exit', ok));
        child.kill('SIGTERM');
        await exited;
      }
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

interface Fixtures {
  /** Options for the fake portal (default: demo seed, no rate limit). */
  portalOptions: FakePortalOptions;
  /** Sign the preview in with the portal's webhook at start (default true). */
  signedIn: boolean;
  /** Extra environment for the preview (e.g. `B24UT_PREVIEW_WAYLAND: '1'`). */
  previewEnv: Record<string, string>;
  portal: FakePortal;
  preview: Preview;
  /** The popup, opened at the preview URL with the list (or sign-in) shown. */
  app: Page;
}

export const test = base.extend<Fixtures>({
  portalOptions: [{ seed: 'demo', rateLimit: false }, { option: true }],
  signedIn: [true, { option: true }],
  previewEnv: [{}, { option: true }],
  portal: async ({ portalOptions }, use) => {
    const portal = await startFakePortal(portalOptions);
    await use(portal);
    await portal.close();
  },
  preview: async ({ portal, signedIn, previewEnv }, use) => {
    const preview = await startPreview({ ...previewEnv, ...(signedIn ? { B24_WEBHOOK_URL: portal.webhookUrl } : {}) });
    await use(preview);
    await preview.stop();
  },
  app: async ({ page, preview, signedIn }, use) => {
    await page.goto(preview.url);
    if (signedIn) await expect(page.getByRole('switch').first()).toBeVisible();
    await use(page);
  },
});

export { expect };

/** The `im.recent.unread` calls the portal received, as `{ DIALOG_ID, ACTION }`. */
export function unreadCalls(portal: FakePortal): { DIALOG_ID: unknown; ACTION: unknown }[] {
  return portal
    .callsTo('im.recent.unread')
    .filter((c) => c.status === 200)
    .map((c) => ({ DIALOG_ID: c.params.DIALOG_ID, ACTION: c.params.ACTION }));
}

/** Titles of the demo portal's pinned dialogs that count as unread (mark or counter). */
export function pinnedState(portal: FakePortal): Map<string, boolean> {
  return new Map(
    portal
      .dialogs()
      .filter((d) => d.pinned && !d.hidden)
      .map((d) => [d.title, Boolean(d.unread) || (d.counter ?? 0) > 0]),
  );
}
