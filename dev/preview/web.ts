/**
 * `npm run web` / `npm run demo`: the real popup (out/renderer, the files
 * electron-builder packages) in a browser,
 * against the real core running in Node, through a token-protected bridge
 * on 127.0.0.1 (dev/preview/web-server.ts).
 *
 *   PORT            port to listen on (default 5199; 0 = any free port)
 *   B24UT_DATA_DIR  where settings, accounts and queued actions live
 *                   (default: a fresh temp dir, removed on exit)
 *   B24_WEBHOOK_URL when no account is stored, sign in with this webhook
 *   B24UT_PREVIEW_WAYLAND=1  act as a Linux Wayland session (shortcuts go to the desktop's portal)
 *   --demo          start the fake portal with demo data and sign in to it
 *
 * Prints exactly one line on stdout: `Popup preview: http://127.0.0.1:PORT/?token=…`.
 * Everything else goes to stderr. Dev only: never packaged.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createNodeCore } from '../../src/main/core/create-node-core';
import { systemClock } from '../../src/main/core/ports';
import { createLogger, redact } from '../../src/main/core/redact';
import { createAesSecretBox, loadOrCreateKeyFile } from '../aes-secret-box';
import { createPreviewPorts } from './web-ports';
import { startPreviewServer, type PreviewServer } from './web-server';
import { packagedRendererDir } from '../../scripts/renderer-out';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const say = (line: string): void => {
  process.stderr.write(`${line}\n`);
};

function parsePort(raw: string | undefined): number {
  if (raw === undefined || raw === '') return 5199;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0 || n > 65535) {
    say(`PORT must be a number from 0 to 65535, not ${JSON.stringify(raw)}.`);
    process.exit(2);
  }
  return n;
}

async function main(): Promise<void> {
  const demo = process.argv.includes('--demo');
  const port = parsePort(process.env.PORT);
  const staticDir = packagedRendererDir();
  if (!existsSync(join(staticDir, 'index.html'))) {
    say('The popup is not built: run `npm run web` (it builds first) or `npx electron-vite build`.');
    process.exit(2);
  }

  const ownDataDir = !process.env.B24UT_DATA_DIR;
  const dataDir = resolve(process.env.B24UT_DATA_DIR || mkdtempSync(join(tmpdir(), 'b24ut-preview-')));
  const debug = process.env.B24UT_DEBUG === '1';
  const logger = createLogger((level, line) => {
    if (level !== 'debug' || debug) say(`[${level}] ${line}`);
  });

  const secretBox = createAesSecretBox(loadOrCreateKeyFile(join(dataDir, 'preview.key')));
  const version = (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string }).version;

  let server: PreviewServer | null = null;
  const wayland = process.env.B24UT_PREVIEW_WAYLAND === '1';
  const ports = createPreviewPorts({ onShown: (focus) => server?.broadcast('shown', { focus }), say, wayland });

  // The fake portal lives in tests/ and is loaded only for --demo.
  let portal: { url: string; webhookUrl: string; close(): Promise<void> } | null = null;
  if (demo) {
    const { startFakePortal } = await import('../fake-portal/server');
    const demoPort = Number(process.env.B24UT_DEMO_PORTAL_PORT ?? 0) || 0;
    portal = await startFakePortal({ seed: 'demo', port: demoPort });
    say(`Demo portal: ${portal.url}`);
  }

  const { core } = createNodeCore({
    ports: { ...ports, logger },
    dir: dataDir,
    secretBox,
    fetch: (input, init) => fetch(input, init),
    clock: systemClock,
    version,
    ...(wayland ? { platform: 'linux-wayland' } : {}),
    locale: process.env.B24UT_LOCALE || Intl.DateTimeFormat().resolvedOptions().locale,
  });
  await core.start();

  const webhook = portal?.webhookUrl ?? process.env.B24_WEBHOOK_URL;
  const alreadyThere = portal
    ? core.state().accounts.some((a) => a.origin === portal.url)
    : core.state().accounts.length > 0;
  if (webhook && !alreadyThere) {
    const r = await core.dispatch('signInWithWebhook', [webhook]);
    // The core's messages are redacted; never print the webhook itself.
    if (!r.ok) say(`Sign-in with the webhook failed: ${r.error.code}: ${r.error.message}`);
  }

  const token = randomBytes(24).toString('base64url');
  const testHooks = process.env.B24UT_TEST_HOOKS === '1';
  server = await startPreviewServer({
    core,
    staticDir,
    token,
    port,
    log: say,
    testRoutes: testHooks
      ? {
          log: () => ports.records,
          show: (_req, url) => {
            ports.popup.show(url.searchParams.get('focus'));
            return null;
          },
          'click-notification': () => ports.clickLastNotification(),
        }
      : undefined,
  });
  process.stdout.write(`Popup preview: ${server.url}\n`);

  let stopping = false;
  const stop = async (signal: string): Promise<void> => {
    if (stopping) return;
    stopping = true;
    say(`Stopping the preview (${signal})…`);
    try {
      await server?.close();
      await core.stop();
      await portal?.close();
    } finally {
      if (ownDataDir) rmSync(dataDir, { recursive: true, force: true });
      process.exit(0);
    }
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
}

main().catch((err: unknown) => {
  say(`The preview could not start: ${redact(err instanceof Error ? err.message : String(err))}`);
  process.exit(1);
});
