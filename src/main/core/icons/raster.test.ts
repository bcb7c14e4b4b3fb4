import { describe, expect, it } from 'vitest';
import {
  Canvas,
  FONT_3X5,
  FONT_5X7,
  sdCapsule,
  sdCircle,
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
  it('fills a circle: opaque inside, clear outside, partial on the edge', () => {
    const c = new Canvas(20, 20);
    c.fill(sdCircle(10, 10, 6), RED);
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
    const px = c.toRgba().data;
    expect([...px.subarray(0, 4)]).toEqual([128, 0, 128, 255]);
    c.fillPixels(3, 3, 1, 1, RED, 'erase');
    expect(c.toRgba().data[(3 * 4 + 3) * 4 + 3]).toBe(0);
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

describe('resize (area filter)', () => {
  it('averages in premultiplied space: no dark fringe next to transparency', () => {
    const c = new Canvas(2, 1);
    c.fillPixels(0, 0, 1, 1, RED);
    const small = c.resize(1, 1).toRgba().data;
    expect([...small]).toEqual([255, 0, 0, 128]);
  });

  it('keeps a flat image flat at non-integer ratios (weights sum to 1)', () => {
    const c = new Canvas(1024, 1024);
    c.fillPixels(0, 0, 1024, 1024, [10, 200, 30, 1]);
    for (const size of [24, 48, 100]) {
      const d = c.resize(size, size).toRgba().data;
      for (let i = 0; i < d.length; i += 4) expect([d[i], d[i + 1], d[i + 2], d[i + 3]]).toEqual([10, 200, 30, 255]);
    }
  });

  it('gives each output pixel the exact coverage of the area under it', () => {
    // Left third opaque in a 3-wide image, downscaled to 2: pixel 0 covers [0, 1.5) → 1/1.5 opaque.
    const c = new Canvas(3, 1);
    c.fillPixels(0, 0, 1, 1, RED);
    const d = c.resize(2, 1);
    expect(d.px[3]).toBeCloseTo(2 / 3, 5);
    expect(d.px[7]).toBeCloseTo(0, 5);
  });

  it('round-trips through 8-bit RGBA', () => {
    const c = new Canvas(3, 3);
    c.fill(sdCircle(1.5, 1.5, 1.2), [12, 34, 56, 0.8]);
    const back = Canvas.fromRgba(c.toRgba()).toRgba();
    expect(Buffer.from(back.data).equals(Buffer.from(c.toRgba().data))).toBe(true);
  });

  it('rejects impossible sizes', () => {
    expect(() => new Canvas(0, 5)).toThrow(RangeError);
    expect(() => new Canvas(2.5, 5)).toThrow(/whole numbers/);
  });
});
