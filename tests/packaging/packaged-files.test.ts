/**
 * What users actually receive: build the app for production
 * (`electron-vite build`), package it with electron-builder and our
 * electron-builder.yml, and list the resulting app.asar.
 *
 * Electron itself cannot be downloaded here (toolchain.md §5), so the
 * package uses a stub Electron directory (`-c.electronDist`): an `electron`
 * file carrying the fuse sentinel and Electron's default fuse wire, plus
 * `version` and `LICENSE`. That checks the real packaging (files, asar,
 * fuses flipped in the binary, app-update.yml); only the binary is fake.
 *
 * Runs in a scratch copy of the project so that the repository's out/ and
 * release/ are never touched, with decoys planted where a careless `files`
 * list would pick them up (source maps, the browser preview build, the fake
 * portal, tests, scripts, TypeScript sources).
 */
import asar from '@electron/asar';
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importedPackages } from '../../scripts/shipped-packages';
import { ROOT } from './helpers';

const FUSE_SENTINEL = 'dL7pKGdnNz796PbbjQWNKmHXBZaB9tsX';
// Fuse wire v1 as Electron ships it: RunAsNode, CookieEncryption, NodeOptions, NodeCliInspect,
// EmbeddedAsarIntegrity, OnlyLoadAppFromAsar, BrowserV8Snapshot, GrantFileProtocolExtraPrivileges.
const DEFAULT_WIRE = '10110001';
const FEED = 'https://updates.example.test/b24-unread-tray/';
const bin = (name: string) => join(ROOT, 'node_modules', '.bin', name);

let tmp = '';
let entries: string[] = [];
let appDir = '';

/** A hard-linked copy of node_modules (instant, same bytes); electron-builder's dependency walk rejects a symlink. */
function linkNodeModules(dest: string): void {
  try {
    execFileSync('cp', ['-al', join(ROOT, 'node_modules'), dest], { stdio: 'pipe' });
  } catch {
    // Another filesystem or a cp without -l: a real copy is slower but equivalent.
    rmSync(dest, { recursive: true, force: true });
    cpSync(join(ROOT, 'node_modules'), dest, { recursive: true, verbatimSymlinks: true });
  }
}

function plant(root: string, rel: string, content = 'decoy\n'): void {
  mkdirSync(dirname(join(root, rel)), { recursive: true });
  writeFileSync(join(root, rel), content);
}

beforeAll(() => {
  tmp = mkdtempSync(join(tmpdir(), 'b24ut-pack-'));
  const stub = join(tmp, 'electron-stub');
  const proj = join(tmp, 'project');
  mkdirSync(stub);
  mkdirSync(proj);
  writeFileSync(
    join(stub, 'electron'),
    Buffer.concat([
      Buffer.from(`#!/bin/sh\n# ${FUSE_SENTINEL}`),
      Buffer.from([1, DEFAULT_WIRE.length]),
      Buffer.from(`${DEFAULT_WIRE}\nexit 1\n`),
    ]),
    { mode: 0o755 },
  );
  writeFileSync(join(stub, 'version'), '45.4.1');
  writeFileSync(join(stub, 'LICENSE'), 'Stub standing in for the Electron binary in tests.\n');

  for (const f of ['package.json', 'package-lock.json', 'electron-builder.yml']) cpSync(join(ROOT, f), join(proj, f));
  cpSync(join(ROOT, 'build'), join(proj, 'build'), { recursive: true });
  linkNodeModules(join(proj, 'node_modules'));

  // The production build, written straight into the scratch project.
  execFileSync(bin('electron-vite'), ['build', '--outDir', join(proj, 'out'), '--logLevel', 'error'], {
    cwd: ROOT,
    stdio: 'pipe',
  });

  // Decoys that must never ship.
  plant(proj, 'out/main/index.js.map', '{"version":3}');
  plant(proj, 'out/renderer/assets/app.js.map', '{"version":3}');
  plant(proj, 'out/web/index.html', '<p>browser preview</p>');
  plant(proj, 'out/main/dialogs.test.js');
  plant(proj, 'dev/fake-portal/server.ts');
  plant(proj, 'dev/preview/web.ts');
  plant(proj, 'bench/run.ts');
  plant(proj, 'src/main/index.ts');
  plant(proj, 'out/main/fake-portal/seed.js');

  execFileSync(
    bin('electron-builder'),
    [
      '--linux',
      'dir',
      '--publish',
      'never',
      '--config',
      'electron-builder.yml',
      `-c.electronDist=${stub}`,
      '-c.npmRebuild=false',
      `-c.directories.output=${join(tmp, 'release')}`,
      `-c.publish.url=${FEED}`,
    ],
    { cwd: proj, stdio: 'pipe', env: { ...process.env, CI: '' } },
  );
  appDir = join(tmp, 'release', 'linux-unpacked');
  entries = asar
    .listPackage(join(appDir, 'resources', 'app.asar'), { isPack: false })
    .map((p) => p.replace(/\\/g, '/'));
}, 90_000);

