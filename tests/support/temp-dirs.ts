/**
 * Temporary folders for one test file: `const tempDir = tempDirs('b24-store-')`
 * gives a function that makes a fresh folder under the OS temp dir, and each
 * folder made is removed after the test that made it.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach } from 'vitest';

/** A maker of fresh temp folders named `<prefix>XXXXXX`; registers the `afterEach` that removes them. */
export function tempDirs(prefix: string): () => string {
  const dirs: string[] = [];
  afterEach(() => {
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  });
  return () => {
    const d = mkdtempSync(join(tmpdir(), prefix));
    dirs.push(d);
    return d;
  };
}
