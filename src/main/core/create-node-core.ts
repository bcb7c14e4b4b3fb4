/**
 * The one builder of the real core outside Electron: the browser preview
 * (dev/preview/web.ts), the benchmark (bench/core-rig.ts) and the integration
 * tests (tests/support/real-core.ts) all build it here; src/main/index.ts
 * is the only other composition root. Real conf storage in `dir` (or a
 * given store) and, by default, the global fetch. The caller passes the
 * secret box (dev/aes-secret-box.ts outside Electron) and stand-ins for the
 * ports Electron or the OS would provide. Nothing here imports the preview,
 * the fake portal or any other dev/ code.
 */
import { createAppCore, type AppCoreInternals, type AppCoreOptions } from './app-core';
import type { AppCoreDeps } from './app-core-types';
import { systemClock, type Clock, type FetchLike, type KeyValueStore, type SecretBox } from './ports';
import { confFactory, openStore, type StoreRecovery } from './storage/store';

/** The ports a host stands in for (the ones Electron or the OS would provide). */
export type StandInPorts = Pick<AppCoreDeps, 'logger' | 'shortcuts' | 'autostart' | 'popup' | 'opener' | 'notifier'>;

export interface NodeCoreOptions {
  ports: StandInPorts;
  /** The data dir of the store file. Same dir + key = a restart. */
  dir: string;
  /** A store to use instead of the conf file in `dir` (the memory bench). */
  store?: KeyValueStore;
  /** Where secrets are encrypted (the same box over the same dir = a restart that keeps the sign-ins). */
  secretBox: SecretBox;
  /** Replaces the global fetch. */
  fetch?: FetchLike;
  /** systemClock by default. */
  clock?: Clock;
  /** `process.platform` by default. */
  platform?: string;
  version?: string;
  /** `en-US` by default. */
  locale?: string;
  options?: AppCoreOptions;
}

/** A built (not yet started) core and what a host inspects around it. */
export interface NodeCore {
  core: AppCoreInternals;
  deps: AppCoreDeps;
  recovery: StoreRecovery | null;
}

/** Builds the real core over `dir`; the caller starts and stops it. */
export function createNodeCore(o: NodeCoreOptions): NodeCore {
  const clock = o.clock ?? systemClock;
  const { store, recovery } = o.store
    ? { store: o.store, recovery: null }
    : openStore(confFactory, { cwd: o.dir, clock });
  const deps: AppCoreDeps = {
    store,
    secretBox: o.secretBox,
    fetch: o.fetch ?? ((input, init) => globalThis.fetch(input, init)),
    clock,
    ...o.ports,
    platform: o.platform ?? process.platform,
    version: o.version ?? '0.0.0-dev',
    locale: o.locale ?? 'en-US',
    storeRecovery: recovery,
  };
  return { core: createAppCore(deps, o.options), deps, recovery };
}
