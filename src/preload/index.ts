/**
 * The preload (sandboxed; bundled to CommonJS by electron-vite, which is why
 * it may import the shared channel map). It exposes exactly one object,
 * `window.api`, built by the typed API factory from INVOKE_NAMES and
 * EVENT_NAMES: one function per intent and `on(event, listener)`. No `ipcRenderer`, no event objects, no
 * channel names reach the page.
 */
import { contextBridge, ipcRenderer } from 'electron';
import { createApi as createTypedApi } from '../shared/api-factory';
import { EVENT_NAMES, INVOKE_NAMES, channelOf, eventChannelOf, type Api } from '../shared/ipc';

/** The subset of `ipcRenderer` the bridge uses (a test double implements it too). */
export interface RendererIpc {
  invoke(channel: string, ...args: unknown[]): Promise<unknown>;
  on(channel: string, listener: (event: unknown, ...args: unknown[]) => void): unknown;
  removeListener(channel: string, listener: (event: unknown, ...args: unknown[]) => void): unknown;
}

/** Builds `window.api` over `ipc`, with the one typed API factory (src/shared/api-factory.ts). */
export function createApi(ipc: RendererIpc): Api {
  return createTypedApi(
    {
      invoke: (name, args) => ipc.invoke(channelOf(name), ...args),
      subscribe(name, listener) {
        const channel = eventChannelOf(name);
        // The IpcRendererEvent (with `sender`, i.e. ipcRenderer itself) never reaches the page.
        const wrapped = (_event: unknown, payload: unknown) => listener(payload);
        ipc.on(channel, wrapped);
        return () => void ipc.removeListener(channel, wrapped);
      },
    },
    { invoke: INVOKE_NAMES, events: EVENT_NAMES },
  );
}

contextBridge.exposeInMainWorld('api', createApi(ipcRenderer as unknown as RendererIpc));
