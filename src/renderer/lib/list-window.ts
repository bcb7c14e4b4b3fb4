/**
 * Windowed rendering of the dialog list (issue 14): only the rows in or near
 * the scrolling viewport exist in the DOM. Every row has the same height, so
 * which rows those are is arithmetic on the scroll position; this module is
 * that arithmetic, pure so it is tested without a DOM.
 */

/** The height of one row in CSS px (DialogList sets it as `--row-h`; every row is exactly this tall). */
export const ROW_HEIGHT = 52;

/**
 * Rows rendered beyond each edge of the viewport: a wheel notch or a key
 * press lands on rows that already exist, and the next frame fills in the rest.
 */
export const OVERSCAN = 4;

/** A half-open range of row indices, `[start, end)`. */
export interface RowRange {
  start: number;
  end: number;
}

/**
 * The rows of a list of `count` rows to render, when the list's first row
 * starts `top` px below the viewport's top edge (negative once scrolled past)
 * and the viewport is `height` px tall: the rows it intersects, plus
 * `overscan` on each side, clamped to the list. Empty (`start === end`) when
 * the list is wholly outside the viewport by more than the overscan.
 */
export function rowRange(
  count: number,
  top: number,
  height: number,
  rowHeight = ROW_HEIGHT,
  overscan = OVERSCAN,
): RowRange {
  if (count <= 0 || rowHeight <= 0) return { start: 0, end: 0 };
  const first = Math.floor(-top / rowHeight) - overscan;
  const last = Math.ceil((Math.max(0, height) - top) / rowHeight) + overscan;
  const start = Math.min(count, Math.max(0, first));
  const end = Math.max(start, Math.min(count, last));
  return { start, end };
}

/**
 * The indices to render: `range`, plus each of `keep` (the focused row, the
 * row whose menu is open) wherever it is, so focus and an open menu survive
 * scrolling away; ascending, so the DOM keeps list order (Tab, screen readers).
 */
export function rowsToRender(range: RowRange, keep: readonly (number | undefined)[] = []): number[] {
  const rows: number[] = [];
  for (let i = range.start; i < range.end; i++) rows.push(i);
  const extra = keep.filter((i): i is number => i !== undefined && i >= 0 && (i < range.start || i >= range.end));
  if (extra.length === 0) return rows;
  return [...new Set([...rows, ...extra])].sort((a, b) => a - b);
}

/** Rows one PageUp / PageDown moves the focus: a viewport's worth less one, so one row stays in view; at least 1. */
export function pageRows(viewportHeight: number, rowHeight = ROW_HEIGHT): number {
  return Math.max(1, Math.floor(viewportHeight / rowHeight) - 1);
}
