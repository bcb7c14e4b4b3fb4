import { describe, expect, it } from 'vitest';
import {
  Canvas,
  FONT_3X5,
  FONT_5X7,
  sdCapsule,
  sdConvexPolygon,
  sdInnerOutline,
  sdRoundedRect,
  textWidth,
} from './raster';

const RED = [255, 0, 0, 1] as const;
const BLUE = [0, 0, 255, 1] as const;

function alphaAt(c: Canvas, x: number, y: number): number {
  return c.px[(y * c.width + x) * 4 + 3]!;
}

describe('shapes', () => {
  it('fills a circle (a fully rounded square): opaque inside, clear outside, partial on the edge', () => {
    const c = new Canvas(20, 20);
    c.fill(sdRoundedRect(4, 4, 12, 12, 6), RED);
    expect(alphaAt(c, 10, 10)).toBe(1);
    expect(alphaAt(c, 0, 0)).toBe(0);
    // Pixel (15, 10) has its centre (15.5, 10.5) 5.52 px out: almost fully in; (16, 10) at 6.52: out.
    expect(alphaAt(c, 15, 10)).toBeCloseTo(0.98, 2);
    expect(alphaAt(c, 16, 10)).toBe(0);
    const edge = alphaAt(c, 14, 14); // centre at ~6.36 from the middle
    expect(edge).toBeGreaterThan(0);
    expect(edge).toBeLessThan(1);
    // Total coverage approximates the disc's area.
    let sum = 0;
    for (let i = 3; i < c.px.length; i += 4) sum += c.px[i]!;
    expect(sum).toBeCloseTo(Math.PI * 36, 0);
  });

  it('keeps whole-pixel rectangle edges crisp', () => {
    const c = new Canvas(10, 10);
    c.fill(sdRoundedRect(2, 2, 6, 6, 0), RED);
    expect(alphaAt(c, 2, 5)).toBe(1);
    expect(alphaAt(c, 1, 5)).toBe(0);
    expect(alphaAt(c, 7, 5)).toBe(1);
    expect(alphaAt(c, 8, 5)).toBe(0);
  });

  it('draws an inner outline: edge ring filled, middle empty', () => {
    const c = new Canvas(12, 12);
    c.fill(sdInnerOutline(sdRoundedRect(1, 1, 10, 10, 0), 2), RED);
    expect(alphaAt(c, 1, 6)).toBe(1);
    expect(alphaAt(c, 2, 6)).toBe(1);
    expect(alphaAt(c, 3, 6)).toBe(0);
    expect(alphaAt(c, 6, 6)).toBe(0);
  });

  it('fills a polygon in either winding and a capsule line', () => {
    const a = new Canvas(10, 10);
    const b = new Canvas(10, 10);
    a.fill(
      sdConvexPolygon([
        [1, 1],
        [9, 1],
        [1, 9],
      ]),
      RED,
    );
    b.fill(
      sdConvexPolygon([
        [1, 9],
        [9, 1],
        [1, 1],
      ]),
      RED,
    );
    expect(Array.from(a.px)).toEqual(Array.from(b.px));
    expect(alphaAt(a, 2, 2)).toBe(1);
    expect(alphaAt(a, 8, 8)).toBe(0);
    expect(() =>
      sdConvexPolygon([
        [0, 0],
        [1, 1],
      ]),
    ).toThrow(RangeError);

    const l = new Canvas(10, 10);
    l.fill(sdCapsule(0, 5, 10, 5, 2), BLUE);
    expect(alphaAt(l, 5, 4)).toBe(1);
    expect(alphaAt(l, 5, 5)).toBe(1);
    expect(alphaAt(l, 5, 2)).toBe(0);
  });
});

describe('compositing', () => {
  it('paints source-over and erases (knock-out)', () => {
    const c = new Canvas(4, 4);
    c.fillPixels(0, 0, 4, 4, RED);
    c.fillPixels(0, 0, 2, 4, [0, 0, 255, 0.5]);
    const px = c.toRgba().rgba;
    expect([...px.subarray(0, 4)]).toEqual([128, 0, 128, 255]);
    c.fillPixels(3, 3, 1, 1, RED, 'erase');
    expect(c.toRgba().rgba[(3 * 4 + 3) * 4 + 3]).toBe(0);
  });

  it('draws pixel-font text exactly', () => {
    const c = new Canvas(12, 7);
    c.drawText('1+', 0, 1, FONT_3X5, 1, RED);
    const on = (x: number, y: number) => alphaAt(c, x, y) === 1;
    // '1' = .#. / ##. / .#. / .#. / ### starting at y=1
    expect([on(0, 1), on(1, 1), on(2, 1)]).toEqual([false, true, false]);
    expect([on(0, 5), on(1, 5), on(2, 5)]).toEqual([true, true, true]);
    // '+' starts at x=4: its centre column is x=5
    expect(on(5, 2) && on(4, 3) && on(6, 3) && on(5, 4)).toBe(true);
    expect(on(4, 1)).toBe(false);
    expect(textWidth('99+', FONT_3X5, 1)).toBe(11);
    expect(textWidth('42', FONT_5X7, 2)).toBe(22);
    expect(textWidth('', FONT_5X7, 2)).toBe(0);
  });

  it('has a glyph for every digit, plus and bang, of the declared size', () => {
    for (const font of [FONT_3X5, FONT_5X7]) {
      for (const ch of '0123456789+!') {
        const g = font.glyphs[ch]!;
        expect(g).toHaveLength(font.height);
        for (const row of g) expect(row).toHaveLength(font.width);
      }
    }
  });
});

describe('toRgba', () => {
  it('gives straight (un-premultiplied) 8-bit RGBA, row by row, transparent where nothing is drawn', () => {
    const c = new Canvas(3, 2);
    c.fillPixels(1, 1, 1, 1, [12, 34, 56, 0.5]);
    const { width, height, rgba } = c.toRgba();
    expect([width, height, rgba.length]).toEqual([3, 2, 24]);
    // Pixel (1, 1) is the 5th: its colour stays 12/34/56 at half alpha, not darkened by the alpha.
    expect([...rgba.subarray(16, 20)]).toEqual([12, 34, 56, 128]);
    expect(rgba.subarray(0, 16).every((b) => b === 0)).toBe(true);
  });

  it('rejects impossible sizes', () => {
    expect(() => new Canvas(0, 5)).toThrow(RangeError);
    expect(() => new Canvas(2.5, 5)).toThrow(/whole numbers/);
  });
});
