/**
 * Fake portals for the bench: one per workload, so every workload starts
 * with a fresh leaky bucket (2/s, burst 50 — the portal's real limiter).
 */
import { generateDialogs, startFakePortal, type FakePortal, type SeedDialog } from '../dev/fake-portal/server';

/** A pinned private dialog of {@link SEEDS.recent300pinned40} (index 7: pinned, not a chat, not the first pinned one the toggle workload uses). */
export const MUTED_PRIVATE_ID = 1007;

/** The portal's own bucket (bitrix24-api.md §2: other plans than Enterprise). */
export const PORTAL_BUCKET = { ratePerSec: 2, burst: 50 } as const;

/** A fake portal whose clock the bench can jump forward, to empty its bucket after set-up requests. */
export interface BenchPortal {
  portal: FakePortal;
  /** Empties the portal's leaky bucket (jumps its clock 60 s: the bucket drains 2/s, holds at most 50). */
  freshBucket(): void;
  /** HTTP requests the portal received since the last {@link BenchPortal.mark} (a batch counts once; 503s included). */
  requests(): number;
  /** Of {@link BenchPortal.requests}: answers 503 QUERY_LIMIT_EXCEEDED. */
  rejected(): number;
  /** Starts counting from now (forgets the recorded calls). */
  mark(): void;
  close(): Promise<void>;
}

/** Seeds of the workloads. */
export const SEEDS = {
  /**
   * 300 recent dialogs, 40 of them pinned, nothing unread except one pinned private dialog the
   * user muted, with 2 unread messages (counted under CHAT_MUTED, bitrix24-api.md §6): the load,
   * poll and toggle workloads.
   */
  recent300pinned40: (): SeedDialog[] =>
    generateDialogs(300, { pinned: 40 }).map((d) =>
      d.id === MUTED_PRIVATE_ID ? { ...d, muted: true, counter: 2 } : d,
    ),
  /** 300 recent dialogs, 200 pinned, all carrying the manual unread mark and none unread messages: "mark 200 read" (mark only). */
  pinned200unread: (): SeedDialog[] => generateDialogs(300, { pinned: 200, unread: 300 }),
  /** The same 200 pinned dialogs, each with the mark and unread messages: "mark 200 read" (messages). */
  pinned200messages: (): SeedDialog[] => generateDialogs(300, { pinned: 200, unread: 300, withCounter: 300 }),
} as const;

/** Starts a portal on 127.0.0.1 with `seed` and the real bucket (or none with `rateLimit: false`). */
export async function startBenchPortal(
  seed: SeedDialog[],
  opts: { rateLimit?: false | { ratePerSec: number; burst: number } } = {},
): Promise<BenchPortal> {
  let offset = 0;
  const portal = await startFakePortal({
    seed,
    rateLimit: opts.rateLimit === undefined ? { ...PORTAL_BUCKET } : opts.rateLimit,
    now: () => Date.now() + offset,
  });
  const top = () => portal.calls.filter((c) => !c.inBatch);
  return {
    portal,
    freshBucket() {
      offset += 60_000;
    },
    requests: () => top().length,
    rejected: () => top().filter((c) => c.errorCode === 'QUERY_LIMIT_EXCEEDED').length,
    mark: () => portal.resetCalls(),
    close: () => portal.close(),
  };
}
