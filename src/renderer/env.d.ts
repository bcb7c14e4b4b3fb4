/// <reference types="svelte" />
/// <reference types="vite/client" />
import type { Api } from '../shared/ipc';

declare global {
  interface Window {
    /** The preload's bridge (or the browser preview's stand-in). */
    api: Api;
  }
}
