/**
 * Which URLs are the app's own page: the built `out/renderer/index.html`
 * (loaded with `loadFile`) or, in development, the electron-vite dev server.
 * The IPC sender check and navigation rules ask this. No `electron` import.
 */
import { pathToFileURL } from 'node:url';

/** A predicate for "this URL is the popup page". */
export type AppUrlMatcher = (url: string) => boolean;

/**
 * Builds the matcher. A `file:` page matches only the exact index file (any
 * hash or query, which the SPA may use), never a sibling file; a dev URL
 * matches its origin.
 */
export function createAppUrlMatcher(opts: { indexHtml: string; devUrl?: string | null }): AppUrlMatcher {
  const fileHref = pathToFileURL(opts.indexHtml).href;
  let devOrigin: string | null = null;
  if (opts.devUrl) {
    try {
      const u = new URL(opts.devUrl);
      // Only a loopback dev server is ever trusted.
      if (u.protocol === 'http:' && ['localhost', '127.0.0.1', '[::1]'].includes(u.hostname)) devOrigin = u.origin;
    } catch {
      devOrigin = null;
    }
  }
  return (url) => {
    if (typeof url !== 'string' || url === '') return false;
    let u: URL;
    try {
      u = new URL(url);
    } catch {
      return false;
    }
    if (devOrigin !== null && u.origin === devOrigin) return true;
    if (u.protocol !== 'file:') return false;
    u.hash = '';
    u.search = '';
    return u.href === fileHref;
  };
}
