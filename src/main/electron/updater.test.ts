import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { AppUpdater } from 'electron-updater';
import type { Logger } from '../core/ports';
import { fakeClock as createFakeClock } from '../../../tests/support/fake-clock';

vi.mock('electron', async () => (await import('../../../tests/mocks/electron')).electronModule);

/** A double of electron-updater's `autoUpdater` (an EventEmitter with the AppUpdater members we use). */
const updater = await vi.hoisted(async () => {
  // vi.hoisted runs before the imports: load the emitter here.
  const { EventEmitter: Emitter } = await import('node:events');
  class FakeAutoUpdater extends Emitter {
    autoDownload = false;
    autoInstallOnAppQuit = false;
    logger: unknown = null;
    feeds: unknown[] = [];
    checks = 0;
    /** What the next checkForUpdates() does. */
    onCheck: (u: FakeAutoUpdater) => Promise<unknown> = () => Promise.resolve(null);
    installs: Array<[boolean | undefined, boolean | undefined]> = [];
    forceDevUpdateConfig = false;
    /** Where the AppImage install "moved" the new image (AppImageUpdater emits appimage-filename-updated). */
    renameTo: string | null = null;
    setFeedURL(options: unknown): void {
      this.feeds.push(options);
    }
    checkForUpdates(): Promise<unknown> {
      this.checks++;
      this.emit('checking-for-update');
      return this.onCheck(this);
    }
    quitAndInstall(isSilent?: boolean, isForceRunAfter?: boolean): void {
      this.installs.push([isSilent, isForceRunAfter]);
      if (this.renameTo) this.emit('appimage-filename-updated', this.renameTo);
    }
  }
  return { auto: new FakeAutoUpdater() };
});

vi.mock('electron-updater', () => ({ default: { autoUpdater: updater.auto }, autoUpdater: updater.auto }));

const { fake, resetElectronMock } = await import('../../../tests/mocks/electron');
const { setupUpdater } = await import('./updater');

function logger(): Logger & { lines: string[] } {
  const lines: string[] = [];
  const log = (level: string) => (m: string, meta?: Record<string, unknown>) =>
    void lines.push(`${level} ${m} ${meta ? JSON.stringify(meta) : ''}`);
  return { lines, debug: log('debug'), info: log('info'), warn: log('warn'), error: log('error') };
}

let resources = '';

beforeEach(() => {
  resetElectronMock();
  // Reset the shared double in place (the adapter holds this very object).
  updater.auto.removeAllListeners();
  Object.assign(updater.auto, {
    autoDownload: false,
    autoInstallOnAppQuit: false,
    logger: null,
    feeds: [],
    checks: 0,
    installs: [],
    forceDevUpdateConfig: false,
    renameTo: null,
    onCheck: () => Promise.resolve(null),
  });
  resources = mkdtempSync(join(tmpdir(), 'b24ut-res-'));
  // The packaged app folder (its package.json carries what the release workflow baked in).
  fake.app.appPath = resources;
});

afterEach(() => rmSync(resources, { recursive: true, force: true }));

function bake(url: string): void {
  writeFileSync(join(resources, 'app-update.yml'), `provider: generic\nurl: ${url}\nchannel: latest\n`);
}

/** What release.yml bakes into the packaged package.json (-c.extraMetadata.b24ut.*); the CLI passes strings. */
function signedBuild(signed = 'true'): void {
  writeFileSync(
    join(resources, 'package.json'),
    JSON.stringify({ name: 'b24-unread-tray', b24ut: { signed, releasesUrl: 'https://github.com/o/r/releases' } }),
  );
}

