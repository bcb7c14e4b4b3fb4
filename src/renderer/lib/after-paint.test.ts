/**
 * afterNextPaint in a page whose frames, idle time and visibility the test controls: a hidden
 * popup renders no frames and Electron throttles its timers, so a toggle's send must not wait
 * for a frame there.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { afterNextPaint } from './after-paint';

/** A page: frames and idle callbacks run only when the test says so; visibility can change. */
function page(visibility: 'visible' | 'hidden') {
  const doc = Object.assign(new EventTarget(), { visibilityState: visibility });
  const win = new EventTarget();
  const frames: FrameRequestCallback[] = [];
  const idle: IdleRequestCallback[] = [];
  vi.stubGlobal('document', doc);
  vi.stubGlobal('window', win);
  vi.stubGlobal('requestAnimationFrame', (cb: FrameRequestCallback) => frames.push(cb));
  vi.stubGlobal('requestIdleCallback', (cb: IdleRequestCallback) => idle.push(cb));
  return {
    doc,
    win,
    frame: () => frames.splice(0).forEach((cb) => cb(0)),
    idle: () => idle.splice(0).forEach((cb) => cb({ didTimeout: false, timeRemaining: () => 10 })),
    hide() {
      doc.visibilityState = 'hidden';
      doc.dispatchEvent(new Event('visibilitychange'));
    },
    unload: () => win.dispatchEvent(new Event('pagehide')),
  };
}

/** Whether `p` has settled once pending microtasks ran. */
async function settled(p: Promise<void>): Promise<boolean> {
  let done = false;
  void p.then(() => (done = true));
  for (let i = 0; i < 5; i++) await Promise.resolve();
  return done;
}

afterEach(() => vi.unstubAllGlobals());

describe('afterNextPaint', () => {
  it('waits for the next frame and then idle time', async () => {
    const p = page('visible');
    const wait = afterNextPaint(60_000);
    expect(await settled(wait)).toBe(false);
    p.frame();
    expect(await settled(wait)).toBe(false);
    p.idle();
    expect(await settled(wait)).toBe(true);
  });

  it('does not wait at all in a hidden page (no frames come, timers are throttled)', async () => {
    page('hidden');
    expect(await settled(afterNextPaint(60_000))).toBe(true);
  });

  it('a page hidden before its frame (Space, then Esc at once) lets the send go at that moment', async () => {
    const p = page('visible');
    const wait = afterNextPaint(60_000);
    expect(await settled(wait)).toBe(false);
    p.hide();
    expect(await settled(wait)).toBe(true);
  });

  it('a page being unloaded (quit) lets the send go at that moment', async () => {
    const p = page('visible');
    const wait = afterNextPaint(60_000);
    p.unload();
    expect(await settled(wait)).toBe(true);
  });

  it("adds the page's listeners once, not per wait: each wait comes after an idle moment, when adding one costs ~0.2 ms", async () => {
    const p = page('visible');
    const onDoc = vi.spyOn(p.doc, 'addEventListener');
    const onWin = vi.spyOn(p.win, 'addEventListener');
    const first = afterNextPaint(60_000);
    const second = afterNextPaint(60_000);
    p.frame();
    p.idle();
    expect(await settled(first)).toBe(true);
    expect(await settled(second)).toBe(true);
    const third = afterNextPaint(60_000);
    expect(onDoc.mock.calls.length + onWin.mock.calls.length).toBeLessThanOrEqual(2);
    // The listeners added once still resolve a later wait when the page hides.
    p.hide();
    expect(await settled(third)).toBe(true);
  });

  it('a busy page with no frame and no idle time waits at most maxWaitMs', async () => {
    vi.useFakeTimers();
    try {
      page('visible');
      const wait = afterNextPaint(100);
      await vi.advanceTimersByTimeAsync(99);
      expect(await settled(wait)).toBe(false);
      await vi.advanceTimersByTimeAsync(1);
      expect(await settled(wait)).toBe(true);
    } finally {
      vi.useRealTimers();
    }
  });
});
