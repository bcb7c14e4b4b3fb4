/**
 * Where the popup goes: next to the tray icon when the OS tells us where it
 * is (Windows, macOS, X11 with XEmbed trays), next to the cursor on its
 * display when it does not (Linux AppIndicator/StatusNotifier trays report
 * empty bounds), centred on Wayland, where a client cannot position its own
 * windows and the compositor decides anyway. Pure geometry, rounded to whole
 * pixels (menubar's lesson: fractional positions blur or get rejected),
 * clamped to the work area so the popup never hides under a taskbar.
 */

/** A rectangle in screen DIP coordinates (Electron's `Rectangle`). */
export interface Rect {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** A display as `screen.getAllDisplays()` describes it (the fields used). */
export interface DisplayArea {
  bounds: Rect;
  workArea: Rect;
}

/** Where the taskbar / menu bar holding the tray sits. */
export type Edge = 'top' | 'bottom' | 'left' | 'right';

/** Everything {@link placePopup} needs. */
export interface PlacementInput {
  /** The popup's outer size. */
  size: { width: number; height: number };
  /** `tray.getBounds()`; null or an empty rectangle when the OS does not say. */
  trayBounds: Rect | null;
  /** `screen.getCursorScreenPoint()`. */
  cursor: { x: number; y: number };
  /** `screen.getAllDisplays()`. */
  displays: readonly DisplayArea[];
  /** `process.platform`, with `-wayland` appended on a Wayland session. */
  platform: string;
  /** Gap between the popup and the taskbar / cursor, default 4 px. */
  gap?: number;
}

/** The popup's top-left corner and how it was chosen (for logs and tests). */
export interface Placement {
  x: number;
  y: number;
  anchor: 'tray' | 'cursor' | 'center';
  edge: Edge | null;
}

const isUsable = (r: Rect | null): r is Rect =>
  !!r && [r.x, r.y, r.width, r.height].every(Number.isFinite) && r.width > 0 && r.height > 0;

const contains = (r: Rect, p: { x: number; y: number }): boolean =>
  p.x >= r.x && p.x < r.x + r.width && p.y >= r.y && p.y < r.y + r.height;

function distance2(r: Rect, p: { x: number; y: number }): number {
  const dx = Math.max(r.x - p.x, 0, p.x - (r.x + r.width));
  const dy = Math.max(r.y - p.y, 0, p.y - (r.y + r.height));
  return dx * dx + dy * dy;
}

/** The display containing `p`, else the nearest one (a point in a gap between monitors). */
export function displayFor(displays: readonly DisplayArea[], p: { x: number; y: number }): DisplayArea | null {
  let best: DisplayArea | null = null;
  let bestD = Infinity;
  for (const d of displays) {
    if (contains(d.bounds, p)) return d;
    const dd = distance2(d.bounds, p);
    if (dd < bestD) {
      bestD = dd;
      best = d;
    }
  }
  return best;
}

/**
 * The edge the taskbar is on: where the work area is cut short; with an
 * auto-hiding taskbar (work area = bounds) the display edge nearest the tray.
 */
export function taskbarEdge(display: DisplayArea, tray: Rect): Edge {
  const b = display.bounds;
  const w = display.workArea;
  if (w.y > b.y) return 'top';
  if (w.y + w.height < b.y + b.height) return 'bottom';
  if (w.x > b.x) return 'left';
  if (w.x + w.width < b.x + b.width) return 'right';
  const cx = tray.x + tray.width / 2;
  const cy = tray.y + tray.height / 2;
  const gaps: [Edge, number][] = [
    ['top', cy - b.y],
    ['bottom', b.y + b.height - cy],
    ['left', cx - b.x],
    ['right', b.x + b.width - cx],
  ];
  gaps.sort((a, z) => a[1] - z[1]);
  return gaps[0]![0];
}

function clamp(v: number, lo: number, hi: number): number {
  // A popup larger than the work area keeps its top-left corner visible.
  return hi < lo ? lo : Math.min(Math.max(v, lo), hi);
}

function clampInto(x: number, y: number, size: PlacementInput['size'], area: Rect): { x: number; y: number } {
  return {
    x: Math.round(clamp(x, area.x, area.x + area.width - size.width)),
    y: Math.round(clamp(y, area.y, area.y + area.height - size.height)),
  };
}

/** Computes where to show the popup. Never throws; falls back to the centre of the first display. */
export function placePopup(input: PlacementInput): Placement {
  const { size, trayBounds, cursor, displays, platform } = input;
  const gap = input.gap ?? 4;
  const fallback: DisplayArea = {
    bounds: { x: 0, y: 0, width: size.width, height: size.height },
    workArea: { x: 0, y: 0, width: size.width, height: size.height },
  };

  if (platform.endsWith('-wayland')) {
    // Wayland clients cannot place their windows; centre on the cursor's display as the best guess.
    const d = displayFor(displays, cursor) ?? displays[0] ?? fallback;
    const a = d.workArea;
    return {
      ...clampInto(a.x + (a.width - size.width) / 2, a.y + (a.height - size.height) / 2, size, a),
      anchor: 'center',
      edge: null,
    };
  }

  if (isUsable(trayBounds)) {
    const t = trayBounds;
    const centre = { x: t.x + t.width / 2, y: t.y + t.height / 2 };
    const d = displayFor(displays, centre) ?? fallback;
    const edge = taskbarEdge(d, t);
    let x: number;
    let y: number;
    switch (edge) {
      case 'top':
        x = centre.x - size.width / 2;
        y = t.y + t.height + gap;
        break;
      case 'bottom':
        x = centre.x - size.width / 2;
        y = t.y - size.height - gap;
        break;
      case 'left':
        x = t.x + t.width + gap;
        y = centre.y - size.height / 2;
        break;
      case 'right':
        x = t.x - size.width - gap;
        y = centre.y - size.height / 2;
        break;
    }
    return { ...clampInto(x, y, size, d.workArea), anchor: 'tray', edge };
  }

  const valid = Number.isFinite(cursor.x) && Number.isFinite(cursor.y);
  const d = (valid ? displayFor(displays, cursor) : null) ?? displays[0] ?? fallback;
  if (!valid) {
    const a = d.workArea;
    return {
      ...clampInto(a.x + (a.width - size.width) / 2, a.y + (a.height - size.height) / 2, size, a),
      anchor: 'center',
      edge: null,
    };
  }
  const a = d.workArea;
  // Open away from the nearer horizontal edge, so a click in a bottom panel opens upwards.
  const below = cursor.y < a.y + a.height / 2;
  const x = cursor.x - size.width / 2;
  const y = below ? cursor.y + gap : cursor.y - size.height - gap;
  return { ...clampInto(x, y, size, a), anchor: 'cursor', edge: null };
}
