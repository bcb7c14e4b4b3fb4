/**
 * Every icon file the app and its installers ship, generated from the one
 * source image `build/icon-source.png` (1024×1024) plus the tray glyphs
 * drawn at size by {@link renderTrayIcon}. Pure: returns buffers; the script
 * scripts/make-icons.ts writes them, the packaging tests check them.
 *
 * What each platform gets (paths relative to `build/`):
 * - Linux: `icons/NxN.png` (electron-builder's icon-directory naming) at
 *   {@link LINUX_ICON_SIZES}, and `icon.png` (512, the window icon);
 * - Windows: `icon.ico` at {@link ICO_SIZES} (app, NSIS installer, uninstaller);
 * - macOS: `icon.icns` at {@link ICNS_SIZES} (app and dmg);
 * - tray: `tray/` for every state × theme at 16 px (`@2x` 32 px) and 24 px
 *   (Linux panels); macOS template images end in `Template`
 *   (`tray-idleTemplate.png`, `trayTemplate.png`), as nativeImage expects.
 */
import { encodeIcns } from './icns';
import { encodeIco } from './ico';
import { decodePng, encodePng, PngError, type RgbaImage } from './png';
import { Canvas } from './raster';
import { renderTrayIcon, TRAY_STATES, TRAY_THEMES, type TrayState, type TrayTheme } from './tray';

/** Edge of the source image. */
export const SOURCE_SIZE = 1024;
/** Sizes in `build/icons/` (Linux). */
export const LINUX_ICON_SIZES = [16, 24, 32, 48, 64, 128, 256, 512, 1024] as const;
/** Sizes inside `build/icon.ico`. */
export const ICO_SIZES = [16, 24, 32, 48, 64, 128, 256] as const;
/** Distinct pixel sizes inside `build/icon.icns`. */
export const ICNS_SIZES = [16, 32, 64, 128, 256, 512, 1024] as const;
/** Size of `build/icon.png`. */
export const ICON_PNG_SIZE = 512;

/** What a generated file is, so tests know how to validate it. */
export type IconFileSpec =
  | { path: string; kind: 'png'; size: number }
  | { path: string; kind: 'ico'; sizes: readonly number[] }
  | { path: string; kind: 'icns'; sizes: readonly number[] }
  | { path: string; kind: 'tray'; size: number; state: TrayState; theme: TrayTheme };

/** Tray file name (without directory) for a state, theme and scale. */
export function trayFileName(state: TrayState, theme: TrayTheme, variant: '1x' | '2x' | '24'): string {
  const base = theme === 'template' ? `tray-${state}Template` : `tray-${state}-${theme}`;
  return variant === '1x' ? `${base}.png` : variant === '2x' ? `${base}@2x.png` : `${base}-24.png`;
}

/** Every file {@link buildIconSet} produces, relative to `build/`. */
export function iconManifest(): IconFileSpec[] {
  const out: IconFileSpec[] = [];
  for (const size of LINUX_ICON_SIZES) out.push({ path: `icons/${size}x${size}.png`, kind: 'png', size });
  out.push({ path: 'icon.png', kind: 'png', size: ICON_PNG_SIZE });
  out.push({ path: 'icon.ico', kind: 'ico', sizes: ICO_SIZES });
  out.push({ path: 'icon.icns', kind: 'icns', sizes: ICNS_SIZES });
  for (const state of TRAY_STATES) {
    for (const theme of TRAY_THEMES) {
      out.push({ path: `tray/${trayFileName(state, theme, '1x')}`, kind: 'tray', size: 16, state, theme });
      out.push({ path: `tray/${trayFileName(state, theme, '2x')}`, kind: 'tray', size: 32, state, theme });
      if (theme !== 'template') {
        out.push({ path: `tray/${trayFileName(state, theme, '24')}`, kind: 'tray', size: 24, state, theme });
      }
    }
  }
  // The name macOS tray code conventionally loads: the idle template image.
  out.push({ path: 'tray/trayTemplate.png', kind: 'tray', size: 16, state: 'idle', theme: 'template' });
  out.push({ path: 'tray/trayTemplate@2x.png', kind: 'tray', size: 32, state: 'idle', theme: 'template' });
  return out;
}

/**
 * Generates every icon from the source PNG bytes. Throws {@link PngError}
 * when the source is not a square PNG of {@link SOURCE_SIZE} px.
 */
export function buildIconSet(sourcePng: Uint8Array): Map<string, Buffer> {
  const src = decodePng(sourcePng);
  if (src.width !== SOURCE_SIZE || src.height !== SOURCE_SIZE) {
    throw new PngError(`The icon source must be ${SOURCE_SIZE}×${SOURCE_SIZE} px, got ${src.width}×${src.height}`);
  }
  const canvas = Canvas.fromRgba(src);
  const scaled = new Map<number, RgbaImage>();
  const at = (size: number): RgbaImage => {
    let img = scaled.get(size);
    if (!img) {
      img = size === SOURCE_SIZE ? src : canvas.resize(size, size).toRgba();
      scaled.set(size, img);
    }
    return img;
  };
  const pngs = new Map<number, Buffer>();
  const pngAt = (size: number): Buffer => {
    let b = pngs.get(size);
    if (!b) {
      b = encodePng(at(size));
      pngs.set(size, b);
    }
    return b;
  };
  const files = new Map<string, Buffer>();
  for (const spec of iconManifest()) {
    switch (spec.kind) {
      case 'png':
        files.set(spec.path, pngAt(spec.size));
        break;
      case 'ico':
        files.set(spec.path, encodeIco(spec.sizes.map(at)));
        break;
      case 'icns':
        files.set(spec.path, encodeIcns(new Map(spec.sizes.map((s) => [s, pngAt(s)]))));
        break;
      case 'tray':
        files.set(spec.path, renderTrayIcon({ state: spec.state, theme: spec.theme, size: spec.size, count: 0 }));
        break;
    }
  }
  return files;
}
