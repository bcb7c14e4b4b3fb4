/**
 * The popup bundle's size: every JS and CSS file the web build emits, raw
 * and gzipped (zlib's default level 6, what a web server would send;
 * Electron loads the files from disk, so gzip here is a proxy for how much
 * code there is, not for a download).
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { filesUnder } from '../scripts/files-under';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

/** The repository root. */
export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** The target for the popup's JS, gzipped. */
export const JS_GZIP_TARGET_BYTES = 40 * 1024;

/** Sizes of one kind of asset, summed over its files. */
export interface AssetSizes {
  files: number;
  raw: number;
  gzip: number;
}

/** Result of {@link measureBundle}. */
export interface BundleSizes {
  js: AssetSizes;
  css: AssetSizes;
}

/** Measures the JS and CSS under `outDir` (default `out/web`, what `npm run bench` builds first). */
export function measureBundle(outDir = join(ROOT, 'out', 'web')): BundleSizes {
  const sizes: BundleSizes = { js: { files: 0, raw: 0, gzip: 0 }, css: { files: 0, raw: 0, gzip: 0 } };
  for (const file of filesUnder(outDir)) {
    const kind = file.endsWith('.js') || file.endsWith('.mjs') ? 'js' : file.endsWith('.css') ? 'css' : null;
    if (!kind) continue;
    const bytes = readFileSync(file);
    sizes[kind].files += 1;
    sizes[kind].raw += bytes.length;
    sizes[kind].gzip += gzipSync(bytes).length;
  }
  if (sizes.js.files === 0) throw new Error(`bench: no JS under ${outDir}; build the popup first`);
  return sizes;
}

/** Builds the popup (vite.web.config.ts) into `outDir` with the project's own vite. */
export function buildWeb(outDir: string): void {
  execFileSync(
    process.execPath,
    [
      join(ROOT, 'node_modules', 'vite', 'bin', 'vite.js'),
      'build',
      '--config',
      'vite.web.config.ts',
      '--outDir',
      outDir,
      '--emptyOutDir',
      '--logLevel',
      'error',
    ],
    // vitest sets NODE_ENV=test, which would build Svelte's dev mode: measure what ships.
    { cwd: ROOT, stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, NODE_ENV: 'production' } },
  );
}
