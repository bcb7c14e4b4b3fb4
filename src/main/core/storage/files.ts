/** Store file helpers (moved out of store.ts): read, atomic write, owner-only mode. */
import { chmodSync, closeSync, fsyncSync, openSync, readFileSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import { randomBytes } from 'node:crypto';

/** Mode of every file the store writes: owner read/write only. */
export const STORE_FILE_MODE = 0o600;

export function readOrNull(file: string): Buffer | null {
  try {
    return readFileSync(file);
  } catch {
    return null;
  }
}

/** Write-then-rename, so a crash never leaves half a file; mode 0600 from the first byte. */
export function writeAtomic(file: string, text: string): void {
  const tmp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  const fd = openSync(tmp, 'w', STORE_FILE_MODE);
  try {
    writeSync(fd, text);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  try {
    tightenMode(tmp);
    renameSync(tmp, file);
  } catch (error) {
    try {
      unlinkSync(tmp);
    } catch {
      // Already gone.
    }
    throw error;
  }
}

export function tightenMode(path: string): void {
  if (process.platform === 'win32') return;
  try {
    chmodSync(path, STORE_FILE_MODE);
  } catch {
    // Not ours to fix (e.g. a read-only mount); the library reports write failures.
  }
}
