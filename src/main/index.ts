/**
 * The composition root (Electron main process). It owns the app lifecycle
 * and wires the thin adapters in ./electron to the core in ./core, in this
 * order: single-instance lock → pre-ready switches → ready → security rules
 * → store, secret box, core → IPC handlers → tray → popup (hidden) → start.
 * `electron` is imported only here and in ./electron.
 */
import { app, net, powerMonitor } from 'electron';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createAppCore } from './core/app-core';
import { installCrashGuard } from './core/crash-guard';
import { parseLaunchArgs } from './core/cli-args';
import { drawTrayIcon } from './electron/tray-icon/glyph';
import type { Lang } from '../shared/errors';
import { messages, pickLang } from '../shared/messages';
import type { Settings } from '../shared/types';
import { parseDialogId, sgRefusal } from '../shared/dialog-id';
import type { DialogRef } from '../shared/ipc';
import { toAppError } from './core/errors/to-app-error';
import { systemClock, type FetchLike, type PopupControl } from './core/ports';
import { createLogger } from './core/redact';
import { registerAppScheme, serveAppScheme } from './electron/app-protocol';
import { createAutostart } from './electron/autostart';
import { registerIpc } from './electron/ipc';
import {
  acquireSingleInstanceLock,
  handleLaunch,
  onActivate,
  onSecondInstance,
  showFirstRunHint,
} from './electron/launch';
import { createLogSink } from './electron/log-file';
import { createNotifier } from './electron/notifier';
import { createOpener } from './electron/opener';
import { createPopupWindow, type PopupWindow } from './electron/popup-window';
import { openSafeStorageSecretBox } from './electron/secret-box';
import { setupSecurity } from './electron/security';
import { createShortcutRegistrar, unregisterAllShortcuts } from './electron/shortcuts';
import { openAppStore } from './electron/store';
import { createTray, type TrayController } from './electron/tray';

/** A DIALOG_ID the portal can switch read/unread (no `sgNNN`; see validate.ts toggleable). */
function isToggleable(dialogId: string): boolean {
  const id = parseDialogId(dialogId);
  return id !== null && !sgRefusal(id);
}
import { setupUpdater } from './electron/updater';

const PRODUCT_NAME = 'B24 Unread Tray';
const wayland =
  process.platform === 'linux' && (process.env.XDG_SESSION_TYPE === 'wayland' || !!process.env.WAYLAND_DISPLAY);
/** `process.platform`, plus `-wayland` on a Wayland session (placement and the shortcut portal differ there). */
const platform = wayland ? `${process.platform}-wayland` : process.platform;

// Development and the smoke specs only: a throw-away profile (the lock and the store live in userData).
if (!app.isPackaged && process.env.B24UT_DATA_DIR) app.setPath('userData', process.env.B24UT_DATA_DIR);

if (wayland) {
  // Wayland gives clients no global key grabs; Chromium can ask the XDG GlobalShortcuts portal
  // instead, behind this feature flag (electron/electron#45171, Electron 35+). Whether register()'s
  // result can be trusted there varies by portal version (electron/electron#51875), hence the
  // `--toggle`/`--show` command-line fallback for a desktop-level shortcut.
  // GNOME's portal binds a shortcut only with PreferredTrigger (on by default since electron#52221,
  // in the 45 nightlies; asked for all the same); without it register() silently does nothing on
  // GNOME Wayland. Appending a switch replaces its value (base/command_line.cc AppendSwitchNative),
  // so the user's own `--enable-features` are kept in it.
  const own = app.commandLine.getSwitchValue('enable-features');
  const features = ['GlobalShortcutsPortal', 'GlobalShortcutsPortalPreferredTrigger'];
  app.commandLine.appendSwitch('enable-features', [...(own ? [own] : []), ...features].join(','));
}
// The popup's scheme must be privileged before 'ready' (docs/api/protocol.md), which can come while
// the lock below is still awaited: register it first.
registerAppScheme();

