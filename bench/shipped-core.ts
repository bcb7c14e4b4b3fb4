/**
 * Our code as the bench runs it: built as the app's main process is built
 * (electron-vite bundles src/main with esbuild's transform, which adds no
 * `__name` wrappers: out/main/index.js has none), not as tsx runs the
 * sources. tsx transforms with esbuild's `keepNames`, which wraps every
 * named inner function in a `__name(fn, "name")` call each time its outer
 * function runs: a cost the shipped app does not pay (in a CPU profile of
 * "Mark all read" of 200, `__name` inside the queue's coalescing alone took
 * ~0.4 ms of ~10). The peers run as published (plain JavaScript).
 *
 * `npm run bench` builds bench/core-entry.ts to out/bench/core.mjs once per
 * run and imports it. Under vitest (the counts test: counts, not times) and
 * with BENCH_CORE=source, the sources are imported as they are.
 *
 * What it bundles follows electron-vite's rule for out/main (its
 * `externalizeDeps`, node_modules/electron-vite/dist/chunks/lib-*.js): the
 * package.json `dependencies` (and theirs) load from node_modules, everything
 * else is bundled in, with what conf loads for options the app does not use
 * left out as the app's build leaves it out (scripts/shipped-packages.ts
 * `CONF_UNUSED`).
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ROOT } from './bundle';
import { CONF_UNUSED, packageOf, shippedPackages } from '../scripts/shipped-packages';
import type * as CoreEntry from './core-entry';

export type ShippedCore = typeof CoreEntry;

async function load(): Promise<ShippedCore> {
  if (process.env.VITEST || process.env.BENCH_CORE === 'source') return import('./core-entry');
  const { build } = await import('esbuild');
  const outfile = join(ROOT, 'out', 'bench', 'core.mjs');
  mkdirSync(join(ROOT, 'out', 'bench'), { recursive: true });
  await build({
    entryPoints: [join(ROOT, 'bench', 'core-entry.ts')],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    // What the app loads from node_modules loads from there; the rest is bundled, as electron-vite bundles it.
    plugins: [
      {
        name: 'shipped-packages-external',
        setup(b) {
          const shipped = shippedPackages();
          b.onResolve({ filter: /^[^./]/ }, (a) => {
            const stub = CONF_UNUSED[a.path];
            if (stub !== undefined) return { path: stub };
            return a.path.startsWith('node:') || shipped.has(packageOf(a.path)) ? { external: true } : null;
          });
        },
      },
    ],
    keepNames: false,
    logLevel: 'warning',
  });
  return (await import(pathToFileURL(outfile).href)) as ShippedCore;
}

/** Ours, built as shipped (see the module comment); loaded once per process. */
export const shipped: ShippedCore = await load();
