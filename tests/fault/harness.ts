/**
 * Shared by the fault-injection and security suites: a REAL core (real REST
 * client over HTTP to the fake portal, real conf storage in a temp dir, the
 * AES secret box unless told otherwise) with short delays, a "browser" that
 * follows OAuth authorize URLs, and the bookkeeping that turns the portal's
 * recorded calls into "delivered / duplicates / lost" per intent.
 */
import type { AppCoreOptions } from '../../src/main/core/app-core';
import type { FetchLike, SecretBox } from '../../src/main/core/ports';
import { createLogger } from '../../src/main/core/redact';
import type { AccountSummary } from '../../src/shared/types';
import type { FakePortal, RecordedCall } from '../../dev/fake-portal/server';
import { freePort } from '../support/free-port';
import { buildRealCore, type RealCore } from '../support/real-core';
import { sleep, until } from '../support/wait';

/**
 * Delays short enough for a suite that runs in seconds: retries after tens
 * of milliseconds instead of seconds, no client-side throttling (the
 * portal's limiter is off unless a scenario is about it).
 */
export const FAST: AppCoreOptions = {
  batchWindowMs: 10,
  backoff: { baseMs: 20, capMs: 150 },
  timeoutMs: 4_000,
  limiter: { ratePerSec: 1_000, burst: 1_000 },
  oauthTimeoutMs: 15_000,
};

/** A running core and what a test inspects around it. */
export interface CoreHandle extends RealCore {
  /** Every log line the core wrote (already through the redacting logger). */
  logs: string[];
  /** URLs the core asked the OS to open. */
  opened: string[];
}

/** Opens a core over `dir` (a fresh temp dir by default). Same dir + key = a restart. */
export function openCore(
  opts: {
    dir?: string;
    key?: Buffer;
    secretBox?: SecretBox;
    options?: AppCoreOptions;
    browser?: boolean;
    /** Replaces the global fetch (e.g. to watch token responses). */
    fetch?: FetchLike;
  } = {},
): CoreHandle {
  const logs: string[] = [];
  const opened: string[] = [];
  const browser = opts.browser ?? true;
  const { core, dir, key, deps, recovery } = buildRealCore({
    dir: opts.dir,
    key: opts.key,
    secretBox: opts.secretBox,
    fetch: opts.fetch,
    options: { ...FAST, ...opts.options },
    ports: {
      logger: createLogger((level, line) => void logs.push(`${level} ${line}`)),
      shortcuts: { register: () => true, unregister: () => {} },
      autostart: { isEnabled: async () => false, setEnabled: async () => {} },
      popup: { show: () => {}, hide: () => {}, toggle: () => {}, isVisible: () => false },
      opener: {
        openExternal: async (url) => {
          opened.push(url);
          // The user's browser: follow the portal's authorize page and its 302 to the loopback listener.
          if (browser && url.includes('/oauth/authorize/')) await (await fetch(url)).text();
        },
      },
      notifier: { notify: () => {} },
    },
  });
  return { core, dir, key, deps, recovery, logs, opened };
}

/** Signs in with the portal's webhook through the IPC dispatch; returns the account id. */
export async function signInWebhook(h: CoreHandle, portal: FakePortal): Promise<string> {
  const r = await h.core.dispatch('signInWithWebhook', [portal.webhookUrl]);
  if (!r.ok) throw new Error(`webhook sign-in failed: ${JSON.stringify(r.error)}`);
  return (r.data as AccountSummary).id;
}

/**
 * Signs in with the portal's local application through the IPC dispatch and
 * the loopback redirect (the portal must have been started with an `oauth`
 * client). Returns the account once `oauthDone` reports it.
 */
export async function signInOAuth(h: CoreHandle, portal: FakePortal): Promise<AccountSummary> {
  const port = await freePort();
  portal.setOAuthRedirectUri(`http://127.0.0.1:${port}/oauth/callback`);
  const set = await h.core.dispatch('updateSettings', [{ oauthRedirectPort: port }]);
  if (!set.ok) throw new Error(`could not set the redirect port: ${JSON.stringify(set.error)}`);
  const done: (AccountSummary | null)[] = [];
  const off = h.core.on('oauthDone', (e) => void done.push(e.account));
  try {
    const r = await h.core.dispatch('startOAuth', [
      { portal: portal.url, clientId: portal.oauth.clientId, clientSecret: portal.oauth.clientSecret },
    ]);
    if (!r.ok) throw new Error(`startOAuth failed: ${JSON.stringify(r.error)}`);
    await until(() => done.length > 0, 10_000, 'oauthDone');
  } finally {
    off();
  }
  const account = done[0];
  if (!account) throw new Error(`OAuth sign-in failed: ${JSON.stringify(h.core.state().notices)}`);
  return account;
}

