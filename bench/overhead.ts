/**
 * Client overhead per call: our REST client (`createBitrixClient`, with its
 * limiter set wide open so it admits at once but still runs) against a bare
 * `fetch` of the same request to the same endpoint, on a fake portal with
 * its rate limit off. A third side is the bare fetch plus the one thing a
 * robust client cannot drop, a per-call timeout (an AbortController and a
 * timer; ours has a controller per call and one timer for the calls in
 * flight, src/main/core/bitrix/request-guard.ts): Node's fetch charges every
 * request that carries a signal, so that is the floor for any client with
 * timeouts. The sides
 * rotate call by call (A B C, C B A, …) so drift in machine load hits all
 * alike; medians are compared.
 */
import { performance } from 'node:perf_hooks';
import { shipped } from './shipped-core';
import { startBenchPortal } from './portal';
import { median, percentile } from './stats';

/** Result of {@link measureOverhead}. */
export interface OverheadResult {
  /** Calls of each kind that were timed (after the warm-up). */
  calls: number;
  oursMedianMs: number;
  bareMedianMs: number;
  /** Bare fetch with a per-call abort signal and timer (the timeout floor). */
  bareTimeoutMedianMs: number;
  oursP90Ms: number;
  bareP90Ms: number;
  /** oursMedian / bareMedian (target ≤ 1.10). */
  ratio: number;
  /** bareTimeoutMedian / bareMedian: what the timeout alone costs. */
  timeoutRatio: number;
  /** oursMedian / bareTimeoutMedian: our client on top of fetch-with-timeout. */
  ratioOverTimeout: number;
}

/** The call both sides make: one toggle, as the queue sends it. */
const METHOD = 'im.recent.unread';
const PARAMS = { DIALOG_ID: 'chat1002', ACTION: 'Y' } as const;

/** Measures `calls` interleaved pairs after `warmup` pairs. */
export async function measureOverhead(opts: { calls?: number; warmup?: number } = {}): Promise<OverheadResult> {
  const calls = opts.calls ?? 2000;
  const warmup = opts.warmup ?? 200;
  const bp = await startBenchPortal([{ id: 'chat1002', title: 'Bench' }], { rateLimit: false });
  try {
    const url = bp.webhookUrl;
    const client = shipped.createBitrixClient({
      auth: shipped.webhookAuth(shipped.parseWebhookUrl(url)),
      // The limiter stays in the path (its cost counts) but never makes a call wait.
      limiter: shipped.createLeakyBucket({ ratePerSec: 1e9, burst: 1e9 }),
      userAgent: 'B24UnreadTray/bench',
    });
    const endpoint = `${url}${METHOD}.json`;
    const ours = async () => {
      const r = await client.call<boolean>(METHOD, PARAMS);
      if (r !== true) throw new Error('bench: our client got an unexpected answer');
    };
    const bareFetch = async (signal?: AbortSignal) => {
      const res = await fetch(endpoint, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
        body: JSON.stringify(PARAMS),
        signal,
      });
      const body = (await res.json()) as { result?: unknown };
      if (body.result !== true) throw new Error('bench: bare fetch got an unexpected answer');
    };
    const bare = () => bareFetch();
    const bareTimeout = async () => {
      const ctl = new AbortController();
      const timer = setTimeout(() => ctl.abort(), 15_000);
      try {
        await bareFetch(ctl.signal);
      } finally {
        clearTimeout(timer);
      }
    };
    const a: number[] = [];
    const b: number[] = [];
    const c: number[] = [];
    const sides: [() => Promise<void>, number[]][] = [
      [ours, a],
      [bare, b],
      [bareTimeout, c],
    ];
    for (let i = 0; i < warmup + calls; i++) {
      const keep = i >= warmup;
      // Rotate the order: no side always goes first (connection reuse, GC, timer phases).
      for (let k = 0; k < sides.length; k++) {
        const [fn, into] = sides[(i + k) % sides.length]!;
        const t0 = performance.now();
        await fn();
        if (keep) into.push(performance.now() - t0);
      }
    }
    const oursMedianMs = median(a);
    const bareMedianMs = median(b);
    const bareTimeoutMedianMs = median(c);
    return {
      calls,
      oursMedianMs,
      bareMedianMs,
      bareTimeoutMedianMs,
      oursP90Ms: percentile(a, 90),
      bareP90Ms: percentile(b, 90),
      ratio: oursMedianMs / bareMedianMs,
      timeoutRatio: bareTimeoutMedianMs / bareMedianMs,
      ratioOverTimeout: oursMedianMs / bareTimeoutMedianMs,
    };
  } finally {
    await bp.close();
  }
}
