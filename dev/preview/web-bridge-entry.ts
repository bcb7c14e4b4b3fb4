/**
 * The browser preview's `window.api` (bundled by web-bridge-client.ts into
 * the `/bridge.js` script): the same typed API factory as the preload
 * (src/shared/api-factory.ts), over fetch + EventSource instead of IPC.
 * Dev only (scripts/ is never packaged).
 */
import { createApi } from '../../src/shared/api-factory';
import type { EventName, InvokeName } from '../../src/shared/ipc';

/** Set at bundle time (esbuild `define`): the names, the per-run token and its header. */
declare const __B24UT_BRIDGE__: { invoke: InvokeName[]; events: EventName[]; token: string; header: string };
const cfg = __B24UT_BRIDGE__;

const listeners = new Map<EventName, Set<(payload: unknown) => void>>(cfg.events.map((e) => [e, new Set()]));
const source = new EventSource('./api/events');
for (const name of cfg.events) {
  source.addEventListener(name, (m) => {
    let payload: unknown;
    try {
      payload = JSON.parse((m as MessageEvent<string>).data);
    } catch {
      return;
    }
    for (const l of [...(listeners.get(name) ?? [])]) {
      try {
        l(payload);
      } catch (err) {
        console.error(err);
      }
    }
  });
}

const api = createApi(
  {
    async invoke(name, args) {
      try {
        const res = await fetch(`./api/invoke/${name}`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', [cfg.header]: cfg.token },
          body: JSON.stringify(args),
          credentials: 'same-origin',
        });
        const body: unknown = await res.json();
        if (body && typeof body === 'object' && typeof (body as { ok?: unknown }).ok === 'boolean') return body;
        return { ok: false, error: { code: 'BAD_RESPONSE', message: 'The preview server sent an unexpected answer.' } };
      } catch {
        return {
          ok: false,
          error: { code: 'NETWORK', message: 'The preview server is not reachable. Is npm run web still running?' },
        };
      }
    },
    subscribe(name, listener) {
      const set = listeners.get(name);
      set?.add(listener);
      return () => void set?.delete(listener);
    },
  },
  { invoke: cfg.invoke, events: cfg.events },
);
Object.defineProperty(window, 'api', { value: api, enumerable: true });
