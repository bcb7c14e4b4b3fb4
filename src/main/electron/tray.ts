/**
 * The tray icon and its menu (Gitify's idle / unread / offline / error
 * states, with the unread count drawn into the icon). On some Linux desktops
 * the menu is the only way in: click events never arrive from an
 * AppIndicator, so "Open" is always its first item.
 */
import { Menu, Tray, nativeTheme, type NativeImage, type Rectangle } from 'electron';
import type { Lang } from '../../shared/errors';
import type { HotkeyStatus, SettingsView, ViewState } from '../../shared/types';
import type { Logger } from '../core/ports';
import type { TrayTheme } from './tray-icon/glyph';
import { trayImage, type TrayIconRenderer } from './tray-icon/native-image';
import { pickLang } from '../../shared/messages';
import type { DialogRef } from '../../shared/ipc';
import { rowKey } from '../../shared/row-key';
import { buildTrayMenuTemplate, trayIconModel, trayToolTip, type TrayMenuActions } from './tray-model';

/** Options of {@link createTray}. */
export interface TrayOptions {
  /** `process.platform`. */
  platform: NodeJS.Platform;
  /** OS locale (`app.getLocale()`), for the menu language when Settings say `system`. */
  locale: string;
  /** Draws the glyph (tray-icon/glyph.ts `drawTrayIcon`). */
  renderIcon: TrayIconRenderer;
  actions: Omit<TrayMenuActions, 'restartToUpdate' | 'undoMarkAllRead'> & {
    /** The undo of the menu's Mark all read: sets the "unread" mark on these dialogs again. */
    undoMarkAllRead(targets: DialogRef[]): void;
  };
  /** A left click on the icon (toggles the popup). */
  onClick(): void;
  /** The view to show first. */
  initial: ViewState;
  /** Linux: `XDG_CURRENT_DESKTOP` (GNOME's panel is dark in every theme); '' elsewhere. */
  desktop?: string;
  logger?: Pick<Logger, 'warn'>;
}

/** The running tray. */
export interface TrayController {
  readonly tray: Tray;
  /** Redraws icon, tooltip and menu for a new view. */
  update(view: ViewState): void;
  /** New settings or hotkey statuses (menu language, slot hints). */
  setSettings(view: SettingsView): void;
  /** Takes back the offer to undo the menu's Mark all read (the popup was opened: the user moved on). */
  withdrawUndo(): void;
  /** Shows (or, with null, removes) "Restart to update" in the menu. */
  setUpdateReady(update: { version: string; run(): void } | null): void;
  /** The icon's screen bounds; empty where the OS does not tell. */
  bounds(): Rectangle;
  destroy(): void;
}

/** Icon edge in DIPs: 16 on Windows and macOS, 24 on Linux panels (drawn for each display scale too). */
export function trayIconSize(platform: NodeJS.Platform): number {
  return platform === 'linux' ? 24 : 16;
}

/**
 * Whether a Linux desktop (`XDG_CURRENT_DESKTOP`, a colon-separated list) shows the tray on a dark
 * panel whatever the apps' theme. GNOME Shell's top bar, where the AppIndicator extension puts the
 * icon, is black in its light style too (gnome-shell data/theme/gnome-shell-sass/widgets/_panel.scss:
 * `$panel_bg_color: #000`, set for both styles); Ubuntu's session is `ubuntu:GNOME`. GNOME Classic
 * and Flashback (`GNOME-Classic:GNOME`, `GNOME-Flashback:GNOME`) have a panel that follows the theme.
 * KDE Plasma's, Xfce's and the others' panels follow the desktop's colour scheme, as the apps do.
 */
export function darkPanelDesktop(desktop: string): boolean {
  const names = desktop.split(':');
  return names.includes('GNOME') && !names.some((n) => n === 'GNOME-Classic' || n === 'GNOME-Flashback');
}

/**
 * The icon theme: a template image on macOS (the OS recolours it), else the taskbar's light/dark
 * (on GNOME always dark: {@link darkPanelDesktop}).
 */
export function trayTheme(platform: NodeJS.Platform, dark: boolean, desktop = ''): TrayTheme {
  if (platform === 'darwin') return 'template';
  if (platform === 'linux' && darkPanelDesktop(desktop)) return 'dark';
  return dark ? 'dark' : 'light';
}

