/**
 * The durable queue's pure policy (moved out of actions.ts as is): how a new
 * intent coalesces with the queued ones, how long a failed one waits, which
 * failures are transient, lost sign-ins or permanent, and which sub-calls an
 * intent costs, packed into requests of at most {@link BATCH_MAX} sub-calls.
 *
 * Two families of intent share the queue: read/unread toggles, and the pin
 * (an unpin, or a pin again: the undo of an unpin). They coalesce only within
 * their family. An unpin never replaces a toggle of the same dialog, nor a
 * toggle an unpin: they change different things on the portal (the manual
 * mark and unread messages; the pin), and a user who reads a dialog and then
 * unpins it ("done with this") expects it read in Bitrix24 too, not only gone
 * from the tray.
 */
import { ACCOUNT_REFUSED_CODES, AUTH_LOST_CODES, TRANSIENT_CODES, isKnownErrorCode } from '../../../shared/errors';
import { BitrixError, type BatchCall } from '../bitrix/types';
import { pinCall, readCalls, unreadCall } from '../dialogs';
import type { QueuedAction, QueuedPin, QueuedToggle, QueuedUnpin } from '../storage/schema';

/** Sub-calls per `batch` request (Bitrix24's limit). */
export const BATCH_MAX = 50;

/**
 * Batch requests of one account out at once: the next leaves once the oldest answers, so the
 * portal works on one while the answer of another is taken in and a round trip is never waited
 * out alone (Mark all read of 200: 8 requests in about 4 round trips). Two, not eight: the
 * portal's bucket (2 req/s, burst 50: bitrix24-api.md §2) charges them the same either way, and a
 * lost sign-in stops all but the two already out.
 */
export const SEND_DEPTH = 2;

/** Backoff bounds for transient failures. */
export const BACKOFF = { baseMs: 1_000, capMs: 5 * 60_000 } as const;

/** Input of {@link coalesce}. */
export interface CoalesceContext {
  /** Ids of intents whose request is in flight. */
  inFlight: ReadonlySet<string>;
  /** What the portal last confirmed for this dialog (undefined: unknown). */
  confirmed?: boolean;
  now: number;
  newId: () => string;
}

/**
 * Pure coalescing of one new read/unread toggle into the queue (the last
 * wins), among the toggles of its dialog (an unpin of the dialog is left as it is):
 * - a queued, not-in-flight intent for the dialog takes the new value;
 * - with one in flight, a newer intent waits behind it, unless it asks for
 *   what is already in flight (then nothing more is queued);
 * - an intent that returns the dialog to what the portal confirmed, with
 *   nothing in flight for it, is simply removed.
 * Returns the new queue, the intent that now represents the user's wish and
 * whether that wish needs no request at all.
 */
export function coalesce(
  queue: readonly QueuedAction[],
  intent: { accountId: string; dialogId: string; unread: boolean },
  ctx: CoalesceContext,
): { queue: QueuedAction[]; action: QueuedToggle; removed: boolean } {
  const same = (a: QueuedAction): a is QueuedToggle =>
    a.kind === 'unread' && a.accountId === intent.accountId && a.dialogId === intent.dialogId;
  const flying = queue.find((a): a is QueuedToggle => same(a) && ctx.inFlight.has(a.id));
  const waiting = queue.find((a): a is QueuedToggle => same(a) && !ctx.inFlight.has(a.id));
  const fresh = (): QueuedToggle => ({
    id: ctx.newId(),
    kind: 'unread',
    accountId: intent.accountId,
    dialogId: intent.dialogId,
    unread: intent.unread,
    createdAt: ctx.now,
    attempts: 0,
    nextAttemptAt: ctx.now,
    lastError: null,
  });

  if (flying) {
    if (flying.unread === intent.unread) {
      // What the user wants is already on its way: drop any newer contrary wish.
      return { queue: queue.filter((a) => a !== waiting), action: flying, removed: false };
    }
    if (waiting) {
      const updated = { ...waiting, unread: intent.unread, attempts: 0, nextAttemptAt: ctx.now, lastError: null };
      return { queue: queue.map((a) => (a === waiting ? updated : a)), action: updated, removed: false };
    }
    const action = fresh();
    return { queue: [...queue, action], action, removed: false };
  }

  if (ctx.confirmed !== undefined && ctx.confirmed === intent.unread) {
    // Back to what the portal already shows: nothing to send.
    const action = waiting ? { ...waiting, unread: intent.unread } : fresh();
    return { queue: queue.filter((a) => a !== waiting), action, removed: true };
  }
  if (waiting) {
    const updated = { ...waiting, unread: intent.unread, attempts: 0, nextAttemptAt: ctx.now, lastError: null };
    return { queue: queue.map((a) => (a === waiting ? updated : a)), action: updated, removed: false };
  }
  const action = fresh();
  return { queue: [...queue, action], action, removed: false };
}

