/**
 * Where the main process's log lines go: stderr, and `main.log` in the
 * app's logs folder (mode 0600; rotated to `main.old.log` past 1 MB at
 * start). Lines arrive already redacted (src/main/core/redact.ts
 * `createLogger`); this only writes them.
 */
import { appendFileSync, chmodSync, mkdirSync, renameSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { LogLevel } from '../core/redact';

/** Largest log file kept before rotation at start-up. */
export const MAX_LOG_BYTES = 1024 * 1024;

/** A sink for `createLogger`: writes `ISO-time LEVEL line`. Never throws (a full disk must not crash the app). */
export function createLogSink(dir: string | null, opts: { debug?: boolean; console?: boolean } = {}) {
  let file: string | null = null;
  if (dir) {
    try {
      mkdirSync(dir, { recursive: true, mode: 0o700 });
      file = join(dir, 'main.log');
      try {
        if (statSync(file).size > MAX_LOG_BYTES) renameSync(file, join(dir, 'main.old.log'));
      } catch {
        // No log yet.
      }
      appendFileSync(file, '', { mode: 0o600 });
      chmodSync(file, 0o600);
    } catch {
      file = null;
    }
  }
  return (level: LogLevel, line: string): void => {
    if (level === 'debug' && !opts.debug) return;
    const text = `${new Date().toISOString()} ${level.toUpperCase()} ${line}\n`;
    if (opts.console !== false) (level === 'error' || level === 'warn' ? process.stderr : process.stdout).write(text);
    if (file) {
      try {
        appendFileSync(file, text, { mode: 0o600 });
      } catch {
        file = null;
      }
    }
  };
}
