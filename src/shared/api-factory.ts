/**
 * The one typed API factory: `window.api` for the preload (over ipcRenderer)
 * and for the browser preview's bridge (over fetch + EventSource) is built
 * here, from the intent and event names of the channel map, over a
 * {@link Transport}. The names are passed in (rather than imported) so the
 * preview's browser bundle does not carry the schema library.
 */
import type { Api, EventName, InvokeName } from './ipc';

/** How a host carries one request and one pushed event. */
export interface Transport {
  /** Sends intent `name` with `args`; resolves to its Result (a transport failure resolves to `{ ok: false }`). */
  invoke(name: InvokeName, args: unknown[]): Promise<unknown>;
  /** Delivers the payload only of event `name` to `listener`; returns the unsubscribe function. */
  subscribe(name: EventName, listener: (payload: unknown) => void): () => void;
}

/** Builds the frozen `window.api` over `transport`: one function per intent, plus `on`. */
export function createApi(
  transport: Transport,
  names: { invoke: readonly InvokeName[]; events: readonly EventName[] },
): Api {
  const api: Record<string, unknown> = {};
  for (const name of names.invoke) {
    api[name] = (...args: unknown[]) => transport.invoke(name, args);
  }
  api.on = (event: EventName, listener: (payload: unknown) => void): (() => void) => {
    if (!names.events.includes(event)) throw new TypeError(`Unknown event: ${String(event)}`);
    if (typeof listener !== 'function') throw new TypeError('The listener must be a function.');
    const off = transport.subscribe(event, (payload) => listener(payload));
    let subscribed = true;
    return () => {
      if (!subscribed) return;
      subscribed = false;
      off();
    };
  };
  return Object.freeze(api) as unknown as Api;
}
