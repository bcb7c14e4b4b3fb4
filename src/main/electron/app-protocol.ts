/**
 * The popup's own scheme, `b24ut://popup/…`, served from the built
 * out/renderer folder (inside app.asar when packaged) with `protocol.handle`.
 *
 * The packaged app turns every fuse to its safe side, including
 * `grantFileProtocolExtraPrivileges: false`. With that fuse off, `file://`
 * pages lose the privileges Electron used to give them, and the fuse is
 * meant to be paired with a custom protocol (electron/electron#40372,
 * docs/tutorial/fuses.md, docs/tutorial/security.md §18, electron/forge#3508).
 * The scheme is registered as `standard` (so `'self'` in the CSP and
 * relative URLs work, docs/api/protocol.md "registerSchemesAsPrivileged")
 * and `secure` (a secure context, like https), before `ready`.
 *
 * Files are read with `fs`, which Electron makes asar-aware in the main
 * process (docs/tutorial/asar-archives.md), so no `file://` fetch is needed.
 */
import { protocol } from 'electron';
import { readFile } from 'node:fs/promises';
import type { Logger } from '../core/ports';
import { APP_SCHEME, contentTypeOf, resolveAppFile } from './app-url';
import { CONTENT_SECURITY_POLICY } from './security';

/** Declares the scheme privileged. Must run before `app` is ready (Electron throws after). */
export function registerAppScheme(): void {
  protocol.registerSchemesAsPrivileged([
    {
      scheme: APP_SCHEME,
      privileges: { standard: true, secure: true, supportFetchAPI: true, codeCache: true },
    },
  ]);
}

/**
 * Serves `root` (out/renderer) on the scheme: GET only, nothing outside
 * `root`, the popup's CSP on every answer (the `webRequest` header hook does
 * not see custom-scheme responses). Call after `ready`. Returns the undo.
 */
export function serveAppScheme(root: string, logger?: Pick<Logger, 'warn'>): () => void {
  protocol.handle(APP_SCHEME, async (request) => {
    if (request.method !== 'GET' && request.method !== 'HEAD') return new Response(null, { status: 405 });
    const file = resolveAppFile(root, request.url);
    if (file === null) {
      logger?.warn('app scheme request refused', { url: request.url.slice(0, 200) });
      return new Response(null, { status: 404 });
    }
    let body: Buffer;
    try {
      body = await readFile(file);
    } catch {
      return new Response(null, { status: 404 });
    }
    return new Response(request.method === 'HEAD' ? null : new Uint8Array(body), {
      status: 200,
      headers: {
        'Content-Type': contentTypeOf(file),
        'Content-Security-Policy': CONTENT_SECURITY_POLICY,
        'X-Content-Type-Options': 'nosniff',
        'Cache-Control': 'no-cache',
      },
    });
  });
  return () => protocol.unhandle(APP_SCHEME);
}
