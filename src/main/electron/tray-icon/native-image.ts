/**
 * Hands the drawn tray glyph to Electron as raw pixels: no image codec.
 *
 * `nativeImage.createFromBitmap(buffer, { width, height, scaleFactor })` and
 * `image.addRepresentation({ buffer, width, height, scaleFactor })` take
 * Skia's native 32-bit pixels, premultiplied: Electron wraps the buffer as
 * `SkImageInfo::MakeN32(width, height, kPremul_SkAlphaType)` and refuses a
 * buffer that is not exactly width × height × 4 bytes ("invalid buffer
 * size") — electron/electron shell/common/api/electron_api_native_image.cc
 * (NativeImage::CreateFromBitmap) and shell/common/skia_util.cc
 * (AddImageSkiaRepFromBuffer). N32 is BGRA in every desktop Chromium build
 * (Chromium's skia config sets SK_R32_SHIFT 16 everywhere but Android, and
 * Skia maps that byte order to kBGRA_8888), which is why Electron's docs call
 * the format "platform-dependent" (docs/api/native-image.md,
 * createFromBitmap). So: straight RGBA → premultiplied BGRA.
 */
import { nativeImage, type NativeImage } from 'electron';
import type { TrayIconOptions } from './glyph';
import type { RgbaBitmap } from './raster';

/** Draws the glyph at a pixel size (`drawTrayIcon` in the app; tests wrap it to watch the calls). */
export type TrayIconRenderer = (opts: TrayIconOptions) => RgbaBitmap;

/**
 * The display scales an image is drawn for: 100 %, 125 %, 150 % and 200 %
 * (Windows' common scaling steps, and Retina). Each is drawn at its own
 * pixel size, so the count badge stays sharp instead of being resampled.
 */
export const TRAY_SCALE_FACTORS: readonly number[] = [1, 1.25, 1.5, 2];

/** Straight 8-bit RGBA → the premultiplied BGRA Electron's bitmap functions read. */
export function toNativeBitmap(bitmap: RgbaBitmap): Buffer {
  const { rgba } = bitmap;
  if (rgba.length !== bitmap.width * bitmap.height * 4) {
    throw new RangeError(`RGBA data holds ${rgba.length} bytes, expected ${bitmap.width}×${bitmap.height}×4`);
  }
  const out = Buffer.alloc(rgba.length);
  for (let i = 0; i < rgba.length; i += 4) {
    const a = rgba[i + 3]!;
    out[i] = Math.round((rgba[i + 2]! * a) / 255);
    out[i + 1] = Math.round((rgba[i + 1]! * a) / 255);
    out[i + 2] = Math.round((rgba[i]! * a) / 255);
    out[i + 3] = a;
  }
  return out;
}

/**
 * A NativeImage of the glyph `size` DIPs wide, with one representation per
 * {@link TRAY_SCALE_FACTORS} entry (drawn at `size × scale` pixels), marked
 * as a macOS template image for the `template` theme.
 */
export function trayImage(render: TrayIconRenderer, opts: TrayIconOptions): NativeImage {
  const draw = (scaleFactor: number) => {
    const bitmap = render({ ...opts, size: Math.round(opts.size * scaleFactor) });
    return { buffer: toNativeBitmap(bitmap), width: bitmap.width, height: bitmap.height, scaleFactor };
  };
  const [first = 1, ...more] = TRAY_SCALE_FACTORS;
  const base = draw(first);
  const image = nativeImage.createFromBitmap(base.buffer, base);
  for (const scaleFactor of more) image.addRepresentation(draw(scaleFactor));
  if (opts.theme === 'template') image.setTemplateImage(true);
  return image;
}
