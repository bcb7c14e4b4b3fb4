import { describe, expect, it } from 'vitest';
import { pageRows, rowRange, rowsToRender } from './list-window';

describe('rowRange', () => {
  it('at the top: the rows filling the viewport plus the overscan below', () => {
    // 400 px / 52 px = 7.7 rows → rows 0–7 intersect; 4 more below.
    expect(rowRange(500, 0, 400, 52, 4)).toEqual({ start: 0, end: 12 });
  });

  it('below a header: the viewport holds fewer of the list rows', () => {
    expect(rowRange(500, 40, 400, 52, 4)).toEqual({ start: 0, end: 11 });
  });

  it('scrolled into the middle: overscan on both sides', () => {
    // The list's top is 5200 px above the viewport: row 100 is at the top edge.
    expect(rowRange(500, -5200, 400, 52, 4)).toEqual({ start: 96, end: 112 });
    // Half a row past row 100.
    expect(rowRange(500, -5226, 400, 52, 4)).toEqual({ start: 96, end: 113 });
  });

  it('at the end: clamped to the list', () => {
    expect(rowRange(500, -(500 * 52 - 400), 400, 52, 4)).toEqual({ start: 488, end: 500 });
  });

  it('a short list renders whole; an empty one renders nothing', () => {
    expect(rowRange(6, 40, 400, 52, 4)).toEqual({ start: 0, end: 6 });
    expect(rowRange(0, 0, 400)).toEqual({ start: 0, end: 0 });
  });

  it('a list wholly out of view (another portal far below or above) renders nothing', () => {
    expect(rowRange(50, 2000, 400, 52, 4)).toEqual({ start: 0, end: 0 });
    expect(rowRange(50, -5000, 400, 52, 4)).toEqual({ start: 50, end: 50 });
  });

  it('the rendered count is bounded by the viewport, not the list', () => {
    for (const top of [0, -1000, -13_000, -25_600]) {
      const r = rowRange(10_000, top, 480, 52, 4);
      expect(r.end - r.start).toBeLessThanOrEqual(Math.ceil(480 / 52) + 1 + 2 * 4);
    }
  });
});

describe('rowsToRender', () => {
  it('the range in order, plus kept rows outside it, still in list order', () => {
    expect(rowsToRender({ start: 3, end: 6 })).toEqual([3, 4, 5]);
    expect(rowsToRender({ start: 3, end: 6 }, [0, 4, 499, undefined])).toEqual([0, 3, 4, 5, 499]);
    expect(rowsToRender({ start: 3, end: 6 }, [499, 499])).toEqual([3, 4, 5, 499]);
  });
});

describe('pageRows', () => {
  it('a viewport less one row, at least one', () => {
    expect(pageRows(400, 52)).toBe(6);
    expect(pageRows(30, 52)).toBe(1);
  });
});
