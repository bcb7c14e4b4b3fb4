/**
 * The core: a composition of services, each in its own folder —
 * accounts/ (clients, limiters, sign-in lost), pinned/ (load, merge, poll,
 * cache), toggles/ (the durable queue, read/unread, unpin, snoozes), signin/
 * (webhook, OAuth, sign-out), settings/ (side effects, hotkeys) — talking
 * through typed methods and the event bus (events/bus.ts). It pushes the
 * ViewState the popup renders as the `state` event on every change. The
 * composition root (src/main/index.ts) and createNodeCore build it with
 * {@link createAppCore} and talk to it only through {@link AppCore}.
 */
import { messages, pickLang } from '../../shared/messages';
import { explain } from '../../shared/errors';
import type { ViewState } from '../../shared/types';
import { createAccountsService } from './accounts/accounts-service';
import { openInBitrix } from './accounts/open-in-bitrix';
import type { AppCore, AppCoreDeps, AppCoreOptions, CoreContext } from './app-core-types';
import { inWords } from './errors/to-app-error';
import { createEventBus } from './events/bus';
import { createHandlers, dispatch, type CoreOps } from './ipc-handlers';
import { createNotices } from './notices/notices';
import { createNotifications } from './notifications';
import { createPinnedService } from './pinned/pinned-service';
import { createSettingsService } from './settings/settings-service';
import { createSignInService } from './signin/signin-service';
import type { ActionQueue } from './toggles/actions';
import { createTogglesService } from './toggles/toggles-service';
import { buildViewState } from './view';

export type { AppCoreOptions } from './app-core-types';

/** Intents whose failure ends a sign-in: their errors are worded for it (`explainSignIn`). */
const SIGN_IN_INTENTS: ReadonlySet<string> = new Set(['signInWithWebhook', 'startOAuth']);

/** The core plus handles tests and the benchmark use. */
export interface AppCoreInternals extends AppCore {
  readonly queue: ActionQueue;
  readonly ops: CoreOps;
}

/** Builds the core. Nothing runs until {@link AppCore.start}. */
export function createAppCore(deps: AppCoreDeps, options: AppCoreOptions = {}): AppCoreInternals {
  const { clock, logger } = deps;
  const bus = createEventBus({ logger, state: () => computeState(), requestLeaving: () => queue.requestLeaving() });
  const { push } = bus;
  const notices = createNotices({ store: deps.store, clock, changed: () => push() });
  let offline = false;
  let started = false;
  let stopped = false;

  const ctx: CoreContext = {
    deps,
    options,
    random: options.random ?? Math.random,
    settings: () => settings.current(),
    lang: () => pickLang(settings.current().language, deps.locale),
    push,
    emit: bus.emit,
    notices,
  };
  const settings = createSettingsService(ctx, {
    slot: (n) => toggles.toggleSlot(n),
    pollIntervalChanged: () => pinned.poller.reschedule(),
    secretStorageChanged: () => accounts.store.reconcileStorage(),
  });
  const accounts = createAccountsService(ctx, {
    onLost: (id) => {
      toggles.queue.hold(id);
      pinned.poller.remove(id);
    },
  });
  const notifications = createNotifications({
    // Linux notification servers may render body markup (`linux`, `linux-wayland`).
    markup: deps.platform.startsWith('linux'),
    store: deps.store,
    notifier: deps.notifier,
    popup: deps.popup,
    settings: ctx.settings,
    lang: ctx.lang,
    logger,
  });
  const pinned = createPinnedService(ctx, accounts, notifications, { retryNow: (id) => toggles.queue.retryNow(id) });
  const toggles = createTogglesService(ctx, accounts, pinned, notifications, { state: () => computeState() });
  const signIn = createSignInService(ctx, accounts, pinned, toggles, { started: () => started });
  const { queue, snoozes } = toggles;
  const { poller } = pinned;

  function computeState(): ViewState {
    // One pass over the queue for all rows (a state of 200 rows would otherwise scan it 400 times).
    const pending = queue.lookup();
    return buildViewState({
      accounts: accounts.store.summaries(),
      account: (id) => accounts.runtimes.get(id),
      pendingFor: pending.pendingFor,
      unpinPending: pending.unpinPending,
      snoozedUntil: (a, d) => snoozes.untilOf(a, d),
      pendingActions: queue.size(),
      notices: notices.list(),
      offline,
      lang: ctx.lang(),
    });
  }

  const refresh = (): Promise<void> => pinned.refresh();

  const ops: CoreOps = {
    getState: computeState,
    refresh: async () => {
      await refresh();
      return computeState();
    },
    setUnread: toggles.setUnread,
    setUnreadMany: toggles.setUnreadMany,
    openInBitrix: (accountId, dialogId) =>
      openInBitrix({ account: accounts.store.get, opener: deps.opener, lang: ctx.lang }, accountId, dialogId),
    snooze: toggles.snooze,
    unsnooze: toggles.unsnooze,
    unpin: toggles.unpin,
    pin: toggles.pin,
    signInWithWebhook: signIn.signInWithWebhook,
    startOAuth: signIn.startOAuth,
    cancelOAuth: signIn.cancelOAuth,
    signOut: signIn.signOut,
    getSettings: settings.view,
    updateSettings: settings.update,
    dismissNotice: (id) => void notices.dismiss(id),
    hidePopup: () => deps.popup.hide(),
    hasAccount: (id) => accounts.store.has(id),
    now: () => clock.now(),
  };
  const handlers = createHandlers(ops);

  async function start(): Promise<void> {
    if (started) return;
    started = true;
    await accounts.unlocked;
    const recovery = deps.storeRecovery;
    if (recovery) {
      const parts = recovery.queueOnly ? [] : [explain('STORE_CORRUPT', ctx.lang())];
      if (recovery.queueUnreadable) parts.push(messages(ctx.lang()).core.queueUnreadable(recovery.queueUnreadable));
      notices.add({
        level: 'warning',
        code: 'STORE_CORRUPT',
        message: `${parts.join(' ')}${recovery.backupPath ? ` (${recovery.backupPath})` : ''}`,
      });
    }
    settings.applyHotkeys();
    await settings.syncAutostart();
    for (const a of accounts.store.summaries()) {
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
    settings.hotkeys.dispose();
    signIn.cancelOAuth();
    snoozes.stop();
    // Toggles delivered since the last load: the next start shows them (one write, and only if changed).
    pinned.saveAll();
    bus.close();
    // The queue's last write was synchronous; a write still under way only drops its temporary files.
    await deps.store.idle?.();
  }

  pinned.restoreCachedLists();

  return {
    handlers,
    queue,
    ops,
    dispatch: async (name, args) => {
      const r = await dispatch(handlers, name, args, logger);
      return r.ok ? r : { ok: false, error: inWords(r.error, ctx.lang(), SIGN_IN_INTENTS.has(name)) };
    },
    on: bus.on,
    state: computeState,
    toggles,
    signIn,
    settings,
    start,
    stop,
    refresh,
    toggleSlot: toggles.toggleSlot,
    toggleDialog: toggles.toggleDialog,
    onResume() {
      if (stopped) return;
      // A reminder that came due during the sleep fires now, not at its timer's next look.
      snoozes.recheck();
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
