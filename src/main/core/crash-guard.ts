/**
 * The last line of defence in the main process: `uncaughtException` and
 * `unhandledRejection` are logged (through the redacting logger, so a token
 * in an error message or stack never reaches the log file) and the app keeps
 * running, so the tray stays usable. If errors keep coming (more than
 * {@link CRASH_LIMIT} within {@link CRASH_WINDOW_MS}), the process is in a
 * bad state: it quits cleanly (`quit`, which lets the core persist) instead
 * of looping. Node's default for an uncaught exception is to print the stack
 * to stderr, unredacted, and die; Electron's is a dialog box.
 */
import type { Clock, Logger } from './ports';

/** More than this many uncaught errors within {@link CRASH_WINDOW_MS}: quit. */
export const CRASH_LIMIT = 5;
export const CRASH_WINDOW_MS = 60_000;

/** The slice of `process` the guard listens on. */
export interface ProcessEvents {
  on(event: 'uncaughtException', listener: (error: Error) => void): unknown;
  on(event: 'unhandledRejection', listener: (reason: unknown) => void): unknown;
  off(event: 'uncaughtException', listener: (error: Error) => void): unknown;
  off(event: 'unhandledRejection', listener: (reason: unknown) => void): unknown;
}

export interface CrashGuardOptions {
  logger: Logger;
  clock: Pick<Clock, 'now'>;
  /** Quits the app cleanly (the composition root passes `app.quit`). */
  quit(): void;
  target?: ProcessEvents;
}

function describe(value: unknown): { message: string; stack?: string } {
  if (value instanceof Error) return { message: `${value.name}: ${value.message}`, stack: value.stack };
  try {
    return { message: typeof value === 'string' ? value : (JSON.stringify(value) ?? String(value)) };
  } catch {
    return { message: String(value) };
  }
}

/** Installs the handlers; returns a function that removes them. */
export function installCrashGuard(opts: CrashGuardOptions): () => void {
  const target = opts.target ?? (process as unknown as ProcessEvents);
  let recent: number[] = [];
  let quitting = false;
  const report = (kind: string, value: unknown): void => {
    try {
      const { message, stack } = describe(value);
      opts.logger.error(`${kind} (the app keeps running)`, { error: message, stack });
    } catch {
      // Logging must never throw from here.
    }
    const now = opts.clock.now();
    recent = [...recent.filter((t) => now - t < CRASH_WINDOW_MS), now];
    if (recent.length > CRASH_LIMIT && !quitting) {
      quitting = true;
      opts.logger.error(`${recent.length} uncaught errors within a minute: quitting`);
      opts.quit();
    }
  };
  const onException = (error: Error): void => report('uncaught exception', error);
  const onRejection = (reason: unknown): void => report('unhandled rejection', reason);
  target.on('uncaughtException', onException);
  target.on('unhandledRejection', onRejection);
  return () => {
    target.off('uncaughtException', onException);
    target.off('unhandledRejection', onRejection);
  };
}