/**
 * {@link coalesce} of one toggle per target, in order, in one pass ("Mark all read"): a target
 * with no toggle queued (most rows) coalesces with an empty queue, the same rule without a scan
 * and a copy of the growing queue per row; one that has a toggle, or is named twice, takes the
 * usual path. `added`: how many new intents joined the queue.
 */
export function coalesceMany(
  queue: readonly QueuedAction[],
  targets: readonly { accountId: string; dialogId: string }[],
  unread: boolean,
  ctx: (target: { accountId: string; dialogId: string }) => CoalesceContext,
): { queue: QueuedAction[]; actions: QueuedToggle[]; added: number } {
  const key = (a: { accountId: string; dialogId: string }): string => `${a.accountId}\u0000${a.dialogId}`;
  const present = new Set(queue.filter((a) => a.kind === 'unread').map(key));
  let out: QueuedAction[] = [...queue];
  const actions: QueuedToggle[] = [];
  let added = 0;
  for (const t of targets) {
    const intent = { accountId: t.accountId, dialogId: t.dialogId, unread };
    const k = key(t);
    const r = coalesce(present.has(k) ? out : [], intent, ctx(t));
    if (present.has(k)) {
      added += Math.max(0, r.queue.length - out.length);
      out = r.queue;
    } else {
      present.add(k);
      added += r.queue.length;
      out.push(...r.queue);
    }
    actions.push(r.action);
  }
  return { queue: out, actions, added };
}

/** An intent's family: what it changes on the portal (the read/unread state, or the pin). */
export function familyOf(a: Pick<QueuedAction, 'kind'>): 'unread' | 'pin' {
  return a.kind === 'unread' ? 'unread' : 'pin';
}

/**
 * Due intents of one account: the oldest per dialog and family, not in flight, not backed off
 * (`longest`: the longest backoff, see {@link dueAt}); the first `limit` of them.
 * A toggle and an unpin of one dialog are independent (a toggle backing off does not hold
 * the unpin back) and may share a batch, in enqueue order; a pin queued behind an unpin in
 * flight waits for its answer.
 */
export function dueFor(
  queue: readonly QueuedAction[],
  accountId: string,
  now: number,
  inFlight: ReadonlySet<string>,
  longest: number = longestBackoff(),
  limit = Infinity,
): QueuedAction[] {
  // Dialogs seen so far, per family (no key strings: this runs on every place a drain fills).
  const seenToggle = new Set<string>();
  const seenPin = new Set<string>();
  const out: QueuedAction[] = [];
  for (const a of queue) {
    if (a.accountId !== accountId) continue;
    const seen = familyOf(a) === 'unread' ? seenToggle : seenPin;
    if (seen.has(a.dialogId)) continue;
    seen.add(a.dialogId);
    if (!inFlight.has(a.id) && dueAt(a, now, longest) <= now && out.push(a) >= limit) break;
  }
  return out;
}

/** The newest read/unread toggle of a dialog in `queue` (queued or in flight), if any. */
export function pendingIn(
  queue: readonly QueuedAction[],
  accountId: string,
  dialogId: string,
): QueuedToggle | undefined {
  let last: QueuedToggle | undefined;
  for (const a of queue) if (a.kind === 'unread' && a.accountId === accountId && a.dialogId === dialogId) last = a;
  return last;
}