// Our argv travels as additionalData: the argv Electron hands to 'second-instance' is Chromium's
// reordered copy, its own switches can land between `--toggle` and the id (electron#20322, #32933).
void acquireSingleInstanceLock({
  request: (data) => app.requestSingleInstanceLock(data),
  argv: process.argv,
  env: process.env,
  wait: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
}).then((locked) => {
  if (!locked) {
    // The running instance receives our argv through 'second-instance' and acts on it.
    // Bad arguments are also reported here, to whoever typed them.
    const { errors } = parseLaunchArgs(process.argv);
    for (const e of errors) process.stderr.write(`${e}\n`);
    app.exit(errors.length > 0 ? 2 : 0);
    return;
  }
  // Tray-only on macOS: no Dock icon (LSUIElement in the packaged Info.plist does the same).
  app.dock?.hide();
  if (process.platform === 'win32') app.setAppUserModelId('app.b24unreadtray.desktop');
  // The popup is hidden, never closed; but should every window go, a tray app keeps running.
  app.on('window-all-closed', () => {});
  app
    .whenReady()
    .then(main)
    .catch((err: unknown) => {
      process.stderr.write(`${PRODUCT_NAME} failed to start: ${err instanceof Error ? err.message : String(err)}\n`);
      app.exit(1);
    });
});

