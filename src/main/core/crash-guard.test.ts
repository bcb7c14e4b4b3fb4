import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import { CRASH_LIMIT, installCrashGuard, type ProcessEvents } from './crash-guard';
import { createLogger, registerSecret } from './redact';

function rig() {
  const lines: string[] = [];
  let now = 1_000_000;
  let quits = 0;
  const target = new EventEmitter();
  const off = installCrashGuard({
    logger: createLogger((level, line) => lines.push(`${level} ${line}`)),
    clock: { now: () => now },
    quit: () => quits++,
    target: target as unknown as ProcessEvents,
  });
  return {
    lines,
    target,
    off,
    quits: () => quits,
    advance: (ms: number) => (now += ms),
  };
}

describe('crash guard', () => {
  it('logs an uncaught exception redacted and keeps running', () => {
    const r = rig();
    registerSecret('crashGuardSecretToken01');
    r.target.emit('uncaughtException', new Error('boom with auth=crashGuardSecretToken01'));
    r.target.emit('unhandledRejection', 'rejected crashGuardSecretToken01');

    expect(r.lines).toHaveLength(2);
    expect(r.lines[0]).toMatch(/^error uncaught exception \(the app keeps running\)/);
    expect(r.lines[0]).toContain('Error: boom');
    expect(r.lines[1]).toMatch(/^error unhandled rejection/);
    expect(r.lines.join('\n')).not.toContain('crashGuardSecretToken01');
    expect(r.quits()).toBe(0);
    // Installed for real: the emitter has our listeners (Node would otherwise kill the process).
    expect(r.target.listenerCount('uncaughtException')).toBe(1);
    r.off();
    expect(r.target.listenerCount('uncaughtException')).toBe(0);
  });

  it(`quits cleanly, once, after more than ${CRASH_LIMIT} errors within a minute; spread-out errors do not`, () => {
    const r = rig();
    for (let i = 0; i < CRASH_LIMIT * 2; i++) {
      r.target.emit('uncaughtException', new Error(`slow ${i}`));
      r.advance(30_000);
    }
    expect(r.quits()).toBe(0);
    for (let i = 0; i < CRASH_LIMIT + 3; i++) r.target.emit('uncaughtException', new Error(`burst ${i}`));
    expect(r.quits()).toBe(1);
    expect(r.lines.some((l) => /uncaught errors within a minute: quitting/.test(l))).toBe(true);
  });
});
