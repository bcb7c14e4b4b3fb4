/**
 * Resolves once the frame that follows now has been painted and the renderer is idle:
 * `requestAnimationFrame` runs at the start of that frame's rendering, and an idle callback
 * requested from it runs after its style, layout and paint, once no input or other task waits.
 * A hidden window renders no frames, and a busy one may have no idle time: it never waits longer
 * than `maxWaitMs`.
 *
 * The popup sends a switch's intent here, after the flip it shows (issue 14): the send's own work
 * (serialising, the IPC or fetch call) and whatever answers it then come after the frame that
 * shows the switch flipped, and after any input that arrived meanwhile, not before them.
 */
export function afterNextPaint(maxWaitMs = 100): Promise<void> {
  return new Promise((resolve) => {
    let done = false;
    const go = (): void => {
      if (done) return;
      done = true;
      clearTimeout(fallback);
      resolve();
    };
    const fallback = setTimeout(go, maxWaitMs);
    requestAnimationFrame(() => {
      if (typeof requestIdleCallback === 'function') requestIdleCallback(go, { timeout: maxWaitMs });
      else setTimeout(go, 0);
    });
  });
}
