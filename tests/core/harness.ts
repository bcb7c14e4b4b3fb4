/**
 * Builds a real core for integration tests: the real REST client over HTTP
 * to the fake portal, real storage (conf in a temp dir), an AES secret box,
 * and recording stand-ins for the Electron-only ports.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { createAppCore, type AppCoreInternals, type AppCoreOptions } from '../../src/main/core/app-core';
import type { AppCoreDeps } from '../../src/main/core/app-core-types';
import { systemClock, type Clock } from '../../src/main/core/ports';
import { silentLogger } from '../../src/main/core/redact';
import { confFactory, openStore } from '../../src/main/core/storage/store';
import { createAesSecretBox } from '../../src/main/core/storage/aes-secret-box';
import type { FakePortal } from '../fake-portal/server';
import { fakeRegistrar } from './helpers';

export interface Harness {
  core: AppCoreInternals;
  dir: string;
  key: Buffer;
  opened: string[];
  notified: { title: string; body: string }[];
  popup: string[];
  registrar: ReturnType<typeof fakeRegistrar>;
  deps: AppCoreDeps;
}

/** A core over `dir` (a fresh temp dir by default); pass the same dir and key to simulate a restart. */
export function makeCore(
  opts: {
    dir?: string;
    key?: Buffer;
    clock?: Clock;
    options?: AppCoreOptions;
    taken?: string[];
    /** Replaces the recording opener (e.g. to follow an OAuth authorize URL like a browser). */
    openExternal?: (url: string) => Promise<void>;
  } = {},
): Harness {
  const dir = opts.dir ?? mkdtempSync(join(tmpdir(), 'b24-core-'));
  const key = opts.key ?? randomBytes(32);
  const clock = opts.clock ?? systemClock;
  const { store, recovery } = openStore(confFactory, { cwd: dir, clock });
  const opened: string[] = [];
  const notified: { title: string; body: string }[] = [];
  const popup: string[] = [];
  const registrar = fakeRegistrar({ taken: opts.taken });
  let autostart = false;
  const deps: AppCoreDeps = {
    store,
    secretBox: createAesSecretBox(key),
    fetch: (input, init) => globalThis.fetch(input, init),
    clock,
    logger: silentLogger,
    shortcuts: registrar,
    autostart: {
      isEnabled: async () => autostart,
      setEnabled: async (v) => void (autostart = v),
    },
    popup: {
      show: (focus) => void popup.push(`show:${focus ?? ''}`),
      hide: () => void popup.push('hide'),
      toggle: () => void popup.push('toggle'),
      isVisible: () => false,
    },
    opener: {
      openExternal: async (url) => {
        opened.push(url);
        await opts.openExternal?.(url);
      },
    },
    notifier: { notify: (n) => void notified.push({ title: n.title, body: n.body }) },
    platform: 'linux',
    version: '0.1.0',
    locale: 'en-US',
    storeRecovery: recovery,
  };
  const core = createAppCore(deps, { batchWindowMs: 20, ...opts.options });
  return { core, dir, key, opened, notified, popup, registrar, deps };
}

/** Waits until `cond()` holds (polling every 10 ms), failing after `ms`. */
export async function until(cond: () => boolean, ms = 10_000, what = 'condition'): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** Delivered `im.recent.unread` calls (direct or inside a batch) answered 200, as `DIALOG_ID:ACTION`. */
export function deliveredUnread(portal: FakePortal): string[] {
  return portal
    .callsTo('im.recent.unread')
    .filter((c) => c.status === 200 && !c.errorCode)
    .map((c) => `${String(c.params['DIALOG_ID'])}:${String(c.params['ACTION'] ?? 'Y')}`);
}

/** HTTP requests that carried toggles: `im.recent.unread` calls plus `batch` requests. */
export function toggleRequests(portal: FakePortal): number {
  return portal.calls.filter((c) => !c.inBatch && (c.method === 'im.recent.unread' || c.method === 'batch')).length;
}
