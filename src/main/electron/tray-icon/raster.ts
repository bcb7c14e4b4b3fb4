/**
 * A tiny RGBA rasterizer for the tray glyph: anti-aliased shapes described
 * by signed distance functions (circle, rounded rect, capsule line, convex
 * polygon and their unions/outlines), source-over and erase compositing, and
 * a pixel font for the unread count. Pure: no `electron`, tested in Node.
 *
 * Pixels are premultiplied floats internally (exact compositing);
 * {@link Canvas.toRgba} converts to straight 8-bit RGBA.
 * Coordinates are in pixels; pixel (x, y) covers [x, x+1) × [y, y+1).
 */
/** A colour: r, g, b in 0..255 and alpha in 0..1. */
export type Rgba = readonly [r: number, g: number, b: number, a: number];

/** Raw pixels: `rgba` holds width × height straight (not premultiplied) RGBA bytes, row-major. */
export interface RgbaBitmap {
  width: number;
  height: number;
  rgba: Buffer;
}

/** Signed distance in pixels from a point to a shape's edge: negative inside. */
export type Sdf = (x: number, y: number) => number;

/** `over` paints on top; `erase` cuts the shape out of what is there (knock-out). */
export type BlendMode = 'over' | 'erase';

// ---------------------------------------------------------------- shapes

/** A rectangle [x, x+w] × [y, y+h] with corner radius r (exact SDF). */
export function sdRoundedRect(x: number, y: number, w: number, h: number, r: number): Sdf {
  const rr = Math.max(0, Math.min(r, w / 2, h / 2));
  const cx = x + w / 2;
  const cy = y + h / 2;
  const hx = w / 2 - rr;
  const hy = h / 2 - rr;
  return (px, py) => {
    const qx = Math.abs(px - cx) - hx;
    const qy = Math.abs(py - cy) - hy;
    const outside = Math.hypot(Math.max(qx, 0), Math.max(qy, 0));
    return outside + Math.min(Math.max(qx, qy), 0) - rr;
  };
}

/** A thick line from (x0, y0) to (x1, y1) with round caps; `width` is the full thickness. */
export function sdCapsule(x0: number, y0: number, x1: number, y1: number, width: number): Sdf {
  const dx = x1 - x0;
  const dy = y1 - y0;
  const len2 = dx * dx + dy * dy || 1;
  return (px, py) => {
    const t = Math.max(0, Math.min(1, ((px - x0) * dx + (py - y0) * dy) / len2));
    return Math.hypot(px - (x0 + t * dx), py - (y0 + t * dy)) - width / 2;
  };
}

/**
 * A convex polygon (points in either winding). Exact inside; outside it is
 * the largest edge distance, which underestimates only near corners: good
 * enough for a one-pixel anti-aliasing ramp.
 */
export function sdConvexPolygon(points: ReadonlyArray<readonly [number, number]>): Sdf {
  if (points.length < 3) throw new RangeError('A polygon needs at least 3 points');
  // Orient edge normals outward whatever the winding.
  let area = 0;
  for (let i = 0; i < points.length; i++) {
    const [ax, ay] = points[i]!;
    const [bx, by] = points[(i + 1) % points.length]!;
    area += ax * by - bx * ay;
  }
  const sign = area > 0 ? 1 : -1;
  const edges = points.map(([ax, ay], i) => {
    const [bx, by] = points[(i + 1) % points.length]!;
    const len = Math.hypot(bx - ax, by - ay) || 1;
    // Outward normal for a positive (clockwise in y-down) winding.
    return { ax, ay, nx: (sign * (by - ay)) / len, ny: (sign * -(bx - ax)) / len };
  });
  return (px, py) => {
    let d = -Infinity;
    for (const e of edges) d = Math.max(d, (px - e.ax) * e.nx + (py - e.ay) * e.ny);
    return d;
  };
}

/** The union of shapes (one shape: no seam where they join). */
export function sdUnion(...shapes: Sdf[]): Sdf {
  return (x, y) => {
    let d = Infinity;
    for (const s of shapes) d = Math.min(d, s(x, y));
    return d;
  };
}

/** The band of `width` pixels just inside a shape's edge (a hollow outline that keeps the outer edge crisp). */
export function sdInnerOutline(shape: Sdf, width: number): Sdf {
  return (x, y) => {
    const d = shape(x, y);
    return Math.max(d, -d - width);
  };
}

/** A shape grown by `by` pixels (negative shrinks). */
export function sdGrow(shape: Sdf, by: number): Sdf {
  return (x, y) => shape(x, y) - by;
}

// ---------------------------------------------------------------- pixel font

/** A monospace pixel font: each glyph is rows of '#' (on) and '.' (off). */
export interface PixelFont {
  readonly width: number;
  readonly height: number;
  readonly glyphs: Readonly<Record<string, readonly string[]>>;
}

/** 3×5 digits, '+' and '!': legible at 16 px. */
export const FONT_3X5: PixelFont = {
  width: 3,
  height: 5,
  glyphs: {
    '0': ['###', '#.#', '#.#', '#.#', '###'],
    '1': ['.#.', '##.', '.#.', '.#.', '###'],
    '2': ['###', '..#', '###', '#..', '###'],
    '3': ['###', '..#', '.##', '..#', '###'],
    '4': ['#.#', '#.#', '###', '..#', '..#'],
    '5': ['###', '#..', '###', '..#', '###'],
    '6': ['###', '#..', '###', '#.#', '###'],
    '7': ['###', '..#', '.#.', '.#.', '.#.'],
    '8': ['###', '#.#', '###', '#.#', '###'],
    '9': ['###', '#.#', '###', '..#', '###'],
    '+': ['...', '.#.', '###', '.#.', '...'],
    '!': ['.#.', '.#.', '.#.', '...', '.#.'],
  },
};

