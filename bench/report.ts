/**
 * The one table `npm run bench` prints and writes to bench/results.md, with
 * the machine, the versions and what each row measures.
 */
import type { BundleSizes } from './bundle';
import { JS_GZIP_TARGET_BYTES } from './bundle';
import type { BenchEnv } from './env';
import type { ColdStart } from './coldstart';
import type { MainLoad } from './mainload';
import { HEAP_GROWTH_BOUND_BYTES, type MemoryResult, type PollingMemoryResult } from './memory';
import type { OverheadResult } from './overhead';
import type { TogglePhases } from './phases';
import { PORTAL_BUCKET } from './portal';
import { FRAME_MS, type PopupResult } from './popup';
import { WARM_UP } from './workloads';
import { kb, mb, ms, ratioInterval, signedMs } from './stats';
import {
  REMOTE_ANSWER_DELAY_MS,
  REQUEST_LIMITS,
  WORKLOADS,
  WORKLOAD_LABELS,
  bucketMinimumSec,
  type Impl,
  type WorkloadName,
  type WorkloadResult,
} from './workloads';

/** One side of a workload over its runs: the medians, how many runs, and each run's wall time. */
export type WorkloadSummary = WorkloadResult & { runs: number; walls: number[] };

/**
 * One toggle through our core with the store on disk and in memory, and the naive toggle, in
 * turn (medians, and each run's wall time).
 */
export interface ToggleSides {
  diskMs: number;
  memoryMs: number;
  naiveMs: number;
  runs: number;
  walls: { disk: number[]; memory: number[]; naive: number[] };
  /** The same runs cut where the request left and where its answer ended (bench/phases.ts), medians. */
  phases: { disk: TogglePhases; memory: TogglePhases; naive: TogglePhases };
}

/** Everything one run measured. */
export interface BenchResults {
  workloads: Record<WorkloadName, Record<Impl, WorkloadSummary>>;
  /** {@link ToggleSides} against this machine's local portal. */
  durability: ToggleSides;
  /** {@link ToggleSides} with the portal answering each toggle {@link REMOTE_ANSWER_DELAY_MS} late. */
  remote: ToggleSides;
  overhead: OverheadResult;
  popup: PopupResult | { error: string };
  bundle: BundleSizes;
  memory: MemoryResult;
  pollingMemory: PollingMemoryResult;
  coldStart: ColdStart[];
  mainLoad: MainLoad;
  env: BenchEnv;
  totalMs: number;
  date: string;
}

export type Row = [string, string, string, string, string, string];

const ok = (pass: boolean) => (pass ? '✓' : '✗');
const x = (v: number) => `${v.toFixed(2)}×`;

function requestsCell(r: WorkloadResult): string {
  return r.rejected > 0 ? `${r.requests} (${r.rejected} refused 503)` : String(r.requests);
}

function wallCell(r: WorkloadResult): string {
  const min = bucketMinimumSec(r.requests - r.rejected, PORTAL_BUCKET);
  const cpu = `CPU ${ms(r.cpuMs)}`;
  if (min === 0) return `${ms(r.wallMs)} (${cpu})`;
  return `${ms(r.wallMs)} (${cpu}; bucket min ${ms(min * 1000)}, ${x(r.wallMs / (min * 1000))})`;
}

function requestVerdict(w: WorkloadName, res: Record<Impl, WorkloadResult>): string {
  const ours = res.ours.requests;
  const best = Math.min(res.sdk.requests, res.naive.requests);
  const limit = REQUEST_LIMITS[w];
  const parts: string[] = [];
  if (limit !== null) parts.push(`${ok(ours <= limit)} limit`);
  parts.push(`${ok(ours <= best)} ${ours === best ? 'ties' : ours < best ? 'beats' : 'behind'} best peer`);
  return parts.join(', ');
}

/** Why ours takes longer where it does: what the peers skip. */
const WALL_NOTES: Partial<Record<WorkloadName, string>> = {
  toggle:
    "the request leaves first; its intent is then appended to the queue log on libuv's thread pool, on disk when the write returns (O_DSYNC), while the request is out, and its delivery (appended, not synced: a removal) after the answer; against this local portal those writes compete with the portal process for the 2 cores and the disk; the peers persist nothing",
  read200:
    "8 batches, two out at once (the next leaves on the turn after the oldest answers; the SDK sends one after another), the 200 intents appended to the queue log (O_DSYNC, on the thread pool) while the first request is out, each chunk's settlements appended (not synced: removals) while the next one is; the peers persist nothing",
  read200mark:
    "4 batches, two out at once (the next leaves on the turn after the oldest answers; the SDK sends one after another), the 200 intents appended to the queue log (O_DSYNC, on the thread pool) while the first request is out, each chunk's settlements appended (not synced: removals) while the next one is; the peers persist nothing",
};

