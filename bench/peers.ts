/**
 * The peers of {@link import('./workloads')}: the same workloads done by the
 * official SDK and by a naive loop, on the same kind of fresh portal.
 */
import { performance } from 'node:perf_hooks';
import { B24OAuth } from '@bitrix24/b24jssdk';
import { startBenchPortal, type BenchPortal } from './portal';
import {
  allRead,
  answerLate,
  check,
  cpuMsSince,
  pinnedIds,
  result,
  seedFor,
  WARM_UP,
  warmConnection,
  type WorkloadName,
  type WorkloadResult,
} from './workloads';

/** The calls a peer makes to read one dialog: the mark removed, plus im.dialog.read when messages are unread. */
function readCallsOf(workload: WorkloadName, id: string): [string, Record<string, unknown>][] {
  const unmark: [string, Record<string, unknown>] = ['im.recent.unread', { DIALOG_ID: id, ACTION: 'N' }];
  return workload === 'read200' ? [unmark, ['im.dialog.read', { DIALOG_ID: id }]] : [unmark];
}

// ---------------------------------------------------------------- the SDK

type SdkClient = InstanceType<typeof B24OAuth>;

async function sdkFor(bp: BenchPortal): Promise<SdkClient> {
  const t = await bp.issueTokens();
  const b24 = new B24OAuth(
    {
      applicationToken: 'bench',
      userId: t.user_id,
      memberId: t.member_id,
      accessToken: t.access_token,
      refreshToken: t.refresh_token,
      expires: t.expires,
      expiresIn: t.expires_in,
      scope: t.scope,
      domain: new URL(bp.url).host,
      // An http client_endpoint: B24Hook would force https (bitrix24-api.md §4).
      clientEndpoint: t.client_endpoint,
      serverEndpoint: t.server_endpoint,
      status: 'L',
    },
    { clientId: bp.oauth.clientId, clientSecret: bp.oauth.clientSecret },
  );
  b24.offClientSideWarning();
  return b24;
}

async function sdkCall(b24: SdkClient, method: string, params: Record<string, unknown>): Promise<unknown> {
  const r = await b24.actions.v2.call.make({ method, params });
  check(r.isSuccess, `SDK ${method} failed: ${r.getErrorMessages().join('; ')}`);
  return (r.getData() as { result: unknown }).result;
}

/** All pages of im.recent.list the way an SDK user pages it (OFFSET, LIMIT 200 as the docs advise). */
async function sdkRecent(b24: SdkClient): Promise<unknown[]> {
  const items: unknown[] = [];
  for (let offset = 0; ; offset += 200) {
    const page = (await sdkCall(b24, 'im.recent.list', { SKIP_OPENLINES: 'Y', LIMIT: 200, OFFSET: offset })) as {
      items: unknown[];
      hasMore: boolean;
    };
    items.push(...page.items);
    if (!page.hasMore || page.items.length === 0) return items;
  }
}

/** The workload done with `@bitrix24/b24jssdk` (B24OAuth, its own limiter and retries). */
export async function runSdk(workload: WorkloadName): Promise<WorkloadResult> {
  const bp = await startBenchPortal(seedFor(workload));
  const b24 = await sdkFor(bp);
  try {
    const ids = await pinnedIds(bp);
    // Its connection open and just used, as ours is ({@link WARM_UP}).
    await sdkCall(b24, WARM_UP, {});
    await bp.freshBucket();
    await bp.mark();
    const t0 = performance.now();
    const c0 = process.cpuUsage();
    // What to check on the portal once the clock has stopped (the portal is asked over IPC).
    let verify = async (): Promise<void> => {};
    if (workload === 'toggle') {
      await sdkCall(b24, 'im.recent.unread', { DIALOG_ID: ids[0], ACTION: 'Y' });
      verify = async () => check((await bp.dialog(ids[0]!))?.unread === true, 'SDK toggle did not reach the portal');
    } else if (workload === 'read200' || workload === 'read200mark') {
      // As the vendor's mobile app reads: the mark removed, and im.dialog.read where messages are unread.
      const r = await b24.actions.v2.batchByChunk.make({
        calls: ids.flatMap((id) => readCallsOf(workload, id)),
        options: { isHaltOnError: false },
      });
      check(r.isSuccess, `SDK batch failed: ${r.getErrorMessages().join('; ')}`);
      verify = async () => check(await allRead(bp, ids), 'SDK: not every dialog was read');
    } else {
      // Load, and an idle poll: the SDK has no change detection, so a poll re-reads the list.
      const items = (await sdkRecent(b24)) as { pinned?: boolean }[];
      check(items.filter((i) => i.pinned === true).length === 40, 'SDK did not find the 40 pinned dialogs');
    }
    const wall = performance.now() - t0;
    const cpu = cpuMsSince(c0);
    await verify();
    return await result(workload, 'sdk', bp, wall, cpu);
  } finally {
    b24.destroy();
    await bp.close();
  }
}

// ---------------------------------------------------------------- naive

/** One POST per call; a 503 QUERY_LIMIT_EXCEEDED is retried after 1 s (what a simple script does). */
async function naiveCall(base: string, method: string, params: Record<string, unknown>): Promise<unknown> {
  for (;;) {
    const res = await fetch(`${base}${method}.json`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
      body: JSON.stringify(params),
    });
    const body = (await res.json()) as { result?: unknown; error?: string };
    if (body.error === 'QUERY_LIMIT_EXCEEDED') {
      await new Promise((r) => setTimeout(r, 1000));
      continue;
    }
    check(res.ok && body.error === undefined, `naive ${method} failed: ${body.error}`);
    return body.result;
  }
}

/**
 * The workload done with plain fetch, one request per action, retrying a 503 after 1 s.
 * `answerDelayMs`: the portal answers its first `im.recent.unread` (a toggle's) that much later
 * ({@link answerLate}).
 */
export async function runNaive(workload: WorkloadName, answerDelayMs = 0): Promise<WorkloadResult> {
  const bp = await startBenchPortal(seedFor(workload));
  const base = bp.webhookUrl;
  try {
    const ids = await pinnedIds(bp);
    // Its connection open and just used, as ours is ({@link WARM_UP}).
    await warmConnection(bp);
    await bp.freshBucket();
    await bp.mark();
    await answerLate(bp, answerDelayMs);
    const t0 = performance.now();
    const c0 = process.cpuUsage();
    if (workload === 'toggle') {
      await naiveCall(base, 'im.recent.unread', { DIALOG_ID: ids[0], ACTION: 'Y' });
    } else if (workload === 'read200' || workload === 'read200mark') {
      for (const id of ids) for (const [m, p] of readCallsOf(workload, id)) await naiveCall(base, m, p);
    } else {
      // The default page (50), advanced by OFFSET until hasMore is false; a poll re-reads it all.
      let pinned = 0;
      for (let offset = 0; ; offset += 50) {
        const page = (await naiveCall(base, 'im.recent.list', { OFFSET: offset })) as {
          items: { pinned?: boolean }[];
          hasMore: boolean;
        };
        pinned += page.items.filter((i) => i.pinned === true).length;
        if (!page.hasMore || page.items.length === 0) break;
      }
      check(pinned === 40, 'naive did not find the 40 pinned dialogs');
    }
    const wall = performance.now() - t0;
    const cpu = cpuMsSince(c0);
    if (workload === 'read200' || workload === 'read200mark') {
      check(await allRead(bp, ids), 'naive: not every dialog was read');
    }
    return await result(workload, 'naive', bp, wall, cpu, t0);
  } finally {
    await bp.close();
  }
}
