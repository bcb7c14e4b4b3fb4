import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CONF_UNUSED } from '../../../../scripts/shipped-packages';
import formats, { Ajv2020 } from './conf-unused';

const WHY = /conf was given a schema or migrations: this build leaves out ajv and semver/;

describe('what the build puts in place of ajv and semver for conf', () => {
  it('throws, saying why, wherever conf would validate or migrate', () => {
    expect(() => new Ajv2020()).toThrow(WHY);
    expect(() => formats.default!()).toThrow(WHY);
    expect(() => formats.eq!()).toThrow(WHY);
  });

  describe('conf built as the app builds it (CONF_UNUSED in place), run in a fresh process', () => {
    let dir = '';
    let script = '';
    beforeAll(async () => {
      dir = mkdtempSync(join(tmpdir(), 'b24ut-conf-unused-'));
      script = join(dir, 'run.mjs');
      // The store as the app opens it (openStore, storeOptions), then conf given a schema, then migrations.
      const entry = `import Conf from 'conf';
import { confFactory, openStore } from './store';
const cwd = process.argv[2];
const { store } = openStore(confFactory, { cwd });
store.set('seen', { chat74: 1 });
const again = openStore(confFactory, { cwd }).store.get('seen');
const refused = (f) => { try { f(); return null; } catch (e) { return e.message; } };
console.log(JSON.stringify({
  again,
  schema: refused(() => new Conf({ cwd, configName: 's', schema: { a: { type: 'number' } } })),
  migrations: refused(() => new Conf({ cwd, configName: 'm', projectVersion: '2.0.0', migrations: { '1.0.0': () => {} } })),
}));`;
      await build({
        stdin: { contents: entry, resolveDir: __dirname, loader: 'ts', sourcefile: 'entry.ts' },
        outfile: script,
        bundle: true,
        platform: 'node',
        format: 'esm',
        logLevel: 'error',
        plugins: [
          {
            name: 'conf-unused',
            setup(b) {
              b.onResolve({ filter: /^[^./]/ }, (a) => (CONF_UNUSED[a.path] ? { path: CONF_UNUSED[a.path] } : null));
            },
          },
        ],
      });
    }, 30_000);
    afterAll(() => rmSync(dir, { recursive: true, force: true }));

    it('opens, writes and reopens the store without touching them, and refuses a schema or migrations', () => {
      const out = JSON.parse(execFileSync(process.execPath, [script, join(dir, 'data')], { encoding: 'utf8' })) as {
        again: unknown;
        schema: string | null;
        migrations: string | null;
      };
      expect(out.again).toEqual({ chat74: 1 });
      expect(out.schema).toMatch(WHY);
      expect(out.migrations).toMatch(WHY);
    });
  });
});
