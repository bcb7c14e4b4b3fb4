import { describe, expect, it } from 'vitest';
import { placePopup, taskbarEdge, type DisplayArea, type PlacementInput } from './placement';

const SIZE = { width: 360, height: 480 };
const FHD = { x: 0, y: 0, width: 1920, height: 1080 };

function display(bounds: DisplayArea['bounds'], workArea: DisplayArea['workArea']): DisplayArea {
  return { bounds, workArea };
}

const bottomBar = display(FHD, { x: 0, y: 0, width: 1920, height: 1040 });
const topBar = display(FHD, { x: 0, y: 25, width: 1920, height: 1055 });
const leftBar = display(FHD, { x: 48, y: 0, width: 1872, height: 1080 });
const rightBar = display(FHD, { x: 0, y: 0, width: 1872, height: 1080 });

function place(p: Partial<PlacementInput>) {
  return placePopup({
    size: SIZE,
    trayBounds: null,
    cursor: { x: 0, y: 0 },
    displays: [bottomBar],
    platform: 'win32',
    ...p,
  });
}

function inside(r: { x: number; y: number }, d: DisplayArea) {
  const a = d.workArea;
  expect(r.x).toBeGreaterThanOrEqual(a.x);
  expect(r.y).toBeGreaterThanOrEqual(a.y);
  expect(r.x + SIZE.width).toBeLessThanOrEqual(a.x + a.width);
  expect(r.y + SIZE.height).toBeLessThanOrEqual(a.y + a.height);
}

describe('placePopup next to the tray', () => {
  it('Windows, bottom taskbar: above the icon, centred on it', () => {
    const r = place({ trayBounds: { x: 1700, y: 1044, width: 24, height: 32 } });
    expect(r).toEqual({ x: 1532, y: 1044 - 480 - 4, anchor: 'tray', edge: 'bottom' });
    inside(r, bottomBar);
  });

  it('macOS menu bar on top: below the icon', () => {
    const r = place({
      platform: 'darwin',
      displays: [topBar],
      trayBounds: { x: 1500, y: 0, width: 22, height: 24 },
    });
    expect(r).toEqual({ x: 1331, y: 28, anchor: 'tray', edge: 'top' });
    inside(r, topBar);
  });

  it('left taskbar: to the right of the icon', () => {
    const r = place({ displays: [leftBar], trayBounds: { x: 8, y: 1000, width: 32, height: 32 } });
    expect(r.edge).toBe('left');
    // The icon sits inside the taskbar; the popup starts where the work area does.
    expect(r.x).toBe(48);
    // Clamped: centred on the icon would overflow the bottom.
    expect(r.y).toBe(1080 - 480);
    inside(r, leftBar);
  });

  it('right taskbar: to the left of the icon', () => {
    const r = place({ displays: [rightBar], trayBounds: { x: 1880, y: 500, width: 32, height: 32 } });
    expect(r).toEqual({ x: 1872 - 360, y: 516 - 240, anchor: 'tray', edge: 'right' });
    inside(r, rightBar);
  });

  it('an icon at the far corner is clamped into the work area', () => {
    const r = place({ trayBounds: { x: 1900, y: 1044, width: 20, height: 32 } });
    expect(r.x).toBe(1920 - 360);
    inside(r, bottomBar);
  });

  it('auto-hidden taskbar (work area = bounds): the nearest display edge', () => {
    const full = display(FHD, FHD);
    expect(taskbarEdge(full, { x: 1700, y: 1050, width: 24, height: 24 })).toBe('bottom');
    expect(taskbarEdge(full, { x: 1700, y: 2, width: 24, height: 24 })).toBe('top');
    expect(taskbarEdge(full, { x: 2, y: 500, width: 24, height: 24 })).toBe('left');
    expect(taskbarEdge(full, { x: 1900, y: 500, width: 20, height: 24 })).toBe('right');
  });

  it('rounds fractional (HiDPI) coordinates to whole pixels', () => {
    const r = place({ trayBounds: { x: 1700.5, y: 1044.25, width: 24.5, height: 31.5 } });
    expect(Number.isInteger(r.x)).toBe(true);
    expect(Number.isInteger(r.y)).toBe(true);
  });
});

describe('placePopup on several monitors', () => {
  const left = display({ x: -1280, y: 0, width: 1280, height: 1024 }, { x: -1280, y: 0, width: 1280, height: 984 });
  const main = bottomBar;
  const right = display(
    { x: 1920, y: -200, width: 2560, height: 1440 },
    { x: 1920, y: -200, width: 2560, height: 1400 },
  );
  const displays = [main, left, right];

  it('tray on the secondary monitor at negative coordinates stays on that monitor', () => {
    const r = place({ displays, trayBounds: { x: -60, y: 988, width: 24, height: 32 } });
    expect(r.edge).toBe('bottom');
    expect(r.x).toBe(-360);
    expect(r.y).toBe(988 - 484);
    inside(r, left);
  });

  it('tray on a taller monitor offset upwards', () => {
    const r = place({ displays, trayBounds: { x: 4400, y: 1204, width: 24, height: 32 } });
    inside(r, right);
    expect(r.y).toBe(1204 - 484);
  });

  it('no tray bounds: next to the cursor on the cursor display', () => {
    const r = place({ platform: 'linux', displays, cursor: { x: 3000, y: -150 } });
    expect(r.anchor).toBe('cursor');
    expect(r).toMatchObject({ x: 3000 - 180, y: -150 + 4 });
    inside(r, right);
  });

  it('no tray bounds, cursor low on the screen: opens upwards', () => {
    const r = place({ platform: 'linux', displays, cursor: { x: 100, y: 1030 } });
    expect(r.anchor).toBe('cursor');
    expect(r.y).toBe(1030 - 480 - 4);
    expect(r.x).toBe(0);
    inside(r, main);
  });

  it('a cursor in the gap between monitors uses the nearest one', () => {
    const r = place({ platform: 'linux', displays, cursor: { x: 1000, y: 1500 } });
    inside(r, main);
  });

  it('an empty rectangle from an AppIndicator tray counts as no bounds', () => {
    const r = place({
      platform: 'linux',
      displays,
      trayBounds: { x: 0, y: 0, width: 0, height: 0 },
      cursor: { x: 500, y: 10 },
    });
    expect(r.anchor).toBe('cursor');
  });
});

describe('placePopup on Wayland', () => {
  it('centres on the cursor display regardless of tray bounds', () => {
    const second = display({ x: 1920, y: 0, width: 1920, height: 1080 }, { x: 1920, y: 32, width: 1920, height: 1048 });
    const r = place({
      platform: 'linux-wayland',
      displays: [bottomBar, second],
      trayBounds: { x: 10, y: 10, width: 24, height: 24 },
      cursor: { x: 2500, y: 500 },
    });
    expect(r).toEqual({ x: 1920 + 780, y: 32 + 284, anchor: 'center', edge: null });
  });
});

describe('placePopup with odd input', () => {
  it('no displays and NaN cursor still yields integers', () => {
    const r = place({ platform: 'linux', displays: [], cursor: { x: NaN, y: NaN } });
    expect(Number.isInteger(r.x) && Number.isInteger(r.y)).toBe(true);
  });

  it('a popup larger than the work area keeps its top-left corner on screen', () => {
    const small = display({ x: 0, y: 0, width: 300, height: 400 }, { x: 0, y: 0, width: 300, height: 380 });
    const r = place({ displays: [small], trayBounds: { x: 280, y: 382, width: 16, height: 16 } });
    expect(r.x).toBe(0);
    expect(r.y).toBe(0);
  });
});
