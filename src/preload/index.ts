/**
 * The preload (sandboxed; bundled to CommonJS by electron-vite, which is why
 * it may import the shared channel map). It exposes exactly one object,
 * `window.api`, built from INVOKE_NAMES and EVENT_NAMES: one function per
 * intent and `on(event, listener)`. No `ipcRenderer`, no event objects, no
 * channel names reach the page.
 */
import { contextBridge, ipcRenderer } from 'electron';
import { EVENT_NAMES, INVOKE_NAMES, channelOf, eventChannelOf, type Api, type EventName } from '../shared/ipc';

/** The subset of `ipcRenderer` the bridge uses (a test double implements it too). */
export interface RendererIpc {
  invoke(channel: string, ...args: unknown[]): Promise<unknown>;
  on(channel: string, listener: (event: unknown, ...args: unknown[]) => void): unknown;
  removeListener(channel: string, listener: (event: unknown, ...args: unknown[]) => void): unknown;
}

/** Builds `window.api` over `ipc`. */
export function createApi(ipc: RendererIpc): Api {
  const api: Record<string, unknown> = {};
  for (const name of INVOKE_NAMES) {
    const channel = channelOf(name);
    api[name] = (...args: unknown[]) => ipc.invoke(channel, ...args);
  }
  api.on = (event: EventName, listener: (payload: unknown) => void): (() => void) => {
    if (!(EVENT_NAMES as readonly string[]).includes(event)) throw new TypeError(`Unknown event: ${String(event)}`);
    if (typeof listener !== 'function') throw new TypeError('The listener must be a function.');
    const channel = eventChannelOf(event);
    // The IpcRendererEvent (with `sender`, i.e. ipcRenderer itself) never reaches the page.
    const wrapped = (_event: unknown, payload: unknown) => listener(payload);
    ipc.on(channel, wrapped);
    let subscribed = true;
    return () => {
      if (!subscribed) return;
      subscribed = false;
      ipc.removeListener(channel, wrapped);
    };
  };
  return Object.freeze(api) as unknown as Api;
}

contextBridge.exposeInMainWorld('api', createApi(ipcRenderer as unknown as RendererIpc));
