/**
 * The core facade: accounts (any number, webhook and OAuth mixed, each with
 * its own client), sign-in, settings, the durable action queue, polling,
 * hotkeys and notices, wired together; it pushes the ViewState the popup
 * renders as the `state` event on every change. Each capability lives in its
 * own module: notification decisions in notifications.ts, snooze scheduling
 * in snooze.ts, the view derivation in view.ts, hotkeys in hotkeys.ts. The
 * composition root (src/main/index.ts) and the browser preview
 * (scripts/web.ts) build it with {@link createAppCore} and talk to it only
 * through {@link AppCore}.
 */
import { AUTH_LOST_CODES, explain, isKnownErrorCode, type ErrorCode, type Lang } from '../../shared/errors';
import type { DialogRef } from '../../shared/ipc';
import type { AppError } from '../../shared/result';
import type {
  AccountSummary,
  OAuthStartInput,
  OAuthStartResult,
  PinnedDialog,
  Settings,
  SettingsView,
  ViewState,
} from '../../shared/types';
import { parseDialogId, sgRefusal } from '../../shared/dialog-id';
import { rowKey } from '../../shared/row-key';
import { createActionQueue, type ActionQueue, type QueuedAction } from './toggles/actions';
import type { AppCore, AppCoreDeps } from './app-core-types';
import { normalizePortalUrl, oauthAuth, redirectUrlFor, startOAuthFlow, type OAuthFlow } from './auth/oauth';
import type { AuthStrategy } from './auth/types';
import { parseWebhookUrl, verifyWebhook, webhookAuth } from './auth/webhook';
import { createBitrixClient, userAgentFor } from './bitrix/client';
import { createLeakyBucket, type LeakyBucketOptions, type Limiter } from './bitrix/limiter';
import type { BitrixClient } from './bitrix/types';
import { isLoopbackHost } from './bitrix/url';
import { loadPinned, type LoadedDialog } from './dialogs';
import { toAppError } from './errors/to-app-error';
import { createEventBus } from './events/bus';
import { createHotkeyManager } from './hotkeys';
import { createHandlers, dispatch, type CoreOps } from './ipc-handlers';
import { createNotices } from './notices/notices';
import { createNotifications } from './notifications';
import { createPinnedListCache } from './pinned-cache';
import { redact, registerSecret } from './redact';
import { createSnoozeSchedule } from './snooze';
import { createAccountStore, type AccountSecret } from './storage/accounts';
import type { AccountRecord } from './storage/schema';
import { createSettingsStore, type SettingsPatch } from './storage/settings';
import { countersDiffer, createPoller, type PollKind } from './sync';
import { CoreError } from './validate';
import { buildViewState, dialogView } from './view';

/** Tuning knobs for tests, the preview and the benchmark (the app uses the defaults). */
export interface AppCoreOptions {
  /** Client-side rate limiter per portal (default: the client's 2/s, burst 45). */
  limiter?: Omit<LeakyBucketOptions, 'clock'>;
  /** How long a toggle waits so that a burst goes out as one batch (default 30 ms). */
  batchWindowMs?: number;
  /** [0, 1) for jitter. */
  random?: () => number;
  /** Per-attempt REST timeout (default 15 s). */
  timeoutMs?: number;
  /** Longest browser sign-in (default 5 min). */
  oauthTimeoutMs?: number;
  /** Backoff of failed toggles (default 1 s doubling up to 5 min); fault-injection tests shorten it. */
  backoff?: { baseMs: number; capMs: number };
}

/** The core plus handles tests and the benchmark use. */
export interface AppCoreInternals extends AppCore {
  readonly queue: ActionQueue;
  readonly ops: CoreOps;
}