/** Creates the tray icon. Call after `app` is ready. */
export function createTray(opts: TrayOptions): TrayController {
  const { platform } = opts;
  const size = trayIconSize(platform);
  let view = opts.initial;
  let hotkeys: readonly HotkeyStatus[] = [];
  let lang: Lang = pickLang(null, opts.locale);
  let update: { version: string; run(): void } | null = null;
  let iconKey = '';
  /**
   * The dialogs the menu's last Mark all read marked, while its undo is offered: until the next change
   * from the menu or the popup's opening; a dialog unread again (refused, flipped elsewhere, new
   * messages) or gone from the list drops out, and with none left the offer goes.
   */
  let marked: DialogRef[] | null = null;

  const image = (): { key: string; img: NativeImage } => {
    const { state, count } = trayIconModel(view);
    // Windows: the icon sits on the taskbar, whose theme ("Choose your default Windows mode") can
    // differ from the apps' (docs/api/native-theme.md shouldUseDarkColorsForSystemIntegratedUI).
    const dark =
      platform === 'win32' ? nativeTheme.shouldUseDarkColorsForSystemIntegratedUI : nativeTheme.shouldUseDarkColors;
    const theme = trayTheme(platform, dark, opts.desktop);
    // macOS shows the count as the title next to a plain icon; elsewhere the count is in the icon.
    const drawn = platform === 'darwin' ? 0 : count;
    const key = `${state}|${drawn}|${theme}`;
    return { key, img: trayImage(opts.renderIcon, { state, count: drawn, size, theme }) };
  };

  const first = image();
  iconKey = first.key;
  const tray = new Tray(first.img);
  let menu: Menu | null = null;

  function render(): void {
    if (tray.isDestroyed()) return;
    try {
      const next = image();
      if (next.key !== iconKey) {
        iconKey = next.key;
        tray.setImage(next.img);
      }
    } catch (err) {
      // A drawing bug must not take the tray down: keep the previous icon.
      opts.logger?.warn('tray icon not rendered', { error: String(err) });
    }
    tray.setToolTip(trayToolTip(view, lang));
    if (platform === 'darwin') {
      const { state, count } = trayIconModel(view);
      tray.setTitle(state === 'unread' && count > 0 ? String(count) : '');
    }
    menu = Menu.buildFromTemplate(buildTrayMenuTemplate(view, hotkeys, menuActions(), { lang, platform }));
    // On macOS a context menu set on the tray would swallow the left click; it pops up on right-click instead.
    if (platform !== 'darwin') tray.setContextMenu(menu);
  }

  function menuActions(): TrayMenuActions {
    const targets = marked;
    return {
      ...opts.actions,
      markAllRead(all) {
        marked = all.length > 0 ? [...all] : null;
        opts.actions.markAllRead(all);
        render();
      },
      toggle(accountId, dialogId) {
        marked = null;
        opts.actions.toggle(accountId, dialogId);
        render();
      },
      restartToUpdate: update,
      undoMarkAllRead: targets && {
        count: targets.length,
        run() {
          marked = null;
          opts.actions.undoMarkAllRead(targets);
          render();
        },
      },
    };
  }

  /** Keeps of the marked dialogs those still listed and read. */
  function stillMarked(): DialogRef[] | null {
    if (!marked) return null;
    const read = new Set(view.dialogs.filter((d) => !d.unread).map(rowKey));
    const left = marked.filter((t) => read.has(rowKey(t)));
    return left.length > 0 ? left : null;
  }

  tray.on('click', () => opts.onClick());
  tray.on('right-click', () => {
    if (platform === 'darwin' && menu) tray.popUpContextMenu(menu);
  });
  // A double click opens the popup once: Electron emits 'click' for its first click and 'double-click'
  // (no handler here) for its second. Never setIgnoreDoubleClickEvents(true): on macOS that turns the
  // second click into another 'click', which would close the popup again at once (tray_icon_cocoa.mm
  // handleClickNotifications); on Windows it does nothing (electron_api_tray.cc).
  const onTheme = () => render();
  nativeTheme.on('updated', onTheme);

  render();

  return {
    tray,
    update(next) {
      view = next;
      marked = stillMarked();
      render();
    },
    withdrawUndo() {
      if (!marked) return;
      marked = null;
      render();
    },
    setSettings(s) {
      hotkeys = s.hotkeys;
      lang = pickLang(s.settings.language, opts.locale);
      render();
    },
    setUpdateReady(u) {
      update = u;
      render();
    },
    bounds: () => (tray.isDestroyed() ? { x: 0, y: 0, width: 0, height: 0 } : tray.getBounds()),
    destroy() {
      nativeTheme.removeListener('updated', onTheme);
      if (!tray.isDestroyed()) tray.destroy();
    },
  };
}
