/**
 * `npm run icons`: generates every app, installer and tray icon in build/
 * from the one source image build/icon-source.png (see
 * src/main/core/icons/icon-set.ts for the list).
 *
 *   npm run icons                 regenerate build/ icons from the source
 *   npm run icons -- --check      exit 1 if any generated file is missing or stale
 *   npm run icons -- --redraw-source
 *                                 first redraw build/icon-source.png from the
 *                                 built-in design (renderAppIcon(1024)); skip
 *                                 this when the source was edited by hand
 */
import { mkdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildIconSet, SOURCE_SIZE } from '../src/main/core/icons/icon-set';
import { renderAppIcon } from '../src/main/core/icons/tray';

/** The build resources directory (`build/` at the repository root). */
export const BUILD_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '..', 'build');
/** The one source image. */
export const SOURCE_PATH = join(BUILD_DIR, 'icon-source.png');

/** Paths (relative to `buildDir`) whose content differs from what the source generates, or that are missing. */
export function staleIcons(buildDir = BUILD_DIR): string[] {
  const files = buildIconSet(readFileSync(join(buildDir, 'icon-source.png')));
  const stale: string[] = [];
  for (const [rel, buf] of files) {
    const p = join(buildDir, rel);
    if (!existsSync(p) || !readFileSync(p).equals(buf)) stale.push(rel);
  }
  return stale;
}

function main(argv: string[]): number {
  if (argv.includes('--redraw-source')) {
    writeFileSync(SOURCE_PATH, renderAppIcon(SOURCE_SIZE));
    console.log(`Redrew ${SOURCE_PATH}`);
  }
  if (!existsSync(SOURCE_PATH)) {
    console.error(`Missing ${SOURCE_PATH}: run with --redraw-source to draw it from the built-in design.`);
    return 1;
  }
  if (argv.includes('--check')) {
    const stale = staleIcons();
    if (stale.length > 0) {
      console.error(`Icons out of date with build/icon-source.png (run npm run icons):\n  ${stale.join('\n  ')}`);
      return 1;
    }
    console.log('All icons are up to date.');
    return 0;
  }
  let files: Map<string, Buffer>;
  try {
    files = buildIconSet(readFileSync(SOURCE_PATH));
  } catch (e) {
    console.error(`Cannot generate icons from ${SOURCE_PATH}: ${(e as Error).message}`);
    return 1;
  }
  for (const [rel, buf] of files) {
    const p = join(BUILD_DIR, rel);
    mkdirSync(dirname(p), { recursive: true });
    writeFileSync(p, buf);
  }
  console.log(`Wrote ${files.size} icon files to ${BUILD_DIR}`);
  return 0;
}

// Run only when executed, not when a test imports staleIcons().
if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  process.exitCode = main(process.argv.slice(2));
}
