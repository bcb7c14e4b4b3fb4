import { beforeEach, describe, expect, it, vi } from 'vitest';

vi.mock('electron', async () => (await import('../../../../tests/mocks/electron')).electronModule);

import { FakeNativeImage, fakeNativeImage, resetElectronMock } from '../../../../tests/mocks/electron';
import { drawTrayIcon, type TrayIconOptions } from './glyph';
import { toNativeBitmap, TRAY_SCALE_FACTORS, trayImage } from './native-image';

beforeEach(() => resetElectronMock());

function image(opts: Partial<TrayIconOptions> = {}): FakeNativeImage {
  const img = trayImage(drawTrayIcon, { state: 'unread', count: 7, size: 16, theme: 'light', ...opts });
  return img as unknown as FakeNativeImage;
}

describe('toNativeBitmap', () => {
  it('turns straight RGBA into premultiplied BGRA, the order Skia N32 uses on desktop', () => {
    const rgba = Buffer.from([
      // opaque badge red, half-transparent white, fully transparent with a leftover colour
      229, 57, 53, 255, 255, 255, 255, 128, 10, 20, 30, 0,
    ]);
    expect([...toNativeBitmap({ width: 3, height: 1, rgba })]).toEqual([
      53, 57, 229, 255, 128, 128, 128, 128, 0, 0, 0, 0,
    ]);
  });

  it('refuses pixels that do not match the stated size', () => {
    expect(() => toNativeBitmap({ width: 2, height: 2, rgba: Buffer.alloc(12) })).toThrow(RangeError);
  });
});

describe('trayImage', () => {
  it('adds a representation for 100, 125, 150 and 200 % drawn at that many pixels', () => {
    expect(TRAY_SCALE_FACTORS).toEqual([1, 1.25, 1.5, 2]);
    const img = image({ size: 16 });
    expect(img.getScaleFactors()).toEqual([1, 1.25, 1.5, 2]);
    expect(img.reps.map((r) => [r.kind, r.width, r.height])).toEqual([
      ['bitmap', 16, 16],
      ['bitmap', 20, 20],
      ['bitmap', 24, 24],
      ['bitmap', 32, 32],
    ]);
    expect(img.getSize()).toEqual({ width: 16, height: 16 });
    // Linux panels: 24 DIPs.
    expect(image({ size: 24 }).reps.map((r) => r.width)).toEqual([24, 30, 36, 48]);
  });

  it('each representation is the glyph redrawn at its own size (a crisp badge at 125 %), not a resampled copy', () => {
    const img = image({ size: 16, count: 42 });
    for (const rep of img.reps) {
      const drawn = drawTrayIcon({ state: 'unread', count: 42, size: rep.width, theme: 'light' });
      expect(rep.buffer.equals(toNativeBitmap(drawn)), `${rep.scaleFactor}x`).toBe(true);
    }
    // The badge's red reaches Electron as B, G, R: find it at 125 %.
    const rep = img.reps[1]!;
    let red = 0;
    for (let i = 0; i < rep.buffer.length; i += 4) {
      if (rep.buffer[i] === 53 && rep.buffer[i + 1] === 57 && rep.buffer[i + 2] === 229 && rep.buffer[i + 3] === 255)
        red++;
    }
    expect(red).toBeGreaterThan(10);
  });

  it('marks only the macOS theme as a template image', () => {
    expect(image({ theme: 'template' }).isTemplateImage()).toBe(true);
    expect(image({ theme: 'dark' }).isTemplateImage()).toBe(false);
  });

  it('the double refuses a bitmap of the wrong length, as Electron does ("invalid buffer size")', () => {
    expect(() => fakeNativeImage.createFromBitmap(Buffer.alloc(16 * 16 * 3), { width: 16, height: 16 })).toThrow(
      'invalid buffer size',
    );
    expect(() => fakeNativeImage.createFromBitmap(Buffer.alloc(4), {} as never)).toThrow('width is required');
    expect(fakeNativeImage.createFromBitmap(Buffer.alloc(0), { width: 0, height: 0 }).isEmpty()).toBe(true);
    // addRepresentation ignores a raw buffer without its size, as skia_util.cc does.
    const img = new FakeNativeImage();
    img.addRepresentation({ buffer: Buffer.alloc(64), scaleFactor: 2 });
    expect(img.isEmpty()).toBe(true);
  });
});
