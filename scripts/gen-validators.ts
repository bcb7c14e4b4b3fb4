/**
 * Generates the main process's validators: ajv's standalone code
 * (https://ajv.js.org/standalone.html), the same functions `ajv.compile` would
 * build, written once here instead of compiled at every start of the app.
 * - src/main/core/storage/validators.generated.ts, from the schemas of
 *   src/main/core/storage/schema.ts: the store's (compiled at every start by
 *   ajv, they took 60–75 ms of a fresh process's start, measured: the schema
 *   module imported with ajv's compile against with it stubbed, four runs each).
 * - src/main/core/intent-validators.generated.ts, from the argument schemas of
 *   src/shared/intents.ts: each intent argument's check, and the schemas as
 *   plain JSON for the wording of a refusal (issue 14: TypeBox compiled each
 *   check on its intent's first call, ~2.8 ms for `setUnread`'s, and the
 *   library was 418 KB of out/main, ~37 ms of the main process's load here;
 *   with these, the app loads no TypeBox: it declares the schemas and types
 *   at build time only).
 *
 * `npm run gen:validators` writes both files; validators.test.ts fails
 * while a file differs from what this generates (a schema changed, or ajv
 * did). Generating checks each schema against the draft 2020-12 meta-schema,
 * and `strict` refuses an unknown keyword.
 *
 * Dev only: never packaged.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv2020, _ } from 'ajv/dist/2020.js';
import standaloneCode from 'ajv/dist/standalone/index.js';
import {
  AccountRecordSchema,
  NoticeSchema,
  PinnedCacheEntrySchema,
  QueuedActionSchema,
  STORE_ROOT_SCHEMA,
  STORE_SCHEMA,
  SnoozeSchema,
} from '../src/main/core/storage/schema';
import { INTENTS } from '../src/shared/intents';
import { DIALOG_ID_FORMAT, isDialogIdText } from '../src/shared/dialog-id';
import { ROOT } from './renderer-out';

/** The generated module. */
export const VALIDATORS_FILE = join(ROOT, 'src', 'main', 'core', 'storage', 'validators.generated.ts');

/** Each exported validator and its schema (schema.test.ts checks each against the meta-schema too). */
export const VALIDATORS = {
  /** A whole document as conf would check it with the `schema` option (`rootSchema` + `type: object` + `properties`). */
  validateStoreData: { ...STORE_ROOT_SCHEMA, type: 'object', properties: STORE_SCHEMA },
  isAccountRecord: AccountRecordSchema,
  isQueuedAction: QueuedActionSchema,
  isSnooze: SnoozeSchema,
  isNotice: NoticeSchema,
  isPinnedCacheEntry: PinnedCacheEntrySchema,
};

/** The ajv version the files are generated with (named in their first line). */
function ajvVersion(): string {
  return (JSON.parse(readFileSync(join(ROOT, 'node_modules', 'ajv', 'package.json'), 'utf8')) as { version: string })
    .version;
}

/**
 * A module of ajv's standalone validators, one export per entry of `validators`. `formats`: custom
 * formats by name, each a function of src/ that the module imports (`from`, relative to the module).
 */