/** 5×7 digits, '+' and '!': for 24 px and up. */
export const FONT_5X7: PixelFont = {
  width: 5,
  height: 7,
  glyphs: {
    '0': ['.###.', '#...#', '#..##', '#.#.#', '##..#', '#...#', '.###.'],
    '1': ['..#..', '.##..', '..#..', '..#..', '..#..', '..#..', '.###.'],
    '2': ['.###.', '#...#', '....#', '...#.', '..#..', '.#...', '#####'],
    '3': ['#####', '...#.', '..#..', '...#.', '....#', '#...#', '.###.'],
    '4': ['...#.', '..##.', '.#.#.', '#..#.', '#####', '...#.', '...#.'],
    '5': ['#####', '#....', '####.', '....#', '....#', '#...#', '.###.'],
    '6': ['..##.', '.#...', '#....', '####.', '#...#', '#...#', '.###.'],
    '7': ['#####', '....#', '...#.', '..#..', '.#...', '.#...', '.#...'],
    '8': ['.###.', '#...#', '#...#', '.###.', '#...#', '#...#', '.###.'],
    '9': ['.###.', '#...#', '#...#', '.####', '....#', '...#.', '.##..'],
    '+': ['.....', '..#..', '..#..', '#####', '..#..', '..#..', '.....'],
    '!': ['..#..', '..#..', '..#..', '..#..', '..#..', '.....', '..#..'],
  },
};

/** Width in pixels of `text` in `font` at integer `scale`, with one scaled pixel between glyphs. */
export function textWidth(text: string, font: PixelFont, scale: number): number {
  if (text.length === 0) return 0;
  return (text.length * font.width + (text.length - 1)) * scale;
}

// ---------------------------------------------------------------- canvas

function clamp01(v: number): number {
  return v < 0 ? 0 : v > 1 ? 1 : v;
}

/** An RGBA drawing surface. */
export class Canvas {
  /** Premultiplied RGBA, 0..1 floats. */
  readonly px: Float32Array;

  constructor(
    readonly width: number,
    readonly height: number,
  ) {
    if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1) {
      throw new RangeError(`Canvas size must be positive whole numbers, got ${width}×${height}`);
    }
    this.px = new Float32Array(width * height * 4);
  }

  /** Blends colour `c` with coverage `cov` (0..1) into pixel (x, y). */
  private blend(x: number, y: number, cov: number, c: Rgba, mode: BlendMode): void {
    const i = (y * this.width + x) * 4;
    const p = this.px;
    if (mode === 'erase') {
      const k = 1 - cov * c[3];
      p[i] = p[i]! * k;
      p[i + 1] = p[i + 1]! * k;
      p[i + 2] = p[i + 2]! * k;
      p[i + 3] = p[i + 3]! * k;
      return;
    }
    const a = cov * c[3];
    const k = 1 - a;
    p[i] = (c[0] / 255) * a + p[i]! * k;
    p[i + 1] = (c[1] / 255) * a + p[i + 1]! * k;
    p[i + 2] = (c[2] / 255) * a + p[i + 2]! * k;
    p[i + 3] = a + p[i + 3]! * k;
  }

  /** Fills the shape `sdf` with a one-pixel anti-aliased edge. */
  fill(sdf: Sdf, color: Rgba, mode: BlendMode = 'over'): void {
    for (let y = 0; y < this.height; y++) {
      for (let x = 0; x < this.width; x++) {
        const cov = clamp01(0.5 - sdf(x + 0.5, y + 0.5));
        if (cov > 0) this.blend(x, y, cov, color, mode);
      }
    }
  }

  /** Fills the whole-pixel rectangle [x, x+w) × [y, y+h) (crisp, no anti-aliasing). */
  fillPixels(x: number, y: number, w: number, h: number, color: Rgba, mode: BlendMode = 'over'): void {
    const xa = Math.max(0, Math.round(x));
    const ya = Math.max(0, Math.round(y));
    const xb = Math.min(this.width, Math.round(x + w));
    const yb = Math.min(this.height, Math.round(y + h));
    for (let yy = ya; yy < yb; yy++) for (let xx = xa; xx < xb; xx++) this.blend(xx, yy, 1, color, mode);
  }

  /**
   * Draws `text` in a pixel font with its top-left at whole pixel (x, y),
   * each font pixel a `scale`×`scale` block. Characters the font lacks are
   * left blank.
   */
  drawText(
    text: string,
    x: number,
    y: number,
    font: PixelFont,
    scale: number,
    color: Rgba,
    mode: BlendMode = 'over',
  ): void {
    let cx = Math.round(x);
    const cy = Math.round(y);
    for (const ch of text) {
      const rows = font.glyphs[ch];
      if (rows) {
        rows.forEach((row, ry) => {
          for (let rx = 0; rx < row.length; rx++) {
            if (row[rx] === '#') this.fillPixels(cx + rx * scale, cy + ry * scale, scale, scale, color, mode);
          }
        });
      }
      cx += (font.width + 1) * scale;
    }
  }

  /** Straight (not premultiplied) 8-bit RGBA, row by row from the top left. */
  toRgba(): RgbaBitmap {
    const n = this.width * this.height;
    const out = Buffer.alloc(n * 4);
    const p = this.px;
    for (let i = 0; i < n * 4; i += 4) {
      const a = p[i + 3]!;
      if (a <= 0) continue;
      out[i] = Math.round(clamp01(p[i]! / a) * 255);
      out[i + 1] = Math.round(clamp01(p[i + 1]! / a) * 255);
      out[i + 2] = Math.round(clamp01(p[i + 2]! / a) * 255);
      out[i + 3] = Math.round(clamp01(a) * 255);
    }
    return { width: this.width, height: this.height, rgba: out };
  }
}
