/** Store file helpers (moved out of store.ts): read, atomic write, owner-only mode. */
import {
  chmodSync,
  close,
  closeSync,
  fsync,
  fsyncSync,
  link,
  open,
  openSync,
  readFileSync,
  renameSync,
  unlink,
  unlinkSync,
  write,
  writeSync,
} from 'node:fs';
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

/** Per-process sequence of temporary names (the pid keeps processes apart; randomBytes cost 20 µs a name). */
let tempSeq = randomBytes(4).readUInt32BE(0);
const tempName = (file: string, ext = 'tmp') => {
  tempSeq = (tempSeq + 1) >>> 0;
  return `${file}.${process.pid}.${tempSeq.toString(16).padStart(8, '0')}.${ext}`;
};

/** Write-then-rename, so a crash never leaves half a file; mode 0600 from the first byte. */
export function writeAtomic(file: string, text: string): void {
  const tmp = tempName(file);
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

/**
 * The slow half of {@link writeAtomic}, off the event loop (libuv's thread pool): writes `text` to
 * a new temporary file beside `file` and fsyncs it. Created with mode 0600 (a umask can only take
 * bits away), so no chmod. Resolves with its path; the caller renames it over `file` (renameSync:
 * cheap, and ordered with the synchronous writers) or drops it with {@link dropTemp}. Plain
 * callbacks: four thread-pool hops (open, write, fsync, close) and one promise.
 */
export function writeTempDurable(file: string, text: string): Promise<string> {
  const tmp = tempName(file);
  const data = Buffer.from(text, 'utf8');
  return new Promise((resolve, reject) => {
    const fail = (error: Error): void => unlink(tmp, () => reject(error));
    open(tmp, 'w', STORE_FILE_MODE, (openError, fd) => {
      if (openError) return reject(openError);
      const finish = (error: Error | null): void =>
        close(fd, (closeError) => {
          const problem = error ?? closeError;
          if (problem) fail(problem);
          else resolve(tmp);
        });
      const writeFrom = (offset: number): void =>
        write(fd, data, offset, data.length - offset, null, (writeError, n) => {
          if (writeError) return finish(writeError);
          if (offset + n < data.length) return writeFrom(offset + n);
          fsync(fd, finish);
        });
      writeFrom(0);
    });
  });
}

/** Removes a temporary file of {@link writeTempDurable} (already gone is fine). */
export function dropTemp(tmp: string): Promise<void> {
  return new Promise((resolve) => unlink(tmp, () => resolve()));
}

/**
 * A second name for `file` (a hard link `<file>.<pid>.<hex>.old`), made off the event loop before
 * a rename over it: the rename then only swaps the directory entry (ext4: 0.01 ms instead of
 * 0.2 ms and more under load, which frees the old file's blocks), and {@link dropTemp} of the
 * link frees them on the thread pool. Resolves with the link, or null (no file, or no hard links
 * on this file system: the rename then frees the blocks itself, as before).
 */
export function keepOld(file: string): Promise<string | null> {
  const old = tempName(file, 'old');
  return new Promise((resolve) => link(file, old, (error) => resolve(error ? null : old)));
}

/** Names {@link keepOld} leaves behind when the process dies between the link and its removal. */
export const isLeftOverOld = (name: string, base: string): boolean =>
  name.startsWith(`${base}.`) && /\.\d+\.[0-9a-f]{8}\.old$/.test(name.slice(base.length));