interface AccountRuntime {
  client: BitrixClient | null;
  /** The pinned list as the portal last confirmed it (no queued intents applied), or null before the first load. */
  dialogs: LoadedDialog[] | null;
  /** `dialogs` came from the pinned-list cache and no load has confirmed them in this run. */
  cached: boolean;
  loading: boolean;
  lastError: AppError | null;
  updatedAt: number | null;
  /** Dialog key → when an intent for it was confirmed (protects against a load that started earlier). */
  delivered: Map<string, { unread: boolean; at: number }>;
}

function langOf(setting: Settings['language'], locale: string): Lang {
  if (setting === 'en' || setting === 'ru') return setting;
  return /^ru\b/i.test(locale) ? 'ru' : 'en';
}

function toError(err: unknown, extra: { accountId?: string; dialogId?: string } = {}): AppError {
  return toAppError(err, { extra });
}

/** Builds the core. Nothing runs until {@link AppCore.start}. */
export function createAppCore(deps: AppCoreDeps, options: AppCoreOptions = {}): AppCoreInternals {
  const { clock, logger } = deps;
  const random = options.random ?? Math.random;
  const settingsStore = createSettingsStore(deps.store);
  let settings = settingsStore.get();
  const accounts = createAccountStore({
    store: deps.store,
    secretBox: deps.secretBox,
    memoryOnly: () => settings.secretsInMemoryOnly,
    clock,
    onSecret: registerSecret,
  });
  const runtimes = new Map<string, AccountRuntime>();
  const limiters = new Map<string, Limiter>();
  const bus = createEventBus({ logger, state: () => computeState() });
  const { emit, push } = bus;
  const notices = createNotices({ store: deps.store, clock, changed: () => push() });
  const addNotice = notices.add;
  let offline = false;
  let started = false;
  let stopped = false;
  let oauthFlow: OAuthFlow | null = null;

  const lang = (): Lang => langOf(settings.language, deps.locale);

  // ---- the pinned-list cache -------------------------------------------------

  const pinnedCache = createPinnedListCache({ store: deps.store, logger, mask: redact });

  /** Shows each account's cached list at once (status `loading` until a load answers). */
  function restoreCachedLists(): void {
    const cached = pinnedCache.load(accounts.summaries().map((a) => a.id));
    for (const [id, entry] of cached) {
      const r = runtime(id);
      if (r.dialogs) continue;
      r.dialogs = entry.dialogs.map((d) => ({
        ...d,
        pending: false,
        snoozedUntil: null,
        chatId: null,
        lastMessageId: null,
      }));
      r.cached = true;
      r.updatedAt = entry.at;
    }
  }

  // ---- accounts and clients -----------------------------------------------

  function runtime(id: string): AccountRuntime {
    let r = runtimes.get(id);
    if (!r) {
      r = {
        client: null,
        dialogs: null,
        cached: false,
        loading: false,
        lastError: null,
        updatedAt: null,
        delivered: new Map(),
      };
      runtimes.set(id, r);
    }
    return r;
  }

  function limiterFor(origin: string): Limiter {
    // One bucket per portal: the portal counts requests per portal (and IP), not per sign-in.
    let l = limiters.get(origin);
    if (!l) {
      l = createLeakyBucket({ ...options.limiter, clock });
      limiters.set(origin, l);
    }
    return l;
  }

  function clientOptions(auth: AuthStrategy, origin: string) {
    return {
      auth,
      fetch: deps.fetch,
      clock,
      logger,
      limiter: limiterFor(origin),
      userAgent: userAgentFor(deps.version),
      timeoutMs: options.timeoutMs,
      random,
    };
  }

  function authFor(rec: AccountRecord, secret: AccountSecret): AuthStrategy {
    if (secret.kind === 'webhook') return webhookAuth(parseWebhookUrl(secret.url));
    return oauthAuth({
      origin: rec.origin,
      clientId: secret.clientId,
      clientSecret: secret.clientSecret,
      tokens: {
        accessToken: secret.accessToken,
        refreshToken: secret.refreshToken,
        expiresAt: secret.expiresAt,
        clientEndpoint: secret.clientEndpoint,
        serverEndpoint: secret.serverEndpoint,
        memberId: secret.memberId,
        userId: rec.userId,
        domain: rec.portal,
        scope: '',
      },
      fetch: deps.fetch,
      clock,
      logger,
      // Rotated tokens are written (encrypted) before the client uses them.
      onTokens: (t) => {
        if (!accounts.get(rec.id)) return;
        accounts.setSecret(rec.id, {
          ...secret,
          accessToken: t.accessToken,
          refreshToken: t.refreshToken,
          expiresAt: t.expiresAt,
          clientEndpoint: t.clientEndpoint,
          serverEndpoint: t.serverEndpoint,
          memberId: t.memberId,
        });
      },
      onLost: (code) => authLost(rec.id, code),
    });
  }

  /** The account's client, built on first use; null when it cannot send (signed out, secret lost). */
  function clientFor(id: string): BitrixClient | null {
    const rec = accounts.get(id);
    if (!rec) return null;
    const r = runtime(id);
    if (r.client) return r.client;
    const secret = accounts.secret(id);
    if (!secret) return null;
    try {
      r.client = createBitrixClient(clientOptions(authFor(rec, secret), rec.origin));
    } catch (err) {
      logger.warn('Could not build the client of an account', { accountId: id, error: String(err) });
      return null;
    }
    return r.client;
  }

  function isActive(id: string): boolean {
    try {
      return accounts.summary(id).status === 'ok';
    } catch {
      return false;
    }
  }

  function authLost(id: string, code: ErrorCode): void {
    if (!accounts.get(id)) return;
    const already = !isActive(id);
    try {
      accounts.setStatus(id, 'needs-sign-in');
    } catch {
      return;
    }
    queue.hold(id);
    poller.remove(id);
    const r = runtime(id);
    r.client = null;
    r.lastError = { code, message: explain(code, lang()), accountId: id };
    if (!already) {
      const name = accounts.get(id)?.portal ?? '';
      addNotice({
        level: 'warning',
        code,
        message: `${name}: ${explain(code, lang())} ${explain('SIGN_IN_EXPIRED', lang())}`,
        accountId: id,
      });
    }
    push();
  }

  // ---- the pinned list ------------------------------------------------------

  function confirmedDialog(accountId: string, dialogId: string): LoadedDialog | undefined {
    return runtimes.get(accountId)?.dialogs?.find((d) => d.dialogId === dialogId);
  }

  function viewOf(d: LoadedDialog): PinnedDialog {
    return dialogView(d, queue.pendingFor(d.accountId, d.dialogId), snoozes.untilOf(d.accountId, d.dialogId));
  }

  async function loadAccount(id: string): Promise<void> {
    const rec = accounts.get(id);
    const client = clientFor(id);
    if (!rec || !client) throw new CoreError('NOT_SIGNED_IN', explain('NOT_SIGNED_IN', lang()), { accountId: id });
    const r = runtime(id);
    const startedAt = clock.now();
    r.loading = true;
    push();
    try {
      const list = await loadPinned(client, id, rec.userId);
      if (!accounts.get(id)) return; // signed out meanwhile
      // A toggle confirmed while this load was under way is newer than what the load saw.
      for (const d of list) {
        const del = r.delivered.get(d.dialogId);
        if (del && del.at >= startedAt) applyDelivered(d, del.unread);
      }
      r.delivered.clear();
      // A cached list is not "what was seen before" in this run: its changes are not news.
      notifications.newMessages(id, list, r.dialogs === null || r.cached);
      r.dialogs = list;
      r.cached = false;
      succeeded(id);
      // At most one write per load, and none when the list did not change.
      pinnedCache.save(id, r.updatedAt ?? clock.now(), list);
    } finally {
      r.loading = false;
      push();
    }
  }

  function applyDelivered(d: LoadedDialog, unread: boolean): void {
    d.unreadMark = unread;
    if (!unread) d.counter = 0;
    d.unread = d.unreadMark || d.counter > 0;
  }

  function succeeded(id: string): void {
    const r = runtime(id);
    const hadError = r.lastError !== null;
    r.lastError = null;
    // A cached list keeps its own time until a load confirms it.
    if (!r.cached) r.updatedAt = clock.now();
    // The portal answers again: what waited for the network goes now.
    if (hadError) queue.retryNow(id);
  }

  function failed(id: string, err: unknown): void {
    const e = toError(err, { accountId: id });
    runtime(id).lastError = e;
    if (AUTH_LOST_CODES.has(e.code)) authLost(id, e.code);
    push();
  }

  async function pollAccount(id: string, kind: PollKind): Promise<PollKind> {
    try {
      if (kind === 'counters') {
        const r = runtime(id);
        const client = clientFor(id);
        // Counters only tell what changed against a confirmed list; a cached one needs a full load.
        if (client && r.dialogs && !r.cached) {
          const raw = await client.call('im.counters.get', {}, { retries: 0 });
          if (!countersDiffer(raw, r.dialogs)) {
            succeeded(id);
            push();
            return 'counters';
          }
        }
      }
      await loadAccount(id);
      return 'full';
    } catch (err) {
      failed(id, err);
      throw err;
    }
  }

  // ---- notifications ----------------------------------------------------------

  const notifications = createNotifications({
    // Linux notification servers may render body markup (`linux`, `linux-wayland`).
    markup: deps.platform.startsWith('linux'),
    store: deps.store,
    notifier: deps.notifier,
    popup: deps.popup,
    settings: () => settings,
    lang,
  });

  // ---- the queue --------------------------------------------------------------

  const queue: ActionQueue = createActionQueue({
    store: deps.store,
    clock,
    clientFor: (id) => (isActive(id) ? clientFor(id) : null),
    random,
    batchWindowMs: options.batchWindowMs,
    backoff: options.backoff,
    // A cached list may be stale: an intent that matches it is still sent.
    confirmedUnread: (a, d) => (runtimes.get(a)?.cached ? undefined : confirmedDialog(a, d)?.unread),
    // The unread count the user was shown, a cached list's too: "read" reads what they saw.
    confirmedCounter: (a, d) => confirmedDialog(a, d)?.counter,
    onChange: push,
    onError: (err) => logger.error('Action queue failed', { error: String(err) }),
    onDelivered: (action: QueuedAction) => {
      const r = runtimes.get(action.accountId);
      if (!r) return;
      r.delivered.set(action.dialogId, { unread: action.unread, at: clock.now() });
      const d = confirmedDialog(action.accountId, action.dialogId);
      if (d) applyDelivered(d, action.unread);
      if (r.lastError && !AUTH_LOST_CODES.has(r.lastError.code)) succeeded(action.accountId);
      push();
    },
    onDropped: (action, error) => {
      const title = confirmedDialog(action.accountId, action.dialogId)?.title ?? action.dialogId;
      const what = action.unread
        ? lang() === 'ru'
          ? 'не удалось отметить непрочитанным'
          : 'could not be marked unread'
        : lang() === 'ru'
          ? 'не удалось отметить прочитанным'
          : 'could not be marked read';
      addNotice({
        level: 'error',
        code: error.code,
        message: `«${title}» ${what}: ${isKnownErrorCode(error.code) ? explain(error.code, lang()) : redact(error.message)}`,
        accountId: action.accountId,
        dialogId: action.dialogId,
        title,
      });
    },
    onAuthLost: (id, code) => authLost(id, code),
    onRetry: (action, error) => {
      // A toggle that could not reach the portal is as good a sign of "offline" as a failed poll.
      if (error.code === 'NETWORK' || error.code === 'TIMEOUT') {
        runtime(action.accountId).lastError = toError(error, { accountId: action.accountId });
        push();
      }
    },
  });

  const poller = createPoller({
    clock,
    random,
    intervalMs: () => settings.pollIntervalSec * 1000,
    run: pollAccount,
  });

  // ---- snoozes ------------------------------------------------------------------

  const snoozes = createSnoozeSchedule({
    store: deps.store,
    clock,
    onDue: (due) => {
      for (const s of due) {
        if (!accounts.get(s.accountId)) continue;
        queue.enqueue(s.accountId, s.dialogId, true);
        notifications.reminder(s);
      }
      queue.requestDrain();
    },
    onChange: push,
  });

  // ---- the view -------------------------------------------------------------------

  function computeState(): ViewState {
    return buildViewState({
      accounts: accounts.summaries(),
      account: (id) => runtimes.get(id),
      pendingFor: (a, d) => queue.pendingFor(a, d),
      snoozedUntil: (a, d) => snoozes.untilOf(a, d),
      pendingActions: queue.size(),
      notices: notices.list(),
      offline,
      lang: lang(),
    });
  }

  function settingsView(): SettingsView {
    return {
      settings,
      hotkeys: hotkeys.statuses(),
      secretEncryption: deps.secretBox.encryptionAvailable ? 'available' : 'unavailable',
      platform: deps.platform,
      oauthRedirectUrl: redirectUrlFor(settings.oauthRedirectPort),
      version: deps.version,
    };
  }

  // ---- hotkeys ------------------------------------------------------------------

  const hotkeys = createHotkeyManager(deps.shortcuts, {
    togglePopup: () => deps.popup.toggle(),
    slot: (n) => void toggleSlot(n).catch((err) => logger.warn('Slot toggle failed', { error: String(err) })),
  });

  function applyHotkeys(): void {
    const statuses = hotkeys.apply(settings.hotkeys);
    // A rolled-back accelerator: store the one that works, so the settings say what the keyboard does.
    const effective = hotkeys.effective();
    const rolledBack = statuses.filter((s) => s.error && s.registered);
    if (rolledBack.length > 0) {
      const next = { togglePopup: settings.hotkeys.togglePopup, slots: [...settings.hotkeys.slots] };
      for (const s of rolledBack) {
        if (s.id === 'togglePopup') next.togglePopup = effective.togglePopup;
        else next.slots[Number(s.id.slice(4)) - 1] = s.accelerator;
      }
      try {
        settings = settingsStore.update({ hotkeys: next });
      } catch (err) {
        logger.warn('Could not store the rolled-back hotkeys', { error: String(err) });
      }
    }
  }

  // ---- operations (validated arguments) -------------------------------------------

  function requireDialog(accountId: string, dialogId: string): LoadedDialog {
    const d = confirmedDialog(accountId, dialogId);
    if (!d) throw new CoreError('UNKNOWN_DIALOG', explain('UNKNOWN_DIALOG', lang()), { accountId, dialogId });
    return d;
  }

  /**
   * Queues `unread` for every target: all checked before any is queued (one unknown dialog
   * queues nothing), then enqueued in one tick so the queue stores them in one write and
   * the drain sends them as batches; the optimistic view is pushed once.
   */
  function queueToggles(targets: readonly DialogRef[], unread: boolean): LoadedDialog[] {
    const found = targets.map((t) => requireDialog(t.accountId, t.dialogId));
    for (const t of targets) queue.enqueue(t.accountId, t.dialogId, unread);
    queue.requestDrain();
    push();
    return found;
  }

  function setUnread(accountId: string, dialogId: string, unread: boolean): PinnedDialog {
    return viewOf(queueToggles([{ accountId, dialogId }], unread)[0]!);
  }

  async function refresh(): Promise<void> {
    queue.retryNow();
    // Polled accounts reload through the poller (one load at a time per account); before start(), directly.
    await Promise.all(
      accounts
        .summaries()
        .filter((a) => a.status === 'ok')
        .map((a) => (poller.has(a.id) ? poller.refreshNow(a.id) : pollAccount(a.id, 'full').catch(() => undefined))),
    );
  }

  async function toggleSlot(n: number): Promise<void> {
    if (!Number.isInteger(n) || n < 1) return;
    const d = computeState().dialogs[n - 1];
    if (!d) return;
    setUnread(d.accountId, d.dialogId, !d.unread);
  }

  async function toggleDialog(dialogId: string, accountId?: string): Promise<void> {
    const id = parseDialogId(dialogId);
    const refusal = id ? sgRefusal(id) : null;
    if (!id || refusal) {
      addNotice({
        level: 'error',
        code: 'INVALID_DIALOG_ID',
        message: refusal ?? explain('INVALID_DIALOG_ID', lang()),
      });
      return;
    }
    const d = computeState().dialogs.find((x) => x.dialogId === id.id && (!accountId || x.accountId === accountId));
    if (!d) {
      addNotice({
        level: 'warning',
        code: 'UNKNOWN_DIALOG',
        message: `${id.id}: ${explain('UNKNOWN_DIALOG', lang())}`,
        dialogId: id.id,
      });
      return;
    }
    setUnread(d.accountId, d.dialogId, !d.unread);
  }

  async function addSignedIn(input: {
    kind: 'webhook' | 'oauth';
    origin: string;
    userId: number;
    userName: string;
    secret: AccountSecret;
  }): Promise<AccountSummary> {
    const rec = accounts.add(input);
    const r = runtime(rec.id);
    r.client = null; // a new secret: rebuild the client
    r.lastError = null;
    queue.release(rec.id);
    poller.remove(rec.id);
    if (started) poller.add(rec.id);
    push();
    try {
      await loadAccount(rec.id);
    } catch (err) {
      // Signed in all the same; the list shows the problem and the poller retries.
      failed(rec.id, err);
    }
    return accounts.summary(rec.id);
  }

  async function signInWithWebhook(url: string): Promise<AccountSummary> {
    const parsed = parseWebhookUrl(url);
    const { webhook, profile } = await verifyWebhook(url, {
      fetch: deps.fetch,
      clock,
      logger,
      limiter: limiterFor(parsed.origin),
      userAgent: userAgentFor(deps.version),
      timeoutMs: options.timeoutMs,
    });
    return addSignedIn({
      kind: 'webhook',
      origin: webhook.origin,
      userId: profile.userId,
      userName: profile.userName,
      secret: { kind: 'webhook', url: webhook.restBase },
    });
  }

  async function startOAuth(input: OAuthStartInput): Promise<OAuthStartResult> {
    oauthFlow?.cancel();
    oauthFlow = null;
    const origin = normalizePortalUrl(input.portal);
    const flow = await startOAuthFlow({
      portal: origin,
      clientId: input.clientId,
      clientSecret: input.clientSecret,
      port: settings.oauthRedirectPort,
      fetch: deps.fetch,
      clock,
      logger,
      timeoutMs: options.oauthTimeoutMs,
    });
    oauthFlow = flow;
    flow.result.then(
      async (tokens) => {
        if (oauthFlow === flow) oauthFlow = null;
        try {
          const secret: AccountSecret = {
            kind: 'oauth',
            clientId: input.clientId,
            clientSecret: input.clientSecret,
            accessToken: tokens.accessToken,
            refreshToken: tokens.refreshToken,
            expiresAt: tokens.expiresAt,
            clientEndpoint: tokens.clientEndpoint,
            serverEndpoint: tokens.serverEndpoint,
            memberId: tokens.memberId,
          };
          // Who signed in: `profile` works with any scope.
          const probe = createBitrixClient(
            clientOptions(
              authFor(
                {
                  id: '',
                  kind: 'oauth',
                  origin,
                  portal: new URL(origin).hostname,
                  userId: tokens.userId,
                  userName: '',
                  status: 'ok',
                  createdAt: 0,
                  secret: { storage: 'memory' },
                },
                secret,
              ),
              origin,
            ),
          );
          const p = (await probe.call<Record<string, unknown>>('profile', {}, { retries: 1 })) ?? {};
          const userId = Number(p['ID']) || tokens.userId;
          const userName =
            [p['NAME'], p['LAST_NAME']]
              .filter((s) => typeof s === 'string' && s)
              .join(' ')
              .trim() || `User ${userId}`;
          const account = await addSignedIn({ kind: 'oauth', origin, userId, userName, secret });
          emit('oauthDone', { account });
        } catch (err) {
          const e = toError(err);
          addNotice({ level: 'error', code: e.code, message: e.message });
          emit('oauthDone', { account: null });
        }
      },
      (err) => {
        if (oauthFlow === flow) oauthFlow = null;
        const e = toError(err);
        // A cancel the user asked for is not an error worth a notice.
        if (!(e.code === 'OAUTH_DENIED' && cancelled.has(flow))) {
          addNotice({ level: 'error', code: e.code, message: e.message });
        }
        emit('oauthDone', { account: null });
      },
    );
    try {
      await deps.opener.openExternal(flow.authorizeUrl);
    } catch (err) {
      logger.warn('Could not open the browser for sign-in', { error: String(err) });
    }
    return { authorizeUrl: flow.authorizeUrl, redirectUrl: flow.redirectUrl };
  }
  const cancelled = new WeakSet<OAuthFlow>();

  function cancelOAuth(): void {
    if (!oauthFlow) return;
    cancelled.add(oauthFlow);
    oauthFlow.cancel();
    oauthFlow = null;
  }

  function signOut(accountId: string): void {
    poller.remove(accountId);
    queue.removeAccount(accountId);
    accounts.remove(accountId);
    runtimes.delete(accountId);
    snoozes.removeAccount(accountId);
    pinnedCache.remove(accountId);
    notices.dropAccount(accountId);
    push();
  }

  async function openInBitrix(accountId: string, dialogId: string): Promise<void> {
    const rec = accounts.get(accountId);
    if (!rec) throw new CoreError('UNKNOWN_ACCOUNT', explain('UNKNOWN_ACCOUNT', lang()), { accountId });
    let origin: URL;
    try {
      origin = new URL(rec.origin);
    } catch {
      throw new CoreError('FORBIDDEN_URL', explain('FORBIDDEN_URL', lang()));
    }
    const allowed =
      (origin.protocol === 'https:' || (origin.protocol === 'http:' && isLoopbackHost(origin.hostname))) &&
      origin.origin === rec.origin &&
      !origin.username &&
      !origin.password;
    const id = parseDialogId(dialogId);
    if (!allowed || !id)
      throw new CoreError('FORBIDDEN_URL', explain('FORBIDDEN_URL', lang()), { accountId, dialogId });
    const url = new URL('/online/', origin);
    url.searchParams.set('IM_DIALOG', id.id);
    if (url.origin !== rec.origin) throw new CoreError('FORBIDDEN_URL', explain('FORBIDDEN_URL', lang()));
    await deps.opener.openExternal(url.href);
  }

  function snooze(accountId: string, dialogId: string, until: number): PinnedDialog {
    const d = requireDialog(accountId, dialogId);
    snoozes.set({ accountId, dialogId, until, title: d.title });
    return setUnread(accountId, dialogId, false);
  }

  function unsnooze(accountId: string, dialogId: string): PinnedDialog {
    const d = requireDialog(accountId, dialogId);
    snoozes.remove(accountId, dialogId);
    return viewOf(d);
  }

  async function updateSettings(patch: SettingsPatch): Promise<SettingsView> {
    const prev = settings;
    settings = settingsStore.update(patch);
    // Re-applied even when unchanged: saving again retries an accelerator another program has since released.
    if (patch.hotkeys !== undefined) applyHotkeys();
    if (prev.pollIntervalSec !== settings.pollIntervalSec) poller.reschedule();
    if (prev.secretsInMemoryOnly !== settings.secretsInMemoryOnly) accounts.reconcileStorage();
    if (prev.launchAtLogin !== settings.launchAtLogin) {
      try {
        await deps.autostart.setEnabled(settings.launchAtLogin);
      } catch (err) {
        logger.warn('Could not change launch at login', { error: String(err) });
        settings = settingsStore.update({ launchAtLogin: prev.launchAtLogin });
        throw new CoreError('UNKNOWN_ERROR', 'Could not change "launch at login" on this system.');
      }
    }
    const view = settingsView();
    emit('settings', view);
    push();
    return view;
  }

  const ops: CoreOps = {
    getState: computeState,
    refresh: async () => {
      await refresh();
      return computeState();
    },
    // The reply tells the popup its toggle is safe: only once the queue holds it on disk.
    setUnread: (accountId, dialogId, unread) => {
      const view = setUnread(accountId, dialogId, unread);
      return queue.persisted().then(() => view);
    },
    setUnreadMany: (targets, unread) => {
      const queued = new Set(queueToggles(targets, unread).map(rowKey)).size;
      return queue.persisted().then(() => ({ queued }));
    },
    openInBitrix,
    snooze: (accountId, dialogId, until) => {
      const view = snooze(accountId, dialogId, until);
      return queue.persisted().then(() => view);
    },
    unsnooze,
    signInWithWebhook,
    startOAuth,
    cancelOAuth,
    signOut,
    getSettings: settingsView,
    updateSettings,
    dismissNotice: (id) => void notices.dismiss(id),
    hidePopup: () => deps.popup.hide(),
    hasAccount: (id) => accounts.get(id) !== undefined,
    now: () => clock.now(),
  };
  const handlers = createHandlers(ops);

  // ---- lifecycle ---------------------------------------------------------------------

  async function start(): Promise<void> {
    if (started) return;
    started = true;
    if (deps.storeRecovery) {
      addNotice({
        level: 'warning',
        code: 'STORE_CORRUPT',
        message: `${explain('STORE_CORRUPT', lang())} (${deps.storeRecovery.backupPath})`,
      });
    }
    applyHotkeys();
    try {
      if ((await deps.autostart.isEnabled()) !== settings.launchAtLogin) {
        await deps.autostart.setEnabled(settings.launchAtLogin);
      }
    } catch (err) {
      logger.warn('Launch at login could not be checked', { error: String(err) });
    }
    for (const a of accounts.summaries()) {
      if (a.status === 'ok') poller.add(a.id);
      else queue.hold(a.id);
    }
    // Overdue snoozes fire at once; the rest are scheduled.
    snoozes.start();
    // What an earlier run left in the queue goes now (nothing is in flight in a fresh process).
    queue.retryNow();
    push();
    void poller.refreshNow();
  }

  async function stop(): Promise<void> {
    if (stopped) return;
    stopped = true;
    poller.stop();
    queue.stop();
    hotkeys.dispose();
    cancelOAuth();
    snoozes.stop();
    // Toggles delivered since the last load: the next start shows them (one write, and only if changed).
    for (const [id, r] of runtimes) {
      if (r.dialogs && r.updatedAt !== null && accounts.get(id)) pinnedCache.save(id, r.updatedAt, r.dialogs);
    }
    bus.close();
  }

  restoreCachedLists();

  return {
    handlers,
    queue,
    ops,
    dispatch: (name, args) => dispatch(handlers, name, args, logger),
    on: bus.on,
    state: computeState,
    start,
    stop,
    refresh,
    toggleSlot,
    toggleDialog,
    onResume() {
      if (stopped) return;
      queue.retryNow();
      void poller.refreshNow();
    },
    onOnline(online) {
      if (stopped) return;
      const wasOffline = offline;
      offline = !online;
      // Back from offline, the poller reloads every account itself; otherwise reload here.
      poller.setOnline(online);
      if (online) {
        queue.retryNow();
        if (!wasOffline) void poller.refreshNow();
      }
      push();
    },
  };
}
