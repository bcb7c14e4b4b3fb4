/**
 * What the packaged app loads from its node_modules: the package.json
 * `dependencies` (electron-vite leaves exactly these out of out/main: its
 * `externalizeDeps`, node_modules/electron-vite/dist/chunks/lib-*.js, and
 * electron-builder packages them) and, transitively, what they depend on.
 * Everything else the main process uses is bundled into out/main. The bench
 * builds our core by this rule (bench/shipped-core.ts), and the packaging
 * test checks the package against it.
 *
 * Dev only: never packaged.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from './renderer-out';

/**
 * Imports the main process's build (electron.vite.config.ts) and the bench's
 * build of our core (bench/shipped-core.ts) resolve to
 * src/main/core/storage/conf-unused.ts: what conf loads for its schema and
 * migrations options, which the app does not use (see that file).
 */
export const CONF_UNUSED: Readonly<Record<string, string>> = Object.fromEntries(
  ['ajv/dist/2020.js', 'ajv-formats', 'semver'].map((spec) => [
    spec,
    join(ROOT, 'src', 'main', 'core', 'storage', 'conf-unused.ts'),
  ]),
);

/** The package name of a bare import (`ajv/dist/2020.js` → `ajv`, `@scope/x/y` → `@scope/x`). */
export function packageOf(specifier: string): string {
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0]!;
}

/**
 * The packages a built module imports (`electron` and Node's own modules left out): its static
 * imports (rolldown writes them at the start of a line) and, with `dynamic`, its `import()` and
 * `require()` calls too.
 */
export function importedPackages(code: string, opts: { dynamic: boolean }): Set<string> {
  const found = new Set<string>();
  const statics = /^import\b[^;]*?["']([^"']+)["'];?$/gm;
  const dynamics = /\bimport\(\s*["']([^"']+)["']\s*\)|\brequire\(\s*["']([^"']+)["']\s*\)/g;
  const specs = [...code.matchAll(statics)].map((m) => m[1]!);
  if (opts.dynamic) specs.push(...[...code.matchAll(dynamics)].map((m) => (m[1] ?? m[2])!));
  for (const spec of specs)
    if (!/^[./]/.test(spec) && !spec.startsWith('node:') && spec !== 'electron') found.add(packageOf(spec));
  return found;
}

/** The package.json `dependencies` and, transitively, theirs: what the packaged app's node_modules holds. */
export function shippedPackages(root = ROOT): Set<string> {
  const deps = (dir: string): string[] =>
    Object.keys(
      (JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { dependencies?: Record<string, string> })
        .dependencies ?? {},
    );
  const found = new Set<string>();
  // [package, the folder of the package that depends on it]: npm nests a version that differs.
  const todo = deps(root).map((name) => [name, root] as const);
  for (let next = todo.pop(); next !== undefined; next = todo.pop()) {
    const [name, from] = next;
    if (found.has(name)) continue;
    found.add(name);
    const nested = join(from, 'node_modules', name);
    const dir = existsSync(nested) ? nested : join(root, 'node_modules', name);
    todo.push(...deps(dir).map((d) => [d, dir] as const));
  }
  return found;
}
