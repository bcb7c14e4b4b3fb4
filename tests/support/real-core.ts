/**
 * The one builder behind the integration harnesses (tests/core/harness.ts,
 * tests/fault/harness.ts), over createNodeCore (src/main/core/create-node-core.ts): a REAL core with real conf storage in a temp dir,
 * the AES secret box and, by default, the global fetch (so the real REST
 * client talks HTTP to the fake portal). Each harness passes its own
 * stand-ins for the Electron-only ports and its own delays.
 */
import { mkdtempSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AppCoreInternals, AppCoreOptions } from '../../src/main/core/app-core';
import type { AppCoreDeps } from '../../src/main/core/app-core-types';
import { createAesSecretBox } from '../../dev/aes-secret-box';
import { createNodeCore, type StandInPorts } from '../../src/main/core/create-node-core';
import type { Clock, FetchLike, SecretBox } from '../../src/main/core/ports';
import type { StoreRecovery } from '../../src/main/core/storage/store';

export type { StandInPorts };

/** Options of {@link buildRealCore}. */
export interface RealCoreOptions {
  ports: StandInPorts;
  options?: AppCoreOptions;
  /** The data dir; a fresh temp dir by default. Same dir + key = a restart. */
  dir?: string;
  /** The AES key of the secret box; random by default. */
  key?: Buffer;
  /** systemClock by default. */
  clock?: Clock;
  /** Replaces the AES secret box built from `key`. */
  secretBox?: SecretBox;
  /** Replaces the global fetch. */
  fetch?: FetchLike;
  /** The OS locale (Electron's `app.getLocale()`); 'en-US' by default. */
  locale?: string;
}

/** A built (not yet started) core and what a test inspects around it. */
export interface RealCore {
  core: AppCoreInternals;
  /** The data dir: every file the app writes lands here. */
  dir: string;
  /** The AES key of the secret box (pass it back to "restart" over the same dir). */
  key: Buffer;
  deps: AppCoreDeps;
  recovery: StoreRecovery | null;
}

/** Builds a real core over `dir` (see {@link RealCoreOptions}); the caller starts and stops it. */
export function buildRealCore(opts: RealCoreOptions): RealCore {
  const dir = opts.dir ?? mkdtempSync(join(tmpdir(), 'b24-core-'));
  const key = opts.key ?? randomBytes(32);
  const { core, deps, recovery } = createNodeCore({
    ports: opts.ports,
    dir,
    clock: opts.clock,
    secretBox: opts.secretBox ?? createAesSecretBox(key),
    fetch: opts.fetch,
    platform: 'linux',
    version: '0.1.0',
    locale: opts.locale ?? 'en-US',
    options: opts.options,
  });
  return { core, dir, key, deps, recovery };
}
