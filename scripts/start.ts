/**
 * `npm start`: makes sure the Electron binary is there, builds the app
 * (`electron-vite build`: out/main, out/preload, out/renderer — what
 * electron-builder packages) and launches Electron on it.
 *
 * Electron 42+ has no npm install script: the binary arrives on the first
 * `require('electron')` or through the package's own installer
 * (`node_modules/electron/install.js`, the `install-electron` bin), which
 * downloads it with @electron/get, unzips it into node_modules/electron/dist
 * and writes node_modules/electron/path.txt (read node_modules/electron/
 * index.js and install.js). We run that installer, never our own download.
 *
 * Where the binary cannot be fetched (offline, a Node older than the
 * installer needs), prints one paragraph saying what is missing and why, and
 * exits 1 — no stack trace.
 *
 * Dev only: never packaged.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(join(root, 'package.json'));

const say = (line: string): void => {
  process.stderr.write(`${line}\n`);
};

/** Ends `npm start` with one paragraph and exit code 1. */
function giveUp(paragraph: string): never {
  say(`\nnpm start: ${paragraph}\n`);
  process.exit(1);
}

/** Where electron/install.js puts the executable inside dist/ (its getPlatformPath()). */
export function electronPlatformPath(platform: string): string | null {
  switch (platform) {
    case 'mas':
    case 'darwin':
      return 'Electron.app/Contents/MacOS/Electron';
    case 'freebsd':
    case 'openbsd':
    case 'linux':
      return 'electron';
    case 'win32':
      return 'electron.exe';
    default:
      return null;
  }
}

/** `a >= b` for plain `x.y.z` versions. */
export function versionAtLeast(a: string, b: string): boolean {
  const pa = a.replace(/^v/, '').split('.').map(Number);
  const pb = b.replace(/^v/, '').split('.').map(Number);
  for (let i = 0; i < 3; i++) {
    const x = pa[i] ?? 0;
    const y = pb[i] ?? 0;
    if (x !== y) return x > y;
  }
  return true;
}

interface ElectronPackage {
  dir: string;
  version: string;
  /** The minimum Node version from `engines.node` (`>= 22.12.0` → `22.12.0`), if any. */
  minNode: string | null;
}

function electronPackage(): ElectronPackage {
  let pkgFile: string;
  try {
    pkgFile = require.resolve('electron/package.json');
  } catch {
    giveUp('the `electron` package is not installed. Run `npm run setup` first, then `npm start` again.');
  }
  const pkg = JSON.parse(readFileSync(pkgFile, 'utf8')) as { version: string; engines?: { node?: string } };
  const minNode = /(\d+\.\d+\.\d+)/.exec(pkg.engines?.node ?? '')?.[1] ?? null;
  return { dir: dirname(pkgFile), version: pkg.version, minNode };
}

/** The installed executable, checked the way install.js's isInstalled() does; null when absent. */
function installedExecutable(el: ElectronPackage, platformPath: string): string | null {
  try {
    const version = readFileSync(join(el.dir, 'dist', 'version'), 'utf8')
      .trim()
      .replace(/^v/, '');
    const recorded = readFileSync(join(el.dir, 'path.txt'), 'utf8');
    if (version !== el.version || recorded !== platformPath) return null;
  } catch {
    return null;
  }
  const exe = join(el.dir, 'dist', platformPath);
  return existsSync(exe) ? exe : null;
}

/** The first line of the installer's error that is not a stack frame (its own output is a stack trace). */
function firstErrorLine(output: string): string {
  const line = output
    .split(/\r?\n/)
    .map((l) => l.trim())
    .find((l) => l !== '' && !l.startsWith('at '));
  return line ? line.replace(/^Error:\s*/, '') : 'no error message';
}

const DEMO_HINT =
  'Everything else works without it: `npm test` runs all the tests, and `npm run demo` shows the real popup against a fake Bitrix24 portal in your browser.';

function ensureElectron(): string {
  const el = electronPackage();
  // ELECTRON_OVERRIDE_DIST_PATH: the same override electron/index.js honours (a binary you provide).
  const override = process.env.ELECTRON_OVERRIDE_DIST_PATH;
  const platformPath = electronPlatformPath(process.env.ELECTRON_INSTALL_PLATFORM || process.platform);
  if (!platformPath) giveUp(`Electron is not built for this platform (${process.platform}).`);
  if (override) {
    const exe = join(override, platformPath);
    if (!existsSync(exe)) {
      giveUp(
        `the Electron binary is missing: ELECTRON_OVERRIDE_DIST_PATH points at ${override}, which has no ${platformPath}. Unset it to let \`npm start\` download Electron ${el.version}, or point it at an unpacked Electron ${el.version}. ${DEMO_HINT}`,
      );
    }
    return exe;
  }
  const have = installedExecutable(el, platformPath);
  if (have) return have;

  if (el.minNode && !versionAtLeast(process.version, el.minNode)) {
    giveUp(
      `the Electron binary is missing, and Electron ${el.version}'s installer (which downloads it on first use) needs Node ${el.minNode} or newer; this machine has Node ${process.version.replace(/^v/, '')}. Install Node ${el.minNode.split('.')[0]} or newer (e.g. \`nvm install 22\`) and run \`npm start\` again. ${DEMO_HINT}`,
    );
  }
  say(`Downloading Electron ${el.version} (first start only)…`);
  const r = spawnSync(process.execPath, [join(el.dir, 'install.js')], {
    cwd: el.dir,
    stdio: ['ignore', 'inherit', 'pipe'],
    encoding: 'utf8',
  });
  const exe = installedExecutable(el, platformPath);
  if (r.status !== 0 || !exe) {
    giveUp(
      `the Electron binary is missing and could not be downloaded (${firstErrorLine(r.stderr ?? r.error?.message ?? '')}). Electron ${el.version} is not shipped by npm: its installer fetches it from GitHub (or from ELECTRON_MIRROR) on first use, so this needs internet access. Connect and run \`npm start\` again. ${DEMO_HINT}`,
    );
  }
  return exe;
}

function build(): void {
  say('Building the app (electron-vite build)…');
  const r = spawnSync(
    process.execPath,
    [join(root, 'node_modules', 'electron-vite', 'bin', 'electron-vite.js'), 'build', '--logLevel', 'warn'],
    { cwd: root, stdio: 'inherit', env: { ...process.env, NODE_ENV: 'production' } },
  );
  if (r.status !== 0) giveUp('the build failed (see the errors above); fix them and run `npm start` again.');
}

function launch(exe: string): void {
  const env = { ...process.env };
  // Set by some terminals (VS Code's): it would turn Electron into plain Node.
  delete env.ELECTRON_RUN_AS_NODE;
  // Electron loads package.json's "main" (out/main/index.js) from the app folder.
  const child = spawn(exe, [root, ...process.argv.slice(2)], { cwd: root, stdio: 'inherit', env, windowsHide: false });
  child.on('error', (err) => giveUp(`Electron could not be started (${err.message}).`));
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.on(signal, () => child.kill(signal));
  }
  child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
}

const isMain = process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url);
if (isMain) {
  const exe = ensureElectron();
  build();
  launch(exe);
}
