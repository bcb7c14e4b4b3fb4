import { readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDirs } from '../../../tests/support/temp-dirs';
import { createLogSink } from './log-file';

const tempDir = tempDirs('b24ut-log-');

describe('log file', () => {
  it('rotates while running: main.log stays under the cap, one main.old.log, the newest line kept', () => {
    const dir = tempDir();
    const cap = 4096;
    const sink = createLogSink(dir, { console: false, maxBytes: cap, now: () => 0 });
    // Weeks of a tray app, compressed: far more than the cap, without a restart.
    for (let i = 0; i < 500; i++) sink('info', `line ${i} ${'x'.repeat(60)}`);

    expect(readdirSync(dir).sort()).toEqual(['main.log', 'main.old.log']);
    expect(statSync(join(dir, 'main.log')).size).toBeLessThanOrEqual(cap);
    expect(statSync(join(dir, 'main.old.log')).size).toBeLessThanOrEqual(cap);
    expect(readFileSync(join(dir, 'main.log'), 'utf8')).toContain('line 499 ');
    if (process.platform !== 'win32') expect(statSync(join(dir, 'main.log')).mode & 0o777).toBe(0o600);
  });

  it('rotates an oversized log left by the previous run at start', () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'main.log'), 'y'.repeat(5000));
    const sink = createLogSink(dir, { console: false, maxBytes: 4096 });
    sink('warn', 'fresh');
    expect(readFileSync(join(dir, 'main.old.log'), 'utf8')).toBe('y'.repeat(5000));
    expect(readFileSync(join(dir, 'main.log'), 'utf8')).toMatch(/WARN fresh\n$/);
  });
});
