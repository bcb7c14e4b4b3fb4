/**
 * The real main-process core, as shipped (bench/shipped-core.ts), built by createNodeCore as the browser preview
 * builds it (dev/preview/web.ts): real storage (conf in a temp dir), an AES secret box,
 * the real REST client over HTTP, and the preview's stand-ins for the
 * Electron-only ports. Signed in to a fake portal with its webhook, through
 * the same `signInWithWebhook` intent the popup uses.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AppCoreInternals, AppCoreOptions } from '../src/main/core/app-core';
import type { KeyValueStore } from '../src/main/core/ports';
import type { ViewState } from '../src/shared/types';
import { shipped } from './shipped-core';
import { steerableClock, type SteerableClock } from '../tests/support/fake-clock';

/** A running core and what the bench needs to drive it. */
export interface CoreRig {
  core: AppCoreInternals;
  clock: SteerableClock;
  /** Ids of the signed-in accounts, in sign-in order. */
  accountIds: string[];
  /** Resolves with the first pushed state that satisfies `pred` (or at once if the current one does). */
  waitForState(pred: (s: ViewState) => boolean, timeoutMs?: number): Promise<ViewState>;
  /**
   * Resolves with the first state pushed from now on that satisfies `pred`, as the popup sees it:
   * the current one is not asked for (the core builds it only for its pushes). Call it before the
   * action whose outcome `pred` describes.
   */
  nextState(pred: (s: ViewState) => boolean, timeoutMs?: number): Promise<ViewState>;
  /** Stops the core and removes its data directory. */
  close(): Promise<void>;
}

/** Options of {@link startCoreRig}. */
export interface CoreRigOptions {
  /** Webhook URLs to sign in with, one account each. */
  webhooks: string[];
  /** Core tuning; by default the shipped values, with jitter pinned so the poll interval is exactly 60 s. */
  options?: AppCoreOptions;
  /**
   * `conf` (default): the real store file in a temp dir, as the preview uses. `memory`: a map
   * that copies values through JSON like the file would, for runs where disk writes are not the
   * subject (the memory bench: 10 000 toggles would otherwise be 10 000 fsync'd writes).
   */
  store?: 'conf' | 'memory';
  /** The data directory (kept on close; default a fresh temp dir, removed on close): a second rig over it is a restart. */
  dir?: string;
  /** The secret box's key (the same key reads the same stored secrets; default random). */
  key?: Buffer;
}

/** Builds (does not start) the core over `dir` the way the preview does; what a cold start costs. */
export function buildRigCore(opts: {
  dir: string;
  key: Buffer;
  clock: SteerableClock;
  store?: 'conf' | 'memory';
  options?: AppCoreOptions;
}): AppCoreInternals {
  const ports = shipped.createPreviewPorts({ onShown: () => {}, say: () => {} });
  return shipped.createNodeCore({
    ports: { ...ports, logger: shipped.silentLogger },
    dir: opts.dir,
    secretBox: shipped.createAesSecretBox(opts.key),
    store: opts.store === 'memory' ? jsonMemoryStore() : undefined,
    fetch: (input, init) => fetch(input, init),
    clock: opts.clock,
    version: '0.0.0-bench',
    locale: 'en-US',
    // random 0.5: the ±10% poll jitter is zero, so the first poll is due exactly one interval after sign-in.
    options: { random: () => 0.5, ...opts.options },
  }).core;
}

/** A KeyValueStore in memory that round-trips values through JSON, as the store file does. */
export function jsonMemoryStore(): KeyValueStore {
  const data = new Map<string, string>();
  return {
    path: ':memory:',
    get: (k) => {
      const t = data.get(k);
      return t === undefined ? undefined : JSON.parse(t);
    },
    set: (k, v) => void data.set(k, JSON.stringify(v)),
    delete: (k) => void data.delete(k),
  };
}

/** Builds and starts a core, and signs in to every webhook (each sign-in verifies and loads the pinned list). */
export async function startCoreRig(opts: CoreRigOptions): Promise<CoreRig> {
  const dir = opts.dir ?? mkdtempSync(join(tmpdir(), 'b24ut-bench-'));
  const clock = steerableClock();
  const core = buildRigCore({
    dir,
    key: opts.key ?? randomBytes(32),
    clock,
    ...(opts.store ? { store: opts.store } : {}),
    ...(opts.options ? { options: opts.options } : {}),
  });

  const nextState = (pred: (s: ViewState) => boolean, timeoutMs = 30_000): Promise<ViewState> =>
    new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        off();
        reject(new Error(`bench: no matching state within ${timeoutMs} ms`));
      }, timeoutMs);
      const off = core.on('state', (s) => {
        if (!pred(s)) return;
        clearTimeout(timer);
        off();
        resolve(s);
      });
    });
  const waitForState = (pred: (s: ViewState) => boolean, timeoutMs = 30_000): Promise<ViewState> => {
    const now = core.state();
    return pred(now) ? Promise.resolve(now) : nextState(pred, timeoutMs);
  };

  await core.start();
  const accountIds: string[] = [];
  for (const url of opts.webhooks) {
    const r = await core.dispatch('signInWithWebhook', [url]);
    if (!r.ok) throw new Error(`bench: sign-in failed: ${r.error.code}: ${r.error.message}`);
    accountIds.push((r.data as { id: string }).id);
  }
  await waitForState((s) => s.status === 'ready');

  return {
    core,
    clock,
    accountIds,
    waitForState,
    nextState,
    async close() {
      await core.stop();
      if (opts.dir === undefined) rmSync(dir, { recursive: true, force: true });
    },
  };
}
