/**
 * `npm start` on a fresh clone (issue 12): it builds the app and launches the
 * Electron binary where the electron package keeps it (path.txt + dist/, as
 * node_modules/electron/install.js writes them), or — with no binary and no
 * way to fetch one — ends with one paragraph and exit code 1.
 *
 * Each test copies the repository's files (what `git clone` would give) into
 * a temp dir with its own node_modules: links to ours, except `electron`,
 * which is a private copy of the package so its path.txt/dist are the test's.
 */
import { spawnSync } from 'node:child_process';
import {
  copyFileSync,
  cpSync,
  existsSync,
  linkSync,
  mkdirSync,
  readFileSync,
  readdirSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { electronPlatformPath } from '../../scripts/start';
import { tempDirs } from '../support/temp-dirs';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const ELECTRON_VERSION = (
  JSON.parse(readFileSync(join(ROOT, 'node_modules/electron/package.json'), 'utf8')) as { version: string }
).version;
const tempDir = tempDirs('b24ut-start-');

/** A fresh clone: the tracked (and new, unignored) files, plus node_modules as described above. */
function freshClone(): string {
  const dir = tempDir();
  const git = spawnSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], {
    cwd: ROOT,
    encoding: 'utf8',
  });
  expect(git.status).toBe(0);
  for (const rel of git.stdout.split('\0').filter(Boolean)) {
    const from = join(ROOT, rel);
    if (!existsSync(from)) continue; // deleted in the work tree
    mkdirSync(dirname(join(dir, rel)), { recursive: true });
    copyFileSync(from, join(dir, rel));
  }
  const nm = join(dir, 'node_modules');
  mkdirSync(nm);
  for (const name of readdirSync(join(ROOT, 'node_modules'))) {
    if (name === 'electron' || (name.startsWith('.') && name !== '.bin')) continue;
    symlinkSync(join(ROOT, 'node_modules', name), join(nm, name), process.platform === 'win32' ? 'junction' : 'dir');
  }
  cpSync(join(ROOT, 'node_modules/electron'), join(nm, 'electron'), {
    recursive: true,
    filter: (src) => !/[\\/]electron[\\/](dist|path\.txt)/.test(src.slice(join(ROOT, 'node_modules').length)),
  });
  return dir;
}

/**
 * Installs a stand-in Electron where install.js would have put the real one.
 * It is a copy of this Node binary; a --require hook (NODE_OPTIONS) that acts
 * only in a process started under the stand-in's name records its argv and
 * exits, so the app itself never runs.
 */
function installStandIn(clone: string): { record: string; hook: string } {
  const platformPath = electronPlatformPath(process.platform)!;
  const el = join(clone, 'node_modules/electron');
  const exe = join(el, 'dist', platformPath);
  mkdirSync(dirname(exe), { recursive: true });
  try {
    linkSync(process.execPath, exe);
  } catch {
    copyFileSync(process.execPath, exe);
  }
  writeFileSync(join(el, 'dist', 'version'), `v${ELECTRON_VERSION}`);
  writeFileSync(join(el, 'path.txt'), platformPath);
  const record = join(clone, 'launched.json');
  const hook = join(clone, 'stand-in-hook.cjs');
  writeFileSync(
    hook,
    `const { basename } = require('node:path');
if (/^electron(\\.exe)?$/i.test(basename(process.argv0))) {
  require('node:fs').writeFileSync(${JSON.stringify(record)}, JSON.stringify({ argv: process.argv.slice(1), cwd: process.cwd(), execPath: process.execPath }));
  process.exit(0);
}
`,
  );
  return { record, hook };
}

function npmStart(cwd: string, env: NodeJS.ProcessEnv): { status: number | null; stdout: string; stderr: string } {
  const clean = { ...process.env };
  delete clean.ELECTRON_OVERRIDE_DIST_PATH;
  delete clean.NODE_OPTIONS;
  const r = spawnSync('npm', ['start'], {
    cwd,
    env: { ...clean, ...env },
    encoding: 'utf8',
    shell: process.platform === 'win32',
    timeout: 120_000,
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('npm start on a fresh clone', () => {
  it('builds the app and launches the Electron binary the electron package points at, with our app folder', () => {
    const clone = freshClone();
    const { record, hook } = installStandIn(clone);
    expect(existsSync(join(clone, 'out'))).toBe(false);

    const r = npmStart(clone, { NODE_OPTIONS: `--require ${JSON.stringify(hook)}` });

    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(r.status).toBe(0);
    const launched = JSON.parse(readFileSync(record, 'utf8')) as { argv: string[]; execPath: string };
    // Electron was given the clone's folder: its package.json "main" is the freshly built main process.
    expect(resolve(launched.argv[0]!)).toBe(resolve(clone));
    const main = (JSON.parse(readFileSync(join(clone, 'package.json'), 'utf8')) as { main: string }).main;
    expect(existsSync(join(clone, main))).toBe(true);
    expect(existsSync(join(clone, 'out/preload/index.cjs'))).toBe(true);
    expect(existsSync(join(clone, 'out/renderer/index.html'))).toBe(true);
  }, 180_000);

  it('with no binary and none to fetch: one paragraph naming what is missing and `npm run demo`, exit 1, no stack trace', () => {
    const clone = freshClone();
    // Nothing here may reach the internet: a mirror that refuses at once, and an empty download cache.
    const r = npmStart(clone, {
      ELECTRON_MIRROR: 'http://127.0.0.1:9/',
      electron_config_cache: join(clone, '.electron-cache'),
    });

    expect(r.status).toBe(1);
    const message = r.stderr.slice(r.stderr.indexOf('npm start:'));
    expect(message).toMatch(/^npm start: the Electron binary is missing/);
    expect(message).toContain('npm run demo');
    expect(message).toContain(ELECTRON_VERSION);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    // It did not build or launch anything.
    expect(existsSync(join(clone, 'out'))).toBe(false);
  }, 180_000);
});
