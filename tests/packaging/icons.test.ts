/**
 * Every app and installer icon comes from one source image, build/icon.png:
 * electron-builder converts it to .ico (Windows app and NSIS installer),
 * .icns (macOS app and dmg) and installs it for Linux at build time
 * (app-builder-lib util/iconConverter.js; electron-builder
 * website/docs/features/icons-and-images.md asks for a 1024×1024 PNG).
 * Checked here by the PNG header bytes alone: no image codec is needed.
 */
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { get, loadBuilderConfig, ROOT } from './helpers';

const BUILD = resolve(ROOT, 'build');
const SOURCE = resolve(BUILD, 'icon.png');
const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/** What the PNG header says (signature, then the IHDR chunk: width and height big-endian at 16 and 20). */
function pngHeader(bytes: Buffer): { width: number; height: number; bitDepth: number; colorType: number } | null {
  if (bytes.length < 33 || !bytes.subarray(0, 8).equals(PNG_SIGNATURE)) return null;
  if (bytes.toString('latin1', 12, 16) !== 'IHDR') return null;
  return {
    width: bytes.readUInt32BE(16),
    height: bytes.readUInt32BE(20),
    bitDepth: bytes[24]!,
    colorType: bytes[25]!,
  };
}

describe('the app icon source', () => {
  it('is a 1024×1024 8-bit RGBA PNG at build/icon.png', () => {
    expect(existsSync(SOURCE), 'build/icon.png is missing').toBe(true);
    // Colour type 6 = truecolour with alpha: the rounded tile keeps transparent corners.
    expect(pngHeader(readFileSync(SOURCE))).toEqual({ width: 1024, height: 1024, bitDepth: 8, colorType: 6 });
  });

  it('the header check rejects what is not a 1024 px PNG', () => {
    const bytes = readFileSync(SOURCE);
    const small = Buffer.from(bytes);
    small.writeUInt32BE(512, 16);
    expect(pngHeader(small)?.width).toBe(512);
    const notPng = Buffer.from(bytes);
    notPng[1] = 0x51;
    expect(pngHeader(notPng)).toBeNull();
  });

  it('is what every platform section of electron-builder.yml points at', () => {
    const cfg = loadBuilderConfig();
    for (const platform of ['linux', 'win', 'mac'] as const) {
      expect(get(cfg, platform, 'icon'), `${platform}.icon`).toBe('icon.png');
    }
    // The installer icons must be .ico files: they are left to default to the converted app icon.
    expect(get(cfg, 'nsis', 'installerIcon')).toBeUndefined();
    expect(get(cfg, 'nsis', 'uninstallerIcon')).toBeUndefined();
    expect(get(cfg, 'directories', 'buildResources')).toBe('build');
  });

  it('is the only image in build/: no hand-made .ico, .icns, Linux set or tray PNGs to drift from it', () => {
    const images = readdirSync(BUILD, { recursive: true, encoding: 'utf8' }).filter((f) =>
      /\.(png|ico|icns|svg)$/i.test(f),
    );
    expect(images).toEqual(['icon.png']);
  });
});
