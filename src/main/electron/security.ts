/**
 * Electron security checklist items that apply to every web contents and to
 * the session (Electron Fiddle's `setupContent()`): navigation, new windows
 * and <webview> denied; every permission request denied; a CSP header as
 * defence in depth next to the page's own CSP meta tag.
 */
import { app, session, type WebContents } from 'electron';
import type { ExternalOpener, Logger } from '../core/ports';
import { APP_ORIGIN } from './app-url';

/**
 * The popup's Content-Security-Policy: the meta tag in src/renderer/index.html carries the same,
 * less `frame-ancestors`, which a meta tag cannot carry (CSP Level 3: ignored when delivered by a meta element, and
 * Chromium logs an error at every load); this header does.
 */
export const CONTENT_SECURITY_POLICY =
  "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' https: data:; connect-src 'self'; font-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'; object-src 'none'";

/** The CSP in development: the Vite dev server also needs its HMR websocket. */
export const DEV_CONTENT_SECURITY_POLICY = CONTENT_SECURITY_POLICY.replace(
  "connect-src 'self'",
  "connect-src 'self' ws://localhost:* ws://127.0.0.1:*",
);

/** Options of {@link setupSecurity}. */
export interface SecurityOptions {
  /** True when running against the dev server (relaxes connect-src for HMR only). */
  dev?: boolean;
  logger?: Pick<Logger, 'warn'>;
  /** Where a link with target=_blank goes: the system browser, through the opener's allow-list. */
  opener?: ExternalOpener;
  /** The dev server URL, whose origin counts as the app's for permissions (development only). */
  devUrl?: string | null;
}

/**
 * The only permission the popup gets: writing to the clipboard (the Copy button's
 * navigator.clipboard.writeText asks for 'clipboard-sanitized-write'; docs/api/session.md
 * "setPermissionRequestHandler" lists it), and only for the app's own page.
 */
export const ALLOWED_PERMISSIONS: ReadonlySet<string> = new Set(['clipboard-sanitized-write']);

/** scheme://host[:port]. Not URL.origin: WHATWG URL says "null" for a non-special scheme, Chromium does not for a standard one. */
function originOf(url: string | undefined | null): string | null {
  try {
    if (!url) return null;
    const u = new URL(url);
    return u.host ? `${u.protocol}//${u.host}` : null;
  } catch {
    return null;
  }
}

/** Denies navigation, redirects, new windows and webviews in `contents`. */
export function hardenWebContents(contents: WebContents, logger?: Pick<Logger, 'warn'>, opener?: ExternalOpener): void {
  // The popup is a single page: any navigation is an attack or a bug.
  contents.on('will-navigate', (event, url) => {
    event.preventDefault();
    logger?.warn('navigation blocked', { url: String(url).slice(0, 200) });
  });
  contents.on('will-redirect', (event) => event.preventDefault());
  contents.on('will-attach-webview', (event) => event.preventDefault());
  // No window ever opens. A link with target=_blank (the OAuth "create an app" link) goes to the
  // system browser when the opener allows it (https, or loopback http); anything else is dropped.
  contents.setWindowOpenHandler(({ url }) => {
    if (opener) {
      const opened = opener.openExternal(String(url)); // eng-disable OPEN_EXTERNAL_JS_CHECK: the opener allows only https and loopback http (opener.ts)
      opened.catch(() => {
        logger?.warn('window.open blocked', { url: String(url).slice(0, 200) });
      });
    } else {
      logger?.warn('window.open blocked', { url: String(url).slice(0, 200) });
    }
    return { action: 'deny' };
  });
}

/**
 * Installs the app-wide rules. Call once, before the first window exists,
 * so `web-contents-created` sees every contents.
 */
export function setupSecurity(opts: SecurityOptions = {}): void {
  app.on('web-contents-created', (_event, contents) => hardenWebContents(contents, opts.logger, opts.opener));
  const ses = session.defaultSession;
  const appOrigins = new Set([APP_ORIGIN, ...(opts.dev && opts.devUrl ? [originOf(opts.devUrl)] : [])]);
  const allowed = (permission: string, url: string | undefined | null) =>
    ALLOWED_PERMISSIONS.has(permission) && appOrigins.has(originOf(url) ?? '');
  // The popup needs no camera, notifications API, clipboard read, geolocation…: deny all but the
  // clipboard write of the Copy button, for the app's own page.
  ses.setPermissionRequestHandler((wc, permission, callback, details) => {
    const url = details?.requestingUrl ?? wc?.getURL();
    if (allowed(permission, url)) return callback(true);
    opts.logger?.warn('permission request denied', { permission });
    callback(false);
  });
  ses.setPermissionCheckHandler((_wc, permission, requestingOrigin) => allowed(permission, requestingOrigin));
  const csp = opts.dev ? DEV_CONTENT_SECURITY_POLICY : CONTENT_SECURITY_POLICY;
  ses.webRequest.onHeadersReceived((details, callback) => {
    const headers: Record<string, string | string[]> = {};
    for (const [k, v] of Object.entries(details.responseHeaders ?? {})) {
      // Replace, not add to, a policy a response brought along.
      if (k.toLowerCase() !== 'content-security-policy') headers[k] = v;
    }
    headers['Content-Security-Policy'] = [csp]; // eng-disable CSP_GLOBAL_CHECK: a constant checked above
    callback({ responseHeaders: headers });
  });
}
