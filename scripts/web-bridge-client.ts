/**
 * The browser preview's stand-in for the preload: the source of the small
 * script served at `/bridge.js`, which defines `window.api` with exactly
 * the {@link Api} shape. The intent and event names are generated from
 * INVOKE_NAMES / EVENT_NAMES (src/shared/ipc.ts), never listed by hand.
 *
 * Dev only (scripts/ is never packaged).
 */
import { EVENT_NAMES, INVOKE_NAMES } from '../src/shared/ipc';

/** Header that must carry the per-run token on every API call. */
export const TOKEN_HEADER = 'x-b24ut-token';

/**
 * The client script. `token` is embedded so the page can send the header;
 * the script itself is only served to a request that already holds the
 * token cookie (SameSite=Strict, so another site cannot fetch it).
 */
export function bridgeClientSource(token: string): string {
  const config = JSON.stringify({ invoke: INVOKE_NAMES, events: EVENT_NAMES, token, header: TOKEN_HEADER });
  // Plain ES2020 with no imports: it runs before the app's module script.
  return `// B24 Unread Tray browser preview bridge (generated; dev only).
(() => {
  'use strict';
  const cfg = ${config};
  const listeners = new Map(cfg.events.map((e) => [e, new Set()]));
  const source = new EventSource('./api/events');
  for (const name of cfg.events) {
    source.addEventListener(name, (m) => {
      let payload;
      try { payload = JSON.parse(m.data); } catch { return; }
      for (const l of [...listeners.get(name)]) {
        try { l(payload); } catch (err) { console.error(err); }
      }
    });
  }
  const api = {};
  for (const name of cfg.invoke) {
    api[name] = async (...args) => {
      try {
        const res = await fetch('./api/invoke/' + name, {
          method: 'POST',
          headers: { 'content-type': 'application/json', [cfg.header]: cfg.token },
          body: JSON.stringify(args),
          credentials: 'same-origin',
        });
        const body = await res.json();
        if (body && typeof body === 'object' && typeof body.ok === 'boolean') return body;
        return { ok: false, error: { code: 'BAD_RESPONSE', message: 'The preview server sent an unexpected answer.' } };
      } catch {
        return { ok: false, error: { code: 'NETWORK', message: 'The preview server is not reachable. Is npm run web still running?' } };
      }
    };
  }
  api.on = (event, listener) => {
    const set = listeners.get(event);
    if (!set) throw new Error('Unknown event: ' + String(event));
    set.add(listener);
    return () => { set.delete(listener); };
  };
  Object.defineProperty(window, 'api', { value: Object.freeze(api), enumerable: true });
})();
`;
}