/** Whether the newest pin-family intent of a dialog in `queue` is an unpin: its row is hidden meanwhile. */
export function unpinPendingIn(queue: readonly QueuedAction[], accountId: string, dialogId: string): boolean {
  let unpinned = false;
  for (const a of queue) {
    if (a.kind !== 'unread' && a.accountId === accountId && a.dialogId === dialogId) unpinned = a.kind === 'unpin';
  }
  return unpinned;
}

/** {@link pendingIn} and {@link unpinPendingIn} for many rows: one pass over `queue`, then lookups. */
export function lookupIn(queue: readonly QueuedAction[]): {
  pendingFor(accountId: string, dialogId: string): QueuedToggle | undefined;
  unpinPending(accountId: string, dialogId: string): boolean;
} {
  // By account, then dialog: no key string built (and hashed) per row and lookup.
  const toggles = new Map<string, Map<string, QueuedToggle>>();
  const unpins = new Map<string, Set<string>>();
  for (const a of queue) {
    if (a.kind === 'unread') {
      let byDialog = toggles.get(a.accountId);
      if (!byDialog) toggles.set(a.accountId, (byDialog = new Map()));
      byDialog.set(a.dialogId, a);
    } else {
      let byDialog = unpins.get(a.accountId);
      if (!byDialog) unpins.set(a.accountId, (byDialog = new Set()));
      // The newest of the dialog's pin family decides, as in unpinPendingIn.
      if (a.kind === 'unpin') byDialog.add(a.dialogId);
      else byDialog.delete(a.dialogId);
    }
  }
  return {
    pendingFor: (accountId, dialogId) => toggles.get(accountId)?.get(dialogId),
    unpinPending: (accountId, dialogId) => unpins.get(accountId)?.has(dialogId) ?? false,
  };
}

/**
 * Pure coalescing of one new unpin (`pin: false`) or pin again (`pin: true`, the undo of an unpin)
 * into the queue, among the dialog's pin family (its toggles stay as they are; see the module
 * comment); the last wins, and the portal answers `true` for either whatever the pin was:
 * - an intent of the same kind, waiting or in flight, stands for it;
 * - a waiting one of the other kind that was never sent is removed, and nothing new is queued
 *   unless one of the other kind is in flight (that one will change the pin, so the new wish
 *   follows it); one that was sent before (a retry: the portal may have applied it) is replaced
 *   by the new one;
 * - behind one of the other kind in flight, the new one waits its turn ({@link dueFor}).
 * `action` is the intent that now stands for the wish, or null when none needs sending.
 */
export function coalescePin(
  queue: readonly QueuedAction[],
  intent: { accountId: string; dialogId: string; pin: boolean },
  ctx: Pick<CoalesceContext, 'inFlight' | 'now' | 'newId'>,
): { queue: QueuedAction[]; action: QueuedUnpin | QueuedPin | null } {
  const kind = intent.pin ? 'pin' : 'unpin';
  const family = queue.filter(
    (a): a is QueuedUnpin | QueuedPin =>
      a.kind !== 'unread' && a.accountId === intent.accountId && a.dialogId === intent.dialogId,
  );
  const flying = family.find((a) => ctx.inFlight.has(a.id));
  const waiting = family.find((a) => !ctx.inFlight.has(a.id));
  if (waiting?.kind === kind) return { queue: [...queue], action: waiting };
  const rest = waiting ? queue.filter((a) => a !== waiting) : [...queue];
  if (flying?.kind === kind) return { queue: rest, action: flying };
  if (waiting && waiting.attempts === 0 && !flying) return { queue: rest, action: null };
  const action = {
    id: ctx.newId(),
    kind,
    accountId: intent.accountId,
    dialogId: intent.dialogId,
    createdAt: ctx.now,
    attempts: 0,
    nextAttemptAt: ctx.now,
    lastError: null,
  } as QueuedUnpin | QueuedPin;
  return { queue: [...rest, action], action };
}

