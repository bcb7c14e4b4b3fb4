/**
 * Auto-update adapter over electron-updater. Decisions live in
 * src/main/core/update-state.ts; this file only wires them to `autoUpdater`.
 *
 * Behaviour: a no-op in dev runs (unless B24UT_UPDATE_URL points an
 * unpackaged run at a staging feed), deb installs and builds without a feed.
 * Otherwise it checks in the background a minute after start and every 6 h.
 * A SIGNED build (the release workflow bakes `b24ut.signed: true` into the
 * packaged package.json when it had the signing secrets) downloads
 * automatically, installs on the next quit, and calls `onReady` when an
 * update is downloaded so the tray can offer "Restart to update" (never a
 * dialog or a window of its own). An UNSIGNED build never downloads or
 * installs anything by itself (only TLS would vouch for it): it calls
 * `onAvailable` with a function that opens the version's release page.
 *
 * electron-updater itself (and what it loads: semver, js-yaml, fs-extra,
 * builder-util-runtime; ~100 ms of module loading at every start, measured
 * in a fresh Node process) is imported when the first check is due, not when
 * the main process loads: a build with updates off never loads it.
 *
 * Usage (composition root, after `app` is ready):
 * ```ts
 * const updater = setupUpdater({
 *   logger,
 *   onReady: (version) => tray.setUpdateReady(version), // show "Restart to update (version)"
 * });
 * // menu click:  updater.restartToUpdate();
 * // on quit:     updater.dispose();
 * ```
 */
import { app } from 'electron';
import type { AppUpdater, UpdateDownloadedEvent, UpdateInfo } from 'electron-updater';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { systemClock, type Clock, type Logger } from '../core/ports';
import { createOpener } from './opener';
import {
  createUpdateScheduler,
  initialUpdateState,
  parseBakedFeedUrl,
  reduceUpdateState,
  resolveUpdateFeed,
  shouldCheck,
  UPDATE_URL_ENV,
  type InstallKind,
  type UpdateEvent,
  type UpdateState,
} from '../core/update-state';

/** Options of {@link setupUpdater}. */
export interface UpdaterOptions {
  /** Called once per downloaded version: show "Restart to update" in the tray menu. */
  onReady(version: string): void;
  /** Unsigned builds: called once per available version; `openPage` opens its release page. */
  onAvailable?(version: string, openPage: () => void): void;
  /** Whether this build is code-signed (default: `b24ut.signed` in the packaged package.json). */
  signed?: boolean;
  logger: Logger;
  /** A feed URL that overrides the env variable and the built-in one (e.g. from settings). */
  feedUrl?: string | null;
  clock?: Clock;
  initialDelayMs?: number;
  intervalMs?: number;
  /** Process environment (tests pass their own). */
  env?: NodeJS.ProcessEnv;
  /** `process.resourcesPath` (tests pass their own). */
  resourcesPath?: string;
  platform?: NodeJS.Platform;
  /** Loads electron-updater's `autoUpdater` (default: imports the package; tests count the loads). */
  load?: () => Promise<AppUpdater>;
}

/** electron-updater's `autoUpdater`, imported on demand (a CommonJS module: its exports are the default). */
const loadElectronUpdater = async (): Promise<AppUpdater> => (await import('electron-updater')).default.autoUpdater;

/** What {@link setupUpdater} returns. */
export interface UpdaterHandle {
  /** Quits and installs the downloaded update, then relaunches. Does nothing unless one is ready. */
  restartToUpdate(): void;
  /** Stops the schedule and detaches from electron-updater. */
  dispose(): void;
  /** Runs a check now (no-op while one runs, once an update is ready, or when disabled). */
  checkNow(): Promise<void>;
  getState(): UpdateState;
}

function detectInstall(platform: NodeJS.Platform, env: NodeJS.ProcessEnv, resourcesPath: string): InstallKind {
  if (platform === 'win32') return 'nsis';
  if (platform === 'darwin') return 'mac';
  if (platform !== 'linux') return 'other';
  // The AppImage runtime sets APPIMAGE to the image's path.
  if (env.APPIMAGE) return 'appimage';
  // electron-builder writes resources/package-type for deb/rpm/pacman packages.
  const typeFile = join(resourcesPath, 'package-type');
  if (existsSync(typeFile)) {
    const t = readFileSync(typeFile, 'utf8').trim();
    return t === 'deb' ? 'deb' : 'other';
  }
  return 'other';
}

/** What the release workflow baked into the packaged package.json (`-c.extraMetadata.b24ut.*`). */
interface BuildInfo {
  signed: boolean;
  releasesUrl: string | null;
}

