import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  PACKAGED_OUTPUT,
  electronSkipReason,
  findElectronBinary,
  missingDisplay,
  packagedExecutable,
} from './electron-binary';

let root: string;
const pkg = () => join(root, 'node_modules', 'electron');

beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'b24-elbin-'));
  mkdirSync(pkg(), { recursive: true });
  writeFileSync(join(pkg(), 'package.json'), '{"name":"electron","version":"45.4.1"}');
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

describe('findElectronBinary (never requires electron)', () => {
  it('no path.txt: the binary was never downloaded', () => {
    const r = findElectronBinary(root, {}, 'linux');
    expect(r).toEqual({ found: false, reason: expect.stringContaining('never downloaded') });
  });

  it('path.txt naming a missing file', () => {
    writeFileSync(join(pkg(), 'path.txt'), 'electron');
    expect(findElectronBinary(root, {}, 'linux').found).toBe(false);
  });

  it('path.txt and dist/ present: found', () => {
    writeFileSync(join(pkg(), 'path.txt'), 'electron');
    mkdirSync(join(pkg(), 'dist'));
    writeFileSync(join(pkg(), 'dist', 'electron'), '#!/bin/sh\n');
    expect(findElectronBinary(root, {}, 'linux')).toEqual({ found: true, path: join(pkg(), 'dist', 'electron') });
  });

  it('ELECTRON_OVERRIDE_DIST_PATH to a non-existent folder (as in the unit tests) skips', () => {
    const r = findElectronBinary(root, { ELECTRON_OVERRIDE_DIST_PATH: '/nonexistent' }, 'linux');
    expect(r).toEqual({ found: false, reason: expect.stringContaining('/nonexistent/electron does not exist') });
  });

  it('ELECTRON_OVERRIDE_DIST_PATH to an unpacked Electron: found', () => {
    const dist = join(root, 'unpacked');
    mkdirSync(dist);
    writeFileSync(join(dist, 'electron'), '');
    expect(findElectronBinary(root, { ELECTRON_OVERRIDE_DIST_PATH: dist }, 'linux')).toEqual({
      found: true,
      path: join(dist, 'electron'),
    });
  });

  it('the electron package itself missing', () => {
    rmSync(pkg(), { recursive: true });
    expect(findElectronBinary(root, {}, 'linux').found).toBe(false);
  });
});

describe('missingDisplay', () => {
  it('Linux without DISPLAY or WAYLAND_DISPLAY needs xvfb', () => {
    expect(missingDisplay({}, 'linux')).toContain('xvfb-run');
    expect(missingDisplay({ DISPLAY: ':99' }, 'linux')).toBeNull();
    expect(missingDisplay({}, 'darwin')).toBeNull();
  });
});

describe('on this machine', () => {
  it('gives a reason to skip that names the cause', () => {
    const reason = electronSkipReason(process.cwd(), { ...process.env, ELECTRON_OVERRIDE_DIST_PATH: '/nonexistent' });
    expect(reason).toMatch(/^Electron smoke specs skipped: /);
  });
});

describe('packagedExecutable (what the smoke specs launch)', () => {
  it.each([
    ['linux', 'x64', ['linux-unpacked', 'b24-unread-tray']],
    ['linux', 'arm64', ['linux-arm64-unpacked', 'b24-unread-tray']],
    ['win32', 'x64', ['win-unpacked', 'B24 Unread Tray.exe']],
    ['darwin', 'arm64', ['mac-arm64', 'B24 Unread Tray.app', 'Contents', 'MacOS', 'B24 Unread Tray']],
  ] as const)('finds the %s/%s build electron-builder --dir wrote', (platform, arch, parts) => {
    expect(packagedExecutable(root, platform, arch).found).toBe(false);
    const exe = join(root, PACKAGED_OUTPUT, ...parts);
    mkdirSync(join(exe, '..'), { recursive: true });
    writeFileSync(exe, '');
    expect(packagedExecutable(root, platform, arch)).toEqual({ found: true, path: exe });
  });
});
