/**
 * Where the one renderer build lives: the folder electron-builder packages
 * (electron-builder.yml `files`: `out/renderer/**`), written by
 * `electron-vite build` (electron.vite.config.ts, minified). The browser
 * preview (`npm run web`/`demo`), the e2e tests and the bench serve and
 * measure exactly these files; there is no second, browser-only build.
 *
 * Dev only: never packaged.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root. */
export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** The build's root folder (electron-vite's default `out`). */
export const OUT_DIR = join(ROOT, 'out');

/**
 * The renderer folder electron-builder takes, from electron-builder.yml's
 * `files` (the one `out/<name>/**` entry whose name is not main or preload).
 * `outDir` replaces `out` for a build made elsewhere (`electron-vite build --outDir`).
 */
export function packagedRendererDir(outDir = OUT_DIR): string {
  const yml = readFileSync(join(ROOT, 'electron-builder.yml'), 'utf8');
  const dirs = [...yml.matchAll(/^\s*-\s*['"]?out\/([\w-]+)\/\*\*['"]?\s*$/gm)]
    .map((m) => m[1]!)
    .filter((d) => d !== 'main' && d !== 'preload');
  if (dirs.length !== 1)
    throw new Error(`electron-builder.yml: expected one renderer folder in files, found ${dirs.join(', ')}`);
  return join(outDir, dirs[0]!);
}

/** `electron-vite build` (main, preload, renderer) into `outDir`, with the project's own electron-vite. */
export function buildApp(outDir = OUT_DIR): void {
  execFileSync(
    process.execPath,
    [
      join(ROOT, 'node_modules', 'electron-vite', 'bin', 'electron-vite.js'),
      'build',
      '--outDir',
      outDir,
      '--logLevel',
      'error',
    ],
    // vitest sets NODE_ENV=test, which would build Svelte's dev mode: build what ships.
    { cwd: ROOT, stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, NODE_ENV: 'production' } },
  );
}
