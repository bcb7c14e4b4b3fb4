/**
 * Which URLs are the app's own page: `b24ut://popup/index.html`, served by
 * the privileged custom scheme of ./app-protocol.ts from the built
 * out/renderer (inside app.asar when packaged), or, in development, the
 * electron-vite dev server. The IPC sender check and navigation rules ask
 * this. No `electron` import.
 *
 * Why not `file://`: the packaged build turns the `grantFileProtocolExtraPrivileges`
 * fuse off, and then Electron no longer gives `file://` pages their extra
 * privileges (electron/electron#40372, docs/tutorial/fuses.md; security
 * checklist item 18 "avoid file://, prefer custom protocols").
 */
import { isAbsolute, relative, resolve, sep } from 'node:path';

/** The custom scheme the popup is served from (registered as standard + secure). */
export const APP_SCHEME = 'b24ut';
/** The one host of that scheme. */
export const APP_HOST = 'popup';
/** The popup page's origin, as Chromium spells it for a standard scheme. */
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;
/** The popup page's URL. */
export const APP_INDEX_URL = `${APP_ORIGIN}/index.html`;

/** A predicate for "this URL is the popup page". */
export type AppUrlMatcher = (url: string) => boolean;

/**
 * Builds the matcher. The app page matches only the exact index URL (any
 * hash or query, which the SPA may use), never a sibling file; a dev URL
 * matches its origin.
 */
export function createAppUrlMatcher(opts: { devUrl?: string | null } = {}): AppUrlMatcher {
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
    if (u.protocol !== `${APP_SCHEME}:` || u.host !== APP_HOST || u.username || u.password) return false;
    return u.pathname === '/index.html' || u.pathname === '/';
  };
}

/**
 * The file under `root` that an app-scheme URL names, or null for any URL
 * that is not ours or would leave `root` (`..`, encoded separators, NUL).
 * `/` means index.html.
 */
export function resolveAppFile(root: string, url: string): string | null {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return null;
  }
  if (u.protocol !== `${APP_SCHEME}:` || u.host !== APP_HOST) return null;
  let path: string;
  try {
    path = decodeURIComponent(u.pathname);
  } catch {
    return null;
  }
  if (path.includes('\0') || path.includes('\\') || /(^|\/)\.\.(\/|$)/.test(path)) return null;
  if (path === '/' || path === '') path = '/index.html';
  const base = resolve(root);
  const file = resolve(base, `.${path}`);
  const rel = relative(base, file);
  if (rel === '' || rel.startsWith('..') || isAbsolute(rel) || rel.split(sep).includes('..')) return null;
  return file;
}

const CONTENT_TYPES: Record<string, string> = {
  html: 'text/html; charset=utf-8',
  js: 'text/javascript; charset=utf-8',
  mjs: 'text/javascript; charset=utf-8',
  css: 'text/css; charset=utf-8',
  json: 'application/json',
  svg: 'image/svg+xml',
  png: 'image/png',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  gif: 'image/gif',
  webp: 'image/webp',
  avif: 'image/avif',
  wasm: 'application/wasm',
  ico: 'image/x-icon',
  woff2: 'font/woff2',
  woff: 'font/woff',
  txt: 'text/plain; charset=utf-8',
};

/** The Content-Type the app scheme answers for `file` (a module script must be JavaScript, or Chromium refuses it). */
export function contentTypeOf(file: string): string {
  const ext = /\.([a-z0-9]+)$/i.exec(file)?.[1]?.toLowerCase() ?? '';
  return CONTENT_TYPES[ext] ?? 'application/octet-stream';
}