/** Exponential backoff with "equal jitter": half fixed, half random; never below the portal's own hint. */
export function backoffDelay(
  attempts: number,
  random: () => number,
  retryAfterMs?: number,
  bounds: { baseMs: number; capMs: number } = BACKOFF,
): number {
  const exp = Math.min(bounds.capMs, bounds.baseMs * 2 ** Math.max(0, Math.min(attempts - 1, 20)));
  const jittered = exp / 2 + random() * (exp / 2);
  const hint = typeof retryAfterMs === 'number' && Number.isFinite(retryAfterMs) ? retryAfterMs : 0;
  return Math.round(Math.max(jittered, Math.min(hint, longestBackoff(bounds))));
}

/** The longest wait {@link backoffDelay} sets (a portal's own hint is capped there too). */
export function longestBackoff(bounds: { capMs: number } = BACKOFF): number {
  return Math.max(bounds.capMs, BACKOFF.capMs) * 2;
}

/**
 * When an intent is next due. A retry time further ahead than any backoff sets was set before the
 * wall clock stepped back (an NTP correction, the user setting the time, a resumed VM): it is due
 * now, not after the step (an hour back would hold a 1 s backoff for an hour).
 */
export function dueAt(a: Pick<QueuedAction, 'nextAttemptAt'>, now: number, longest: number): number {
  return a.nextAttemptAt - now > longest ? now : a.nextAttemptAt;
}

/** Turns anything thrown by a client into a BitrixError (unknown throws count as transient: never lose an intent to a bug). */
export function toBitrixError(err: unknown): BitrixError {
  if (err instanceof BitrixError) return err;
  const code = (err as { code?: unknown } | null)?.code;
  if (isKnownErrorCode(code)) {
    return new BitrixError(code, (err as Error).message ?? code, { transient: TRANSIENT_CODES.has(code) });
  }
  return new BitrixError('UNKNOWN_ERROR', 'Unexpected failure while sending.', { transient: true });
}

/**
 * How the queue treats a failure. `account-refused`: the portal refuses the whole account for now
 * ({@link ACCOUNT_REFUSED_CODES}): kept like a transient one, at the longest backoff.
 */
export function classify(error: BitrixError): 'transient' | 'auth-lost' | 'account-refused' | 'permanent' {
  if (AUTH_LOST_CODES.has(error.code)) return 'auth-lost';
  if (ACCOUNT_REFUSED_CODES.has(error.code)) return 'account-refused';
  if (TRANSIENT_CODES.has(error.code) || error.transient) return 'transient';
  // The client renews tokens itself; one reaching the queue is a race worth one more try later.
  if (error.code === 'expired_token' || error.code === 'invalid_token') return 'transient';
  return 'permanent';
}

/**
 * The sub-calls one intent costs: "unread" is `im.recent.unread Y`; "read" is
 * `im.recent.unread N` plus `im.dialog.read` unless the dialog is known to hold
 * no unread messages (the server's ACTION=N only removes the mark,
 * bitrix24-api.md §6); "unpin" is `im.recent.pin PIN=N`, "pin" `PIN=Y`.
 */
export function callsFor(action: QueuedAction, counter: number | undefined): BatchCall[] {
  if (action.kind !== 'unread') return [pinCall(action.dialogId, action.kind === 'pin')];
  if (action.unread) return [unreadCall(action.dialogId, true)];
  return counter === 0 ? [unreadCall(action.dialogId, false)] : readCalls(action.dialogId);
}

/** Splits due intents into requests of at most {@link BATCH_MAX} sub-calls, never splitting one intent's calls. */
export function chunkByCalls<T>(items: readonly T[], cost: (item: T) => number): T[][] {
  const out: T[][] = [];
  let cur: T[] = [];
  let size = 0;
  for (const it of items) {
    const c = cost(it);
    if (cur.length > 0 && size + c > BATCH_MAX) {
      out.push(cur);
      cur = [];
      size = 0;
    }
    cur.push(it);
    size += c;
  }
  if (cur.length > 0) out.push(cur);
  return out;
}