describe('setupUpdater', () => {
  it('does nothing in a dev run: no feed set, no checks, no listeners', async () => {
    fake.app.isPackaged = false;
    bake('https://updates.example.com/');
    const clock = createFakeClock();
    const log = logger();
    const onReady = vi.fn();
    const load = vi.fn(() => Promise.resolve(updater.auto as unknown as AppUpdater));
    const u = setupUpdater({ onReady, logger: log, clock, resourcesPath: resources, platform: 'win32', env: {}, load });
    await clock.advance(24 * 3600_000);
    expect(load).not.toHaveBeenCalled();
    expect(updater.auto.checks).toBe(0);
    expect(updater.auto.listenerCount('update-downloaded')).toBe(0);
    expect(u.getState()).toMatchObject({ phase: 'disabled', detail: 'not a packaged build' });
    expect(log.lines.join('\n')).toMatch(/Automatic updates are off.*not a packaged build/);
    u.restartToUpdate();
    expect(updater.auto.installs).toEqual([]);
  });

  it('does nothing when the build has no real feed', async () => {
    fake.app.isPackaged = true;
    bake('https://updates.b24-unread-tray.invalid/');
    const clock = createFakeClock();
    const u = setupUpdater({
      onReady: vi.fn(),
      logger: logger(),
      clock,
      resourcesPath: resources,
      platform: 'darwin',
      env: {},
    });
    await clock.advance(24 * 3600_000);
    expect(updater.auto.checks).toBe(0);
    expect(u.getState().phase).toBe('disabled');
  });

  it('leaves deb installs to the package manager', () => {
    fake.app.isPackaged = true;
    bake('https://updates.example.com/');
    writeFileSync(join(resources, 'package-type'), 'deb');
    const u = setupUpdater({
      onReady: vi.fn(),
      logger: logger(),
      clock: createFakeClock(),
      resourcesPath: resources,
      platform: 'linux',
      env: {},
    });
    expect(u.getState()).toMatchObject({ phase: 'disabled', detail: expect.stringMatching(/package manager/) });
  });

  it('a signed build checks in the background, downloads, and offers the restart once, without interrupting', async () => {
    fake.app.isPackaged = true;
    signedBuild();
    bake('https://updates.example.com/b24/');
    updater.auto.onCheck = (u) => {
      u.emit('update-available', { version: '1.3.0' });
      // The download finishes a little later.
      setTimeout(() => u.emit('update-downloaded', { version: '1.3.0' }), 0);
      return Promise.resolve({ updateInfo: { version: '1.3.0' } });
    };
    const clock = createFakeClock();
    const onReady = vi.fn();
    const u = setupUpdater({
      onReady,
      logger: logger(),
      clock,
      resourcesPath: resources,
      platform: 'win32',
      env: {},
      initialDelayMs: 1000,
      intervalMs: 10_000,
    });
    expect(updater.auto.checks).toBe(0);
    await clock.advance(1000);
    expect(updater.auto.checks).toBe(1);
    expect(updater.auto.autoDownload).toBe(true);
    expect(updater.auto.autoInstallOnAppQuit).toBe(true);
    // The baked app-update.yml is used as is.
    expect(updater.auto.feeds).toEqual([]);
    await vi.waitFor(() => expect(onReady).toHaveBeenCalledWith('1.3.0'));
    expect(u.getState().phase).toBe('ready');
    // Nothing was installed or quit on its own.
    expect(updater.auto.installs).toEqual([]);
    expect(fake.app.quitCalls).toBe(0);
    // Once ready, later ticks do not check again and onReady is not repeated.
    await clock.advance(100_000);
    expect(updater.auto.checks).toBe(1);
    expect(onReady).toHaveBeenCalledTimes(1);
    u.restartToUpdate();
    expect(updater.auto.installs).toEqual([[true, true]]);
    u.dispose();
  });

  it('uses a runtime feed override in an unpackaged (staging) run and survives an offline check', async () => {
    fake.app.isPackaged = false;
    updater.auto.onCheck = () => Promise.reject(new Error('net::ERR_INTERNET_DISCONNECTED'));
    const clock = createFakeClock();
    const log = logger();
    const u = setupUpdater({
      onReady: vi.fn(),
      logger: log,
      clock,
      resourcesPath: resources,
      platform: 'win32',
      env: { B24UT_UPDATE_URL: 'https://staging.example.com/feed/' },
      initialDelayMs: 10,
      intervalMs: 1000,
    });
    await clock.advance(10);
    expect(updater.auto.feeds).toEqual([{ provider: 'generic', url: 'https://staging.example.com/feed/' }]);
    expect(updater.auto.forceDevUpdateConfig).toBe(true);
    expect(u.getState()).toMatchObject({ phase: 'error', detail: 'net::ERR_INTERNET_DISCONNECTED' });
    // It retries at the next interval.
    await clock.advance(1000);
    expect(updater.auto.checks).toBe(2);
    u.restartToUpdate();
    expect(updater.auto.installs).toEqual([]);
    expect(log.lines.some((l) => l.startsWith('warn Restart to update requested with no update'))).toBe(true);
    u.dispose();
  });

  it('loads electron-updater only when the first check is due, once, and not after dispose', async () => {
    fake.app.isPackaged = true;
    signedBuild();
    bake('https://updates.example.com/');
    updater.auto.onCheck = (a) => Promise.resolve(void a.emit('update-not-available', {}));
    const clock = createFakeClock();
    const load = vi.fn(() => Promise.resolve(updater.auto as unknown as AppUpdater));
    const opts = { onReady: vi.fn(), logger: logger(), clock, resourcesPath: resources, platform: 'win32' as const };
    const u = setupUpdater({ ...opts, env: {}, initialDelayMs: 60_000, intervalMs: 3600_000, load });
    // The start pays nothing for it: not loaded, nothing set on it, nothing listening.
    await clock.advance(59_000);
    expect(load).not.toHaveBeenCalled();
    expect(updater.auto.autoDownload).toBe(false);
    expect(updater.auto.listenerCount('update-downloaded')).toBe(0);
    await clock.advance(1_000);
    expect(load).toHaveBeenCalledTimes(1);
    expect(updater.auto.checks).toBe(1);
    await clock.advance(3600_000);
    expect(load).toHaveBeenCalledTimes(1);
    expect(updater.auto.checks).toBe(2);
    u.dispose();
    // Disposed before its first check: never loaded.
    const later = vi.fn(() => Promise.resolve(updater.auto as unknown as AppUpdater));
    setupUpdater({ ...opts, env: {}, initialDelayMs: 10, load: later }).dispose();
    await clock.advance(3600_000);
    expect(later).not.toHaveBeenCalled();
  });

  it('an updater that cannot be set up (a feed it refuses) is logged and tried again at the next check', async () => {
    fake.app.isPackaged = true;
    const clock = createFakeClock();
    const log = logger();
    const setFeedURL = updater.auto.setFeedURL.bind(updater.auto);
    let refusals = 1;
    updater.auto.setFeedURL = (o: unknown) => {
      if (refusals-- > 0) throw new Error('Unsupported provider');
      setFeedURL(o);
    };
    try {
      const u = setupUpdater({
        onReady: vi.fn(),
        logger: log,
        clock,
        resourcesPath: resources,
        platform: 'win32',
        env: {},
        feedUrl: 'https://settings.example.com/',
        initialDelayMs: 10,
        intervalMs: 1000,
      });
      await clock.advance(10);
      expect(u.getState()).toMatchObject({ phase: 'error', detail: 'Unsupported provider' });
      expect(log.lines.some((l) => l.startsWith('error Could not load the updater'))).toBe(true);
      expect(updater.auto.checks).toBe(0);
      await clock.advance(1000);
      expect(updater.auto.feeds).toEqual([{ provider: 'generic', url: 'https://settings.example.com/' }]);
      expect(updater.auto.checks).toBe(1);
      u.dispose();
    } finally {
      updater.auto.setFeedURL = setFeedURL;
    }
  });

  it('an updater that fails to load is logged and tried again at the next check', async () => {
    fake.app.isPackaged = true;
    bake('https://updates.example.com/');
    const clock = createFakeClock();
    const log = logger();
    const load = vi
      .fn<() => Promise<AppUpdater>>()
      .mockRejectedValueOnce(new Error('Cannot find module semver'))
      .mockResolvedValue(updater.auto as unknown as AppUpdater);
    const u = setupUpdater({
      onReady: vi.fn(),
      logger: log,
      clock,
      resourcesPath: resources,
      platform: 'win32',
      env: {},
      initialDelayMs: 10,
      intervalMs: 1000,
      load,
    });
    await clock.advance(10);
    expect(u.getState()).toMatchObject({ phase: 'error', detail: 'Cannot find module semver' });
    expect(log.lines.some((l) => l.startsWith('error Could not load the updater'))).toBe(true);
    expect(updater.auto.checks).toBe(0);
    await clock.advance(1000);
    expect(load).toHaveBeenCalledTimes(2);
    expect(updater.auto.checks).toBe(1);
    u.dispose();
  });

  it('a settings feed wins over the environment', async () => {
    fake.app.isPackaged = true;
    const u = setupUpdater({
      onReady: vi.fn(),
      logger: logger(),
      clock: createFakeClock(),
      resourcesPath: resources,
      platform: 'darwin',
      env: { B24UT_UPDATE_URL: 'https://env.example.com/' },
      feedUrl: 'https://settings.example.com/',
    });
    await u.checkNow();
    expect(updater.auto.feeds).toEqual([{ provider: 'generic', url: 'https://settings.example.com/' }]);
    u.dispose();
  });

  it('dispose stops the schedule and detaches every listener', async () => {
    fake.app.isPackaged = true;
    bake('https://updates.example.com/');
    const clock = createFakeClock();
    const u = setupUpdater({
      onReady: vi.fn(),
      logger: logger(),
      clock,
      resourcesPath: resources,
      platform: 'win32',
      env: {},
      initialDelayMs: 10,
    });
    await clock.advance(10);
    expect(updater.auto.checks).toBe(1);
    expect(updater.auto.listenerCount('update-downloaded')).toBe(1);
    u.dispose();
    u.dispose();
    for (const ev of [
      'checking-for-update',
      'update-available',
      'update-not-available',
      'update-downloaded',
      'error',
    ]) {
      expect(updater.auto.listenerCount(ev)).toBe(0);
    }
    await clock.advance(3600_000);
    expect(updater.auto.checks).toBe(1);
  });

  it('a throwing onReady callback is logged, not fatal', async () => {
    fake.app.isPackaged = true;
    bake('https://updates.example.com/');
    const log = logger();
    const u = setupUpdater({
      onReady: () => {
        throw new Error('tray gone');
      },
      logger: log,
      clock: createFakeClock(),
      resourcesPath: resources,
      platform: 'win32',
      env: {},
    });
    await u.checkNow();
    updater.auto.emit('update-downloaded', { version: '5.0.0' });
    expect(u.getState().phase).toBe('ready');
    expect(log.lines.some((l) => l.includes('tray gone'))).toBe(true);
    u.dispose();
  });

  // Issue 12 (security review): B24UT_UPDATE_URL used to override the feed of packaged builds too.
  it('a packaged build ignores B24UT_UPDATE_URL', async () => {
    fake.app.isPackaged = true;
    signedBuild();
    bake('https://updates.example.com/');
    const u = setupUpdater({
      onReady: vi.fn(),
      logger: logger(),
      clock: createFakeClock(),
      resourcesPath: resources,
      platform: 'win32',
      env: { B24UT_UPDATE_URL: 'https://attacker.example.com/' },
    });
    await u.checkNow();
    expect(updater.auto.checks).toBe(1);
    expect(updater.auto.feeds).toEqual([]);
    expect(updater.auto.forceDevUpdateConfig).toBe(false);
    u.dispose();
  });

  it('an unsigned build never downloads or installs: it says an update is available and opens its release page', async () => {
    fake.app.isPackaged = true;
    signedBuild('false');
    bake('https://updates.example.com/');
    updater.auto.onCheck = (a) => {
      a.emit('update-available', { version: '1.3.0' });
      return Promise.resolve({ updateInfo: { version: '1.3.0' } });
    };
    const clock = createFakeClock();
    const onReady = vi.fn();
    const onAvailable = vi.fn<(version: string, openPage: () => void) => void>();
    const u = setupUpdater({
      onReady,
      onAvailable,
      logger: logger(),
      clock,
      resourcesPath: resources,
      platform: 'win32',
      env: {},
      initialDelayMs: 10,
    });
    await clock.advance(10);
    expect(updater.auto.autoDownload).toBe(false);
    expect(updater.auto.autoInstallOnAppQuit).toBe(false);
    expect(onAvailable).toHaveBeenCalledTimes(1);
    expect(onAvailable.mock.calls[0]![0]).toBe('1.3.0');
    onAvailable.mock.calls[0]![1]();
    expect(fake.shell.opened).toEqual(['https://github.com/o/r/releases/tag/v1.3.0']);
    // Even a download that somehow completed is never installed.
    updater.auto.emit('update-downloaded', { version: '1.3.0' });
    u.restartToUpdate();
    expect(updater.auto.installs).toEqual([]);
    expect(fake.app.quitCalls).toBe(0);
    u.dispose();
  });

  it('AppImage: restart installs without running the new image at once, and relaunches it after this one exits', async () => {
    fake.app.isPackaged = true;
    signedBuild();
    bake('https://updates.example.com/');
    updater.auto.renameTo = '/home/me/Apps/B24 Unread Tray-1.3.0-x86_64.AppImage';
    const u = setupUpdater({
      onReady: vi.fn(),
      logger: logger(),
      clock: createFakeClock(),
      resourcesPath: resources,
      platform: 'linux',
      env: { APPIMAGE: '/home/me/Apps/B24 Unread Tray-1.2.0-x86_64.AppImage' },
    });
    await u.checkNow();
    updater.auto.emit('update-downloaded', { version: '1.3.0' });
    u.restartToUpdate();
    // isForceRunAfter=false: electron-updater would otherwise spawn the new image while we hold the single-instance lock.
    expect(updater.auto.installs).toEqual([[true, false]]);
    expect(fake.app.relaunchCalls).toEqual([
      { execPath: '/home/me/Apps/B24 Unread Tray-1.3.0-x86_64.AppImage', args: [] },
    ]);
    expect(updater.auto.listenerCount('appimage-filename-updated')).toBe(0);
    u.dispose();
  });
});
