/**
 * Core cold start: from creating the core (opening the store file, building
 * the core over it) to the first `state` it pushes that already shows the
 * cached pinned list — what the popup can paint before any request has
 * answered. Measured over a data directory left by an earlier run (signed in,
 * list loaded, core stopped: the list cached), for one portal (300 recent, 40
 * pinned) and for 10 portals of 45 pinned each.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { ViewState } from '../src/shared/types';
import { generateDialogs } from '../dev/fake-portal/server';
import { steerableClock } from '../tests/support/fake-clock';
import { buildRigCore, startCoreRig } from './core-rig';
import { SEEDS, startBenchPortal, type BenchPortal } from './portal';
import { median } from './stats';

/** One cold-start row. */
export interface ColdStart {
  portals: number;
  pinned: number;
  repeats: number;
  /** Creating the core → first state with the cached list (median), ms. */
  medianMs: number;
  maxMs: number;
}

async function coldStart(portals: number, seed: () => ReturnType<typeof generateDialogs>, repeats: number) {
  const bps: BenchPortal[] = [];
  for (let i = 0; i < portals; i++) bps.push(await startBenchPortal(seed(), { rateLimit: false }));
  const dir = mkdtempSync(join(tmpdir(), 'b24ut-cold-'));
  const key = randomBytes(32);
  try {
    // The earlier run: sign in, load, stop (the list is cached on stop).
    const first = await startCoreRig({ webhooks: bps.map((b) => b.webhookUrl), dir, key });
    const pinned = first.core.state().dialogs.length;
    await first.close();
    const times: number[] = [];
    for (let r = 0; r < repeats; r++) {
      const t0 = performance.now();
      const core = buildRigCore({ dir, key, clock: steerableClock() });
      const shown = new Promise<ViewState>((resolve) => {
        const off = core.on('state', (s) => {
          if (s.dialogs.length !== pinned) return;
          off();
          resolve(s);
        });
      });
      await core.start();
      await shown;
      times.push(performance.now() - t0);
      await core.stop();
    }
    return { portals, pinned, repeats, medianMs: median(times), maxMs: Math.max(...times) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
    for (const b of bps) await b.close();
  }
}

/** Both rows: 1 portal (300 recent, 40 pinned) and 10 portals × 45 pinned. */
export async function measureColdStart(repeats = 5): Promise<ColdStart[]> {
  return [
    await coldStart(1, SEEDS.recent300pinned40, repeats),
    await coldStart(10, () => generateDialogs(45, { pinned: 45, unread: 10 }), repeats),
  ];
}
