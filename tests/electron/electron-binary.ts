/**
 * Finds the Electron executable for `_electron.launch` WITHOUT touching
 * `require('electron')`: since Electron 42 that call downloads the binary
 * from GitHub on first use and throws where GitHub is unreachable
 * (design.md §4). Mirrors node_modules/electron/index.js: `path.txt` names
 * the executable inside `dist/`, and ELECTRON_OVERRIDE_DIST_PATH replaces
 * `dist/`.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

/** Where the binary is, or why the Electron specs must skip. */
export type ElectronBinary = { found: true; path: string } | { found: false; reason: string };

/** Looks for the Electron binary; `root` is the project folder. */
export function findElectronBinary(
  root: string = process.cwd(),
  env: NodeJS.ProcessEnv = process.env,
  platform: NodeJS.Platform = process.platform,
): ElectronBinary {
  const pkg = join(root, 'node_modules', 'electron');
  if (!existsSync(join(pkg, 'package.json'))) {
    return { found: false, reason: 'the electron package is not installed (run `npm ci`).' };
  }
  const pathTxt = join(pkg, 'path.txt');
  const exe = existsSync(pathTxt) ? readFileSync(pathTxt, 'utf8').trim() : null;
  const override = env.ELECTRON_OVERRIDE_DIST_PATH;
  if (override) {
    const candidate = resolve(override, exe || (platform === 'win32' ? 'electron.exe' : 'electron'));
    return existsSync(candidate)
      ? { found: true, path: candidate }
      : { found: false, reason: `ELECTRON_OVERRIDE_DIST_PATH is set, but ${candidate} does not exist.` };
  }
  if (!exe) {
    return {
      found: false,
      reason:
        'the Electron binary was never downloaded (node_modules/electron/path.txt is missing). ' +
        'It comes from GitHub: run `npx install-electron` where GitHub is reachable, or point ' +
        'ELECTRON_OVERRIDE_DIST_PATH at an unpacked Electron 45.',
    };
  }
  const candidate = join(pkg, 'dist', exe);
  return existsSync(candidate)
    ? { found: true, path: candidate }
    : { found: false, reason: `node_modules/electron/path.txt names ${candidate}, which does not exist.` };
}

/** Why Electron cannot open a window here, or null (Linux needs a display; use `xvfb-run -a`). */
export function missingDisplay(
  env: NodeJS.ProcessEnv = process.env,
  platform: NodeJS.Platform = process.platform,
): string | null {
  if (platform !== 'linux' || env.DISPLAY || env.WAYLAND_DISPLAY) return null;
  return 'no display (DISPLAY/WAYLAND_DISPLAY unset): run `xvfb-run -a npm run test:electron`.';
}

/** Where global-setup.ts packages the app (`electron-builder --dir`), relative to the project. */
export const PACKAGED_OUTPUT = 'release-smoke';

/** The packaged executable electron-builder --dir wrote, per OS (names from electron-builder.yml). */
export function packagedExecutable(
  root: string = process.cwd(),
  platform: NodeJS.Platform = process.platform,
  arch: string = process.arch,
): ElectronBinary {
  const out = join(root, PACKAGED_OUTPUT);
  const candidates =
    platform === 'win32'
      ? [join(out, 'win-unpacked', 'B24 Unread Tray.exe'), join(out, `win-${arch}-unpacked`, 'B24 Unread Tray.exe')]
      : platform === 'darwin'
        ? ['mac', `mac-${arch}`].map((d) => join(out, d, 'B24 Unread Tray.app', 'Contents', 'MacOS', 'B24 Unread Tray'))
        : [join(out, 'linux-unpacked', 'b24-unread-tray'), join(out, `linux-${arch}-unpacked`, 'b24-unread-tray')];
  const found = candidates.find((c) => existsSync(c));
  return found
    ? { found: true, path: found }
    : { found: false, reason: `no packaged app at ${candidates.join(' or ')} (global-setup.ts builds it).` };
}

/** The reason to skip the Electron specs, or null when they can run. */
export function electronSkipReason(root?: string, env: NodeJS.ProcessEnv = process.env): string | null {
  const bin = findElectronBinary(root, env);
  if (!bin.found) return `Electron smoke specs skipped: ${bin.reason}`;
  const display = missingDisplay(env);
  return display ? `Electron smoke specs skipped: ${display}` : null;
}
