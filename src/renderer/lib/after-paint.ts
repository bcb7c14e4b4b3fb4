/**
 * Resolves once the frame that follows now has been painted and the renderer is idle:
 * `requestAnimationFrame` runs at the start of that frame's rendering, and an idle callback
 * requested from it runs after its style, layout and paint, once no input or other task waits.
 * A busy renderer may have no idle time: it never waits longer than `maxWaitMs`.
 *
 * A hidden page renders no frames, and Electron throttles its timers (`backgroundThrottling`
 * defaults to true: a 100 ms timer may fire a second later), so nothing waits there: hidden now
 * resolves at once, and a page that becomes hidden (the popup closed right after a key press) or
 * is being unloaded (quit) resolves every wait at that moment.
 *
 * The popup sends a switch's intent here, after the flip it shows (issue 14): the send's own work
 * (serialising, the IPC or fetch call) and whatever answers it then come after the frame that
 * shows the switch flipped, and after any input that arrived meanwhile, not before them.
 */
export function afterNextPaint(maxWaitMs = 100): Promise<void> {
  if (document.visibilityState === 'hidden') return Promise.resolve();
  return new Promise((resolve) => {
    let done = false;
    const go = (): void => {
      if (done) return;
      done = true;
      clearTimeout(fallback);
      document.removeEventListener('visibilitychange', onHidden);
      window.removeEventListener('pagehide', go);
      resolve();
    };
    const onHidden = (): void => {
      if (document.visibilityState === 'hidden') go();
    };
    const fallback = setTimeout(go, maxWaitMs);
    document.addEventListener('visibilitychange', onHidden);
    window.addEventListener('pagehide', go);
    requestAnimationFrame(() => {
      if (typeof requestIdleCallback === 'function') requestIdleCallback(go, { timeout: maxWaitMs });
      else setTimeout(go, 0);
    });
  });
}
