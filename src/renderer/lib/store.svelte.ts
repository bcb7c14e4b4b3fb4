/**
 * The popup's state: the ViewState pushed by the main process, the
 * settings, and what is purely local (the filter, focus, the screen,
 * errors of calls that failed outright). Components read it; only the
 * actions here call `window.api`.
 */
import { MAX_UNREAD_TARGETS, type Api, type DialogRef } from '../../shared/ipc';
import type { AppError, Result } from '../../shared/result';
import type { AccountSummary, PinnedDialog, SettingsPatch, SettingsView, ViewState } from '../../shared/types';
import type { Lang } from '../../shared/errors';
import { DICTS, pickLang, type Dict } from './i18n';
import { hasRowKey, rowKey } from '../../shared/row-key';
import { afterNextPaint } from './after-paint';
import { reuseRows } from './reuse-rows';

export { rowKey };

/** An error the popup itself shows (a call refused before it reached the queue). */
export interface LocalAlert {
  id: number;
  text: string;
}

/** A group of rows under one portal header. */
export interface DialogGroup {
  account: AccountSummary | null;
  dialogs: PinnedDialog[];
}

export type Screen = 'list' | 'settings' | 'signin';

/** What the popup can undo: the last Mark all read (the rows it marked), or the last unpin. */
export type Undoable =
  { kind: 'read'; targets: readonly DialogRef[] } | { kind: 'unpin'; target: DialogRef; title: string };

let alertSeq = 0;

/**
 * How long a change made while the popup is open may wait for the portal before its row says
 * "Sending…" (spinner, dimmed switch). The switch itself flips at once; most changes are confirmed
 * within a round trip or two to the portal, and a "Sending…" shown for those only flashed over the
 * row's last message on every flip (issue 14: and that frame held two style passes more). A change
 * that waits longer (offline, a slow or refusing portal) says so once this has passed.
 */
export const PENDING_SHOWN_AFTER_MS = 400;

/** {@link PopupStore}'s wait of the "N changes being sent" banner, beside the rows' (no row key is empty). */
const QUEUE_WAIT = '';

/** The popup's store. One instance per page (see {@link createStore}). */
export class PopupStore {
  /**
   * The last pushed state. Raw (not a deep proxy): a push replaces it whole and nothing mutates it
   * in place, and proxying hundreds of dialogs cost more than rendering them (issue 14).
   */
  view = $state.raw<ViewState | null>(null);
  settingsView = $state<SettingsView | null>(null);
  /** Ticks every second for "updated N s ago". */
  now = $state(Date.now());
  filter = $state('');
  screen = $state<Screen>('list');
  alerts = $state<LocalAlert[]>([]);
  /** The row to focus (key), set by `shown` events and keyboard moves. */
  focusKey = $state<string | null>(null);
  /** Bumped to ask the list to move DOM focus to `focusKey`. */
  focusRequest = $state(0);
  /**
   * The last Mark all read or unpin, while it can be undone: until the undo, its notice's ×, the
   * user's next change (a switch, an unpin, a Mark all read), which the undo would otherwise
   * overrule, or the popup's next opening (by then the user may have changed those dialogs in
   * Bitrix24 itself, and an undo offered hours later would undo that).
   */
  undoable = $state.raw<Undoable | null>(null);
  /**
   * What the popup offers to undo now: {@link undoable}, except an unpin whose row is listed (the
   * push that hides it has not come yet, or the portal refused the unpin and it is back).
   */
  readonly offer: Undoable | null = $derived.by(() => {
    const u = this.undoable;
    if (u?.kind !== 'unpin') return u;
    const key = rowKey(u.target);
    return (this.view?.dialogs ?? []).some((d) => hasRowKey(d, key)) ? null : u;
  });
  /** OAuth in progress: the URL to show while waiting. */
  oauthWaiting = $state<{ authorizeUrl: string; redirectUrl: string } | null>(null);

