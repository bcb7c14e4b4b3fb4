/**
 * Shared bits of the packaging tests: the repository root and
 * electron-builder.yml parsed with the YAML library electron-builder itself
 * uses (js-yaml, a dependency of app-builder-lib; it ships no types).
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Repository root. */
export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

const require = createRequire(import.meta.url);
const yaml = require('js-yaml') as { load(text: string): unknown };

/** electron-builder.yml as electron-builder reads it. */
export function loadBuilderConfig(): Record<string, unknown> {
  const cfg = yaml.load(readFileSync(resolve(ROOT, 'electron-builder.yml'), 'utf8'));
  if (cfg === null || typeof cfg !== 'object' || Array.isArray(cfg))
    throw new Error('electron-builder.yml is not a mapping');
  return cfg as Record<string, unknown>;
}

/** Typed path lookup in the parsed config (`get(cfg, 'nsis', 'oneClick')`). */
export function get(obj: unknown, ...path: string[]): unknown {
  let cur = obj;
  for (const k of path) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string, unknown>)[k];
  }
  return cur;
}

/** Target names of a platform section (`linux.target` as strings or `{ target }` objects). */
export function targetNames(cfg: unknown, platform: 'linux' | 'win' | 'mac'): string[] {
  const t = get(cfg, platform, 'target');
  const list = Array.isArray(t) ? t : t == null ? [] : [t];
  return list.map((x) => (typeof x === 'string' ? x : String((x as { target: unknown }).target)));
}
