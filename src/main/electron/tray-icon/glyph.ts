/**
 * The tray glyph, drawn as raw RGBA pixels at the requested pixel size (not
 * scaled down from a big image, so 16 px stays crisp and the count badge is
 * redrawn for each display scale). Pure TypeScript, no `electron` import:
 * ./native-image.ts hands the pixels to Electron.
 *
 * The tray glyph is a chat bubble:
 * - `idle`       solid bubble in the panel's foreground colour;
 * - `unread`     bubble in the accent colour with a red badge holding the
 *                count ("9+" / "99+" when the number does not fit);
 * - `offline`    faded bubble crossed by a slash;
 * - `error`      red bubble with a big "!" in it;
 * - `signed-out` hollow outline of the bubble.
 *
 * Themes name the panel the icon sits on: `light` (dark glyph on a light
 * taskbar), `dark` (light glyph on a dark one), `template` (black plus alpha
 * only: a macOS template image the OS recolours; colour distinctions become
 * shape and alpha distinctions, badges knock their text out).
 */
import {
  Canvas,
  FONT_3X5,
  FONT_5X7,
  sdCapsule,
  sdConvexPolygon,
  sdGrow,
  sdInnerOutline,
  sdRoundedRect,
  sdUnion,
  textWidth,
  type PixelFont,
  type Rgba,
  type RgbaBitmap,
  type Sdf,
} from './raster';

/** What the tray shows. */
export type TrayState = 'idle' | 'unread' | 'offline' | 'error' | 'signed-out';
/** The panel the icon sits on (`template`: macOS template image). */
export type TrayTheme = 'light' | 'dark' | 'template';

/** Every tray state, in a stable order. */
export const TRAY_STATES: readonly TrayState[] = ['idle', 'unread', 'offline', 'error', 'signed-out'];
/** Every tray theme. */
export const TRAY_THEMES: readonly TrayTheme[] = ['light', 'dark', 'template'];

/** Options of {@link drawTrayIcon}. */
export interface TrayIconOptions {
  state: TrayState;
  /** Unread count shown in the badge (state `unread` only); 0 shows a dot. */
  count: number;
  /** Edge in pixels, 8..256: the icon's size in DIPs times the display scale (16 DIPs at 125 % is 20). */
  size: number;
  theme: TrayTheme;
}

/** Smallest and largest tray icon edge we draw. */
export const TRAY_MIN_SIZE = 8;
export const TRAY_MAX_SIZE = 256;

const RED: Rgba = [229, 57, 53, 1];
const WHITE: Rgba = [255, 255, 255, 1];
const BLACK: Rgba = [0, 0, 0, 1];

interface Palette {
  fg: Rgba;
  accent: Rgba;
  badge: Rgba;
  /** Badge text; `null` knocks the text out of the badge (template images). */
  badgeText: Rgba | null;
  /** Alpha of the faded offline bubble. */
  faded: number;
}

const PALETTES: Record<TrayTheme, Palette> = {
  // Contrast-checked against typical panel colours: #f3f3f3 (light), #202020 (dark).
  light: { fg: [45, 50, 56, 1], accent: [0, 112, 204, 1], badge: RED, badgeText: WHITE, faded: 0.45 },
  dark: { fg: [240, 242, 245, 1], accent: [47, 198, 246, 1], badge: RED, badgeText: WHITE, faded: 0.45 },
  template: { fg: BLACK, accent: BLACK, badge: BLACK, badgeText: null, faded: 0.4 },
};

function withAlpha(c: Rgba, a: number): Rgba {
  return [c[0], c[1], c[2], c[3] * a];
}

/** The label drawn in the unread badge for `count` ("" for a dot), before fitting. */
export function countLabel(count: number): string {
  const n = normalizeCount(count);
  if (n <= 0) return '';
  return n > 99 ? '99+' : String(n);
}

function normalizeCount(count: number): number {
  return Number.isFinite(count) && count > 0 ? Math.floor(count) : 0;
}

interface FontChoice {
  font: PixelFont;
  scale: number;
}

/** The largest pixel font whose glyphs are about a third of the icon tall. */
function pickFont(size: number): FontChoice {
  const target = Math.max(FONT_3X5.height, size * 0.32);
  const small = { font: FONT_3X5, scale: Math.max(1, Math.floor(target / FONT_3X5.height)) };
  const big = { font: FONT_5X7, scale: Math.floor(target / FONT_5X7.height) };
  if (big.scale < 1) return small;
  // Prefer the finer 5×7 design unless it is clearly smaller.
  return big.font.height * big.scale >= 0.9 * small.font.height * small.scale ? big : small;
}

interface Badge {
  x: number;
  y: number;
  w: number;
  h: number;
  label: string;
  font: FontChoice;
}

/**
 * Where the badge goes and what it says: top-right corner, a circle for one
 * glyph, a pill for more; falls back from "123" to "99+" to "9+" until it
 * fits the icon's width.
 */
function layoutBadge(size: number, label: string): Badge {
  const font = pickFont(size);
  const glyphH = font.font.height * font.scale;
  const pad = Math.max(2, Math.round(size / 12));
  const h = label === '' ? Math.max(4, Math.round(size * 0.42)) : glyphH + 2 * pad;
  const widthOf = (l: string): number => Math.max(h, textWidth(l, font.font, font.scale) + 2 * pad);
  // "42" or "99+" that does not fit becomes "9+" (still says "more than nine").
  const candidates = label.length > 1 ? [label, '9+'] : [label];
  let chosen = candidates[candidates.length - 1]!;
  for (const c of candidates) {
    if (widthOf(c) <= size) {
      chosen = c;
      break;
    }
  }
  const w = Math.min(size, widthOf(chosen));
  return { x: size - w, y: 0, w, h, label: chosen, font };
}

