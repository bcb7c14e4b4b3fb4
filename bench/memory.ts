/**
 * The main-process core's memory over 10 000 toggles: the real core (queue,
 * client, dialogs, state pushes) against a fake portal with its rate limit
 * off, toggles arriving one per task as IPC messages do, in rounds of 50
 * distinct pinned dialogs, each round drained before the next. Heap used is
 * read after forced garbage collection (and the finalizers it lets run),
 * before (after warm-up rounds: V8 compiles hot code for a while, which
 * would count as growth) and after (once the queue has drained), and at the
 * half-way point: a heap that is bounded grows less in the second half.
 *
 * The portals run in their own process (bench/portal.ts), so the heap is
 * the core's (and this bench's small driver), not the portals' records.
 */
import v8 from 'node:v8';
import vm from 'node:vm';
import { startCoreRig } from './core-rig';
import { generateDialogs } from '../dev/fake-portal/server';
import { SEEDS, startBenchPortal, type BenchPortal } from './portal';

/** The stated bound: the heap may not grow more than this over the run. */
export const HEAP_GROWTH_BOUND_BYTES = 5 * 1024 * 1024;

/** Result of {@link measureMemory}. */
export interface MemoryResult {
  /** Toggles before the first reading (warm-up). */
  warmupToggles: number;
  toggles: number;
  /** Heap at half of the toggles. */
  heapMid: number;
  /** HTTP requests the toggles cost (a batch counts once). */
  requests: number;
  heapBefore: number;
  heapAfter: number;
  growth: number;
  rssAfter: number;
  wallMs: number;
}

/** `gc()` without `--expose-gc` on the command line (`npm run bench` runs plain `tsx`). */
function exposeGc(): () => void {
  v8.setFlagsFromString('--expose-gc');
  return vm.runInNewContext('gc') as () => void;
}

/**
 * Heap used once garbage is gone: several collections, each followed by a turn of the event loop.
 * A FinalizationRegistry's callbacks run only then — Node's fetch removes each request's abort
 * listener in one (undici's requestFinalizer), so back-to-back gc() calls counted thousands of
 * finished requests' signals and listeners as live.
 */
async function settledHeap(gc: () => void): Promise<number> {
  for (let i = 0; i < 4; i++) {
    gc();
    await new Promise((r) => setTimeout(r, 10));
  }
  gc();
  return process.memoryUsage().heapUsed;
}

/** Runs `rounds` rounds of `perRound` toggles (default 200 × 50 = 10 000) after `warmupRounds` (default 20). */
export async function measureMemory(
  opts: { rounds?: number; perRound?: number; warmupRounds?: number } = {},
): Promise<MemoryResult> {
  const rounds = opts.rounds ?? 200;
  const perRound = opts.perRound ?? 50;
  const warmupRounds = opts.warmupRounds ?? 20;
  const gc = exposeGc();
  const bp = await startBenchPortal(SEEDS.pinned200unread(), { rateLimit: false });
  const rig = await startCoreRig({
    webhooks: [bp.webhookUrl],
    store: 'memory',
    // The portal's limit is off for this row, and so is ours: 200 requests in seconds, not 100 s.
    options: { limiter: { ratePerSec: 1e6, burst: 1e6 } },
  });
  try {
    const acc = rig.accountIds[0]!;
    const ids = rig.core.state().dialogs.map((d) => d.dialogId);
    if (ids.length < perRound) throw new Error('bench: not enough pinned dialogs for a round');
    const wanted = new Map(ids.map((id) => [id, true])); // all start with the manual mark
    const idle = () => rig.waitForState((s) => s.pendingActions === 0 && s.dialogs.every((d) => !d.pending));
    const round = async (r: number) => {
      const start = (r * perRound) % ids.length;
      for (let i = 0; i < perRound; i++) {
        const id = ids[(start + i) % ids.length]!;
        const next = !wanted.get(id);
        wanted.set(id, next);
        const res = await rig.core.dispatch('setUnread', [acc, id, next]);
        if (!res.ok) throw new Error(`bench: setUnread refused: ${res.error.code}`);
        await new Promise((resolve) => setImmediate(resolve));
      }
      await idle();
      // The portal (in the host process) records every call: count and forget them per round.
      requests += (await bp.takeCounts()).requests;
    };

    let requests = 0;
    for (let r = 0; r < warmupRounds; r++) await round(r);
    requests = 0;
    const heapBefore = await settledHeap(gc);
    const t0 = performance.now();
    let heapMid = 0;
    for (let r = 1; r <= rounds; r++) {
      await round(warmupRounds + r);
      if (r === Math.floor(rounds / 2)) heapMid = await settledHeap(gc);
    }
    const wallMs = performance.now() - t0;
    const heapAfter = await settledHeap(gc);
    const onPortal = new Map((await bp.dialogs()).map((d) => [String(d.id), d.unread]));
    for (const [id, unread] of wanted) {
      if (onPortal.get(id) !== unread) throw new Error('bench: the portal disagrees with the toggles');
    }
    return {
      warmupToggles: warmupRounds * perRound,
      toggles: rounds * perRound,
      heapMid,
      requests,
      heapBefore,
      heapAfter,
      growth: heapAfter - heapBefore,
      rssAfter: process.memoryUsage().rss,
      wallMs,
    };
  } finally {
    await rig.close();
    await bp.close();
  }
}

