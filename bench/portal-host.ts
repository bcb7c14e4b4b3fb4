/**
 * The bench's fake portals, in a child process of their own (bench/portal.ts
 * forks this file under tsx): a client under measurement, ours or a peer,
 * then talks to its portal over a real socket to another process, as it
 * would to a remote portal, and neither the portal's work nor its recorded
 * calls share the client's event loop or heap. The parent drives the
 * portals with the messages below over the fork's IPC channel; nothing here
 * runs while a client is being timed except the portal answering it.
 *
 * Request `{ id, op, args }` → reply `{ id, ok: true, value }` or `{ id, ok: false, error }`.
 */
import { startFakePortal, type FakePortal, type Fault, type SeedDialog } from '../dev/fake-portal/server';

/** What the parent may ask (see {@link HostOps}). */
export interface HostRequest {
  id: number;
  op: keyof HostOps;
  args: unknown[];
}

/** The host's answer to one {@link HostRequest}. */
export type HostReply = { id: number; ok: true; value: unknown } | { id: number; ok: false; error: string };

/** What starting a portal returns: everything about it that does not change. */
export interface HostedPortalInfo {
  key: number;
  url: string;
  webhookUrl: string;
  oauth: FakePortal['oauth'];
}

interface Hosted {
  portal: FakePortal;
  /** Added to Date.now() for the portal's clock: {@link HostOps.freshBucket} jumps it. */
  offset: number;
}

const portals = new Map<number, Hosted>();
let nextKey = 1;

function hosted(key: number): Hosted {
  const h = portals.get(key);
  if (!h) throw new Error(`no portal ${key}`);
  return h;
}

const top = (p: FakePortal) => p.calls.filter((c) => !c.inBatch);

/** Top-level requests (a batch counts once; 503s included) and, of them, the refused ones. */
function counts(p: FakePortal): { requests: number; rejected: number } {
  const t = top(p);
  return { requests: t.length, rejected: t.filter((c) => c.errorCode === 'QUERY_LIMIT_EXCEEDED').length };
}

/** The operations; every one takes the portal's key first (except `start`). */
const ops = {
  async start(seed: SeedDialog[], rateLimit: { ratePerSec: number; burst: number } | false) {
    const key = nextKey++;
    const h: Hosted = { portal: undefined as unknown as FakePortal, offset: 0 };
    h.portal = await startFakePortal({ seed, rateLimit, now: () => Date.now() + h.offset });
    portals.set(key, h);
    const info: HostedPortalInfo = { key, url: h.portal.url, webhookUrl: h.portal.webhookUrl, oauth: h.portal.oauth };
    return info;
  },
  freshBucket(key: number) {
    hosted(key).offset += 60_000;
  },
  counts: (key: number) => counts(hosted(key).portal),
  /** Forgets the recorded calls (counting starts again). */
  mark(key: number) {
    hosted(key).portal.resetCalls();
  },
  /** The counts since the last mark, and a mark. */
  takeCounts(key: number) {
    const p = hosted(key).portal;
    const c = counts(p);
    p.resetCalls();
    return c;
  },
  /** Resolves with the counts once at least `n` top-level requests of `method` (any, when null) were answered 200. */
  async waitForCalls(key: number, method: string | null, n: number, timeoutMs: number) {
    const p = hosted(key).portal;
    const m = method?.toLowerCase() ?? null;
    const done = () => top(p).filter((c) => (m === null || c.method === m) && c.status === 200).length >= n;
    const until = Date.now() + timeoutMs;
    while (!done()) {
      if (Date.now() > until)
        throw new Error(`portal ${key}: fewer than ${n} ${method ?? ''} calls in ${timeoutMs} ms`);
      await new Promise((r) => setTimeout(r, 1));
    }
    return counts(p);
  },
  dialog: (key: number, id: string | number) => hosted(key).portal.dialog(id) ?? null,
  dialogs: (key: number) => hosted(key).portal.dialogs(),
  /** Patches many dialogs in one message (the popup bench pins hundreds at a time). */
  setDialogs(key: number, patches: [string | number, Partial<SeedDialog>][]) {
    const p = hosted(key).portal;
    for (const [id, patch] of patches) p.setDialog(id, patch);
  },
  issueTokens: (key: number) => hosted(key).portal.issueTokens(),
  /** Queues a fault for the portal's next matching requests (dev/fake-portal/types.ts `Fault`). */
  inject(key: number, fault: Fault) {
    hosted(key).portal.inject(fault);
  },
  async close(key: number) {
    const h = portals.get(key);
    if (!h) return;
    portals.delete(key);
    await h.portal.close();
  },
};

/** The host's operations, as the parent calls them. */
export type HostOps = typeof ops;

if (process.send) {
  process.on('message', (msg: HostRequest) => {
    const fn = ops[msg.op] as (...a: unknown[]) => unknown;
    Promise.resolve()
      .then(() => fn(...msg.args))
      .then(
        (value) => process.send!({ id: msg.id, ok: true, value: value ?? null } satisfies HostReply),
        (err: unknown) =>
          process.send!({
            id: msg.id,
            ok: false,
            error: err instanceof Error ? err.message : String(err),
          } satisfies HostReply),
      );
  });
  // The bench is gone (finished, crashed, killed): so are its portals.
  process.on('disconnect', () => process.exit(0));
  process.send({ id: 0, ok: true, value: 'ready' } satisfies HostReply);
}
