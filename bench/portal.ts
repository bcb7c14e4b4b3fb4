/**
 * Fake portals for the bench: one per workload, so every workload starts
 * with a fresh leaky bucket (2/s, burst 50 — the portal's real limiter).
 *
 * The portals run in a child process (bench/portal-host.ts), not in the
 * bench's: a client talks to its portal over a real socket to another
 * process, as to a remote portal. In one process the portal's answer
 * waited for whatever the client did synchronously after sending (our
 * durable write, fsync'd, overlaps the round trip on a real portal but
 * delayed the answer here), and the portals' recorded calls shared the heap
 * the memory rows measure. Counters and the portal's state come back over
 * the fork's IPC channel, so every read of them is async; none is taken
 * while a client is timed.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import {
  generateDialogs,
  type FakePortal,
  type FakeTokenResponse,
  type Fault,
  type SeedDialog,
} from '../dev/fake-portal/server';
import type { HostOps, HostReply, HostRequest, HostedPortalInfo } from './portal-host';

/** A pinned private dialog of {@link SEEDS.recent300pinned40} (index 7: pinned, not a chat, not the first pinned one the toggle workload uses). */
export const MUTED_PRIVATE_ID = 1007;

/** The portal's own bucket (bitrix24-api.md §2: other plans than Enterprise). */
export const PORTAL_BUCKET = { ratePerSec: 2, burst: 50 } as const;

/** Requests a portal counted since the last {@link BenchPortal.mark}. */
export interface PortalCounts {
  /** HTTP requests the portal received (a batch counts once; 503s included). */
  requests: number;
  /** Of `requests`: answers 503 QUERY_LIMIT_EXCEEDED. */
  rejected: number;
}

/** A fake portal in the host process; its clock can be jumped forward to empty its bucket after set-up requests. */
export interface BenchPortal {
  /** `http://127.0.0.1:PORT`. */
  readonly url: string;
  /** The inbound webhook URL (ends with `/`). */
  readonly webhookUrl: string;
  /** The local application's credentials and endpoints. */
  readonly oauth: FakePortal['oauth'];
  /** Empties the portal's leaky bucket (jumps its clock 60 s: the bucket drains 2/s, holds at most 50). */
  freshBucket(): Promise<void>;
  /** What the portal received since the last {@link BenchPortal.mark}. */
  counts(): Promise<PortalCounts>;
  /** Starts counting from now (the portal forgets the recorded calls). */
  mark(): Promise<void>;
  /** {@link BenchPortal.counts} and {@link BenchPortal.mark} in one step. */
  takeCounts(): Promise<PortalCounts>;
  /**
   * Resolves with the counts once the portal has answered (200) at least `n` top-level requests
   * of `method` (of any method when null) since the last mark; rejects after `timeoutMs`.
   */
  waitForCalls(method: string | null, n: number, timeoutMs?: number): Promise<PortalCounts>;
  /** A copy of a dialog's current state. */
  dialog(id: string | number): Promise<SeedDialog | undefined>;
  /** Copies of all dialogs, in recent-list order. */
  dialogs(): Promise<SeedDialog[]>;
  /** Patches dialogs (one message for all). */
  setDialogs(patches: [string | number, Partial<SeedDialog>][]): Promise<void>;
  /** A token pair, as a completed OAuth code exchange would give. */
  issueTokens(): Promise<FakeTokenResponse>;
  /** Queues a fault for the portal's next matching requests (`delay`: the bench's portal across the internet). */
  inject(fault: Fault): Promise<void>;
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

// ---------------------------------------------------------------- the host process

interface Host {
  call<K extends keyof HostOps>(op: K, ...args: Parameters<HostOps[K]>): Promise<Awaited<ReturnType<HostOps[K]>>>;
  close(): Promise<void>;
}

let host: Promise<Host> | null = null;

/** Forks bench/portal-host.ts under tsx; the IPC channel holds this process open only while a call waits. */
function startHost(): Promise<Host> {
  const script = fileURLToPath(new URL('./portal-host.ts', import.meta.url));
  const tsx = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
  const child: ChildProcess = fork(script, [], {
    execArgv: ['--import', tsx],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const waiting = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  let seq = 0;
  const channel = () => (child as unknown as { channel?: { ref(): void; unref(): void } }).channel;
  const settleAll = (err: Error) => {
    for (const w of waiting.values()) w.reject(err);
    waiting.clear();
  };
  return new Promise<Host>((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code, signal) => {
      host = null;
      const err = new Error(`bench: the portal host exited (${signal ?? code})`);
      settleAll(err);
      reject(err);
    });
    child.on('message', (msg: HostReply) => {
      if (msg.id === 0) {
        child.unref();
        channel()?.unref();
        resolve({
          call(op, ...args) {
            const id = ++seq;
            if (waiting.size === 0) channel()?.ref();
            return new Promise((res, rej) => {
              waiting.set(id, { resolve: res as (v: unknown) => void, reject: rej });
              child.send({ id, op, args } satisfies HostRequest);
            });
          },
          close: () =>
            new Promise<void>((res) => {
              if (child.exitCode !== null || child.signalCode !== null) return res();
              child.once('exit', () => res());
              child.disconnect();
            }),
        });
        return;
      }
      const w = waiting.get(msg.id);
      if (!w) return;
      waiting.delete(msg.id);
      if (waiting.size === 0) channel()?.unref();
      if (msg.ok) w.resolve(msg.value);
      else w.reject(new Error(`bench: portal host: ${msg.error}`));
    });
  });
}

function portalHost(): Promise<Host> {
  host ??= startHost();
  return host;
}

/** Stops the portal host process (the next portal starts a new one). */
export async function closePortalHost(): Promise<void> {
  const h = host;
  host = null;
  if (h) await (await h).close();
}

/** Starts a portal on 127.0.0.1, in the host process, with `seed` and the real bucket (or none with `rateLimit: false`). */
export async function startBenchPortal(
  seed: SeedDialog[],
  opts: { rateLimit?: false | { ratePerSec: number; burst: number } } = {},
): Promise<BenchPortal> {
  const h = await portalHost();
  const info: HostedPortalInfo = await h.call(
    'start',
    seed,
    opts.rateLimit === undefined ? { ...PORTAL_BUCKET } : opts.rateLimit,
  );
  const { key } = info;
  return {
    url: info.url,
    webhookUrl: info.webhookUrl,
    oauth: info.oauth,
    freshBucket: () => h.call('freshBucket', key),
    counts: () => h.call('counts', key),
    mark: () => h.call('mark', key),
    takeCounts: () => h.call('takeCounts', key),
    waitForCalls: (method, n, timeoutMs = 30_000) => h.call('waitForCalls', key, method, n, timeoutMs),
    dialog: async (id) => (await h.call('dialog', key, id)) ?? undefined,
    dialogs: () => h.call('dialogs', key),
    setDialogs: (patches) => h.call('setDialogs', key, patches),
    issueTokens: () => h.call('issueTokens', key),
    inject: (fault) => h.call('inject', key, fault),
    close: () => h.call('close', key),
  };
}