/**
 * The text the unread badge shows for `count` on an icon of `size` px:
 * the number, "99+" above 99, or "9+" where that does not fit ("" = a dot).
 */
export function fitBadgeLabel(count: number, size: number): string {
  return layoutBadge(size, countLabel(count)).label;
}

/** The bubble shape for an icon of edge `s`: body edges on whole pixels so straight edges stay crisp. */
function bubbleShape(s: number): Sdf {
  const k = s / 16;
  const x0 = Math.round(1 * k);
  const x1 = s - Math.round(1 * k);
  const y0 = Math.round(2 * k);
  const y1 = Math.round(12 * k);
  const body = sdRoundedRect(x0, y0, x1 - x0, y1 - y0, 3.2 * k);
  const tail = sdConvexPolygon([
    [3.2 * k, y1 - 1.5 * k],
    [8 * k, y1 - 1.5 * k],
    [3 * k, 15 * k],
  ]);
  return sdUnion(body, tail);
}

/** The three "typing" dots knocked out of a filled bubble. */
function bubbleDots(canvas: Canvas, s: number): void {
  const k = s / 16;
  const d = Math.max(1, Math.round(2 * k));
  const cy = Math.round(7 * k - d / 2);
  for (const cx of [5, 8, 11]) {
    canvas.fillPixels(Math.round(cx * k - d / 2), cy, d, d, BLACK, 'erase');
  }
}

function drawBadge(canvas: Canvas, badge: Badge, p: Palette, ring: number): void {
  const { x, y, w, h } = badge;
  const shape = sdRoundedRect(x, y, w, h, h / 2);
  // A transparent ring separates the badge from the bubble under it.
  canvas.fill(sdGrow(shape, ring), BLACK, 'erase');
  canvas.fill(shape, p.badge);
  if (badge.label === '') return;
  const { font, scale } = badge.font;
  const tw = textWidth(badge.label, font, scale);
  const tx = x + Math.floor((w - tw) / 2);
  const ty = y + Math.floor((h - font.height * scale) / 2);
  if (p.badgeText) canvas.drawText(badge.label, tx, ty, font, scale, p.badgeText);
  else canvas.drawText(badge.label, tx, ty, font, scale, BLACK, 'erase');
}

/**
 * The error glyph: the bubble in the alert colour with a big "!" in it
 * (knocked out in template images). A changed bubble rather than another
 * badge, so error and unread differ in shape as well as colour.
 */
function drawErrorBubble(canvas: Canvas, s: number, bubble: Sdf, p: Palette): void {
  canvas.fill(bubble, p.badge);
  const k = s / 16;
  const y0 = Math.round(2 * k);
  const y1 = Math.round(12 * k);
  // About 70 % of the body's height (pickFont aims at a third of its argument).
  const { font, scale } = pickFont(Math.round(((y1 - y0) * 0.7) / 0.32));
  const gw = font.width * scale;
  const gh = font.height * scale;
  const tx = Math.round(s / 2 - gw / 2);
  const ty = y0 + Math.floor((y1 - y0 - gh) / 2);
  if (p.badgeText) canvas.drawText('!', tx, ty, font, scale, p.badgeText);
  else canvas.drawText('!', tx, ty, font, scale, BLACK, 'erase');
}

function validate(opts: TrayIconOptions): void {
  if (!TRAY_STATES.includes(opts.state)) throw new TypeError(`Unknown tray state: ${String(opts.state)}`);
  if (!TRAY_THEMES.includes(opts.theme)) throw new TypeError(`Unknown tray theme: ${String(opts.theme)}`);
  if (!Number.isInteger(opts.size) || opts.size < TRAY_MIN_SIZE || opts.size > TRAY_MAX_SIZE) {
    throw new RangeError(
      `Tray icon size must be a whole number from ${TRAY_MIN_SIZE} to ${TRAY_MAX_SIZE}, got ${String(opts.size)}`,
    );
  }
}

/**
 * Draws the tray icon for a state, unread count, pixel size and panel theme
 * as straight RGBA pixels. Throws TypeError/RangeError for an unknown
 * state/theme or a size outside 8..256; a negative or non-finite count
 * counts as 0.
 */
export function drawTrayIcon(opts: TrayIconOptions): RgbaBitmap {
  validate(opts);
  const s = opts.size;
  const p = PALETTES[opts.theme];
  const canvas = new Canvas(s, s);
  const bubble = bubbleShape(s);
  const ring = Math.max(1, Math.round(s / 16));
  switch (opts.state) {
    case 'idle':
      canvas.fill(bubble, p.fg);
      bubbleDots(canvas, s);
      break;
    case 'unread':
      // No dots: the badge would leave an odd one or two of them showing.
      canvas.fill(bubble, p.accent);
      drawBadge(canvas, layoutBadge(s, countLabel(opts.count)), p, ring);
      break;
    case 'error':
      drawErrorBubble(canvas, s, bubble, p);
      break;
    case 'offline': {
      canvas.fill(bubble, withAlpha(p.fg, p.faded));
      const k = s / 16;
      const w = Math.max(1.5, 1.6 * k);
      const slash = sdCapsule(2 * k, 1.5 * k, 14 * k, 14.5 * k, w);
      canvas.fill(sdGrow(slash, ring), BLACK, 'erase');
      canvas.fill(slash, p.fg);
      break;
    }
    case 'signed-out':
      canvas.fill(sdInnerOutline(bubble, Math.max(1, Math.floor(s / 12))), p.fg);
      break;
  }
  return canvas.toRgba();
}
