/**
 * Desktop notifications: which pinned dialogs have news after a load (a
 * higher message id than last seen, with unread messages, not muted, and
 * allowed by the `notifications` setting), grouping many into one, the
 * snooze reminder, and the `seen` bookkeeping (last message id per dialog)
 * in the store. The decisions are pure functions; {@link createNotifications}
 * wires them to the store, the OS notifier and the popup.
 */
import { rowKey } from '../../shared/row-key';
import type { Lang } from '../../shared/errors';
import { messages } from '../../shared/messages';
import type { Settings } from '../../shared/types';
import type { KeyValueStore, Logger, Notifier, PopupControl } from './ports';
import type { Snooze } from './storage/schema';

/** More new-message notifications than this in one load become one grouped notification. */
export const GROUP_NOTIFICATIONS_ABOVE = 3;

/** `${accountId}/${dialogId}`: the key of `seen`, of `Settings.notifyDialogs` and of the popup's focus. */
export function dialogKey(accountId: string, dialogId: string): string {
  return rowKey({ accountId, dialogId });
}

/** What the notification decisions need of a loaded dialog. */
export interface NotifiableDialog {
  dialogId: string;
  title: string;
  snippet: string;
  counter: number;
  muted: boolean;
  lastMessageId: number | null;
}

/** The outcome of {@link pickNewMessages}. */
export interface NewMessages<D> {
  /** The dialogs to notify about, in list order. */
  fresh: D[];
  /** The updated `seen` map (a new object). */
  seen: Record<string, number>;
  /** Whether `seen` differs from the input (write it back only then). */
  changed: boolean;
}

/**
 * Decides which dialogs of a freshly loaded list are news. Every dialog's
 * last message id is recorded in `seen`; a dialog is news when its id is
 * higher than the one seen before, it has unread messages, it is not muted,
 * and the settings allow it (`on`, or `chosen` with the dialog chosen). The
 * first sight of a dialog (a new pin, or a pin again: a dialog not in the
 * list leaves `seen`) and the first load of an account in this run
 * (`firstLoad`) are never news. Pure.
 */
export function pickNewMessages<D extends NotifiableDialog>(input: {
  accountId: string;
  dialogs: readonly D[];
  firstLoad: boolean;
  seen: Readonly<Record<string, number>>;
  settings: Pick<Settings, 'notifications' | 'notifyDialogs'>;
}): NewMessages<D> {
  const { accountId, settings } = input;
  const seen: Record<string, number> = { ...input.seen };
  const fresh: D[] = [];
  let changed = false;
  for (const d of input.dialogs) {
    const k = dialogKey(accountId, d.dialogId);
    const last = d.lastMessageId ?? 0;
    const prev = Object.hasOwn(seen, k) ? seen[k] : undefined;
    if (prev !== last) {
      seen[k] = last;
      changed = true;
    }
    if (prev === undefined || input.firstLoad || last <= prev || d.counter <= 0 || d.muted) continue;
    if (settings.notifications === 'off') continue;
    if (settings.notifications === 'chosen' && !settings.notifyDialogs.includes(k)) continue;
    fresh.push(d);
  }
  // A dialog that left the list (unpinned) leaves `seen` too: pinned again, maybe weeks later, it is a
  // first sight, not news of every message that came meanwhile.
  const listed = new Set(input.dialogs.map((d) => dialogKey(accountId, d.dialogId)));
  const mine = dialogKey(accountId, '');
  for (const k of Object.keys(seen)) {
    if (k.startsWith(mine) && !listed.has(k)) {
      delete seen[k];
      changed = true;
    }
  }
  return { fresh, seen, changed };
}

/** One notification to show, and the dialog key the popup focuses when it is clicked. */
export interface NotificationPlan {
  title: string;
  body: string;
  focus: string;
}

/**
 * `plans` as they are, or when there are more than {@link GROUP_NOTIFICATIONS_ABOVE} a single one
 * titled `title(n)` that lists their titles and focuses the first. Pure.
 */
function groupAbove(plans: NotificationPlan[], title: (n: number) => string): NotificationPlan[] {
  const first = plans[0];
  if (!first || plans.length <= GROUP_NOTIFICATIONS_ABOVE) return plans;
  return [
    {
      title: title(plans.length),
      body: plans
        .map((p) => p.title)
        .join(', ')
        .slice(0, 200),
      focus: first.focus,
    },
  ];
}

/**
 * The notifications for new messages: one per dialog, or a single grouped
 * one when there are more than {@link GROUP_NOTIFICATIONS_ABOVE}. Pure.
 */