function standaloneModule(
  validators: Record<string, object>,
  opts: { from: string; formats?: Record<string, { fn: (v: string) => boolean; name: string; from: string }> },
): string {
  const formats = opts.formats ?? {};
  // allErrors: a refused write names every wrong field, not the first only.
  const ajv = new Ajv2020({
    allErrors: true,
    strict: true,
    // A custom format is referred to in the code by name, as a property of this object (see below).
    code: { source: true, esm: true, lines: true, ...(Object.keys(formats).length > 0 ? { formats: _`formats` } : {}) },
  });
  for (const [name, f] of Object.entries(formats)) ajv.addFormat(name, f.fn);
  for (const [name, schema] of Object.entries(validators)) ajv.addSchema(schema, name);
  const refs = Object.fromEntries(Object.keys(validators).map((n) => [n, n]));
  // ajv's ESM output still require()s its runtime helpers (ucs2length: maxLength counts code points);
  // each is inlined, as its CommonJS module would run, so the generated module imports nothing and
  // means the same under Node, vite and esbuild (their default imports of a CommonJS module differ).
  const helpers: string[] = [];
  const code = standaloneCode(ajv, refs)
    .replace(/^"use strict";\n?/, '')
    .replace(/require\("(ajv\/dist\/runtime\/[\w-]+)"\)/g, (_m, spec: string) => {
      const source = readFileSync(join(ROOT, 'node_modules', `${spec}.js`), 'utf8').replace(
        /\n\/\/# sourceMappingURL=.*$/m,
        '',
      );
      if (/\brequire\(/.test(source.replace(/\.code = .*$/gm, '')))
        throw new Error(`${spec} requires other modules: it cannot be inlined`);
      const name = `runtime${helpers.length}`;
      helpers.push(`const ${name} = (() => {\nconst exports = {};\n${source}\nreturn exports;\n})();`);
      return name;
    });
  if (/\brequire\(/.test(code)) throw new Error('ajv generated a require() this script does not inline');
  const imports = Object.values(formats).map((f) => `import { ${f.name} } from '${f.from}';`);
  const table = Object.entries(formats).map(([name, f]) => `${JSON.stringify(name)}: ${f.name}`);
  return [
    `// Generated by scripts/gen-validators.ts from the schemas of ${opts.from} with ajv ${ajvVersion()}: do not edit.`,
    '// After changing a schema, run `npm run gen:validators` (validators.test.ts fails until then).',
    '// @ts-nocheck',
    ...imports,
    ...(table.length > 0 ? [`const formats = { ${table.join(', ')} };`] : []),
    ...helpers,
    code,
  ].join('\n');
}

/** The text of the store's generated module. */
export function validatorsSource(): string {
  return standaloneModule(VALIDATORS, { from: 'schema.ts' });
}

/** The generated module of the intents' argument checks. */
export const INTENT_VALIDATORS_FILE = join(ROOT, 'src', 'main', 'core', 'intent-validators.generated.ts');

/** The export name of the check of argument `i` (0-based) of `intent`: `setUnread_1`. */
export function argValidatorName(intent: string, i: number): string {
  return `${intent}_${i}`;
}

/**
 * The text of the intents' generated module: each argument's check ({@link argValidatorName}),
 * and `INTENT_ARGS`, each intent's argument schemas as plain JSON (what a refusal's wording is
 * read from: `title`, `description`).
 */
export function intentValidatorsSource(): string {
  const validators: Record<string, object> = {};
  /** An argument whose schema (the same object) another argument has: its check is that one's. */
  const aliases: string[] = [];
  const named = new Map<object, string>();
  const args: Record<string, unknown[]> = {};
  for (const [intent, { args: tuple }] of Object.entries(INTENTS)) {
    const items = (tuple as { items?: object[] }).items ?? [];
    items.forEach((schema, i) => {
      const name = argValidatorName(intent, i);
      const same = named.get(schema);
      if (same) aliases.push(`export const ${name} = ${same};`);
      else {
        named.set(schema, name);
        validators[name] = schema;
      }
    });
    args[intent] = items;
  }
  const code = standaloneModule(validators, {
    from: 'src/shared/intents.ts',
    formats: { [DIALOG_ID_FORMAT]: { fn: isDialogIdText, name: 'isDialogIdText', from: '../../shared/dialog-id' } },
  });
  return [code, ...aliases, `export const INTENT_ARGS = ${JSON.stringify(args, null, 1)};`, ''].join('\n');
}

const isMain = process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url);
if (isMain) {
  for (const [file, source] of [
    [VALIDATORS_FILE, validatorsSource()],
    [INTENT_VALIDATORS_FILE, intentValidatorsSource()],
  ] as const) {
    writeFileSync(file, source);
    process.stdout.write(`Written ${file}\n`);
  }
}