  readonly lang: Lang = $derived(
    pickLang(this.settingsView?.settings.language, typeof navigator === 'undefined' ? 'en' : navigator.language),
  );
  readonly t: Dict = $derived(DICTS[this.lang]);
  readonly theme = $derived(this.settingsView?.settings.theme ?? 'system');

  /**
   * Switches flipped by a click that no pushed state shows yet: key → wanted
   * `unread` (`acked`: the core has queued it). One answer per fact: a reply
   * only acknowledges (or explains a refusal) and never carries a row; the
   * pushed `state` is the truth. A flip only bridges the round trip to the
   * push (the core pushes the pending state on the tick it queues the toggle):
   * the first push that shows the row as wanted, or any push after the
   * acknowledgement, ends it.
   */
  #flips = $state.raw<Record<string, { unread: boolean; acked: boolean }>>({});

  /**
   * The rows a flip in flight changes: each row as pushed, and as shown (`unread` as wanted,
   * pending). One or a few: each found by a scan that builds no key string per row.
   */
  readonly #flipped: { pushed: PinnedDialog; shown: PinnedDialog }[] = $derived.by(() => {
    const list = this.view?.dialogs ?? [];
    const out: { pushed: PinnedDialog; shown: PinnedDialog }[] = [];
    for (const [key, want] of Object.entries(this.#flips)) {
      const d = list.find((x) => hasRowKey(x, key));
      if (d === undefined || want.unread === d.unread) continue;
      out.push({ pushed: d, shown: { ...d, unread: want.unread, pending: true } });
    }
    return out;
  });

  /**
   * Row `d` as the popup shows it: as pushed, or with its flip in flight (pending). The list,
   * filter and groups below hold the rows as pushed, so a flip changes one row's object here and
   * nothing of the list's shape: the list does not regroup or re-window on a key press.
   */
  withFlip(d: PinnedDialog): PinnedDialog {
    for (const f of this.#flipped) if (f.pushed === d) return f.shown;
    return d;
  }

  /**
   * When each row pending now became so while the popup watched (a flip here, or a push showing a
   * row newly pending: a hotkey, a reminder), by row key. A row already pending in the first view
   * has no entry: it has waited for who knows how long, and says so at once. Not reactive state:
   * {@link showsPending} reads `#pendingClock`, which moves when a wait passes.
   */
  #pendingSince: Record<string, number> = Object.create(null);
  /** Bumped when a row's wait passes {@link PENDING_SHOWN_AFTER_MS}: what {@link showsPending} re-reads. */
  #pendingClock = $state(0);
  #pendingTimer: ReturnType<typeof setTimeout> | null = null;

  /** Row `d` (as {@link withFlip} shows it) says "Sending…": pending, and for long enough (see {@link PENDING_SHOWN_AFTER_MS}). */
  showsPending(d: PinnedDialog): boolean {
    return d.pending && this.#waited(rowKey(d));
  }

  /** The "N changes being sent" banner shows: the core holds changes, and has for long enough. */
  get sendingShown(): boolean {
    return (this.view?.pendingActions ?? 0) > 0 && this.#waited(QUEUE_WAIT);
  }

  /** What waits under `key` has waited {@link PENDING_SHOWN_AFTER_MS}, or since before the popup looked. */
  #waited(key: string): boolean {
    void this.#pendingClock;
    const since = this.#pendingSince[key];
    return since === undefined || performance.now() - since >= PENDING_SHOWN_AFTER_MS;
  }

  /** Row `key` is pending from now (unless it already was): it says so once the wait has passed. */
  #pendingFrom(key: string): void {
    if (key in this.#pendingSince) return;
    this.#pendingSince[key] = performance.now();
    this.#armPendingTimer();
  }

  /** One timer for every row waiting: it fires when the earliest wait still running passes. */
  #armPendingTimer(): void {
    if (this.#pendingTimer !== null) return;
    const now = performance.now();
    let due = Infinity;
    for (const since of Object.values(this.#pendingSince)) {
      const at = since + PENDING_SHOWN_AFTER_MS;
      if (at > now && at < due) due = at;
    }
    if (due === Infinity) return;
    this.#pendingTimer = setTimeout(() => {
      this.#pendingTimer = null;
      this.#pendingClock++;
      this.#armPendingTimer();
    }, due - now);
  }

  /**
   * Rows a push shows newly pending start their wait; rows no longer pending end it; so does the
   * banner's, with the core's count of changes held. The first view starts none (see {@link showsPending}).
   */
  #notePending(before: ViewState | null, s: ViewState): void {
    if (before === null) return;
    // Local lookups, built only when a row is pending (not reactive state themselves).
    const waiting: Record<string, number> = Object.create(null);
    let was: Record<string, true> | null = null;
    for (const d of s.dialogs) {
      if (!d.pending) continue;
      was ??= Object.fromEntries(before.dialogs.filter((x) => x.pending).map((x) => [rowKey(x), true]));
      const key = rowKey(d);
      if (!(key in was)) this.#pendingFrom(key);
      const since = this.#pendingSince[key];
      if (since !== undefined) waiting[key] = since;
    }
    // A flip not yet shown by a push keeps its wait (a poll's push may come before the core's).
    for (const key of Object.keys(this.#flips)) {
      const since = this.#pendingSince[key];
      if (since !== undefined) waiting[key] ??= since;
    }
    // The banner's wait starts when the core starts holding changes, and ends when it holds none.
    const queued = this.#pendingSince[QUEUE_WAIT];
    if (s.pendingActions > 0 && queued !== undefined) waiting[QUEUE_WAIT] = queued;
    // Rows no longer pending (confirmed, dropped, unpinned) end their wait.
    this.#pendingSince = waiting;
    if (s.pendingActions > 0 && before.pendingActions === 0) this.#pendingFrom(QUEUE_WAIT);
  }

  /** The dialogs as last pushed, with the flips still in flight shown pending. */
  readonly dialogs: PinnedDialog[] = $derived.by(() => {
    const list = this.view?.dialogs ?? [];
    return this.#flipped.length === 0 ? list : list.map((d) => this.withFlip(d));
  });

  /**
   * Lower-cased titles, computed once per pushed list (not per keystroke per row, nor per flip:
   * a flip changes no title).
   */
  readonly #titles = $derived((this.view?.dialogs ?? []).map((d) => d.title.toLocaleLowerCase()));

  /**
   * The dialogs the filter lets through, in list order, as pushed: a row's flip in flight is
   * {@link withFlip}'s to show.
   */
  readonly visible: PinnedDialog[] = $derived.by(() => {
    const list = this.view?.dialogs ?? [];
    const q = this.filter.trim().toLocaleLowerCase();
    if (!q) return list;
    const titles = this.#titles;
    return list.filter((_, i) => titles[i]!.includes(q));
  });

  /** Visible dialogs grouped by portal, in account order. */
  readonly groups: DialogGroup[] = $derived.by(() => {
    const accounts = this.view?.accounts ?? [];
    // A local lookup, rebuilt with the derived value (not reactive state itself).
    const byAccount: Record<string, PinnedDialog[]> = Object.create(null);
    for (const d of this.visible) (byAccount[d.accountId] ??= []).push(d);
    const groups: DialogGroup[] = [];
    for (const a of accounts) {
      const ds = byAccount[a.id];
      if (ds) groups.push({ account: a, dialogs: ds });
      delete byAccount[a.id];
    }
    // Dialogs of an account the view does not list (should not happen): still show them.
    for (const ds of Object.values(byAccount)) groups.push({ account: null, dialogs: ds });
    return groups;
  });

  /**
   * @param whenFlipShown Awaited between a switch's optimistic flip and sending its intent (the
   *   popup passes {@link afterNextPaint}, so the flip is painted before the send's work starts);
   *   without it the intent goes at once, in the same task.
   */
  constructor(
    private readonly api: Api,
    private readonly whenFlipShown?: () => Promise<void>,
  ) {}

  /** Loads state and settings and subscribes to pushes. Returns the unsubscribe function. */
  async init(): Promise<() => void> {
    const offs = [
      this.api.on('state', (s) => this.applyState(s)),
      this.api.on('settings', (s) => (this.settingsView = s)),
      this.api.on('shown', ({ focus, view }) => this.onShown(focus, view)),
      this.api.on('oauthDone', ({ account }) => this.onOAuthDone(account !== null)),
    ];
    const tick = setInterval(() => (this.now = Date.now()), 1000);
    const [state, settings] = await Promise.all([this.api.getState(), this.api.getSettings()]);
    if (settings.ok) this.settingsView = settings.data;
    else this.alert(settings.error);
    if (!state.ok) this.alert(state.error);
    // The first view: unless a push (the newer truth) already brought one.
    else if (this.view === null) this.applyState(state.data);
    return () => {
      clearInterval(tick);
      for (const off of offs) off();
    };
  }

  applyState(s: ViewState): void {
    this.#notePending(this.view, s);
    // Rows unchanged since the last push keep their objects, so the list re-renders changed rows only.
    const dialogs = reuseRows(this.view?.dialogs, s.dialogs);
    this.view = dialogs === s.dialogs ? s : { ...s, dialogs };
    if (Object.keys(this.#flips).length > 0) {
      this.#flips = Object.fromEntries(
        Object.entries(this.#flips).filter(([k, f]) => {
          const d = f.acked ? undefined : s.dialogs.find((x) => hasRowKey(x, k));
          return d !== undefined && d.unread !== f.unread;
        }),
      );
    }
    // Signed out of the last portal (from Settings too): the sign-in screen proper, titled as such,
    // where Esc hides the popup (Settings' title stayed over it, and the first Esc only changed it).
    if (s.accounts.length === 0) this.screen = 'signin';
    if (s.accounts.length > 0 && this.screen === 'signin' && !this.oauthWaiting && this.signinFromList === false) {
      this.screen = 'list';
    }
  }

  onOAuthDone(signedIn: boolean): void {
    this.oauthWaiting = null;
    if (signedIn) {
      this.signinFromList = false;
      this.screen = 'list';
      this.focusRequest++;
    }
  }

  /** True when the sign-in screen was opened from the list ("Add portal"), so a new state does not close it. */
  signinFromList = false;

  onShown(focus: string | null, view?: 'list' | 'settings'): void {
    this.undoable = null;
    const signedIn = (this.view?.accounts.length ?? 0) > 0;
    if (view === 'settings' && signedIn) {
      this.screen = 'settings';
      return;
    }
    // A tray click or a notification naming a row brings the list back.
    if ((view === 'list' || focus) && signedIn && this.screen === 'settings') this.screen = 'list';
    if (this.screen !== 'list') return;
    const target = focus && this.dialogs.some((d) => hasRowKey(d, focus)) ? focus : null;
    if (target) this.filter = '';
    this.focusKey = target ?? (this.visible[0] ? rowKey(this.visible[0]) : null);
    this.focusRequest++;
  }

  /**
   * Shows an error; returns its alert's id. Its message is the user's words: the core sends a known
   * code's error in the catalogue's words, in the user's language (core/errors/to-app-error.ts
   * inWords; the popup carries no error catalogue). Notices carry the core's own words too
   * (Notices.svelte), and Settings say why a change was refused by its field ({@link updateSettings}).
   */
  alert(err: Pick<AppError, 'code' | 'message'>, prefix?: string): number {
    const text = prefix ? `${prefix}: ${err.message}` : err.message;
    const id = ++alertSeq;
    this.alerts = [...this.alerts.slice(-2), { id, text }];
    return id;
  }

  /** The alert of the last failed sign-in (webhook or OAuth start). */
  #signinAlert: number | null = null;

  /**
   * Shows why a sign-in failed, in place of the last sign-in's error: that one was about what the
   * user had typed before, and beside the new one it read as if both still applied. Without `err`,
   * only drops it: the sign-in screen does so as it goes (Esc, signed in), since over the list it
   * read as if a connected portal had failed.
   */
  signinFailed(err?: Pick<AppError, 'code' | 'message'>): void {
    if (this.#signinAlert !== null) this.dismissAlert(this.#signinAlert);
    this.#signinAlert = err ? this.alert(err) : null;
  }

  dismissAlert(id: number): void {
    this.alerts = this.alerts.filter((a) => a.id !== id);
  }

  /** Unwraps a result, showing its error; returns the data or null. */
  private take<T>(r: Result<T>, prefix?: string): T | null {
    if (r.ok) return r.data;
    this.alert(r.error, prefix);
    return null;
  }

  async toggle(d: PinnedDialog): Promise<void> {
    this.undoable = null;
    const key = rowKey(d);
    const shown = this.withFlip(d);
    const unread = !shown.unread;
    this.#flips = { ...this.#flips, [key]: { unread, acked: false } };
    // A row already saying "Sending…" goes on saying it.
    if (!shown.pending) this.#pendingFrom(key);
    if (this.whenFlipShown) await this.whenFlipShown();
    const r = await this.api.setUnread(d.accountId, d.dialogId, unread);
    // The reply only acknowledges: the flip stays until a push shows the row (or is dropped if refused).
    const f = this.#flips[key];
    if (f && f.unread === unread) {
      if (r.ok) this.#flips = { ...this.#flips, [key]: { unread, acked: true } };
      else {
        const { [key]: _refused, ...rest } = this.#flips;
        this.#flips = rest;
        delete this.#pendingSince[key];
      }
    }
    this.take(r, d.title);
  }

  /** The visible (filtered) rows that are unread, flips in flight included: what "Mark all read" would mark. */
  readonly visibleUnread: PinnedDialog[] = $derived(this.visible.filter((d) => this.withFlip(d).unread));

  /**
   * Marks every visible unread row read, and offers to undo it ({@link undoable}): what was queued,
   * up to a refusal.
   */
  async markAllRead(): Promise<void> {
    const rows = this.visibleUnread;
    if (rows.length === 0) return;
    this.undoable = null;
    // As for one switch, the pushed state shows the rows flipping; the replies acknowledge.
    const marked = await this.#setUnreadMany(
      rows.map((d) => ({ accountId: d.accountId, dialogId: d.dialogId })),
      false,
    );
    if (marked.length > 0) this.undoable = { kind: 'read', targets: marked };
  }

  /**
   * Undoes the last Mark all read or unpin ({@link undoable}), through the same durable queue.
   *
   * Mark all read: the unread mark goes back on the rows it marked that are still listed
   * (`im.recent.unread` Y). Messages it read stay read: the portal has no way back for them; the
   * mark is what "come back to this" rests on. If the read is still queued, the core's queue folds
   * the two and nothing is read.
   *
   * Unpin: the dialog is pinned again (`im.recent.pin` Y); an unpin not yet sent is taken back
   * instead. The row comes back with the pushed state.
   */
  async undo(): Promise<void> {
    const u = this.offer;
    if (!u) return;
    this.undoable = null;
    if (u.kind === 'unpin') {
      this.take(await this.api.pin(u.target.accountId, u.target.dialogId), u.title);
      return;
    }
    // A local lookup (not reactive state): the rows still listed.
    const listed: Record<string, true> = Object.create(null);
    for (const d of this.view?.dialogs ?? []) listed[rowKey(d)] = true;
    await this.#setUnreadMany(
      u.targets.filter((t) => listed[rowKey(t)]),
      true,
    );
  }

  /**
   * `setUnreadMany` for `targets`, one intent per {@link MAX_UNREAD_TARGETS}; a refusal is shown
   * (naming its dialog) and stops the rest. Returns the targets queued.
   */
  async #setUnreadMany(targets: DialogRef[], unread: boolean): Promise<DialogRef[]> {
    const queued: DialogRef[] = [];
    for (let i = 0; i < targets.length; i += MAX_UNREAD_TARGETS) {
      const chunk = targets.slice(i, i + MAX_UNREAD_TARGETS);
      const r = await this.api.setUnreadMany(chunk, unread);
      if (!r.ok) {
        const { dialogId } = r.error;
        this.alert(r.error, dialogId ? this.view?.dialogs.find((d) => d.dialogId === dialogId)?.title : undefined);
        break;
      }
      queued.push(...chunk);
    }
    return queued;
  }

  async toggleSlot(n: number): Promise<void> {
    const d = this.visible[n - 1];
    if (!d) return;
    this.focusKey = rowKey(d);
    this.focusRequest++;
    await this.toggle(d);
  }

  async refresh(): Promise<void> {
    // What the reload changed arrives as a pushed state.
    this.take(await this.api.refresh());
  }

  async open(d: PinnedDialog): Promise<void> {
    this.take(await this.api.openInBitrix(d.accountId, d.dialogId), d.title);
  }

  /** A change of the user's, as a flip is: an undo offered before would overrule it, so the offer goes. */
  async snooze(d: PinnedDialog, until: number): Promise<void> {
    this.undoable = null;
    this.take(await this.api.snooze(d.accountId, d.dialogId, until), d.title);
  }

  async unsnooze(d: PinnedDialog): Promise<void> {
    this.undoable = null;
    this.take(await this.api.unsnooze(d.accountId, d.dialogId), d.title);
  }

  /**
   * Unpins a row in Bitrix24 (through the core's durable queue). Nothing is hidden here: the
   * pushed state drops the row (and shows it again, with a notice, if the portal refuses). When
   * the row has the focus, the focus moves on to its neighbour, as it would after a delete. Once
   * queued, it can be undone ({@link undo}).
   */
  async unpin(d: PinnedDialog): Promise<void> {
    this.undoable = null;
    const key = rowKey(d);
    if (this.focusKey === key) {
      const rows = this.visible;
      const at = rows.findIndex((x) => rowKey(x) === key);
      const next = at < 0 ? undefined : (rows[at + 1] ?? rows[at - 1]);
      this.focusKey = next ? rowKey(next) : null;
      this.focusRequest++;
    }
    const r = await this.api.unpin(d.accountId, d.dialogId);
    if (r.ok)
      this.undoable = { kind: 'unpin', target: { accountId: d.accountId, dialogId: d.dialogId }, title: d.title };
    this.take(r, d.title);
  }

  async dismissNotice(id: string): Promise<void> {
    if (this.view) this.view = { ...this.view, notices: this.view.notices.filter((n) => n.id !== id) };
    this.take(await this.api.dismissNotice(id));
  }

  async signInWithWebhook(url: string): Promise<boolean> {
    const r = await this.api.signInWithWebhook(url.trim());
    if (!r.ok) {
      this.signinFailed(r.error);
      return false;
    }
    this.signinFromList = false;
    this.screen = 'list';
    this.alerts = [];
    return true;
  }

  async startOAuth(portal: string, clientId: string, clientSecret: string): Promise<void> {
    const r = await this.api.startOAuth({ portal: portal.trim(), clientId: clientId.trim(), clientSecret });
    if (!r.ok) return this.signinFailed(r.error);
    this.oauthWaiting = r.data;
  }

  async cancelOAuth(): Promise<void> {
    this.oauthWaiting = null;
    this.take(await this.api.cancelOAuth());
  }

  async signOut(accountId: string): Promise<void> {
    this.take(await this.api.signOut(accountId));
  }

  /**
   * Changes the settings; returns why the core refused the change, or null. Settings show the
   * refusal by the field it concerns: as an alert it stayed over the list after Settings closed.
   */
  async updateSettings(patch: SettingsPatch): Promise<AppError | null> {
    const r = await this.api.updateSettings(patch);
    if (!r.ok) return r.error;
    this.settingsView = r.data;
    return null;
  }

  hide(): void {
    void this.api.hidePopup();
  }
}

/** Creates the popup's store for `window.api`: a switch's intent is sent once its flip is painted. */
export function createStore(api: Api): PopupStore {
  return new PopupStore(api, afterNextPaint);
}