/** One toggle the user made, and the portal it must reach. */
export interface Intent {
  portal: FakePortal;
  accountId: string;
  dialogId: string;
  unread: boolean;
}

/** One line of the printed table. */
export interface Row {
  scenario: string;
  taken: number;
  delivered: number;
  duplicates: number;
  lost: number;
}

/** True for an `im.recent.unread` call (direct or a batch sub-call) the portal carried out. */
export function isAppliedUnread(c: RecordedCall): boolean {
  // A `resultFalse` fault answers 200 without touching the dialog: not a delivery.
  return c.method === 'im.recent.unread' && c.status === 200 && !c.errorCode && c.fault !== 'resultFalse';
}

/** How many times the portal carried out exactly this intent (DIALOG_ID and ACTION). */
export function deliveriesOf(intent: Pick<Intent, 'portal' | 'dialogId' | 'unread'>): number {
  const action = intent.unread ? 'Y' : 'N';
  return intent.portal.calls.filter(
    (c) =>
      isAppliedUnread(c) && String(c.params['DIALOG_ID']) === intent.dialogId && String(c.params['ACTION']) === action,
  ).length;
}

/**
 * Counts one scenario. An intent is delivered when the portal carried it
 * out at least once AND the dialog's mark on the portal is what the user
 * last asked for; a duplicate when it was carried out more than once; lost
 * otherwise. Call `portal.resetCalls()` before the scenario's toggles.
 */
export function tally(scenario: string, intents: Intent[]): Row {
  let delivered = 0;
  let duplicates = 0;
  let lost = 0;
  for (const i of intents) {
    const n = deliveriesOf(i);
    const finalOk = i.portal.dialog(i.dialogId)?.unread === i.unread;
    if (n >= 1 && finalOk) delivered += 1;
    else lost += 1;
    if (n > 1) duplicates += 1;
  }
  return { scenario, taken: intents.length, delivered, duplicates, lost };
}

/** The table, as printed at the end of the suite. */
export function formatTable(rows: Row[]): string {
  const head = ['scenario', 'taken', 'delivered', 'duplicates', 'lost'];
  const cells = rows.map((r) => [
    r.scenario,
    String(r.taken),
    String(r.delivered),
    String(r.duplicates),
    String(r.lost),
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i]!.length)));
  const line = (c: string[]) =>
    `| ${c.map((x, i) => (i === 0 ? x.padEnd(widths[i]!) : x.padStart(widths[i]!))).join(' | ')} |`;
  const sep = `|${widths.map((w, i) => (i === 0 ? `:${'-'.repeat(w + 1)}` : `${'-'.repeat(w + 1)}:`)).join('|')}|`;
  return [line(head), sep, ...cells.map(line)].join('\n');
}

/**
 * Toggles every pinned dialog of `accountId` (or the first `limit`) to the
 * opposite of what the popup shows, through the IPC dispatch; returns the
 * intents once every reply (the intent is on disk) has come. The toggles
 * arrive as key presses in the popup do: one IPC message per task, none
 * waiting for the previous one's reply. `pauseEvery` > 0 waits for the
 * replies and sleeps `pauseMs` after that many toggles so a burst goes out
 * as several requests.
 */
export async function toggleAll(
  h: CoreHandle,
  portal: FakePortal,
  accountId: string,
  opts: { limit?: number; pauseEvery?: number; pauseMs?: number; skip?: number } = {},
): Promise<Intent[]> {
  const dialogs = h.core
    .state()
    .dialogs.filter((d) => d.accountId === accountId)
    .slice(opts.skip ?? 0, (opts.skip ?? 0) + (opts.limit ?? Infinity));
  const intents: Intent[] = [];
  let replies: Promise<void>[] = [];
  let refused: Error | null = null;
  const replied = async () => {
    await Promise.all(replies);
    replies = [];
    if (refused) throw refused;
  };
  let n = 0;
  for (const d of dialogs) {
    const unread = !d.unread;
    replies.push(
      h.core.dispatch('setUnread', [accountId, d.dialogId, unread]).then((r) => {
        if (!r.ok) refused ??= new Error(`setUnread ${d.dialogId} failed: ${JSON.stringify(r.error)}`);
      }),
    );
    intents.push({ portal, accountId, dialogId: d.dialogId, unread });
    n += 1;
    if (opts.pauseEvery && n % opts.pauseEvery === 0) {
      await replied();
      await sleep(opts.pauseMs ?? 30);
    } else {
      await new Promise<void>((r) => setImmediate(r));
    }
  }
  await replied();
  return intents;
}
