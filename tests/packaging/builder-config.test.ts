/**
 * electron-builder.yml is the product's installer: validate it against the
 * JSON schema electron-builder ships (app-builder-lib/scheme.json, with
 * ajv and the options electron-builder's own validator uses), then assert
 * the choices issue 6 asks for.
 */
import { Ajv } from 'ajv';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkFeedUrl } from '../../src/main/core/update-state';
import { get, loadBuilderConfig, ROOT, targetNames } from './helpers';

const require = createRequire(import.meta.url);
const schemaPath = require.resolve('app-builder-lib/scheme.json');
const schema = JSON.parse(readFileSync(schemaPath, 'utf8')) as object;

// electron-builder 26 validates with ajv { allErrors, strict: false } (schemaValidator.ts): the
// schema uses a non-standard `typeof` keyword that strict mode would refuse. No type coercion
// here, so a quoted "true" is reported instead of silently accepted.
const ajv = new Ajv({ allErrors: true, strict: false });
const validate = ajv.compile(schema);

function errorsOf(cfg: unknown): string[] {
  return validate(cfg) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath} ${e.message ?? ''}`);
}

describe('electron-builder.yml', () => {
  const cfg = loadBuilderConfig();

  it('is valid against the schema electron-builder ships', () => {
    expect(errorsOf(cfg)).toEqual([]);
  });

  it('is checked for real: the validator rejects typos and wrong types', () => {
    expect(errorsOf({ ...cfg, nsis: { ...(cfg.nsis as object), oneClik: false } }).length).toBeGreaterThan(0);
    expect(errorsOf({ ...cfg, asar: 'yes' }).length).toBeGreaterThan(0);
    expect(
      errorsOf({ ...cfg, electronFuses: { ...(cfg.electronFuses as object), runAsNode: 'false' } }).length,
    ).toBeGreaterThan(0);
  });

  it('names the product', () => {
    expect(cfg.appId).toMatch(/^[a-z][a-z0-9]*(\.[a-z][a-z0-9-]*){2,}$/);
    expect(cfg.productName).toBe('B24 Unread Tray');
    expect(cfg.electronVersion).toBe('45.4.1');
    const pkg = JSON.parse(readFileSync(resolve(ROOT, 'package.json'), 'utf8')) as {
      devDependencies: Record<string, string>;
    };
    expect(cfg.electronVersion).toBe(pkg.devDependencies.electron);
    expect(cfg.directories).toEqual({ output: 'release', buildResources: 'build' });
  });

  it('ships only the built output, in an asar', () => {
    expect(cfg.asar).toBe(true);
    const files = cfg.files as string[];
    const include = files.filter((f) => !f.startsWith('!'));
    expect(include.sort()).toEqual(['out/main/**', 'out/preload/**', 'out/renderer/**', 'package.json']);
    for (const excluded of ['!**/*.map', '!out/web{,/**}']) expect(files).toContain(excluded);
    expect(files.some((f) => f.startsWith('!') && f.includes('fake-portal') && f.includes('tests'))).toBe(true);
  });

  it('builds AppImage and deb on Linux with a proper desktop entry', () => {
    expect(targetNames(cfg, 'linux').sort()).toEqual(['AppImage', 'deb']);
    expect(get(cfg, 'linux', 'executableName')).toBe('b24-unread-tray');
    expect(get(cfg, 'linux', 'category')).toBe('Network');
    expect(get(cfg, 'linux', 'maintainer')).toMatch(/^.+ <[^@\s]+@[^@\s]+>$/);
    expect(get(cfg, 'linux', 'synopsis')).toBeTruthy();
    expect(get(cfg, 'linux', 'description')).toBeTruthy();
    const entry = get(cfg, 'linux', 'desktop', 'entry') as Record<string, string>;
    expect(entry.Categories).toBe('Network;InstantMessaging;');
    // Electron uses package.json desktopName as WM_CLASS / Wayland app_id: they must agree.
    expect(entry.StartupWMClass).toBe('b24-unread-tray');
    expect(get(cfg, 'extraMetadata', 'desktopName')).toBe(`${entry.StartupWMClass}.desktop`);
    expect(get(cfg, 'linux', 'syncDesktopName')).toBe(true);
  });

  it('builds a per-user, not one-click NSIS installer on Windows', () => {
    expect(targetNames(cfg, 'win')).toEqual(['nsis']);
    expect(get(cfg, 'nsis', 'oneClick')).toBe(false);
    expect(get(cfg, 'nsis', 'perMachine')).toBe(false);
    expect(get(cfg, 'nsis', 'allowToChangeInstallationDirectory')).toBe(true);
  });

  it('builds dmg + zip on macOS: tray-only (LSUIElement), hardened runtime, entitlements', () => {
    expect(targetNames(cfg, 'mac').sort()).toEqual(['dmg', 'zip']);
    expect(get(cfg, 'mac', 'extendInfo', 'LSUIElement')).toBe(true);
    expect(get(cfg, 'mac', 'hardenedRuntime')).toBe(true);
    const ent = get(cfg, 'mac', 'entitlements') as string;
    const plist = readFileSync(resolve(ROOT, ent), 'utf8');
    expect(plist).toContain('<key>com.apple.security.cs.allow-jit</key>');
    // Minimal: nothing beyond JIT (no disabled library validation, no unsigned memory).
    expect(plist.match(/<key>/g)).toHaveLength(1);
  });

  it('sets the Electron fuses', () => {
    expect(cfg.electronFuses).toEqual({
      runAsNode: false,
      enableCookieEncryption: true,
      enableNodeOptionsEnvironmentVariable: false,
      enableNodeCliInspectArguments: false,
      enableEmbeddedAsarIntegrityValidation: true,
      onlyLoadAppFromAsar: true,
      grantFileProtocolExtraPrivileges: false,
    });
  });

  it('points every icon at a file in build/', () => {
    for (const [section, key] of [
      ['win', 'icon'],
      ['mac', 'icon'],
      ['linux', 'icon'],
    ] as const) {
      const rel = get(cfg, section, key) as string;
      expect(existsSync(resolve(ROOT, 'build', rel)), `${section}.${key} = ${rel}`).toBe(true);
    }
  });

  it('publishes to a generic feed whose default means "no updates" until one is set', () => {
    expect(get(cfg, 'publish', 'provider')).toBe('generic');
    const url = get(cfg, 'publish', 'url') as string;
    expect(checkFeedUrl(url)).toEqual({ ok: false, reason: 'no update feed is configured' });
    expect(checkFeedUrl('https://updates.example.com/b24-unread-tray/')).toEqual({
      ok: true,
      url: 'https://updates.example.com/b24-unread-tray/',
    });
  });
});
