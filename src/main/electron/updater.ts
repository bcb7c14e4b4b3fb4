/**
 * Auto-update adapter over electron-updater. Decisions live in
 * src/main/core/update-state.ts; this file only wires them to `autoUpdater`.
 *
 * Behaviour: a no-op in dev runs, deb installs and builds without a feed.
 * Otherwise it checks in the background a minute after start and every 6 h,
 * downloads automatically, installs on the next quit, and calls `onReady`
 * when an update is downloaded so the tray can offer "Restart to update"
 * (never a dialog or a window of its own).
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
import electronUpdater from 'electron-updater';
import type { UpdateDownloadedEvent, UpdateInfo } from 'electron-updater';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { systemClock, type Clock, type Logger } from '../core/ports';
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
}

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

  const { autoUpdater } = electronUpdater;
  autoUpdater.autoDownload = true;
  autoUpdater.autoInstallOnAppQuit = true;
  autoUpdater.logger = {
    info: (m?: unknown) => logger.debug(`updater: ${String(m)}`),
    warn: (m?: unknown) => logger.warn(`updater: ${String(m)}`),
    error: (m?: unknown) => logger.warn(`updater: ${String(m)}`),
    debug: (m: string) => logger.debug(`updater: ${m}`),
  };
  // The baked app-update.yml is read by electron-updater itself; an override replaces it.
  if (feed.source !== 'baked') autoUpdater.setFeedURL({ provider: 'generic', url: feed.url });
  logger.info('Automatic updates are on', { feed: feed.url, source: feed.source });

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
    'update-available': (info: UpdateInfo) => apply({ type: 'available', version: info.version }),
    'update-not-available': () => apply({ type: 'not-available' }),
    'update-downloaded': (info: UpdateDownloadedEvent) => apply({ type: 'downloaded', version: info.version }),
    error: (err: Error) => apply({ type: 'error', message: err?.message ?? String(err) }),
  };
  autoUpdater.on('checking-for-update', listeners['checking-for-update']);
  autoUpdater.on('update-available', listeners['update-available']);
  autoUpdater.on('update-not-available', listeners['update-not-available']);
  autoUpdater.on('update-downloaded', listeners['update-downloaded']);
  autoUpdater.on('error', listeners.error);

  const checkNow = async (): Promise<void> => {
    if (!shouldCheck(state)) return;
    try {
      await autoUpdater.checkForUpdates();
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

  let disposed = false;
  return {
    restartToUpdate() {
      if (state.phase !== 'ready') {
        logger.warn('Restart to update requested with no update downloaded');
        return;
      }
      // Silent (no NSIS wizard: the user already chose to update) and relaunch afterwards.
      autoUpdater.quitAndInstall(true, true);
    },
    dispose() {
      if (disposed) return;
      disposed = true;
      scheduler.stop();
      autoUpdater.off('checking-for-update', listeners['checking-for-update']);
      autoUpdater.off('update-available', listeners['update-available']);
      autoUpdater.off('update-not-available', listeners['update-not-available']);
      autoUpdater.off('update-downloaded', listeners['update-downloaded']);
      autoUpdater.off('error', listeners.error);
    },
    checkNow,
    getState: () => state,
  };
}
