import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
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
    onCheck: () => Promise.resolve(null),
  });
  resources = mkdtempSync(join(tmpdir(), 'b24ut-res-'));
});

afterEach(() => rmSync(resources, { recursive: true, force: true }));

function bake(url: string): void {
  writeFileSync(join(resources, 'app-update.yml'), `provider: generic\nurl: ${url}\nchannel: latest\n`);
}

describe('setupUpdater', () => {
  it('does nothing in a dev run: no feed set, no checks, no listeners', async () => {
    fake.app.isPackaged = false;
    bake('https://updates.example.com/');
    const clock = createFakeClock();
    const log = logger();
    const onReady = vi.fn();
    const u = setupUpdater({ onReady, logger: log, clock, resourcesPath: resources, platform: 'win32', env: {} });
    await clock.advance(24 * 3600_000);
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

  it('checks in the background, downloads, and offers the restart once, without interrupting', async () => {
    fake.app.isPackaged = true;
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
      platform: 'linux',
      env: { APPIMAGE: '/home/me/B24.AppImage' },
      initialDelayMs: 1000,
      intervalMs: 10_000,
    });
    expect(updater.auto.autoDownload).toBe(true);
    expect(updater.auto.autoInstallOnAppQuit).toBe(true);
    // The baked app-update.yml is used as is.
    expect(updater.auto.feeds).toEqual([]);
    expect(updater.auto.checks).toBe(0);
    await clock.advance(1000);
    expect(updater.auto.checks).toBe(1);
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

  it('uses a runtime feed override and survives an offline check', async () => {
    fake.app.isPackaged = true;
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
    expect(updater.auto.feeds).toEqual([{ provider: 'generic', url: 'https://staging.example.com/feed/' }]);
    await clock.advance(10);
    expect(u.getState()).toMatchObject({ phase: 'error', detail: 'net::ERR_INTERNET_DISCONNECTED' });
    // It retries at the next interval.
    await clock.advance(1000);
    expect(updater.auto.checks).toBe(2);
    u.restartToUpdate();
    expect(updater.auto.installs).toEqual([]);
    expect(log.lines.some((l) => l.startsWith('warn Restart to update requested with no update'))).toBe(true);
    u.dispose();
  });

  it('a settings feed wins over the environment', () => {
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
    expect(updater.auto.checks).toBe(0);
  });

  it('a throwing onReady callback is logged, not fatal', () => {
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
    updater.auto.emit('update-downloaded', { version: '5.0.0' });
    expect(u.getState().phase).toBe('ready');
    expect(log.lines.some((l) => l.includes('tray gone'))).toBe(true);
    u.dispose();
  });
});
