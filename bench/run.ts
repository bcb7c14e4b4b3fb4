/**
 * `npm run bench`: builds the popup (the npm script does, before this), then
 * measures everything in this one process and prints one table, which it
 * also writes to bench/results.md with the machine and the versions.
 *
 *   BENCH_REPEATS  runs of each fast workload (default 5; medians reported)
 *   BENCH_SKIP_POPUP=1  skip the Chromium rows (e.g. no /usr/bin/chromium)
 *   BENCH_ONLY=popup    only the Chromium rows (about a minute): prints them with the
 *                       load average and leaves bench/results.md (the full run's record) alone
 *
 * The slow rows run once: the naive loop marking 200 dialogs read (~75 s:
 * the portal's bucket lets 50 through, then 2/s — that is the point).
 */
import { existsSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { ROOT, measureBundle } from './bundle';
import { buildApp, packagedRendererDir } from '../scripts/renderer-out';
import { benchEnv } from './env';
import { measureColdStart } from './coldstart';
import { measureMemory, measurePollingMemory } from './memory';
import { measureOverhead } from './overhead';
import { runNaive, runSdk } from './peers';
import { measurePopup, type PopupResult } from './popup';
import { markdownRows, markdownTable, popupRows, resultsMarkdown, type BenchResults } from './report';
import { median } from './stats';
import { WORKLOADS, runOurs, type Impl, type WorkloadResult } from './workloads';

const say = (line: string) => process.stderr.write(`${line}\n`);

async function repeated(
  label: string,
  runs: number,
  fn: () => Promise<WorkloadResult>,
): Promise<WorkloadResult & { runs: number }> {
  const all: WorkloadResult[] = [];
  for (let i = 0; i < runs; i++) all.push(await fn());
  const wallMs = median(all.map((r) => r.wallMs));
  // Counts should not vary; if they do, report the worst run.
  const worst = all.reduce((a, b) => (b.requests > a.requests ? b : a));
  say(`  ${label}: ${worst.requests} requests, ${wallMs.toFixed(1)} ms (median of ${runs})`);
  return { ...worst, wallMs, runs };
}

async function main(): Promise<void> {
  const t0 = performance.now();
  const loadAtStart = loadavg()[0] ?? 0;
  const repeats = Math.max(1, Number(process.env.BENCH_REPEATS ?? 5) || 5);
  const renderer = packagedRendererDir();
  if (!existsSync(join(renderer, 'index.html'))) {
    say('Building the app (electron-vite build)…');
    buildApp();
  }

  if (process.env.BENCH_ONLY === 'popup') return popupOnly(loadAtStart);
  if (process.env.BENCH_ONLY) throw new Error(`BENCH_ONLY=${process.env.BENCH_ONLY}: only "popup" is known`);

  say('Bundle…');
  const bundle = measureBundle(renderer);

  say('Workloads against the fake portal (2/s, burst 50; a fresh portal each)…');
  const workloads = {} as BenchResults['workloads'];
  for (const w of WORKLOADS) {
    const byImpl = {} as Record<Impl, WorkloadResult & { runs: number }>;
    byImpl.ours = await repeated(`${w} ours`, repeats, () => runOurs(w));
    byImpl.sdk = await repeated(`${w} sdk`, repeats, () => runSdk(w));
    if (w === 'read200') say('  read200 naive: about 175 s (400 calls, 2/s after the first 50)…');
    if (w === 'read200mark') say('  read200mark naive: about 75 s (2/s after the first 50)…');
    const slow = w === 'read200' || w === 'read200mark';
    byImpl.naive = await repeated(`${w} naive`, slow ? 1 : repeats, () => runNaive(w));
    workloads[w] = byImpl;
  }

  say('Client overhead per call…');
  const overhead = await measureOverhead();
  say(`  ours/bare ${overhead.ratio.toFixed(3)}`);

  say('Memory over 10 000 toggles…');
  const memory = await measureMemory();
  say(`  heap ${(memory.growth / 1024 / 1024).toFixed(2)} MB growth`);

  say('Memory over 24 simulated hours of polling 10 portals…');
  const pollingMemory = await measurePollingMemory();
  say(`  heap ${(pollingMemory.growth / 1024 / 1024).toFixed(2)} MB growth (${pollingMemory.polls} polls)`);

  say('Core cold start…');
  const coldStart = await measureColdStart();
  for (const c of coldStart) say(`  ${c.portals} portal(s), ${c.pinned} pinned: ${c.medianMs.toFixed(1)} ms`);

  let popup: PopupResult | { error: string };
  if (process.env.BENCH_SKIP_POPUP === '1') {
    popup = { error: 'skipped (BENCH_SKIP_POPUP=1)' };
  } else {
    say('Popup in Chromium…');
    try {
      popup = await measurePopup();
    } catch (err) {
      popup = { error: err instanceof Error ? err.message.split('\n')[0]!.slice(0, 200) : String(err) };
      say(`  failed: ${popup.error}`);
    }
  }

  const results: BenchResults = {
    workloads,
    overhead,
    popup,
    bundle,
    memory,
    pollingMemory,
    coldStart,
    env: benchEnv('error' in popup ? null : popup.chromium, loadAtStart),
    totalMs: performance.now() - t0,
    date: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
  };
  process.stdout.write(`${markdownTable(results)}\n`);
  const file = join(ROOT, 'bench', 'results.md');
  writeFileSync(file, resultsMarkdown(results));
  say(`Written to ${file}`);
}

/** `BENCH_ONLY=popup`: the Chromium rows alone, for iterating on the popup. */
async function popupOnly(loadAtStart: number): Promise<void> {
  say('Popup in Chromium…');
  const popup = await measurePopup();
  process.stdout.write(`${markdownRows(popupRows(popup))}\n`);
  const load = loadavg().map((l) => l.toFixed(2));
  say(
    `Chromium ${popup.chromium}; 1-minute load average ${loadAtStart.toFixed(2)} at the start, ${load[0]} at the end`,
  );
  say('bench/results.md not written (BENCH_ONLY=popup); npm run bench writes the full table.');
}

main().then(
  // The SDK and the HTTP keep-alive pools hold sockets: leave once the table is written.
  () => process.exit(0),
  (err: unknown) => {
    say(`bench failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
    process.exit(1);
  },
);
