/**
 * Avatar colours come from the portal; white initials must stay readable
 * (WCAG AA, 4.5:1) on any of them, so the colour is darkened just enough.
 */

function channel(v: number): number {
  const s = v / 255;
  return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
}

function luminance([r, g, b]: [number, number, number]): number {
  return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b);
}

/** Parses `#rgb` / `#rrggbb` (alpha ignored); null for anything else. */
export function parseHex(color: string): [number, number, number] | null {
  const m = /^#([0-9a-f]{3}|[0-9a-f]{6}|[0-9a-f]{8})$/i.exec(color.trim());
  if (!m) return null;
  let hex = m[1]!;
  if (hex.length === 3) hex = [...hex].map((c) => c + c).join('');
  return [0, 2, 4].map((i) => parseInt(hex.slice(i, i + 2), 16)) as [number, number, number];
}

/** Contrast ratio of white text on `rgb`. */
export function whiteContrast(rgb: [number, number, number]): number {
  return 1.05 / (luminance(rgb) + 0.05);
}

const FALLBACK = '#5f6773';

// Portals use a handful of avatar colours: compute each once, not once per row per render.
const memo = new Map<string, string>();
const MEMO_MAX = 256;

/** The avatar background for `color`: the same hue, darkened until white text reaches 4.5:1. */
export function avatarBackground(color: string): string {
  let bg = memo.get(color);
  if (bg === undefined) {
    bg = darken(color);
    // Bounded: a portal sending arbitrary colours cannot grow it without limit.
    if (memo.size >= MEMO_MAX) memo.clear();
    memo.set(color, bg);
  }
  return bg;
}

function darken(color: string): string {
  let rgb = parseHex(color);
  if (!rgb) return FALLBACK;
  for (let i = 0; i < 20 && whiteContrast(rgb) < 4.5; i++) {
    rgb = rgb.map((v) => Math.floor(v * 0.92)) as [number, number, number];
  }
  return `#${rgb.map((v) => v.toString(16).padStart(2, '0')).join('')}`;
}
