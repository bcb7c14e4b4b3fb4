/**
 * The popup bundle's size: every JS and CSS file of the renderer build that
 * electron-builder packages (out/renderer, scripts/renderer-out.ts), raw and
 * gzipped (zlib's default level 6, what a web server would send; Electron
 * loads the files from disk, so gzip here is a proxy for how much code there
 * is, not for a download), and whether the JS is minified.
 */
import { readFileSync } from 'node:fs';
import { filesUnder } from '../scripts/files-under';
import { buildApp, packagedRendererDir, ROOT } from '../scripts/renderer-out';
import { gzipSync } from 'node:zlib';

export { ROOT };

/** The target for the popup's JS, gzipped. */
export const JS_GZIP_TARGET_BYTES = 40 * 1024;

/**
 * Minified code is a few very long lines; readable output averages some 40
 * bytes a line. A JS file averaging under this many bytes a line is not minified.
 */
export const MINIFIED_MIN_BYTES_PER_LINE = 500;

/** Sizes of one kind of asset, summed over its files. */
export interface AssetSizes {
  files: number;
  raw: number;
  gzip: number;
  /** Every file of this kind is minified (see {@link MINIFIED_MIN_BYTES_PER_LINE}). */
  minified: boolean;
}

/** Result of {@link measureBundle}. */
export interface BundleSizes {
  js: AssetSizes;
  css: AssetSizes;
}

/** Whether a JS/CSS text looks minified (few, long lines). */
export function looksMinified(text: string): boolean {
  const lines = text.split('\n').filter((l) => l.trim() !== '').length;
  return lines === 0 || text.length / lines >= MINIFIED_MIN_BYTES_PER_LINE;
}

/** Measures the JS and CSS under `dir` (default: the packaged renderer, out/renderer). */
export function measureBundle(dir = packagedRendererDir()): BundleSizes {
  const sizes: BundleSizes = {
    js: { files: 0, raw: 0, gzip: 0, minified: true },
    css: { files: 0, raw: 0, gzip: 0, minified: true },
  };
  for (const file of filesUnder(dir)) {
    const kind = file.endsWith('.js') || file.endsWith('.mjs') ? 'js' : file.endsWith('.css') ? 'css' : null;
    if (!kind) continue;
    const bytes = readFileSync(file);
    sizes[kind].files += 1;
    sizes[kind].raw += bytes.length;
    sizes[kind].gzip += gzipSync(bytes).length;
    if (!looksMinified(bytes.toString('utf8'))) sizes[kind].minified = false;
  }
  if (sizes.js.files === 0) throw new Error(`bench: no JS under ${dir}; build the app first (npx electron-vite build)`);
  return sizes;
}

/** Builds the app (electron-vite) into `outDir` and returns its packaged renderer folder. */
export function buildRenderer(outDir: string): string {
  buildApp(outDir);
  return packagedRendererDir(outDir);
}
