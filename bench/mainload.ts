/**
 * Loading the main process's code: what a start costs before any of it runs.
 * Electron loads out/main/index.js and, from the package's node_modules, what
 * it imports (electron-vite leaves the package.json `dependencies` out of the
 * bundle; scripts/shipped-packages.ts). Until issue 14's eleventh round that
 * was typebox (700-odd module files, read and compiled one by one at every
 * start), ajv, electron-store with conf, and electron-updater; now out/main
 * imports none of them as it loads (electron-updater is imported at the first
 * update check), and since the thirteenth round it bundles no typebox either
 * (the intents' argument checks are generated ahead, as the store's are:
 * tests/packaging/main-runtime.test.ts).
 *
 * Measured in fresh Node processes over the package's layout: a scratch
 * folder holding out/main and a node_modules of the shipped packages, copied,
 * with an `electron` module standing in for Electron's (every export a
 * do-nothing function; `app.whenReady()` never settles, so the import is
 * timed and none of the app's start). Each process times `import()` of
 * out/main/index.js: resolving, reading and compiling every module, and
 * running their top-level code.
 * Electron reads these files from app.asar, through its own fs layer; that
 * path could not be run here (no Electron binary), so the figure stands for
 * the files' count and size, not for Electron's exact time.
 */
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { importedPackages, shippedPackages } from '../scripts/shipped-packages';
import { OUT_DIR, ROOT } from '../scripts/renderer-out';
import { median } from './stats';

/** Result of {@link measureMainLoad}. */
export interface MainLoad {
  runs: number;
  /** `import()` of out/main/index.js in a fresh process, ms. */
  medianMs: number;
  maxMs: number;
  /** Packages in the package's node_modules (what out/main does not bundle). */
  packages: number;
  /** Of those, the ones out/main imports as it loads (the rest: by `import()` later, when needed). */
  loadedAtStart: string[];
}

/** Electron's main-process exports (electron/electron docs/api), each a do-nothing stand-in. */
const ELECTRON_EXPORTS = [
  'app',
  'autoUpdater',
  'BaseWindow',
  'BrowserView',
  'BrowserWindow',
  'clipboard',
  'contentTracing',
  'crashReporter',
  'desktopCapturer',
  'dialog',
  'globalShortcut',
  'inAppPurchase',
  'ipcMain',
  'Menu',
  'MenuItem',
  'MessageChannelMain',
  'nativeImage',
  'nativeTheme',
  'net',
  'netLog',
  'Notification',
  'powerMonitor',
  'powerSaveBlocker',
  'protocol',
  'pushNotifications',
  'safeStorage',
  'screen',
  'session',
  'shell',
  'systemPreferences',
  'Tray',
  'utilityProcess',
  'webContents',
  'WebContentsView',
  'webFrameMain',
];

/** CommonJS (as Electron's module is to Node), so named imports and a lazy require() both find it. */
const ELECTRON_STUB = `'use strict';
const stub = new Proxy(function () {}, {
  get: (_t, k) =>
    k === 'then' ? undefined : k === 'whenReady' ? () => new Promise(() => {}) : k === Symbol.toPrimitive ? () => '' : stub,
  apply: () => stub,
  construct: () => stub,
});
${ELECTRON_EXPORTS.map((n) => `exports.${n} = stub;`).join('\n')}
`;

/** Runs in each fresh process: the import, timed. */
const CHILD = `const url = process.argv[1];
const t0 = performance.now();
await import(url);
process.stdout.write(JSON.stringify({ ms: performance.now() - t0 }));
process.exit(0);`;

/** Lays out the package (out/main, the shipped node_modules, the stand-in electron) and times `runs` imports. */
export function measureMainLoad(runs = 9, outDir = OUT_DIR): MainLoad {
  const dir = mkdtempSync(join(tmpdir(), 'b24ut-mainload-'));
  try {
    cpSync(join(outDir, 'main'), join(dir, 'out', 'main'), { recursive: true });
    writeFileSync(join(dir, 'package.json'), JSON.stringify({ type: 'module', main: 'out/main/index.js' }));
    const packages = shippedPackages();
    for (const name of packages) {
      // A version nested under another package is copied with it.
      const from = join(ROOT, 'node_modules', name);
      if (existsSync(from)) cpSync(from, join(dir, 'node_modules', name), { recursive: true });
    }
    mkdirSync(join(dir, 'node_modules', 'electron'));
    writeFileSync(join(dir, 'node_modules', 'electron', 'package.json'), '{"name":"electron","main":"index.js"}');
    writeFileSync(join(dir, 'node_modules', 'electron', 'index.js'), ELECTRON_STUB);
    const url = pathToFileURL(join(dir, 'out', 'main', 'index.js')).href;
    const times: number[] = [];
    for (let i = 0; i < runs; i++) {
      const out = execFileSync(process.execPath, ['--input-type=module', '-e', CHILD, url], {
        cwd: dir,
        encoding: 'utf8',
        env: { PATH: process.env.PATH ?? '' },
      });
      times.push((JSON.parse(out) as { ms: number }).ms);
    }
    const main = readFileSync(join(outDir, 'main', 'index.js'), 'utf8');
    const loadedAtStart = [...importedPackages(main, { dynamic: false })].sort();
    return { runs, medianMs: median(times), maxMs: Math.max(...times), packages: packages.size, loadedAtStart };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
