import { beforeEach, describe, expect, it } from 'vitest';
import { decodePng, type RgbaImage } from './png';
import {
  cachedTrayIcon,
  countLabel,
  fitBadgeLabel,
  renderAppIcon,
  renderTrayIcon,
  TRAY_STATES,
  TRAY_THEMES,
  trayIconCache,
  trayIconKey,
  type TrayIconOptions,
} from './tray';

function render(opts: Partial<TrayIconOptions> = {}): RgbaImage {
  return decodePng(renderTrayIcon({ state: 'idle', count: 0, size: 16, theme: 'light', ...opts }));
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

describe('renderTrayIcon', () => {
  it.each([16, 22, 24, 32, 48])('renders every state and theme as a valid PNG of %i px', (size) => {
    for (const state of TRAY_STATES) {
      for (const theme of TRAY_THEMES) {
        const img = render({ state, theme, size, count: 5 });
        expect([img.width, img.height]).toEqual([size, size]);
        // Something is drawn, and the corners stay see-through (it is a glyph, not a tile).
        expect(opaqueShare(img)).toBeGreaterThan(0.1);
        expect(img.data[3]).toBe(0);
      }
    }
  });

  it('makes the five states visibly different from each other, in every theme and size', () => {
    for (const theme of TRAY_THEMES) {
      for (const size of [16, 32]) {
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
    expect(() => renderTrayIcon({ state: 'busy' as never, count: 0, size: 16, theme: 'light' })).toThrow(
      /Unknown tray state: busy/,
    );
    expect(() => renderTrayIcon({ state: 'idle', count: 0, size: 16, theme: 'pink' as never })).toThrow(
      /Unknown tray theme/,
    );
    expect(() => renderTrayIcon({ state: 'idle', count: 0, size: 7, theme: 'light' })).toThrow(/from 8 to 256/);
    expect(() => renderTrayIcon({ state: 'idle', count: 0, size: 16.5, theme: 'light' })).toThrow(RangeError);
  });
});

describe('cachedTrayIcon', () => {
  beforeEach(() => trayIconCache.clear());

  it('returns the very same buffer for the same options', () => {
    const opts: TrayIconOptions = { state: 'unread', count: 3, size: 32, theme: 'dark' };
    const first = cachedTrayIcon(opts);
    expect(cachedTrayIcon({ ...opts })).toBe(first);
    expect(cachedTrayIcon({ ...opts, count: 4 })).not.toBe(first);
    expect(first.equals(renderTrayIcon(opts))).toBe(true);
  });

  it('shares entries between counts that draw the same badge, and ignores the count outside unread', () => {
    expect(trayIconKey({ state: 'unread', count: 120, size: 16, theme: 'light' })).toBe(
      trayIconKey({ state: 'unread', count: 999, size: 16, theme: 'light' }),
    );
    expect(cachedTrayIcon({ state: 'idle', count: 1, size: 16, theme: 'light' })).toBe(
      cachedTrayIcon({ state: 'idle', count: 9, size: 16, theme: 'light' }),
    );
  });

  it('stays bounded', () => {
    for (let count = 1; count <= 100; count++) cachedTrayIcon({ state: 'unread', count, size: 16, theme: 'light' });
    expect(trayIconCache.size).toBeLessThanOrEqual(64);
  });

  it('validates before caching', () => {
    expect(() => cachedTrayIcon({ state: 'idle', count: 0, size: 1000, theme: 'light' })).toThrow(RangeError);
  });
});

describe('renderAppIcon', () => {
  it('renders a square PNG with a transparent margin and an opaque middle', () => {
    const img = decodePng(renderAppIcon(64));
    expect([img.width, img.height]).toEqual([64, 64]);
    expect(img.data[3]).toBe(0);
    expect(img.data[(32 * 64 + 32) * 4 + 3]).toBe(255);
    expect(() => renderAppIcon(8)).toThrow(RangeError);
  });
});
