/**
 * The main process's code loads no schema library (issue 14): TypeBox
 * declares the schemas and their types, ajv generates the checks
 * (scripts/gen-validators.ts), both at build time. At runtime TypeBox was
 * 418 KB of out/main (~37 ms of the main process's load here) and compiled
 * each intent's argument check on its first call (~2.8 ms for `setUnread`'s).
 *
 * What the app's entry reaches is bundled here as electron-vite bundles it
 * (every package left as an import, so each one the code reaches is named).
 */
import { join } from 'node:path';
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../../scripts/renderer-out';
import { packageOf } from '../../scripts/shipped-packages';

/** The packages the code reachable from `entry` imports (statically or not). */
async function packagesReachedFrom(entry: string): Promise<Set<string>> {
  const out = await build({
    entryPoints: [join(ROOT, entry)],
    bundle: true,
    write: false,
    metafile: true,
    platform: 'node',
    format: 'esm',
    packages: 'external',
    logLevel: 'silent',
  });
  const found = new Set<string>();
  for (const output of Object.values(out.metafile.outputs))
    for (const imp of output.imports) if (imp.external && !imp.path.startsWith('node:')) found.add(packageOf(imp.path));
  return found;
}

describe('the main process at runtime', () => {
  it('reaches no schema library: the checks are generated, the schemas are types', async () => {
    const reached = await packagesReachedFrom('src/main/index.ts');
    // The bundle did reach the app's code and its packages (a broken entry reaches none).
    expect(reached).toContain('electron');
    expect(reached).toContain('electron-store');
    expect([...reached].filter((p) => p === 'typebox' || p === 'ajv')).toEqual([]);
  });
});
