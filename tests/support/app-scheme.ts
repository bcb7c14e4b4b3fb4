/**
 * A built-renderer stand-in for tests that create the popup against the
 * electron double: a temporary out/renderer with an index.html, served on
 * the app scheme exactly as index.ts serves the real one. The double's
 * loadURL goes through that handler, so a missing page fails to load there
 * as it would in Electron.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { serveAppScheme } from '../../src/main/electron/app-protocol';

let root: string | null = null;

/** The temporary renderer folder (made once per test file). */
export function testRendererRoot(): string {
  if (root === null) {
    root = mkdtempSync(join(tmpdir(), 'b24ut-renderer-'));
    mkdirSync(join(root, 'assets'));
    writeFileSync(join(root, 'index.html'), '<!doctype html><script type="module" src="./assets/index.js"></script>');
    writeFileSync(join(root, 'assets', 'index.js'), 'export {};\n');
  }
  return root;
}

/** Serves {@link testRendererRoot} on the app scheme (call after resetElectronMock). */
export function serveTestRenderer(): string {
  const dir = testRendererRoot();
  serveAppScheme(dir);
  return dir;
}
