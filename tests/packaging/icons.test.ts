/**
 * The generated icons exist at every declared size, are valid PNG / ICO /
 * ICNS files, and are what build/icon-source.png generates today.
 */
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseIcns } from '../../src/main/core/icons/icns';
import { parseIco } from '../../src/main/core/icons/ico';
import { iconManifest, ICNS_SIZES, ICO_SIZES, LINUX_ICON_SIZES, SOURCE_SIZE } from '../../src/main/core/icons/icon-set';
import { decodePng } from '../../src/main/core/icons/png';
import { TRAY_STATES, TRAY_THEMES } from '../../src/main/core/icons/tray';
import { staleIcons } from '../../scripts/make-icons';
import { ROOT } from './helpers';

const BUILD = resolve(ROOT, 'build');
const manifest = iconManifest();

describe('generated icons', () => {
  it('come from one 1024×1024 source image', () => {
    const src = decodePng(readFileSync(join(BUILD, 'icon-source.png')));
    expect([src.width, src.height]).toEqual([SOURCE_SIZE, SOURCE_SIZE]);
  });

  it('cover every size each platform needs', () => {
    const paths = manifest.map((m) => m.path);
    for (const s of LINUX_ICON_SIZES) expect(paths).toContain(`icons/${s}x${s}.png`);
    expect(paths).toEqual(
      expect.arrayContaining([
        'icon.png',
        'icon.ico',
        'icon.icns',
        'tray/trayTemplate.png',
        'tray/trayTemplate@2x.png',
      ]),
    );
    expect(ICO_SIZES).toEqual(expect.arrayContaining([16, 24, 32, 48, 64, 128, 256]));
    expect(ICNS_SIZES).toEqual(expect.arrayContaining([16, 32, 64, 128, 256, 512, 1024]));
    // Every state × theme at 1x and 2x for the tray.
    const tray = manifest.filter((m) => m.kind === 'tray');
    for (const state of TRAY_STATES) {
      for (const theme of TRAY_THEMES) {
        for (const size of [16, 32]) {
          expect(tray.some((m) => m.kind === 'tray' && m.state === state && m.theme === theme && m.size === size)).toBe(
            true,
          );
        }
      }
    }
    expect(paths.filter((p) => p.includes('Template')).every((p) => /Template(@2x)?\.png$/.test(p))).toBe(true);
  });

  it.each(manifest.map((m) => [m.path, m] as const))(
    '%s exists and is valid at its declared size(s)',
    (_path, spec) => {
      const file = join(BUILD, spec.path);
      expect(existsSync(file), `${spec.path} missing: run npm run icons`).toBe(true);
      const bytes = readFileSync(file);
      switch (spec.kind) {
        case 'png':
        case 'tray': {
          const img = decodePng(bytes);
          expect([img.width, img.height]).toEqual([spec.size, spec.size]);
          break;
        }
        case 'ico': {
          const entries = parseIco(bytes);
          expect(entries.map((e) => e.width).sort((a, b) => a - b)).toEqual([...spec.sizes]);
          for (const e of entries) expect([e.image.width, e.image.height]).toEqual([e.width, e.width]);
          break;
        }
        case 'icns': {
          const entries = parseIcns(bytes);
          const sizes = [...new Set(entries.map((e) => e.size))].sort((a, b) => (a ?? 0) - (b ?? 0));
          expect(sizes).toEqual([...spec.sizes]);
          for (const e of entries) expect(e.image?.width).toBe(e.size);
          break;
        }
      }
    },
  );

  it('macOS template images hold only black and alpha', () => {
    for (const m of manifest.filter((x) => x.kind === 'tray' && x.theme === 'template')) {
      const img = decodePng(readFileSync(join(BUILD, m.path)));
      for (let i = 0; i < img.data.length; i += 4) {
        if (img.data[i + 3]! > 0) expect(img.data[i]! + img.data[i + 1]! + img.data[i + 2]!).toBe(0);
      }
    }
  });

  describe('are up to date with the source (npm run icons -- --check)', () => {
    const tmp = mkdtempSync(join(tmpdir(), 'b24ut-icons-'));
    afterAll(() => rmSync(tmp, { recursive: true, force: true }));

    it('match what the script generates now', () => {
      expect(staleIcons(BUILD)).toEqual([]);
    });

    it('and the check notices a stale or missing file', () => {
      cpSync(BUILD, tmp, { recursive: true });
      writeFileSync(join(tmp, 'icons', '48x48.png'), readFileSync(join(tmp, 'icons', '32x32.png')));
      rmSync(join(tmp, 'icon.icns'));
      expect(staleIcons(tmp).sort()).toEqual(['icon.icns', 'icons/48x48.png']);
    });
  });
});
