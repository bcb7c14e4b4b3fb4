/**
 * Where the main process's log lines go: stderr, and `main.log` in the
 * app's logs folder (mode 0600). Size-capped and rotated WHILE running (a
 * tray app runs for weeks): once `main.log` would pass {@link MAX_LOG_BYTES}
 * it becomes `main.old.log` (replacing the previous one) and a fresh
 * `main.log` starts, so the logs never take more than about twice the cap.
 * This is electron-log's own scheme (maxSize, then main.log → main.old.log);
 * a dozen lines here instead of a dependency, and no `electron` import.
 * Lines arrive already redacted (src/main/core/redact.ts `createLogger`);
 * this only writes them.
 */
import { appendFileSync, chmodSync, mkdirSync, renameSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { LogLevel } from '../core/redact';

/** Largest `main.log` before it is rotated to `main.old.log`. */
export const MAX_LOG_BYTES = 1024 * 1024;

/** A sink for `createLogger`: writes `ISO-time LEVEL line`. Never throws (a full disk must not crash the app). */
export function createLogSink(
  dir: string | null,
  opts: { debug?: boolean; console?: boolean; maxBytes?: number; now?: () => number } = {},
) {
  const maxBytes = opts.maxBytes ?? MAX_LOG_BYTES;
  const now = opts.now ?? Date.now;
  let file: string | null = null;
  let size = 0;
  const rotate = (): void => {
    if (!file || !dir) return;
    try {
      renameSync(file, join(dir, 'main.old.log'));
    } catch {
      // Nothing to rotate.
    }
    appendFileSync(file, '', { mode: 0o600 });
    chmodSync(file, 0o600);
    size = 0;
  };
  if (dir) {
    try {
      mkdirSync(dir, { recursive: true, mode: 0o700 });
      file = join(dir, 'main.log');
      try {
        size = statSync(file).size;
      } catch {
        size = 0;
      }
      if (size > maxBytes) rotate();
      appendFileSync(file, '', { mode: 0o600 });
      chmodSync(file, 0o600);
    } catch {
      file = null;
    }
  }
  return (level: LogLevel, line: string): void => {
    if (level === 'debug' && !opts.debug) return;
    const text = `${new Date(now()).toISOString()} ${level.toUpperCase()} ${line}\n`;
    if (opts.console !== false) (level === 'error' || level === 'warn' ? process.stderr : process.stdout).write(text);
    if (file) {
      try {
        const bytes = Buffer.byteLength(text);
        if (size > 0 && size + bytes > maxBytes) rotate();
        appendFileSync(file, text, { mode: 0o600 });
        size += bytes;
      } catch {
        file = null;
      }
    }
  };
}