/** The issue's wall-time goal: at most the best peer (1.00×). */
const WALL_GOAL = 1.0;

/**
 * The ratio's 95% bootstrap interval (stats.ts `ratioInterval`) and what it says: whether this run's
 * noise could carry the ratio across 1.00×. Empty where either side ran fewer than 5 times.
 */
export function intervalNote(ours: readonly number[], peer: readonly number[]): string {
  if (ours.length < 5 || peer.length < 5) return '';
  const { lo, hi } = ratioInterval(ours, peer);
  const reading =
    hi < 1
      ? 'ahead beyond this run’s noise'
      : lo > 1
        ? 'behind beyond this run’s noise'
        : 'within this run’s noise of it';
  return `95% interval ${lo.toFixed(2)}–${hi.toFixed(2)}×: ${reading}`;
}

function wallVerdict(w: WorkloadName, res: Record<Impl, WorkloadSummary>): string {
  const best = res.sdk.wallMs <= res.naive.wallMs ? res.sdk : res.naive;
  const ratio = res.ours.wallMs / best.wallMs;
  const interval = intervalNote(res.ours.walls, best.walls);
  const note = ratio > WALL_GOAL && WALL_NOTES[w] ? `; ${WALL_NOTES[w]}` : '';
  return `${ok(ratio <= WALL_GOAL)} ${x(ratio)} best peer (medians of ${res.ours.runs}${interval ? `; ${interval}` : ''}${note})`;
}

/** Popup targets of issue 14 (list size → data → painted list). */
const PAINT_TARGET_MS: Record<number, number> = { 50: 8, 500: 50 };

/** The popup rows of the table (also printed alone by `BENCH_ONLY=popup`). */
export function popupRows(popup: PopupResult | { error: string }): Row[] {
  const rows: Row[] = [];
  if ('error' in popup) {
    rows.push(['Popup in Chromium', `not measured: ${popup.error}`, '—', '—', '—', '✗']);
  } else {
    const p = popup;
    for (const l of p.lists) {
      const target = PAINT_TARGET_MS[l.rows] ?? FRAME_MS;
      rows.push([
        `Popup: data → painted list, ${l.rows} pinned`,
        `${ms(l.frameMs)} (rows in DOM ${ms(l.domMs)}; the frame's rAF ${ms(l.rafMs)})`,
        '—',
        '—',
        PAINT_TARGET_MS[l.rows] ? `≤ ${ms(target)}` : `one frame (${ms(FRAME_MS)})`,
        `${ok(l.frameMs <= target)} median of ${l.repeats}`,
      ]);
    }
    const f = p.floor;
    const list = p.lists.find((l) => l.rows === f.rows);
    rows.push([
      `Popup: the same ${f.rows}-row first screen as static HTML (the browser's floor)`,
      `${ms(f.frameMs)}${list ? ` (the list: ${ms(list.frameMs)}, ${ms(list.frameMs - f.frameMs)} above it)` : ''}`,
      '—',
      '—',
      'stated',
      `median of ${list?.repeats ?? '?'}`,
    ]);
    rows.push([
      `Popup: that first screen without its rows (the filter bar and an empty list), the same way`,
      `${ms(f.emptyMs)} (the ${f.rows} rows' static HTML adds ${ms(f.frameMs - f.emptyMs)})`,
      '—',
      '—',
      'stated',
      `median of ${list?.repeats ?? '?'}: what a pushed state costs to reach the screen here with next to nothing to lay out`,
    ]);
    rows.push([
      'Popup: key press → aria-checked flipped',
      `p50 ${ms(p.flipP50)}, p95 ${ms(p.flipP95)}`,
      '—',
      '—',
      `one frame (${ms(FRAME_MS)})`,
      `${ok(p.flipP95 <= FRAME_MS)} ${p.presses} presses`,
    ]);
    rows.push([
      'Popup: key press → flip painted',
      `p50 ${ms(p.frameP50)}, p95 ${ms(p.frameP95)} (the frame's rAF p50 ${ms(p.rafP50)}, p95 ${ms(p.rafP95)})`,
      '—',
      '—',
      `p95 ≤ one frame (${ms(FRAME_MS)})`,
      ok(p.frameP95 <= FRAME_MS),
    ]);
    rows.push([
      '`shown` (hotkey) → first row focused and painted',
      `focused p50 ${ms(p.shownFocusP50)}, p95 ${ms(p.shownFocusP95)}; painted p50 ${ms(p.shownFrameP50)}, p95 ${ms(p.shownFrameP95)}`,
      '—',
      '—',
      `painted p95 ≤ one frame (${ms(FRAME_MS)})`,
      `${ok(p.shownFrameP95 <= FRAME_MS)} ${p.shows} events`,
    ]);
  }
  return rows;
}

