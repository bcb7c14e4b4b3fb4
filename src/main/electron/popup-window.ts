/**
 * The popup: one frameless window created hidden at start-up and only shown
 * and hidden afterwards (menubar's approach), so opening it costs a
 * `setPosition` + `show` + `focus`, not a page load. Implements the
 * {@link PopupControl} port.
 */
import {
  app,
  autoUpdater,
  BrowserWindow,
  nativeTheme,
  screen,
  type IpcMainInvokeEvent,
  type WebContents,
} from 'electron';
import { placePopup, type Rect } from '../core/placement';
import { systemClock, type Clock, type Logger, type PopupControl, type TimerHandle } from '../core/ports';
import { APP_INDEX_URL, createAppUrlMatcher, type AppUrlMatcher } from './app-url';
import { sendToPopup } from './ipc';

/** The popup's size in DIPs. */
export const POPUP_SIZE = { width: 360, height: 480 } as const;

/** Delay before a blur hides the popup: long enough for a tray click to arrive first and toggle. */
export const BLUR_HIDE_DELAY_MS = 100;

/** Options of {@link createPopupWindow}. */
export interface PopupWindowOptions {
  /** Absolute path of the built preload (out/preload/index.cjs). */
  preloadPath: string;
  /** The page's URL: {@link APP_INDEX_URL} (the custom scheme serving out/renderer); tests may pass another. */
  appUrl?: string;
  /** The electron-vite dev server URL (ELECTRON_RENDERER_URL), only when not packaged. */
  devUrl?: string | null;
  /** `process.platform`, plus `-wayland` on a Wayland session. */
  platform: string;
  /** `app.isPackaged`: DevTools exist only in development. */
  isPackaged: boolean;
  /** The tray icon's bounds (empty or null where the OS does not tell). */
  trayBounds(): Rect | null;
  clock?: Clock;
  logger?: Pick<Logger, 'warn' | 'error' | 'debug'>;
}

/** The popup window as the composition root and the IPC adapter use it. */
export interface PopupWindow extends PopupControl {
  readonly window: BrowserWindow;
  readonly webContents: WebContents;
  /** Resolves when the page has painted once (`ready-to-show`); shows before that wait for it. */
  readonly ready: Promise<void>;
  /** The IPC sender check: the popup's own webContents, top frame, on the app's URL. */
  isTrustedSender(event: IpcMainInvokeEvent): boolean;
  /** Shows the popup with the Settings screen open. */
  showSettings(): void;
  /** Lets the window really close (on quit); until then closing only hides it. */
  destroy(): void;
}

/**
 * Creates the hidden popup and starts loading the page. Call after the IPC
 * handlers are registered and `app` is ready.
 */