function readBuildInfo(appPath: string): BuildInfo {
  try {
    const pkg = JSON.parse(readFileSync(join(appPath, 'package.json'), 'utf8')) as {
      b24ut?: { signed?: unknown; releasesUrl?: unknown };
      homepage?: unknown;
    };
    const releases = pkg.b24ut?.releasesUrl;
    return {
      // electron-builder's CLI passes `-c.extraMetadata.b24ut.signed=true` through as a string.
      signed: pkg.b24ut?.signed === true || pkg.b24ut?.signed === 'true',
      releasesUrl:
        typeof releases === 'string' && releases.startsWith('https://') ? releases.replace(/\/+$/, '') : null,
    };
  } catch {
    return { signed: false, releasesUrl: null };
  }
}

/** The page of one release: `<releases>/tag/v<version>` (GitHub), else the releases list. */
export function releasePageUrl(releasesUrl: string | null, version: string): string | null {
  if (!releasesUrl) return null;
  return /^[\w.+-]{1,64}$/.test(version) ? `${releasesUrl}/tag/v${encodeURIComponent(version)}` : releasesUrl;
}

function readBakedUrl(resourcesPath: string): string | null {
  const file = join(resourcesPath, 'app-update.yml');
  try {
    return existsSync(file) ? parseBakedFeedUrl(readFileSync(file, 'utf8')) : null;
  } catch {
    return null;
  }
}

/**
 * Starts background updates (see the file comment). Safe to call in any
 * run: returns an inert handle when updating is not possible, and logs why.
 */