/** Builds the table rows. */
export function tableRows(r: BenchResults): Row[] {
  const rows: Row[] = [];
  for (const w of WORKLOADS) {
    const res = r.workloads[w];
    const limit = REQUEST_LIMITS[w];
    rows.push([
      `Requests: ${WORKLOAD_LABELS[w].toLowerCase()}`,
      requestsCell(res.ours),
      requestsCell(res.sdk),
      requestsCell(res.naive),
      limit === null ? '1 per account' : `≤ ${limit}`,
      requestVerdict(w, res),
    ]);
  }
  for (const w of WORKLOADS) {
    const res = r.workloads[w];
    rows.push([
      `Wall time: ${WORKLOAD_LABELS[w].toLowerCase()}`,
      wallCell(res.ours),
      wallCell(res.sdk),
      wallCell(res.naive),
      w === 'toggle' || w === 'read200' || w === 'read200mark'
        ? `≤ 1.00× best peer (bucket min: max(0, n − 50) / 2 s)`
        : 'bucket min: max(0, n − 50) / 2 s',
      wallVerdict(w, res),
    ]);
  }
  const d = r.durability;
  rows.push([
    'Wall time: one toggle, the store kept in memory (what the durable write costs)',
    `${ms(d.memoryMs)} in memory; ${ms(d.diskMs)} on disk`,
    '—',
    ms(d.naiveMs),
    'stated',
    `the durable write ${signedMs(d.diskMs - d.memoryMs)}; beside the naive toggle: ${(d.memoryMs / d.naiveMs).toFixed(2)}× in memory, ${(d.diskMs / d.naiveMs).toFixed(2)}× on disk (medians of ${d.runs}, in turn; on disk, ${intervalNote(d.walls.disk, d.walls.naive)})`,
  ]);
  const cut = (p: TogglePhases) =>
    `request left ${ms(p.leaveMs)} · round trip ${ms(p.roundTripMs)} · then ${ms(p.afterMs)}`;
  rows.push([
    'Wall time: one toggle, where the time goes (the runs of the row above)',
    `on disk: ${cut(d.phases.disk)}; in memory: ${cut(d.phases.memory)}`,
    '—',
    cut(d.phases.naive),
    'stated',
    `medians of ${d.runs} (each phase on its own, so they need not add up to the medians above): from the action to the request's headers handed to the socket, from there to the answer's last byte (the portal's work, and what else shares the 2 cores meanwhile), from there to the confirmation`,
  ]);
  const far = r.remote;
  rows.push([
    `Wall time: one toggle, the portal answering ${REMOTE_ANSWER_DELAY_MS} ms late (as a portal across the internet)`,
    `${ms(far.diskMs)} on disk; ${ms(far.memoryMs)} in memory`,
    '—',
    ms(far.naiveMs),
    'stated',
    `on disk ${x(far.diskMs / far.naiveMs)} the naive toggle, ${signedMs(far.diskMs - far.naiveMs)} (medians of ${far.runs}, in turn; ${intervalNote(far.walls.disk, far.walls.naive)}); the durable write ${signedMs(far.diskMs - far.memoryMs)}; cut as above, on disk: ${cut(far.phases.disk)}; naive: ${cut(far.phases.naive)}`,
  ]);
  const o = r.overhead;
  rows.push([
    'Client overhead per call (median)',
    ms(o.oursMedianMs),
    '—',
    `bare fetch ${ms(o.bareMedianMs)}; with a timeout signal ${ms(o.bareTimeoutMedianMs)}`,
    '≤ 1.10× bare fetch',
    `${ok(o.ratio <= 1.1)} ${x(o.ratio)} bare; ${x(o.ratioOverTimeout)} fetch+timeout (the timeout alone ${x(o.timeoutRatio)})`,
  ]);
  rows.push(...popupRows(r.popup));
  const b = r.bundle;
  rows.push([
    'Popup bundle (packaged out/renderer), gzipped',
    `JS ${kb(b.js.gzip)} (${kb(b.js.raw)} raw, ${b.js.files} file, ${b.js.minified ? 'minified' : 'NOT minified'}); CSS ${kb(b.css.gzip)} (${kb(b.css.raw)} raw)`,
    '—',
    '—',
    `JS < ${kb(JS_GZIP_TARGET_BYTES)}, minified`,
    ok(b.js.gzip < JS_GZIP_TARGET_BYTES && b.js.minified),
  ]);
  const m = r.memory;
  const heapMb = (b: number) => (b / (1024 * 1024)).toFixed(2);
  rows.push([
    `Core heap after ${m.toggles.toLocaleString('en-US')} toggles (after ${m.warmupToggles.toLocaleString('en-US')} warm-up toggles)`,
    `${mb(m.growth)} (${heapMb(m.heapBefore)} → ${heapMb(m.heapMid)} half-way → ${heapMb(m.heapAfter)} MB; ${m.requests.toLocaleString('en-US')} requests)`,
    '—',
    '—',
    `growth < ${mb(HEAP_GROWTH_BOUND_BYTES).slice(1)}`,
    `${ok(m.growth < HEAP_GROWTH_BOUND_BYTES)} second half ${mb(m.heapAfter - m.heapMid)}`,
  ]);
  const pm = r.pollingMemory;
  rows.push([
    `Core heap after ${pm.hours} simulated hours of polling ${pm.portals} portals (after a ${pm.warmupHours} h warm-up)`,
    `${mb(pm.growth)} (${heapMb(pm.heapBefore)} → ${heapMb(pm.heapMid)} half-way → ${heapMb(pm.heapAfter)} MB; ${pm.polls.toLocaleString('en-US')} polls, ${pm.requests.toLocaleString('en-US')} requests)`,
    '—',
    '—',
    `growth < ${mb(HEAP_GROWTH_BOUND_BYTES).slice(1)}`,
    `${ok(pm.growth < HEAP_GROWTH_BOUND_BYTES)} second half ${mb(pm.heapAfter - pm.heapMid)}`,
  ]);
  for (const c of r.coldStart) {
    rows.push([
      `Core cold start → first state with the cached list, ${c.portals === 1 ? '1 portal' : `${c.portals} portals`} (${c.pinned} pinned)`,
      `${ms(c.medianMs)} (max ${ms(c.maxMs)})`,
      '—',
      '—',
      'stated (no peer caches a list)',
      `median of ${c.repeats}`,
    ]);
  }
  const ml = r.mainLoad;
  rows.push([
    `Main process: loading its code (out/main, importing ${ml.loadedAtStart.length === 0 ? 'none' : ml.loadedAtStart.join(', ')} of the ${ml.packages} packages in node_modules as it loads), a fresh process`,
    `${ms(ml.medianMs)} (max ${ms(ml.maxMs)})`,
    '—',
    '—',
    'stated (before the cold start above)',
    `median of ${ml.runs}, on Node (Electron reads the same files from app.asar)`,
  ]);
  return rows;
}