async function main(): Promise<void> {
  app.setAppLogsPath();
  const logger = createLogger(createLogSink(app.getPath('logs'), { debug: !app.isPackaged }));
  // Uncaught errors are logged (redacted) and the tray keeps working; a burst of them quits cleanly.
  installCrashGuard({ logger, clock: systemClock, quit: () => app.quit() });

  const here = dirname(fileURLToPath(import.meta.url));
  const devUrl = !app.isPackaged ? (process.env.ELECTRON_RENDERER_URL ?? null) : null;
  setupSecurity({ dev: devUrl !== null, devUrl, logger, opener: createOpener() });
  serveAppScheme(join(here, '../renderer'), logger);

  const opened = openAppStore();
  if (opened.recovery) logger.warn('store file was damaged and set aside', { backup: opened.recovery.backupPath });
  // Not awaited: on Linux a keyring prompt may be open, and the tray must not wait for its answer.
  const secretBox = openSafeStorageSecretBox();
  const notifier = createNotifier();

  // The core needs a PopupControl before the window exists (the window needs the IPC handlers first).
  let popup: PopupWindow | null = null;
  const popupControl: PopupControl = {
    show: (focus) => popup?.show(focus),
    hide: () => popup?.hide(),
    toggle: () => popup?.toggle(),
    isVisible: () => popup?.isVisible() ?? false,
  };

  // Chromium's network stack: the system proxy and the OS certificate store apply, as in a browser.
  // Without cookies or the HTTP cache: net.fetch runs on the default session, a persistent one, and
  // turns a Request's default credentials ('same-origin', no Origin header) into 'include'
  // (electron/electron@96f3996d8d lib/browser/api/net-fetch.ts:83-85; a named credentials mode
  // loads with the session's cookies: shell/common/api/electron_api_url_loader.cc:641-642, 705-710).
  // Every REST call and token request would then store what a portal sets in the profile's
  // cookie jar on disk and send it back with every account's requests to that portal. 'omit'
  // neither sends nor stores cookies (docs/api/client-request.md, `credentials`); 'no-store'
  // keeps answers — tokens among them — out of the session's disk cache
  // (electron_api_url_loader.cc:657-659, LOAD_DISABLE_CACHE). The app's auth is the webhook path
  // or the `auth` parameter, never a cookie. 'omit' also sends no HTTP authentication (Chromium
  // allows credentials only for 'include'): an on-premises portal whose web server itself asks for
  // Windows (NTLM/Negotiate) sign-in answers 401 here (Bitrix24's own REST asks for none).
  const fetch: FetchLike = (input, init) =>
    net.fetch(String(input), { ...init, credentials: 'omit', cache: 'no-store' });

  const autostart = createAutostart({ productName: PRODUCT_NAME });
  // After an AppImage update the entry may name a file that is gone.
  void autostart
    .repair()
    .then((fixed) => fixed && logger.warn('autostart entry pointed at an old AppImage; rewritten', {}))
    .catch((err: unknown) => logger.warn('autostart repair failed', { error: String(err) }));

  const core = createAppCore({
    store: opened.store,
    secretBox,
    fetch,
    clock: systemClock,
    logger,
    shortcuts: createShortcutRegistrar(logger, { platform }),
    autostart,
    popup: popupControl,
    opener: createOpener(),
    notifier,
    platform,
    version: app.getVersion(),
    locale: app.getLocale(),
    storeRecovery: opened.recovery,
  });

  const disposeIpc = registerIpc(core, {
    isTrustedSender: (event) => popup?.isTrustedSender(event) ?? false,
    target: () => popup?.webContents ?? null,
    logger,
  });

  /** The tray menu's Mark all read and its undo. */
  const setUnreadMany = (targets: DialogRef[], unread: boolean): void =>
    void (async () => {
      try {
        // sg ids cannot be switched (validate.ts toggleable): the rest are.
        await core.toggles.setUnreadMany(
          targets.filter((t) => isToggleable(t.dialogId)),
          unread,
        );
      } catch (err) {
        logger.warn(unread ? 'undo of mark all read failed' : 'mark all read failed', { code: toAppError(err).code });
      }
    })();
  const tray: TrayController = createTray({
    platform: process.platform,
    locale: app.getLocale(),
    renderIcon: drawTrayIcon,
    initial: core.state(),
    desktop: process.env.XDG_CURRENT_DESKTOP ?? '',
    onClick: () => popupControl.toggle(),
    actions: {
      open: () => popupControl.show(null),
      refresh: () => void core.refresh().catch((err: unknown) => logger.warn('refresh failed', { error: String(err) })),
      toggle: (accountId, dialogId) =>
        void core
          .toggleDialog(dialogId, accountId)
          .catch((err: unknown) => logger.warn('toggle failed', { error: String(err) })),
      markAllRead: (targets) => setUnreadMany(targets, false),
      undoMarkAllRead: (targets) => setUnreadMany(targets, true),
      settings: () => popup?.showSettings(),
      signOut: (accountId) => core.signIn.signOut(accountId),
      quit: () => app.quit(),
    },
    logger,
  });
  core.on('state', (view) => tray.update(view));
  // Main-process notifications speak the language the tray and the core pick (Settings, else the OS locale).
  let language: Settings['language'] = 'system';
  const lang = (): Lang => pickLang(language, app.getLocale());
  core.on('settings', (view) => {
    language = view.settings.language;
    tray.setSettings(view);
  });

  popup = createPopupWindow({
    preloadPath: join(here, '../preload/index.cjs'),
    devUrl,
    platform,
    isPackaged: app.isPackaged,
    trayBounds: () => tray.bounds(),
    logger,
  });

  // The popup opened: a change made there would be overruled by the tray's older undo.
  popup.window.on('show', () => tray.withdrawUndo());

  // Laptops: after sleep or a locked screen the list is stale and queued actions may be sendable.
  powerMonitor.on('resume', () => core.onResume());
  powerMonitor.on('unlock-screen', () => core.onResume());
  // The main process has no online/offline events; Chromium's own view of the network is cheap to ask.
  let online = net.isOnline();
  const onlineTimer = setInterval(() => {
    const now = net.isOnline();
    if (now !== online) {
      online = now;
      core.onOnline(now);
    }
  }, 10_000);
  onlineTimer.unref();

  // Background updates; "Restart to update" appears in the tray menu, never a dialog.
  const updater = setupUpdater({
    logger,
    onReady: (version) => tray.setUpdateReady({ version, run: () => updater.restartToUpdate() }),
    // Unsigned builds never install by themselves: say so, and open the release page on click.
    onAvailable: (version, openPage) =>
      notifier.notify({
        title: messages(lang()).notify.updateAvailable(PRODUCT_NAME, version),
        body: messages(lang()).notify.updateUnsigned,
        onClick: openPage,
      }),
  });

  const launchTargets = { core, popup: popupControl, notifier, logger, productName: PRODUCT_NAME, lang };
  const offSecond = onSecondInstance(launchTargets);
  const offActivate = onActivate(launchTargets);

  let phase: 'running' | 'stopping' | 'stopped' = 'running';
  app.on('before-quit', (event) => {
    if (phase === 'stopped') return;
    // Let the core persist and unregister before the process goes (the queue itself is always on disk).
    event.preventDefault();
    if (phase === 'stopping') return;
    phase = 'stopping';
    const timeout = new Promise<void>((resolve) => setTimeout(resolve, 3000).unref());
    void Promise.race([core.stop(), timeout])
      .catch((err: unknown) => logger.error('core did not stop cleanly', { error: String(err) }))
      .finally(() => {
        clearInterval(onlineTimer);
        updater.dispose();
        offSecond();
        offActivate();
        disposeIpc();
        unregisterAllShortcuts();
        popup?.destroy();
        tray.destroy();
        phase = 'stopped';
        app.quit();
      });
  });

  try {
    await core.start();
  } catch (err) {
    logger.error('core start failed', { error: String(err) });
  }
  const settingsView = core.settings.view();
  language = settingsView.settings.language;
  tray.setSettings(settingsView);
  await handleLaunch(parseLaunchArgs(process.argv), 'first', launchTargets);
  showFirstRunHint(launchTargets, {
    platform,
    desktop: process.env.XDG_CURRENT_DESKTOP ?? '',
    markerPath: join(app.getPath('userData'), 'first-run-hint-shown'),
  });
}