export function setupUpdater(opts: UpdaterOptions): UpdaterHandle {
  const { logger } = opts;
  const clock = opts.clock ?? systemClock;
  const env = opts.env ?? process.env;
  const resourcesPath = opts.resourcesPath ?? process.resourcesPath ?? '';
  const platform = opts.platform ?? process.platform;

  const feed = resolveUpdateFeed({
    isPackaged: app.isPackaged,
    install: detectInstall(platform, env, resourcesPath),
    optionUrl: opts.feedUrl,
    envUrl: env[UPDATE_URL_ENV],
    bakedUrl: readBakedUrl(resourcesPath),
  });
  let state = initialUpdateState(feed);
  if (!feed.enabled) {
    logger.info('Automatic updates are off', { reason: feed.reason });
    return {
      restartToUpdate: () => logger.warn('Restart to update requested, but automatic updates are off'),
      dispose: () => undefined,
      checkNow: () => Promise.resolve(),
      getState: () => state,
    };
  }

  const build = readBuildInfo(app.getAppPath());
  const signed = opts.signed ?? build.signed;
  const install = detectInstall(platform, env, resourcesPath);
  /** Sets electron-updater up for this build, once it is loaded (see {@link UpdaterHandle.checkNow}). */
  const configure = (autoUpdater: AppUpdater): void => {
    // Unsigned: nothing but TLS vouches for a download, so never fetch or install one silently.
    autoUpdater.autoDownload = signed;
    autoUpdater.autoInstallOnAppQuit = signed;
    // An unpackaged run with B24UT_UPDATE_URL (staging): electron-updater skips dev runs unless forced.
    if (!app.isPackaged) autoUpdater.forceDevUpdateConfig = true;
    autoUpdater.logger = {
      info: (m?: unknown) => logger.debug(`updater: ${String(m)}`),
      warn: (m?: unknown) => logger.warn(`updater: ${String(m)}`),
      error: (m?: unknown) => logger.warn(`updater: ${String(m)}`),
      debug: (m: string) => logger.debug(`updater: ${m}`),
    };
    // The baked app-update.yml is read by electron-updater itself; an override replaces it.
    if (feed.source !== 'baked') autoUpdater.setFeedURL({ provider: 'generic', url: feed.url });
  };
  logger.info(signed ? 'Automatic updates are on' : 'Update checks are on (unsigned build: never installed silently)', {
    feed: feed.url,
    source: feed.source,
  });

  let offered: string | null = null;
  const offer = (version: string): void => {
    if (signed || offered === version) return;
    offered = version;
    const page = releasePageUrl(build.releasesUrl, version);
    logger.info('An update is available; this build is unsigned, so it is not installed automatically', {
      version,
      page,
    });
    try {
      opts.onAvailable?.(version, () => {
        if (!page) return logger.warn('No release page is known for this build');
        const opened = createOpener().openExternal(page); // eng-disable OPEN_EXTERNAL_JS_CHECK: the opener allows https only (src/main/electron/opener.ts); the page is <b24ut.releasesUrl>/tag/v<version>, both checked in readBuildInfo/releasePageUrl
        opened.catch((e: unknown) => logger.warn('Could not open the release page', { error: String(e) }));
      });
    } catch (e) {
      logger.error('The update-available callback failed', { error: (e as Error).message });
    }
  };

  let announced: string | null = null;
  const apply = (event: UpdateEvent): void => {
    state = reduceUpdateState(state, event, clock.now());
    if (state.phase === 'ready' && state.version && announced !== state.version) {
      announced = state.version;
      try {
        opts.onReady(state.version);
      } catch (e) {
        logger.error('The update-ready callback failed', { error: (e as Error).message });
      }
    }
  };
  const listeners = {
    'checking-for-update': () => apply({ type: 'checking' }),
    'update-available': (info: UpdateInfo) => {
      apply({ type: 'available', version: info.version });
      offer(info.version);
    },
    'update-not-available': () => apply({ type: 'not-available' }),
    'update-downloaded': (info: UpdateDownloadedEvent) => apply({ type: 'downloaded', version: info.version }),
    error: (err: Error) => apply({ type: 'error', message: err?.message ?? String(err) }),
  };
  const events = Object.keys(listeners) as (keyof typeof listeners)[];

  let disposed = false;
  /** electron-updater, set up and listened to; null until the first check loads it. */
  let autoUpdater: AppUpdater | null = null;
  let loading: Promise<AppUpdater | null> | null = null;
  /** Loads and sets up electron-updater once (again after a failure), unless disposed meanwhile. */
  const loaded = (): Promise<AppUpdater | null> =>
    (loading ??= (opts.load ?? loadElectronUpdater)()
      .then((u) => {
        if (disposed) return null;
        configure(u);
        for (const ev of events) u.on(ev, listeners[ev]);
        return (autoUpdater = u);
      })
      .catch((e: unknown) => {
        loading = null;
        logger.error('Could not load the updater', { error: (e as Error)?.message ?? String(e) });
        apply({ type: 'error', message: (e as Error)?.message ?? String(e) });
        return null;
      }));

  const checkNow = async (): Promise<void> => {
    if (!shouldCheck(state)) return;
    const u = await loaded();
    if (!u) return;
    try {
      await u.checkForUpdates();
    } catch (e) {
      // Offline or a broken feed: log and retry at the next tick; the user is never bothered.
      apply({ type: 'error', message: (e as Error)?.message ?? String(e) });
    }
  };
  const scheduler = createUpdateScheduler({
    clock,
    tick: checkNow,
    initialDelayMs: opts.initialDelayMs,
    intervalMs: opts.intervalMs,
  });
  scheduler.start();

  return {
    restartToUpdate() {
      if (state.phase !== 'ready' || !autoUpdater) {
        logger.warn('Restart to update requested with no update downloaded');
        return;
      }
      if (!signed) {
        logger.warn('Restart to update refused: unsigned builds are updated from the release page');
        return;
      }
      const u = autoUpdater;
      if (install === 'appimage') {
        // electron-updater's AppImageUpdater.doInstall (node_modules/electron-updater/out/AppImageUpdater.js;
        // electron-userland/electron-builder packages/electron-updater/src/AppImageUpdater.ts) spawns the
        // new AppImage AT ONCE when isForceRunAfter is true, while this process still holds the
        // single-instance lock: the new one hands its argv to us and exits, and then we quit — no app.
        // So install without the immediate run, and let Electron start the new image after we exit
        // (app.relaunch runs at exit, once the lock is gone). BaseUpdater.quitAndInstall installs
        // synchronously and quits on setImmediate, so the destination is known before the quit.
        let destination = env.APPIMAGE ?? '';
        const onRenamed = (path: string): void => {
          destination = path;
        };
        u.on('appimage-filename-updated', onRenamed);
        try {
          void u.quitAndInstall(true, false);
        } finally {
          u.off('appimage-filename-updated', onRenamed);
        }
        if (destination) app.relaunch({ execPath: destination, args: [] });
        return;
      }
      // Silent (no NSIS wizard: the user already chose to update) and relaunch afterwards.
      void u.quitAndInstall(true, true);
    },
    dispose() {
      if (disposed) return;
      disposed = true;
      scheduler.stop();
      const u = autoUpdater;
      if (u) for (const ev of events) u.off(ev, listeners[ev]);
    },
    checkNow,
    getState: () => state,
  };
}