const HEADER: Row = ['Row', 'Ours', '@bitrix24/b24jssdk 2.2.0', 'Naive fetch loop', 'Limit / target', 'Verdict'];

/** The table as Markdown. */
export function markdownTable(r: BenchResults): string {
  return markdownRows(tableRows(r));
}

/** Rows under the table's header, as Markdown. */
export function markdownRows(rows: Row[]): string {
  const esc = (s: string) => s.replace(/\|/g, '\\|');
  const lines = [HEADER, ['---', '---:', '---:', '---:', '---', '---'] as Row, ...rows];
  return lines.map((cells) => `| ${cells.map(esc).join(' | ')} |`).join('\n');
}

/** The whole results.md. */
export function resultsMarkdown(r: BenchResults): string {
  const e = r.env;
  const pkgs = Object.entries(e.packages)
    .map(([k, v]) => `${k} ${v}`)
    .join(', ');
  return `# Benchmark results

Written by \`npm run bench\` (bench/run.ts) on ${r.date}; the whole run took ${ms(r.totalMs)}.
The clients ran in one Node process, against fake portals (dev/fake-portal) in a child process
(bench/portal-host.ts: a real socket to another process, as to a remote portal) with their real leaky
bucket (${PORTAL_BUCKET.ratePerSec}/s, burst ${PORTAL_BUCKET.burst}), a fresh portal — so a fresh bucket — per workload;
each side ran once untimed, then the sides took turns run by run; ratios compare figures measured side
by side in this run.

${markdownTable(r)}

## Machine and versions

- CPU: ${e.cpu}, ${e.cores} cores; RAM ${e.ramGiB} GiB; ${e.os}
- 1-minute load average ${e.load.start.toFixed(2)} at the start, ${e.load.end.toFixed(2)} at the end (the machine is shared;
  times, not counts, move with it)
- Node ${e.node}; Chromium ${e.chromium ?? 'not run'} (Debian's, /usr/bin/chromium, headless)
- Packages: ${pkgs} (Electron pinned; its binary is not installed here, so the main-process rows run on Node)

## What each row measures

- **Requests** are HTTP requests the portal received (a \`batch\` counts once, refused 503s count too),
  from the first action until the work is confirmed. Each workload checks the portal's state afterwards
  (all 200 dialogs read, the 40 pinned found, ...), so a fast wrong answer cannot pass.
  - **Ours** is the real core (\`createAppCore\`) driven through its intents, as the popup drives it:
    \`setUnread\` through the durable queue (the request leaves first; right after it, the intent is appended
    to the queue log (one line, written on libuv's thread pool through a descriptor opened with O_DSYNC: on disk when
    the write returns); the reply waits until the intent is on
    disk or the portal has confirmed it),
    \`refresh\` through the dialogs service, the idle poll fired by the poller's own timer (the core's
    clock is jumped 60 s). Mark 200 read = one \`setUnreadMany\` intent ("Mark all read"): 200 toggles
    queued and stored in one write, then sent as batches of 50 calls (8 when every dialog has unread
    messages: \`im.recent.unread N\` + \`im.dialog.read\` each; 4 when they carry only the mark), two
    requests out at once, the next on the turn after the oldest answers, on the connection that carried it
    (Node's \`fetch\` takes a connection back only a turn after its answer: sent at once, the next batch
    opened a connection of its own). Its client keeps its own limiter
    (2/s, burst 45). Its HTTP is Node's \`fetch\`
    (undici), the same as the naive peer's: the app's is Electron's \`net.fetch\` (Chromium's network stack,
    for the system's proxy and certificate store), which cannot run here.
  - **Every side starts on an open connection that has just carried a request**: each makes one \`${WARM_UP}\`
    call right before the portal's bucket and counts are reset, the peers on their fresh clients, ours on the
    kept-alive connection its sign-in left (with Node's \`fetch\` on its global pool, which the core's client
    sends on here). Until issue 14's fourteenth round the peers' timed span also held a new connection's set-up
    and their client's first request (the naive toggle: 2.70 against 2.02 ms); until its sixteenth only the peers
    made this call, and ours toggled on a connection last used some 60 ms before, which alone made the same bare
    \`fetch\` toggle 2.0 against 1.4 ms (bench/workloads.ts \`WARM_UP\`).
  - **SDK**: \`B24OAuth\` with an http \`client_endpoint\` on the fake portal, the natural way: one
    \`actions.v2.call\` for a toggle, \`actions.v2.batchByChunk\` for 200 (the same calls as ours: the mark
    removed, plus \`im.dialog.read\` where messages are unread), \`im.recent.list\` paged by
    OFFSET with LIMIT 200 as the docs advise. It has no change detection, so its idle poll re-reads the list.
  - **Naive**: plain \`fetch\`, one request per action, no batching, no limiter; a 503 is retried after
    1 s; lists paged with the default page size (50); a poll re-reads the list.
- **Wall time** runs from the first action to the confirmation (for ours: the intent's reply and the state
  showing it delivered, whichever is later). The bucket minimum for n requests from an
  empty bucket is max(0, n − 50) / 2 s (n without refused requests); below 51 requests it is 0 s, so the
  ratio is only shown where the bucket sets a floor. "× best peer" compares ours with the faster peer;
  beside it, the 95% bootstrap interval of that ratio from this run's own samples (each side resampled
  2,000 times; bench/stats.ts): where it spans 1.00×, this run cannot tell ours from that peer, whatever
  the verdict on the medians says.
  Each row starts on an idle disk: \`sync\` first, after the build that \`npm run bench\` runs (until issue 14's
  eleventh round its writeback overlapped the first rows, and our toggle's fdatasync waited for it).
  **CPU** is the CPU time (user + system, every thread) the client's process spent over the same span,
  the portals' own excluded: much less moved by the machine's other load than the wall time.
  Ours pays for durability: each change of the queue is a whole snapshot of it appended to the queue log
  (\`config.queue.log\`), on disk before it counts when it adds or changes an intent (on Linux one O_DSYNC write on
  libuv's thread pool; a write and an fdatasync on macOS and Windows), and appended without a sync when it
  only removes confirmed ones; the store file and its journal are its
  checkpoint, rewritten at stop and when the log passes 256 KB. The request leaves first and
  the write follows; against a remote portal it overlaps the round trip, against this local one it competes with
  the portal's process for the machine's CPU and disk. The batch window costs no wait (a toggle
  leaves once the task that queued it has run, with no timer; a burst still leaves as batches of 50);
  the peers persist nothing. The row
  "the store kept in memory" runs the same toggle through the same core with an in-memory store (no file,
  no fsync), in turn with the store on disk and with the naive toggle: the difference is what the durable
  write costs here (against this local portal, the synced write shares the 2 cores with the portal's process;
  against a remote one it overlaps the round trip). The row after it cuts the same runs at two instants that
  Node's \`fetch\` publishes on undici's diagnostics channels, the same way for ours and the naive peer (both send
  with it here): the request's headers handed to the socket (\`undici:client:sendHeaders\`) and its answer read to
  the end (\`undici:request:trailers\`); bench/phases.ts. The row "the portal answering ${REMOTE_ANSWER_DELAY_MS} ms late" runs the
  same three sides the same way, except that the portal holds back its answer to each timed toggle by
  ${REMOTE_ANSWER_DELAY_MS} ms (its \`delay\` fault, queued after the set-up requests, so only the toggle waits): a round trip
  to a cloud portal takes tens of milliseconds, this machine's local portal answers in under one. There, what a
  client does while its request is out (ours: the durable write and the state push that shows the row pending)
  is hidden, and what it does before the request leaves and after the answer is not.
- **Client overhead**: ${r.overhead.calls} calls each of our \`createBitrixClient().call('im.recent.unread')\`
  (limiter wide open but in the path), a bare \`fetch\` of the same POST, and the bare fetch with a per-call
  AbortController + timer (the timeout any robust client needs), rotated call by call; rate limit off;
  medians. On Node 20, fetch charges every request that carries an abort signal (undici registers a listener,
  a WeakRef and a finalizer per request); that part is the "fetch+timeout" floor.
- **Popup**: the built popup (out/renderer, what electron-builder packages) served by the real preview bridge (dev/preview/web-server.ts) in this
  process over the real core and a fake portal (rate limit off). For N pinned, the portal pins N dialogs and
  the core reloads once the page has painted nothing for 50 ms, as a popup's data comes to an idle page
  (timed after three untimed rounds of every size: the renderer's code is compiled and
  optimised over its first runs, which otherwise the size timed first pays for); in the page an init script times from the state event's creation (\`timeStamp\` of the
  server-sent event, before the bridge parses it) to the list of N in the DOM (all N rows, or for the windowed
  list rows of a set of N, \`aria-setsize\`, down to the bottom of the viewport) and to that list painted.
  Painted means the frame after the change has run its style, layout and paint: a \`requestAnimationFrame\`
  callback (which runs before them), then a MessageChannel message posted from it (handled after them).
  "The frame's rAF" is that callback's time: what the rows called "frame" before issue 14's second round.
  The page reports each timing complete through an exposed binding; nothing of Playwright's polls it while
  a round is timed (until issue 14's tenth round a trace found a task with no script of the page's, most
  likely \`waitForFunction\`'s own, between the frame's commit and the "painted" message in some list rounds).
  Key press: the first row's switch is
  focused (50 pinned); from the Space keydown's \`timeStamp\` to the MutationObserver record of its
  \`aria-checked\` flip, and to that flip painted; the key goes up after that, as a held key does (a keyup
  a millisecond after the keydown, as \`keyboard.press\` sends it, made Chromium defer the probe to a later
  frame); each press waits for the previous toggle to be delivered.
  \`shown\`: the bridge pushes the \`shown\` event the hotkey sends (no row named) while nothing has focus;
  from its \`timeStamp\` to the first row holding the focus, and to that painted.
  The browser's floor: the list's first screen of 50 as \`main\` held it once painted, copied as static
  HTML; its rounds take turns with the 50-row list's: the popup's nodes are set aside, and when the same
  state arrives the same way (the core reloads 50 pinned after the same 50 ms without a frame) the copy goes
  in at once instead of the popup handling it, timed from that state's \`timeStamp\` to painted as above
  (parse, style, layout and paint of the same rows with no script of ours); then the popup's nodes are put
  back. (Until issue 14's ninth round the copy went in last, from a timer 20 ms after a frame, and the
  list's state came some milliseconds after the previous frame: the two were timed under different
  conditions, minutes apart.) Right after each floor round, the same first screen with its rows taken
  out goes in the same way: the share of the floor that is the frame itself (the state's task, the wait
  for the next frame, and its commit), not the rows.
- **Bundle**: every .js and .css under out/renderer (the folder electron-builder packages, built by \`npm run bench\` first), gzip level 6; minified means no JS file averages under 500 bytes a line.
- **Memory**: the real core (in-memory store, so 10 000 fsync'd writes do not dominate; portal and client
  rate limits off), toggles one per task in rounds of 50 distinct pinned dialogs, each round drained;
  heap used after forced GCs, each followed by a turn of the event loop (finalizers, such as the one Node's
  fetch uses to drop a finished request's abort listener, run only then), after ${r.memory.warmupToggles.toLocaleString('en-US')} warm-up
  toggles (V8 compiles hot code for a while), half-way and after the last round has drained. The portals
  run in their own process, so their records of the calls are not in this heap.
- **Polling memory**: the real core signed in to 10 fake portals (45 pinned each; in-memory store,
  rate limits off); its clock jumped one poll interval (60 s, plus 1 s) at a time, each jump waiting until
  every portal was polled and the state updated; heap measured as above after a ${r.pollingMemory.warmupHours} h warm-up, half-way,
  and after ${r.pollingMemory.hours} h worth of polls. A heap snapshot diff over a whole run holds compiled code
  (and its deoptimisation data) and no growing JavaScript objects.
- **Cold start**: a data directory left by an earlier run (signed in, list loaded, core stopped, so the list
  is cached); from opening the store and creating the core to the first \`state\` it pushes that shows the
  cached list (no request needed; the reload runs after it). Loading the core's module comes before it, once
  per process (the row "loading the main process's code" states what a fresh process spends there; since
  issue 14's eleventh round the store's validators are generated ahead, not compiled there). Until issue 14's
  tenth round conf compiled
  the document's schema again at every open, inside this row (20–25 ms), and every open rewrote and fsync'd
  the store's journal.
- **Loading the main process's code** (bench/mainload.ts): a scratch folder laid out as the package is
  (out/main; a node_modules of the packages the app loads from there: package.json's \`dependencies\` and
  theirs, scripts/shipped-packages.ts; an \`electron\` module of do-nothing stand-ins whose
  \`app.whenReady()\` never settles), and in each of ${r.mainLoad.runs} fresh Node processes \`import()\` of
  out/main/index.js timed: resolving, reading and compiling every module and running their top-level code,
  none of the app's start. Electron reads these files from app.asar through its own fs layer, which could not
  be run here (no Electron binary). Until issue 14's eleventh round out/main imported typebox (700-odd module
  files), ajv, electron-store (with conf) and electron-updater from node_modules as it loaded: 509–517 ms here
  (two runs of 9);
  typebox bundled into out/main, 255–259 ms; electron-updater imported when the first update check is due
  (a minute after start), 206–213 ms; the store's validators generated ahead (scripts/gen-validators.ts)
  instead of compiled by ajv at every start, 161–163 ms; electron-store and conf bundled, without the ajv and
  semver conf loads for options the app does not use (src/main/core/storage/conf-unused.ts), 84–88 ms; until
  issue 14's thirteenth round typebox was still bundled, 418 KB of the 1 MB out/main, for the intents' argument
  checks (compiled on each intent's first call, ~2.8 ms for \`setUnread\`'s) and the settings' errors: 99–128 ms
  against 66–83 ms without it (three alternating runs of 9 each), now that those checks are generated ahead too.
- Regression check: tests/bench-counts.test.ts fails CI on counts only (requests, bytes), never on times.
`;
}