afterAll(() => {
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

describe('the packaged app (electron-builder --linux dir, stub Electron)', () => {
  it('holds our built main, preload and renderer, and package.json', () => {
    expect(entries).toContain('/package.json');
    expect(entries).toContain('/out/main/index.js');
    expect(entries).toContain('/out/preload/index.cjs');
    expect(entries).toContain('/out/renderer/index.html');
    expect(entries.some((p) => /^\/out\/renderer\/assets\/.+\.js$/.test(p))).toBe(true);
  });

  it('holds nothing outside out/{main,preload,renderer}, package.json and production node_modules', () => {
    const allowed = /^\/(package\.json|out|out\/(main|preload|renderer)(\/.*)?|node_modules(\/.*)?)$/;
    expect(entries.filter((p) => !allowed.test(p))).toEqual([]);
  });

  it('holds no source maps, TypeScript sources, tests, scripts, preview build or fake portal', () => {
    expect(entries.filter((p) => p.endsWith('.map'))).toEqual([]);
    expect(entries.filter((p) => /\.(ts|mts|cts|tsx)$/.test(p))).toEqual([]);
    const ours = entries.filter((p) => !p.startsWith('/node_modules/'));
    expect(ours.filter((p) => /(^|\/)(tests?|scripts|bench|src|web|fake-portal)(\/|$)/.test(p))).toEqual([]);
    expect(ours.filter((p) => /\.(test|spec)\.[cm]?js$/.test(p))).toEqual([]);
  });

  it('bundles only production dependencies: none of the dev tools', () => {
    const top = new Set(
      entries.filter((p) => /^\/node_modules\/(@[^/]+\/)?[^/@]+$/.test(p)).map((p) => p.slice('/node_modules/'.length)),
    );
    // The one package out/main loads from node_modules (electron-store and conf are bundled into it).
    expect(top.has('electron-updater')).toBe(true);
    for (const dev of [
      'electron',
      'electron-builder',
      'vite',
      'vitest',
      'svelte',
      'typescript',
      '@playwright/test',
      '@bitrix24/b24jssdk',
      'tsx',
      'eslint',
    ]) {
      expect(top.has(dev), dev).toBe(false);
    }
  });

  it('holds every package its main process imports, and loads nothing from node_modules it could bundle', () => {
    const asarPath = join(appDir, 'resources', 'app.asar');
    const mainFiles = entries.filter((p) => /^\/out\/main\/.+\.[cm]?js$/.test(p));
    expect(mainFiles).toContain('/out/main/index.js');
    const imported = new Set<string>();
    for (const file of mainFiles) {
      const code = asar.extractFile(asarPath, file.slice(1)).toString();
      for (const pkg of importedPackages(code, { dynamic: true })) imported.add(pkg);
    }
    // electron-vite leaves external what package.json's `dependencies` name (its `externalizeDeps`):
    // each of them is loaded, and nothing else is (a package main could bundle ships as a devDependency).
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
      dependencies: Record<string, string>;
    };
    expect([...imported].sort()).toEqual(Object.keys(pkg.dependencies).sort());
    for (const pkg of imported) expect(entries, pkg).toContain(`/node_modules/${pkg}/package.json`);
    // Bundled into out/main, or left out of it: typebox and ajv are build-time only (the checks are
    // generated, tests/packaging/main-runtime.test.ts); conf's loads of ajv for its schema option, unused,
    // are replaced (src/main/core/storage/conf-unused.ts).
    for (const bundled of ['typebox', 'electron-store', 'conf', 'ajv', 'ajv-formats'])
      expect(
        entries.some((p) => p.startsWith(`/node_modules/${bundled}/`)),
        bundled,
      ).toBe(false);
  });

  it('declares the desktop name Electron uses as WM_CLASS', () => {
    const pkg = JSON.parse(
      asar.extractFile(join(appDir, 'resources', 'app.asar'), 'package.json').toString(),
    ) as Record<string, unknown>;
    expect(pkg.desktopName).toBe('b24-unread-tray.desktop');
    expect(pkg.main).toBe('out/main/index.js');
    expect(pkg.devDependencies).toBeUndefined();
    expect(pkg.scripts).toBeUndefined();
  });

  it('flips the Electron fuses in the binary', () => {
    const exe = readFileSync(join(appDir, 'b24-unread-tray'));
    const at = exe.indexOf(FUSE_SENTINEL) + FUSE_SENTINEL.length;
    expect(exe[at]).toBe(1); // fuse wire version
    const wire = exe.subarray(at + 2, at + 2 + exe[at + 1]!).toString('latin1');
    // runAsNode 0, cookie encryption 1, NODE_OPTIONS 0, --inspect 0, asar integrity 1,
    // only load from asar 1, (V8 snapshot untouched) 0, file:// extra privileges 0.
    expect(wire).toBe('01001100');
  });

  it('bakes the update feed given at build time into app-update.yml', () => {
    const yml = readFileSync(join(appDir, 'resources', 'app-update.yml'), 'utf8');
    expect(yml).toMatch(/^provider: generic$/m);
    expect(yml).toContain(`url: ${FEED}`);
  });
});
