/**
 * The browser preview's stand-in for the preload: the small script served
 * at `/bridge.js`, which defines `window.api` with exactly the `Api`
 * shape (src/shared/ipc.ts). It is web-bridge-entry.ts bundled by esbuild, so it is built on
 * the same typed API factory as the preload (src/shared/api-factory.ts);
 * the intent and event names come from INVOKE_NAMES / EVENT_NAMES
 * (src/shared/ipc.ts), never listed by hand.
 *
 * Dev only (scripts/ is never packaged).
 */
import { buildSync } from 'esbuild';
import { fileURLToPath } from 'node:url';
import { EVENT_NAMES, INVOKE_NAMES } from '../../src/shared/ipc';

/** Header that must carry the per-run token on every API call. */
export const TOKEN_HEADER = 'x-b24ut-token';

const ENTRY = fileURLToPath(new URL('./web-bridge-entry.ts', import.meta.url));
const built = new Map<string, string>();

/**
 * The client script. `token` is embedded so the page can send the header;
 * the script itself is only served to a request that already holds the
 * token cookie (SameSite=Strict, so another site cannot fetch it).
 */
export function bridgeClientSource(token: string): string {
  const cached = built.get(token);
  if (cached) return cached;
  const config = JSON.stringify({ invoke: INVOKE_NAMES, events: EVENT_NAMES, token, header: TOKEN_HEADER });
  // Plain ES2020 with no imports: it runs before the app's module script.
  const out = buildSync({
    entryPoints: [ENTRY],
    bundle: true,
    write: false,
    format: 'iife',
    target: 'es2020',
    platform: 'browser',
    define: { __B24UT_BRIDGE__: config },
    banner: { js: '// B24 Unread Tray browser preview bridge (generated; dev only).' },
  });
  const source = out.outputFiles[0]!.text;
  built.set(token, source);
  return source;
}