/** Result of {@link measurePollingMemory}. */
export interface PollingMemoryResult {
  portals: number;
  /** Simulated hours of polling before the first reading (warm-up). */
  warmupHours: number;
  /** Simulated hours of polling (the core's clock jumped one poll interval at a time). */
  hours: number;
  /** Heap at half of the hours. */
  heapMid: number;
  polls: number;
  requests: number;
  heapBefore: number;
  heapAfter: number;
  growth: number;
  wallMs: number;
}

/**
 * The core's heap over 24 simulated hours of idle polling of 10 portals (45 pinned each): the
 * core's clock is jumped one poll interval (60 s) at a time, and each jump waits until every
 * portal was polled; heap after forced GC after a 12 h warm-up (the heap grows while V8 compiles
 * for the first hours, then stays flat: 20.4-20.6 MB from 24 h to 96 h in a longer run), half-way,
 * and after the last.
 */
export async function measurePollingMemory(
  opts: { portals?: number; hours?: number; warmupHours?: number } = {},
): Promise<PollingMemoryResult> {
  const portals = opts.portals ?? 10;
  const hours = opts.hours ?? 24;
  const warmupHours = opts.warmupHours ?? 12;
  const intervalMs = 60_000;
  const cycles = Math.round((hours * 3_600_000) / intervalMs);
  const warmupCycles = Math.max(1, Math.round((warmupHours * 3_600_000) / intervalMs));
  const gc = exposeGc();
  const bps: BenchPortal[] = [];
  for (let i = 0; i < portals; i++) {
    bps.push(await startBenchPortal(generateDialogs(45, { pinned: 45, unread: 10 }), { rateLimit: false }));
  }
  const rig = await startCoreRig({
    webhooks: bps.map((b) => b.webhookUrl),
    store: 'memory',
    options: { limiter: { ratePerSec: 1e6, burst: 1e6 } },
  });
  let requests = 0;
  const cycle = async () => {
    const target = rig.clock.now() + intervalMs;
    // A second past the interval: the next poll was scheduled a few real ms after the last jump.
    rig.clock.advance(intervalMs + 1_000);
    // Every portal was polled and the core took in the answers (as the idle-poll workload waits).
    await Promise.all(bps.map((b) => b.waitForCalls(null, 1)));
    await rig.waitForState((s) => (s.updatedAt ?? 0) >= target);
    // The poller plans its next timer once the poll's promise settles: let it, before the next jump.
    for (let i = 0; i < 5; i++) await new Promise((r) => setImmediate(r));
    for (const c of await Promise.all(bps.map((b) => b.takeCounts()))) requests += c.requests;
  };
  try {
    // Forget the sign-ins' requests: each cycle counts (and forgets) its own.
    await Promise.all(bps.map((b) => b.mark()));
    for (let c = 0; c < warmupCycles; c++) await cycle();
    requests = 0;
    const heapBefore = await settledHeap(gc);
    const t0 = performance.now();
    let heapMid = 0;
    for (let c = 1; c <= cycles; c++) {
      await cycle();
      if (c === Math.floor(cycles / 2)) heapMid = await settledHeap(gc);
    }
    const wallMs = performance.now() - t0;
    const heapAfter = await settledHeap(gc);
    return {
      portals,
      warmupHours,
      hours,
      heapMid,
      polls: cycles * portals,
      requests,
      heapBefore,
      heapAfter,
      growth: heapAfter - heapBefore,
      wallMs,
    };
  } finally {
    await rig.close();
    for (const b of bps) await b.close();
  }
}