export function createPopupWindow(opts: PopupWindowOptions): PopupWindow {
  const clock = opts.clock ?? systemClock;
  const isAppUrl: AppUrlMatcher = createAppUrlMatcher({ devUrl: opts.devUrl });
  // The options stay an inline literal so that reviewers and electronegativity see them at the call.
  // The remote module electronegativity asks about was removed in Electron 14; there is nothing to disable.
  // prettier-ignore
  const win = new BrowserWindow({ // eng-disable REMOTE_MODULE_JS_CHECK
    width: POPUP_SIZE.width,
    height: POPUP_SIZE.height,
    show: false,
    frame: false,
    resizable: false,
    movable: false,
    minimizable: false,
    maximizable: false,
    fullscreenable: false,
    skipTaskbar: true,
    alwaysOnTop: false,
    title: 'B24 Unread Tray',
    // Paint the theme's background before the page does: no white flash in dark mode.
    backgroundColor: nativeTheme.shouldUseDarkColors ? '#1e1f22' : '#ffffff',
    webPreferences: {
      preload: opts.preloadPath, // eng-disable PRELOAD_JS_CHECK: it exposes only the typed intents (src/preload)
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      experimentalFeatures: false,
      webviewTag: false,
      navigateOnDragDrop: false,
      safeDialogs: true,
      spellcheck: false,
      // Middle-click must not open links in new windows (window.open is denied anyway).
      disableBlinkFeatures: 'Auxclick',
      devTools: !opts.isPackaged,
    },
  });
  const wc = win.webContents;
  const wayland = opts.platform.endsWith('-wayland');

  let allowClose = false;
  let blurTimer: TimerHandle | null = null;
  let lastBlurHideAt = -Infinity;
  let isReady = false;
  let pendingShow: { focus: string | null; view?: 'settings' } | null = null;

  const ready = new Promise<void>((resolve) => {
    win.once('ready-to-show', () => {
      isReady = true;
      resolve();
      if (pendingShow) {
        const p = pendingShow;
        pendingShow = null;
        reveal(p.focus, p.view);
      }
    });
  });

  const load = () => {
    // Never loadFile: with the grantFileProtocolExtraPrivileges fuse off a file:// page in app.asar
    // does not load (electron/electron#40372); the custom scheme of ./app-protocol.ts serves it.
    const url = opts.devUrl && !opts.isPackaged ? opts.devUrl : (opts.appUrl ?? APP_INDEX_URL);
    const p = win.loadURL(url);
    p.catch((err: unknown) => opts.logger?.error('popup page failed to load', { error: String(err) }));
  };
  load();

  // A crashed renderer would leave a blank popup: load the page again.
  wc.on('render-process-gone', (_event, details) => {
    opts.logger?.error('popup renderer gone, reloading', { reason: details.reason });
    if (!win.isDestroyed()) load();
  });

  win.on('blur', () => {
    if (!win.isVisible()) return;
    cancelBlurTimer();
    blurTimer = clock.setTimeout(() => {
      blurTimer = null;
      if (win.isDestroyed() || !win.isVisible() || win.isFocused()) return;
      lastBlurHideAt = clock.now();
      hide();
    }, BLUR_HIDE_DELAY_MS);
  });
  win.on('focus', cancelBlurTimer);

  // macOS: the native updater (Squirrel.Mac, which electron-updater's MacUpdater drives) closes every
  // window on quitAndInstall before 'before-quit', and a window that cancels 'close' stops the restart
  // (docs/api/auto-updater.md "quitAndInstall" and "Event: 'before-quit-for-update'"; docs/api/app.md
  // "Event: 'before-quit'" note): let this one close then. Windows and Linux updaters call app.quit().
  if (opts.platform === 'darwin') {
    const onQuitForUpdate = () => {
      allowClose = true;
    };
    autoUpdater.on('before-quit-for-update', onQuitForUpdate);
    win.on('closed', () => autoUpdater.removeListener('before-quit-for-update', onQuitForUpdate));
  }

  // Alt+F4 / Cmd+W would destroy the pre-created window: hide it instead, until quit.
  win.on('close', (event) => {
    if (allowClose) return;
    event.preventDefault();
    hide();
  });

  function cancelBlurTimer(): void {
    if (blurTimer !== null) clock.clearTimeout(blurTimer);
    blurTimer = null;
  }

  function position(): void {
    const [width = POPUP_SIZE.width, height = POPUP_SIZE.height] = win.getSize();
    let trayBounds: Rect | null;
    try {
      trayBounds = opts.trayBounds();
    } catch {
      trayBounds = null;
    }
    const p = placePopup({
      size: { width, height },
      trayBounds,
      cursor: screen.getCursorScreenPoint(),
      displays: screen.getAllDisplays(),
      platform: opts.platform,
    });
    // A Wayland client cannot place itself; asking the compositor to centre is all we can do.
    if (wayland) win.center();
    else win.setPosition(p.x, p.y);
  }

  function reveal(focus: string | null, view?: 'settings'): void {
    if (win.isDestroyed()) return;
    cancelBlurTimer();
    position();
    win.setAlwaysOnTop(true, 'pop-up-menu');
    // skipTransformProcessType: without it Electron turns the app into a foreground (Dock) app and
    // back on every call, which flickers the Dock (electron.d.ts VisibleOnAllWorkspacesOptions).
    if (opts.platform === 'darwin') {
      win.setVisibleOnAllWorkspaces(true, { visibleOnFullScreen: true, skipTransformProcessType: true });
    }
    win.show();
    win.focus();
    if (!win.isFocused()) {
      // The OS refused focus (Windows' foreground lock for a background process, focus-stealing
      // prevention on GNOME/KWin; docs/api/browser-window.md "win.focus()"): raise the window and ask
      // once more. On macOS an inactive app must be activated first (docs/api/app.md "app.focus").
      if (opts.platform === 'darwin') app.focus({ steal: true });
      win.moveTop();
      win.focus();
    }
    sendToPopup(wc, 'shown', view ? { focus, view } : { focus });
  }

  function show(focus: string | null = null, view?: 'settings'): void {
    if (win.isDestroyed()) return;
    if (!isReady) {
      // Shown before the first paint (a --show at start-up): show once it has painted.
      pendingShow = { focus, view };
      return;
    }
    reveal(focus, view);
  }

  function hide(): void {
    cancelBlurTimer();
    pendingShow = null;
    if (win.isDestroyed() || !win.isVisible()) return;
    win.setAlwaysOnTop(false);
    win.hide();
    // macOS: hiding the only window leaves this (menu-bar) app active, so keystrokes go nowhere;
    // app.hide() hands focus back to the app that had it (docs/api/app.md "app.hide()").
    if (opts.platform === 'darwin' && !BrowserWindow.getAllWindows().some((w) => w !== win && w.isVisible())) {
      app.hide();
    }
  }

  function isVisible(): boolean {
    return !win.isDestroyed() && win.isVisible();
  }

  return {
    window: win,
    webContents: wc,
    ready,
    show: (focus) => show(focus ?? null),
    showSettings: () => show(null, 'settings'),
    hide,
    isVisible,
    toggle() {
      if (isVisible()) return hide();
      // The click on the tray icon blurred the popup a moment ago: that click meant "close".
      if (clock.now() - lastBlurHideAt < BLUR_HIDE_DELAY_MS * 3) return;
      show(null);
    },
    isTrustedSender(event) {
      if (win.isDestroyed() || event.sender !== wc) return false;
      const frame = event.senderFrame;
      // Only the top frame of the popup page; an iframe, even same-origin, gets nothing.
      if (!frame || frame.parent !== null) return false;
      return isAppUrl(frame.url);
    },
    destroy() {
      allowClose = true;
      cancelBlurTimer();
      if (!win.isDestroyed()) win.destroy();
    },
  };
}
