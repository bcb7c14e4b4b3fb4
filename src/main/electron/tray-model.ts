/**
 * What the tray shows for a {@link ViewState}: the icon state and count, the
 * tooltip, and the context menu as an Electron menu template. Pure (types
 * only from `electron`), so the decisions are tested without a tray.
 */
import type { MenuItemConstructorOptions } from 'electron';
import type { Lang } from '../../shared/errors';
import { messages } from '../../shared/messages';
import type { DialogRef } from '../../shared/ipc';
import type { HotkeyStatus, ViewState } from '../../shared/types';
import type { TrayState } from './tray-icon/glyph';

/** The icon to draw. */
export interface TrayIconModel {
  state: TrayState;
  /** Pinned dialogs that count as unread (the number in the badge). */
  count: number;
}

/** Maps the view to an icon: connection problems win over the unread badge. */
export function trayIconModel(view: ViewState): TrayIconModel {
  const count = view.dialogs.filter((d) => d.unread).length;
  switch (view.status) {
    case 'signed-out':
      return { state: 'signed-out', count: 0 };
    case 'offline':
      return { state: 'offline', count };
    case 'error':
      return { state: 'error', count };
    default:
      if (view.accounts.length > 0 && view.accounts.every((a) => a.status === 'needs-sign-in')) {
        return { state: 'error', count };
      }
      return { state: count > 0 ? 'unread' : 'idle', count };
  }
}

/** The tooltip: app name, unread count and status (Windows caps tooltips at 127 characters). */
export function trayToolTip(view: ViewState, lang: Lang): string {
  const t = messages(lang).tray;
  const { state, count } = trayIconModel(view);
  const parts: string[] = [];
  if (state !== 'signed-out') parts.push(t.unread(count));
  const status = t.status[view.status];
  if (status) parts.push(status);
  for (const a of view.accounts) if (a.status === 'needs-sign-in') parts.push(t.needsSignIn(a.portal));
  const text = parts.length ? `${t.app} — ${parts.join('; ')}` : t.app;
  return text.length > 127 ? `${text.slice(0, 126)}…` : text;
}

/** What the menu items do. */
export interface TrayMenuActions {
  open(): void;
  refresh(): void;
  toggle(accountId: string, dialogId: string): void;
  /** Marks these dialogs read as one intent (every unread pinned dialog, not only those the menu lists). */
  markAllRead(targets: DialogRef[]): void;
  settings(): void;
  signOut(accountId: string): void;
  quit(): void;
  /** Set when an update is downloaded. */
  restartToUpdate?: { version: string; run(): void } | null;
  /** Set after the menu's Mark all read, until the next change: puts the mark back on `count` dialogs. */
  undoMarkAllRead?: { count: number; run(): void } | null;
}

/** At most this many dialogs appear in the menu; the rest are one "N more" line. */
export const MENU_DIALOG_LIMIT = 25;

function menuLabel(text: string, platform: string): string {
  const short = text.length > 48 ? `${text.slice(0, 47)}…` : text;
  // '&' marks a mnemonic in Windows and GTK menus: a chat called "R&D" must not lose its '&'.
  return platform === 'darwin' ? short : short.replace(/&/g, '&&');
}

/**
 * The context menu: Open, Refresh, Mark all read (signed in; disabled when nothing is unread) and its
 * undo while offered, the pinned dialogs as checkboxes
 * (checked = unread; the first 9 show their slot hotkey as a hint),
 * Settings, Sign out (per account), Restart to update, Quit.
 */
export function buildTrayMenuTemplate(
  view: ViewState,
  hotkeys: readonly HotkeyStatus[],
  actions: TrayMenuActions,
  opts: { lang: Lang; platform: string },
): MenuItemConstructorOptions[] {
  const t = messages(opts.lang).tray;
  const items: MenuItemConstructorOptions[] = [
    { label: t.open, click: () => actions.open() },
    { label: t.refresh, enabled: view.accounts.length > 0, click: () => actions.refresh() },
    { type: 'separator' },
  ];

  const manyAccounts = view.accounts.length > 1;
  const portalOf = new Map(view.accounts.map((a) => [a.id, a.portal]));
  const slotAccel = new Map(
    hotkeys.filter((h) => h.registered && h.accelerator && /^slot[1-9]$/.test(h.id)).map((h) => [h.id, h.accelerator]),
  );
  if (view.accounts.length > 0) {
    const unread = view.dialogs.filter((d) => d.unread).map((d) => ({ accountId: d.accountId, dialogId: d.dialogId }));
    items.splice(2, 0, {
      label: t.markAllRead,
      enabled: unread.length > 0,
      click: () => actions.markAllRead(unread),
    });
    const undo = actions.undoMarkAllRead;
    if (undo) items.splice(3, 0, { label: t.undoMarkAllRead(undo.count), click: () => undo.run() });
    if (view.dialogs.length === 0) items.push({ label: t.noDialogs, enabled: false });
    view.dialogs.slice(0, MENU_DIALOG_LIMIT).forEach((d, i) => {
      let text = d.title || d.dialogId;
      if (manyAccounts) text += ` · ${portalOf.get(d.accountId) ?? ''}`;
      if (d.pending) text += ` (${t.pending})`;
      const accelerator = i < 9 ? slotAccel.get(`slot${i + 1}`) : undefined;
      items.push({
        type: 'checkbox',
        label: menuLabel(text, opts.platform),
        checked: d.unread,
        click: () => actions.toggle(d.accountId, d.dialogId),
        // A hint only: the global shortcut already does this, the menu must not grab the key too.
        ...(accelerator ? { accelerator, registerAccelerator: false } : {}),
      });
    });
    if (view.dialogs.length > MENU_DIALOG_LIMIT) {
      items.push({ label: t.more(view.dialogs.length - MENU_DIALOG_LIMIT), click: () => actions.open() });
    }
    items.push({ type: 'separator' });
  }

  items.push({ label: t.settings, click: () => actions.settings() });
  if (view.accounts.length === 1) {
    const a = view.accounts[0]!;
    items.push({ label: menuLabel(`${t.signOut} (${a.portal})`, opts.platform), click: () => actions.signOut(a.id) });
  } else if (manyAccounts) {
    items.push({
      label: t.signOut,
      submenu: view.accounts.map((a) => ({
        label: menuLabel(`${a.userName} — ${a.portal}`, opts.platform),
        click: () => actions.signOut(a.id),
      })),
    });
  }
  if (actions.restartToUpdate) {
    const u = actions.restartToUpdate;
    items.push({ type: 'separator' }, { label: t.restart(u.version), click: () => u.run() });
  }
  items.push({ type: 'separator' }, { label: t.quit, click: () => actions.quit() });
  return items;
}
