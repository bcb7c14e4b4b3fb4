import { describe, expect, it } from 'vitest';
import { countLabel, drawTrayIcon, fitBadgeLabel, TRAY_STATES, TRAY_THEMES, type TrayIconOptions } from './glyph';
import type { RgbaBitmap } from './raster';

/** The glyph as straight RGBA, with `data` for the pixel helpers below. */
type RgbaImage = RgbaBitmap & { data: Buffer };

function render(opts: Partial<TrayIconOptions> = {}): RgbaImage {
  const bmp = drawTrayIcon({ state: 'idle', count: 0, size: 16, theme: 'light', ...opts });
  return { ...bmp, data: bmp.rgba };
}

/** Fraction of pixels whose RGBA differs by more than a rounding step. */
function difference(a: RgbaImage, b: RgbaImage): number {
  let diff = 0;
  for (let i = 0; i < a.data.length; i += 4) {
    let d = 0;
    for (let k = 0; k < 4; k++) d = Math.max(d, Math.abs(a.data[i + k]! - b.data[i + k]!));
    if (d > 8) diff++;
  }
  return diff / (a.width * a.height);
}

function opaqueShare(img: RgbaImage): number {
  let n = 0;
  for (let i = 3; i < img.data.length; i += 4) if (img.data[i]! > 0) n++;
  return n / (img.width * img.height);
}

describe('drawTrayIcon', () => {
  it.each([16, 20, 22, 24, 30, 32, 36, 48])('draws every state and theme as RGBA pixels at %i px', (size) => {
    for (const state of TRAY_STATES) {
      for (const theme of TRAY_THEMES) {
        const img = render({ state, theme, size, count: 5 });
        expect([img.width, img.height, img.rgba.length]).toEqual([size, size, size * size * 4]);
        // Something is drawn, and the corners stay see-through (it is a glyph, not a tile).
        expect(opaqueShare(img)).toBeGreaterThan(0.1);
        expect(img.data[3]).toBe(0);
      }
    }
  });

  it('makes the five states visibly different from each other, in every theme and size', () => {
    for (const theme of TRAY_THEMES) {
      for (const size of [16, 20, 24, 32]) {
        const imgs = TRAY_STATES.map((state) => render({ state, theme, size, count: 3 }));
        for (let i = 0; i < imgs.length; i++) {
          for (let j = i + 1; j < imgs.length; j++) {
            // At least 4 % of the pixels (10 of 256 at 16 px) differ between any two states.
            expect(
              difference(imgs[i]!, imgs[j]!),
              `${TRAY_STATES[i]} vs ${TRAY_STATES[j]} (${theme}, ${size})`,
            ).toBeGreaterThan(0.04);
          }
        }
      }
    }
  });

  it('draws the unread count: different counts give different pixels', () => {
    for (const size of [16, 24, 32]) {
      const shown = [0, 1, 7, 12, 42, 100].map((count) => render({ state: 'unread', size, count, theme: 'dark' }));
      for (let i = 0; i < shown.length; i++) {
        for (let j = i + 1; j < shown.length; j++) expect(difference(shown[i]!, shown[j]!)).toBeGreaterThan(0);
      }
    }
  });

  it('writes the count in white inside the red badge at every display scale (16 DIPs at 100–200 %)', () => {
    /** White text pixels inside the badge (the top-right quarter-and-a-bit). */
    const whiteInBadge = (img: RgbaImage) => {
      let n = 0;
      for (let y = 0; y < Math.ceil(img.height / 2); y++) {
        for (let x = Math.floor(img.width / 3); x < img.width; x++) {
          const i = (y * img.width + x) * 4;
          if (img.data[i + 3] === 255 && img.data[i]! > 240 && img.data[i + 1]! > 240 && img.data[i + 2]! > 240) n++;
        }
      }
      return n;
    };
    for (const size of [16, 20, 24, 32]) {
      for (const count of [7, 42, 150]) {
        expect(whiteInBadge(render({ state: 'unread', count, size })), `${count} at ${size}px`).toBeGreaterThan(3);
      }
      // A count of 0 is a plain dot; the idle glyph has no badge at all.
      expect(whiteInBadge(render({ state: 'unread', count: 0, size }))).toBe(0);
      expect(whiteInBadge(render({ state: 'idle', size }))).toBe(0);
      // Above 99 every count draws the same "99+".
      expect(
        difference(render({ state: 'unread', count: 100, size }), render({ state: 'unread', count: 7000, size })),
      ).toBe(0);
    }
  });

  it('shows "99+" above 99 and falls back to "9+" when the number does not fit', () => {
    expect(countLabel(0)).toBe('');
    expect(countLabel(7)).toBe('7');
    expect(countLabel(99)).toBe('99');
    expect(countLabel(100)).toBe('99+');
    expect(fitBadgeLabel(150, 32)).toBe('99+');
    expect(fitBadgeLabel(150, 16)).toBe('99+');
    expect(fitBadgeLabel(42, 12)).toBe('42');
    expect(fitBadgeLabel(150, 12)).toBe('9+');
    expect(fitBadgeLabel(42, 8)).toBe('9+');
    const a = render({ state: 'unread', count: 150, size: 24 });
    const b = render({ state: 'unread', count: 5000, size: 24 });
    expect(difference(a, b)).toBe(0);
  });

  it('uses only black (with alpha) in template images', () => {
    for (const state of TRAY_STATES) {
      for (const size of [16, 32]) {
        const img = render({ state, theme: 'template', size, count: 42 });
        for (let i = 0; i < img.data.length; i += 4) {
          if (img.data[i + 3]! > 0) expect([img.data[i], img.data[i + 1], img.data[i + 2]]).toEqual([0, 0, 0]);
        }
      }
    }
  });

  it('draws light glyphs for dark panels and dark glyphs for light panels', () => {
    const lum = (img: RgbaImage) => {
      let sum = 0;
      let n = 0;
      for (let i = 0; i < img.data.length; i += 4) {
        if (img.data[i + 3]! < 255) continue;
        sum += img.data[i]! + img.data[i + 1]! + img.data[i + 2]!;
        n++;
      }
      return sum / n / 3;
    };
    expect(lum(render({ theme: 'dark' }))).toBeGreaterThan(200);
    expect(lum(render({ theme: 'light' }))).toBeLessThan(80);
  });

  it('treats a bad count as zero and rejects bad states, themes and sizes with a clear error', () => {
    const zero = render({ state: 'unread', count: 0 });
    expect(difference(render({ state: 'unread', count: Number.NaN }), zero)).toBe(0);
    expect(difference(render({ state: 'unread', count: -4 }), zero)).toBe(0);
    expect(() => drawTrayIcon({ state: 'busy' as never, count: 0, size: 16, theme: 'light' })).toThrow(
      /Unknown tray state: busy/,
    );
    expect(() => drawTrayIcon({ state: 'idle', count: 0, size: 16, theme: 'pink' as never })).toThrow(
      /Unknown tray theme/,
    );
    expect(() => drawTrayIcon({ state: 'idle', count: 0, size: 7, theme: 'light' })).toThrow(/from 8 to 256/);
    expect(() => drawTrayIcon({ state: 'idle', count: 0, size: 16.5, theme: 'light' })).toThrow(RangeError);
  });
});
