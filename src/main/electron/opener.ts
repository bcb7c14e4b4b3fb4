/**
 * The {@link ExternalOpener} port over `shell.openExternal`. The core already
 * allows only the signed-in portal's own URLs; this re-checks the scheme as
 * defence in depth, because `openExternal` with `file:`, `smb:` or a custom
 * protocol handler can run code (Electron security checklist, item 15).
 */
import { shell } from 'electron';
import { BitrixError } from '../core/bitrix/types';
import type { ExternalOpener } from '../core/ports';

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]']);

/** True for `https:` URLs and `http:` URLs on a loopback host (the local demo portal, the OAuth redirect). */
export function isOpenableUrl(url: unknown): url is string {
  if (typeof url !== 'string' || url.length > 4096) return false;
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return false;
  }
  if (u.username || u.password) return false;
  if (u.protocol === 'https:') return u.hostname !== '';
  return u.protocol === 'http:' && LOOPBACK.has(u.hostname);
}

/** Creates the opener. Rejects (never opens) anything {@link isOpenableUrl} refuses. */
export function createOpener(): ExternalOpener {
  return {
    async openExternal(url) {
      if (!isOpenableUrl(url)) {
        throw new BitrixError('FORBIDDEN_URL', 'Only https addresses of your portal can be opened.');
      }
      await shell.openExternal(url); // eng-disable OPEN_EXTERNAL_JS_CHECK: scheme and host checked just above
    },
  };
}
