/**
 * Before the Electron specs: say clearly when they will skip; otherwise
 * build the app and PACKAGE it as users get it — `electron-builder --dir`
 * with electron-builder.yml, so the fuses (grantFileProtocolExtraPrivileges
 * off, onlyLoadAppFromAsar, …) and app.asar apply — from the local Electron
 * binary (no download). The specs launch that packaged executable.
 */
import { execFileSync } from 'node:child_process';
import { dirname, resolve } from 'node:path';
import { electronSkipReason, findElectronBinary, packagedExecutable, PACKAGED_OUTPUT } from './electron-binary';

export default function globalSetup(): void {
  const reason = electronSkipReason();
  if (reason) {
    console.log(`\n${reason}\n`);
    return;
  }
  const bin = findElectronBinary();
  if (!bin.found) return;
  execFileSync('npx', ['electron-vite', 'build'], { stdio: 'inherit' });
  // macOS: the binary sits in Electron.app/Contents/MacOS; electronDist wants the folder holding Electron.app.
  const dist = process.platform === 'darwin' ? resolve(dirname(bin.path), '../../..') : dirname(bin.path);
  execFileSync(
    'npx',
    [
      'electron-builder',
      '--dir',
      '--config',
      'electron-builder.yml',
      `-c.electronDist=${dist}`,
      `-c.directories.output=${PACKAGED_OUTPUT}`,
      // Unsigned here: a smoke build is never distributed.
      '-c.mac.identity=null',
    ],
    { stdio: 'inherit', env: { ...process.env, CSC_IDENTITY_AUTO_DISCOVERY: 'false' } },
  );
  const exe = packagedExecutable();
  if (!exe.found) throw new Error(exe.reason);
}
