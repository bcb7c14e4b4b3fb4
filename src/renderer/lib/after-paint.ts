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
 *
 * The page's `visibilitychange` and `pagehide` listeners are added once, when this module loads
 * (see {@link watch}), not by each wait: a wait comes after an idle moment (a key press, a pushed
 * list), when adding and removing a listener costs ~0.2 ms each on the bench's machine (timed in
 * Chromium with nothing attached: cold `addEventListener` 0.22–0.36 ms on average), and the
 * mount of a list and a key's flip paid for four of them before their frame (issue 14, twelfth
 * round).
 */

/** The waits not yet resolved: what the page's hiding or unloading resolves at once. */
const pending = new Set<() => void>();
/** The document whose hiding and unloading resolve {@link pending} (tests give each their own). */
let watched: Document | null = null;

/** Adds the page's two listeners, once per document. */
function watch(): void {
  if (watched === document) return;
  const doc = document;
  watched = doc;
  const all = (): void => {
    for (const go of [...pending]) go();
  };
  doc.addEventListener('visibilitychange', () => {
    if (doc.visibilityState === 'hidden') all();
  });
  window.addEventListener('pagehide', all);
}
if (typeof document !== 'undefined') watch();

export function afterNextPaint(maxWaitMs = 100): Promise<void> {
  if (document.visibilityState === 'hidden') return Promise.resolve();
  watch();
  return new Promise((resolve) => {
    const go = (): void => {
      if (!pending.delete(go)) return;
      clearTimeout(fallback);
      resolve();
    };
    pending.add(go);
    const fallback = setTimeout(go, maxWaitMs);
    requestAnimationFrame(() => {
      if (typeof requestIdleCallback === 'function') requestIdleCallback(go, { timeout: maxWaitMs });
      else setTimeout(go, 0);
    });
  });
}
