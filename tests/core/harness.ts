/**
 * A real core for integration tests (built by ../support/real-core: the real
 * REST client over HTTP to the fake portal, real storage in a temp dir, an
 * AES secret box) with recording stand-ins for the Electron-only ports.
 */
import type { AppCoreOptions } from '../../src/main/core/app-core';
import type { Clock, FetchLike, SecretBox } from '../../src/main/core/ports';
import { silentLogger } from '../../src/main/core/redact';
import type { FakePortal } from '../../dev/fake-portal/server';
import { buildRealCore, type RealCore } from '../support/real-core';
import { fakeRegistrar } from './helpers';

export interface Harness extends Pick<RealCore, 'core' | 'dir' | 'key' | 'deps'> {
  opened: string[];
  notified: { title: string; body: string }[];
  popup: string[];
  registrar: ReturnType<typeof fakeRegistrar>;
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
    locale?: string;
    /** Replaces the AES secret box (e.g. a slow keyring). */
    secretBox?: SecretBox;
    /** Replaces the global fetch (e.g. to watch what goes out). */
    fetch?: FetchLike;
  } = {},
): Harness {
  const opened: string[] = [];
  const notified: { title: string; body: string }[] = [];
  const popup: string[] = [];
  const registrar = fakeRegistrar({ taken: opts.taken });
  let autostart = false;
  const { core, dir, key, deps } = buildRealCore({
    dir: opts.dir,
    key: opts.key,
    clock: opts.clock,
    locale: opts.locale,
    secretBox: opts.secretBox,
    fetch: opts.fetch,
    options: { batchWindowMs: 20, ...opts.options },
    ports: {
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
    },
  });
  return { core, dir, key, opened, notified, popup, registrar, deps };
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