export function messageNotifications(
  accountId: string,
  fresh: readonly NotifiableDialog[],
  lang: Lang,
): NotificationPlan[] {
  return groupAbove(
    fresh.map((d) => ({ title: d.title, body: d.snippet, focus: dialogKey(accountId, d.dialogId) })),
    messages(lang).notify.manyDialogs,
  );
}

/** The reminder shown when a snooze comes due. Pure. */
export function reminderNotification(s: Snooze, lang: Lang): NotificationPlan {
  return {
    title: s.title || s.dialogId,
    body: messages(lang).notify.reminder,
    focus: dialogKey(s.accountId, s.dialogId),
  };
}

/**
 * The reminders of the snoozes that came due together (the same time, or overdue at start): one
 * each, or a single grouped one when there are more than {@link GROUP_NOTIFICATIONS_ABOVE}. Pure.
 */
export function reminderNotifications(due: readonly Snooze[], lang: Lang): NotificationPlan[] {
  return groupAbove(
    due.map((s) => reminderNotification(s, lang)),
    messages(lang).notify.manyReminders,
  );
}

/**
 * Escapes text for a notification server that renders markup: Electron hands title and body to
 * libnotify unchanged (electron/electron shell/browser/notifications/linux/libnotify_notification.cc),
 * and servers with the `body-markup` capability render `<a href>` and `<img>` from it (Desktop
 * Notifications spec). Chat titles and snippets come from other people: they must show as text.
 */
export function escapeMarkup(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}

/** Reads the persisted `seen` map; anything else reads as empty. */
export function readSeen(raw: unknown): Record<string, number> {
  return raw && typeof raw === 'object' && !Array.isArray(raw) ? { ...(raw as Record<string, number>) } : {};
}

/** The notifications the core shows. */
export interface Notifications {
  /**
   * After a successful load of an account: records the last message ids
   * and notifies about what is news (see {@link pickNewMessages}), unless
   * the popup is open.
   */
  newMessages(accountId: string, dialogs: readonly NotifiableDialog[], firstLoad: boolean): void;
  /**
   * Snoozes came due together: remind the user of their dialogs (see {@link reminderNotifications});
   * where the system shows no notification, the popup opens on the dialog instead.
   */
  reminder(due: readonly Snooze[]): void;
}

/** Wires the decisions to the store (`seen`), the OS notifier and the popup (a click shows it, focused). */
export function createNotifications(deps: {
  store: KeyValueStore;
  notifier: Notifier;
  popup: PopupControl;
  settings: () => Settings;
  lang: () => Lang;
  /** The notifier's server may render markup (Linux): titles and snippets are escaped ({@link escapeMarkup}). */
  markup?: boolean;
  /** Hears a `seen` write that failed (the disk full). */
  logger?: Logger;
}): Notifications {
  const text = deps.markup ? escapeMarkup : (s: string) => s;
  /**
   * `seen` as last decided, read from the store once. Kept here, not only on disk: with the disk full
   * the write threw out of the load, so the list stopped updating, and a write that failed would
   * have announced the same message again at every load.
   */
  let seen: Record<string, number> | null = null;
  /** `fallback`: what the user asked to be reminded of shows in the popup when the system shows no notification. */
  function show(plans: readonly NotificationPlan[], fallback = false): void {
    // PopupControl.show announces `shown` (with the focus) itself, in Electron and the preview alike.
    for (const p of plans)
      deps.notifier.notify({
        title: text(p.title),
        body: text(p.body),
        onClick: () => deps.popup.show(p.focus),
        onFailed: fallback ? () => deps.popup.show(p.focus) : undefined,
      });
  }
  return {
    newMessages(accountId, dialogs, firstLoad) {
      const r = pickNewMessages({
        accountId,
        dialogs,
        firstLoad,
        seen: (seen ??= readSeen(deps.store.get('seen'))),
        settings: deps.settings(),
      });
      seen = r.seen;
      if (r.changed) {
        try {
          deps.store.set('seen', r.seen);
        } catch (err) {
          // Kept in memory (no news twice in this run); the next change writes it all.
          const code = (err as NodeJS.ErrnoException | null)?.code;
          deps.logger?.warn('seen messages not saved', { code: typeof code === 'string' ? code : String(err) });
        }
      }
      // The open popup's list shows the news already; a notification would cover it (a Windows toast
      // rises just where the popup stands, above the tray). Seen all the same: none comes later.
      if (deps.popup.isVisible()) return;
      show(messageNotifications(accountId, r.fresh, deps.lang()));
    },
    reminder(due) {
      // A reminder is what the user asked for: never lost because the desktop shows no notifications.
      show(reminderNotifications(due, deps.lang()), true);
    },
  };
}
