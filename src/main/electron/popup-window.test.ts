import { beforeEach, describe, expect, it, vi } from 'vitest';

vi.mock('electron', async () => (await import('../../../tests/mocks/electron')).electronModule);

import {
  FakeBrowserWindow,
  FakeWebContents,
  fake,
  fakeDisplay,
  resetElectronMock,
} from '../../../tests/mocks/electron';
import { eventChannelOf } from '../../shared/ipc';
import type { Clock } from '../core/ports';
import { BLUR_HIDE_DELAY_MS, createPopupWindow, type PopupWindowOptions } from './popup-window';
import { CONTENT_SECURITY_POLICY, setupSecurity } from './security';
import { APP_INDEX_URL } from './app-url';
import { loadBuilderConfig } from '../../../tests/packaging/helpers';
import { serveTestRenderer } from '../../../tests/support/app-scheme';

/** A clock whose timers run only when the test advances time. */
function manualClock(): Clock & { advance(ms: number): void } {
  let now = 1_000_000;
  const timers = new Map<number, { at: number; fn: () => void }>();
  let id = 0;
  return {
    now: () => now,
    setTimeout(fn, ms) {
      timers.set(++id, { at: now + ms, fn });
      return id;
    },
    clearTimeout(h) {
      timers.delete(h as number);
    },
    advance(ms) {
      now += ms;
      for (const [k, t] of [...timers]) {
        if (t.at <= now) {
          timers.delete(k);
          t.fn();
        }
      }
    },
  };
}

const INDEX = '/opt/B24 Unread Tray/resources/app.asar/out/renderer/index.html';

function make(over: Partial<PopupWindowOptions> = {}) {
  const clock = manualClock();
  const popup = createPopupWindow({
    preloadPath: '/opt/B24 Unread Tray/resources/app.asar/out/preload/index.cjs',
    platform: 'win32',
    isPackaged: true,
    trayBounds: () => ({ x: 1700, y: 1044, width: 24, height: 32 }),
    clock,
    ...over,
  });
  const win = popup.window as unknown as FakeBrowserWindow;
  return { popup, win, wc: win.webContents, clock };
}

beforeEach(() => {
  resetElectronMock();
  serveTestRenderer();
});

describe('popup window: construction', () => {
  it('is one hidden, frameless, taskbar-less window with the secure webPreferences', () => {
    make();
    expect(FakeBrowserWindow.instances).toHaveLength(1);
    const o = FakeBrowserWindow.instances[0]!.options;
    expect(o).toMatchObject({
      show: false,
      frame: false,
      skipTaskbar: true,
      width: 360,
      height: 480,
      resizable: false,
    });
    expect(o.webPreferences).toMatchObject({
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      spellcheck: false,
      devTools: false,
      preload: '/opt/B24 Unread Tray/resources/app.asar/out/preload/index.cjs',
    });
    expect(FakeBrowserWindow.instances[0]!.isVisible()).toBe(false);
  });

  it('allows DevTools only when not packaged', () => {
    make({ isPackaged: false });
    expect(FakeBrowserWindow.instances[0]!.options.webPreferences?.devTools).toBe(true);
  });

  it('loads the built page from the app scheme; the dev server URL only when not packaged', () => {
    const a = make();
    expect(a.wc.loaded).toEqual([{ url: APP_INDEX_URL, options: undefined }]);
    resetElectronMock();
    const b = make({ isPackaged: true, devUrl: 'http://localhost:5173/' });
    expect(b.wc.loaded[0]!.url).toBe(APP_INDEX_URL);
    resetElectronMock();
    const c = make({ isPackaged: false, devUrl: 'http://localhost:5173/' });
    expect(c.wc.loaded[0]!.url).toBe('http://localhost:5173/');
  });
});

describe('popup window: the page under the packaged fuses (issue 11, point 1)', () => {
  it('paints with grantFileProtocolExtraPrivileges off: served by the app scheme, not file://', async () => {
    // The fuse as the packaged build sets it.
    const fuses = loadBuilderConfig().electronFuses as { grantFileProtocolExtraPrivileges: boolean };
    expect(fuses.grantFileProtocolExtraPrivileges).toBe(false);
    fake.fuses.grantFileProtocolExtraPrivileges = fuses.grantFileProtocolExtraPrivileges;
    const { popup, win, wc } = make();
    await popup.ready;
    expect(wc.getURL()).toBe(APP_INDEX_URL);
    expect(win.calls).not.toContain('loadFile');
    popup.show(null);
    expect(win.isVisible()).toBe(true);
  });

  it('the double: a file:// page inside app.asar does not load with that fuse off; a missing file never does', async () => {
    fake.fuses.grantFileProtocolExtraPrivileges = false;
    const w = new FakeBrowserWindow({ show: false });
    await expect(w.loadFile(INDEX)).rejects.toThrow(/ERR_FILE_NOT_FOUND/);
    fake.fuses.grantFileProtocolExtraPrivileges = true;
    await expect(w.loadFile('/nonexistent/index.html')).rejects.toThrow(/ERR_FILE_NOT_FOUND/);
    await expect(w.loadURL('b24ut://popup/missing.html')).rejects.toThrow(/ERR_HTTP_RESPONSE_CODE_FAILURE/);
    fake.protocol.unhandle('b24ut');
    await expect(w.loadURL(APP_INDEX_URL)).rejects.toThrow(/ERR_UNKNOWN_URL_SCHEME/);
  });

  it('a page that failed to load never paints, and the failure is logged', async () => {
    fake.protocol.unhandle('b24ut');
    const errors: string[] = [];
    const logger = { warn() {}, debug() {}, error: (m: string) => errors.push(m) };
    const { popup, win } = make({ logger });
    popup.show(null);
    await new Promise((r) => setImmediate(r));
    await new Promise((r) => setImmediate(r));
    expect(errors).toEqual(['popup page failed to load']);
    expect(win.isVisible()).toBe(false);
  });
});

describe('popup window: macOS (issue 11, points 3 and 5)', () => {
  it('lets the native updater close it on quitAndInstall, so "Restart to update" restarts', async () => {
    const { popup, win } = make({ platform: 'darwin' });
    await popup.ready;
    popup.show(null);
    fake.autoUpdater.quitAndInstall();
    expect(win.isDestroyed()).toBe(true);
    expect(fake.autoUpdater.installed).toBe(true);
    expect(fake.app.quitCalls).toBe(1);
  });

  it('still only hides on a plain Cmd+W', async () => {
    const { popup, win } = make({ platform: 'darwin' });
    await popup.ready;
    popup.show(null);
    win.close();
    expect(win.isDestroyed()).toBe(false);
    expect(win.isVisible()).toBe(false);
  });

  it('hiding the only window hands focus back to the previous app (app.hide)', async () => {
    const { popup } = make({ platform: 'darwin' });
    await popup.ready;
    popup.show(null);
    popup.hide();
    expect(fake.app.hideCalls).toBe(1);
    resetElectronMock();
    serveTestRenderer();
    const w = make({ platform: 'win32' });
    await w.popup.ready;
    w.popup.show(null);
    w.popup.hide();
    expect(fake.app.hideCalls).toBe(0);
  });

  it('joins every Space without turning the app into a Dock app (skipTransformProcessType)', async () => {
    const { popup, win } = make({ platform: 'darwin' });
    await popup.ready;
    popup.show(null);
    expect(win.allWorkspaces).toEqual([[true, { visibleOnFullScreen: true, skipTransformProcessType: true }]]);
  });
});

describe('popup window: focus the OS refuses', () => {
  it('raises the window and asks again; a later tray click still closes it', async () => {
    const { popup, win, clock } = make();
    await popup.ready;
    win.refuseFocus = true;
    win.calls = [];
    popup.show(null);
    expect(win.isVisible()).toBe(true);
    expect(win.isFocused()).toBe(false);
    expect(win.calls).toEqual(['setPosition(1532,560)', 'show', 'focus', 'moveTop', 'focus']);
    clock.advance(10_000);
    popup.toggle();
    expect(win.isVisible()).toBe(false);
  });
});

describe('popup window: showing fast', () => {
  it('a show before the first paint waits for ready-to-show, then shows once', async () => {
    FakeBrowserWindow.autoReadyToShow = false;
    const { popup, win } = make();
    popup.show('acc/chat74');
    expect(win.isVisible()).toBe(false);
    win.emit('ready-to-show');
    await popup.ready;
    expect(win.isVisible()).toBe(true);
    expect(win.calls.filter((c) => c === 'show')).toHaveLength(1);
  });

  it('after ready, show is position + show + focus, no page load', async () => {
    const { popup, win, wc } = make();
    await popup.ready;
    win.calls = [];
    popup.show(null);
    expect(win.calls).toEqual(['setPosition(1532,560)', 'show', 'focus']);
    expect(wc.loaded).toHaveLength(1);
    expect(win.isAlwaysOnTop()).toBe(true);
  });

  it('tells the page it was shown and which row to focus', async () => {
    const { popup, wc } = make();
    await popup.ready;
    popup.show('acc1/chat74');
    popup.showSettings();
    expect(wc.sentOn(eventChannelOf('shown'))).toEqual([{ focus: 'acc1/chat74' }, { focus: null, view: 'settings' }]);
  });

  it('without tray bounds it opens next to the cursor, on the cursor display', async () => {
    fake.screen.displays = [
      fakeDisplay({ x: 0, y: 0, width: 1920, height: 1080 }, { x: 0, y: 0, width: 1920, height: 1080 }),
      fakeDisplay({ x: 1920, y: 0, width: 2560, height: 1440 }, { x: 1920, y: 32, width: 2560, height: 1408 }),
    ];
    fake.screen.cursor = { x: 4000, y: 20 };
    const { popup, win } = make({ platform: 'linux', trayBounds: () => ({ x: 0, y: 0, width: 0, height: 0 }) });
    await popup.ready;
    popup.show(null);
    const [x, y] = win.getPosition();
    expect(x! + 360).toBeLessThanOrEqual(1920 + 2560);
    expect(x).toBeGreaterThanOrEqual(1920);
    expect(y).toBe(32);
  });

  it('on Wayland asks for centring instead of a position it cannot set', async () => {
    const { popup, win } = make({ platform: 'linux-wayland' });
    await popup.ready;
    win.calls = [];
    popup.show(null);
    expect(win.calls).toEqual(['center', 'show', 'focus']);
  });

  it('a tray that throws on getBounds falls back to the cursor', async () => {
    const { popup, win } = make({
      trayBounds: () => {
        throw new Error('destroyed');
      },
    });
    await popup.ready;
    expect(() => popup.show(null)).not.toThrow();
    expect(win.isVisible()).toBe(true);
  });
});

describe('popup window: hiding', () => {
  it('hides shortly after losing focus, not at once', async () => {
    const { popup, win, clock } = make();
    await popup.ready;
    popup.show(null);
    win.blur();
    expect(win.isVisible()).toBe(true);
    clock.advance(BLUR_HIDE_DELAY_MS);
    expect(win.isVisible()).toBe(false);
    expect(win.isAlwaysOnTop()).toBe(false);
  });

  it('a tray click while shown toggles it closed (the click arrives before the blur timer)', async () => {
    const { popup, win, clock } = make();
    await popup.ready;
    popup.show(null);
    win.blur();
    popup.toggle();
    expect(win.isVisible()).toBe(false);
    clock.advance(BLUR_HIDE_DELAY_MS * 2);
    expect(win.isVisible()).toBe(false);
  });

  it('a tray click right after the blur-hide does not reopen it; a later one does', async () => {
    const { popup, win, clock } = make();
    await popup.ready;
    popup.show(null);
    win.blur();
    clock.advance(BLUR_HIDE_DELAY_MS);
    popup.toggle();
    expect(win.isVisible()).toBe(false);
    clock.advance(1000);
    popup.toggle();
    expect(win.isVisible()).toBe(true);
  });

  it('regaining focus cancels the pending hide', async () => {
    const { popup, win, clock } = make();
    await popup.ready;
    popup.show(null);
    win.blur();
    win.focus();
    clock.advance(BLUR_HIDE_DELAY_MS * 2);
    expect(win.isVisible()).toBe(true);
  });

  it('closing (Alt+F4) only hides until destroy() on quit', async () => {
    const { popup, win } = make();
    await popup.ready;
    popup.show(null);
    win.close();
    expect(win.isDestroyed()).toBe(false);
    expect(win.isVisible()).toBe(false);
    popup.destroy();
    expect(win.isDestroyed()).toBe(true);
    expect(() => popup.show(null)).not.toThrow();
    expect(popup.isVisible()).toBe(false);
  });

  it('reloads the page when the renderer crashes', async () => {
    const { popup, win, wc } = make();
    await popup.ready;
    win.webContents.emit('render-process-gone', {}, { reason: 'crashed', exitCode: 1 });
    expect(wc.loaded).toHaveLength(2);
  });
});

describe('security rules on every web contents and the session', () => {
  it('denies navigation, redirects, window.open and webviews in the popup', () => {
    setupSecurity();
    const { wc } = make();
    expect(wc.navigate('https://evil.example/')).toBe(true);
    expect(wc.navigate('file:///etc/passwd')).toBe(true);
    expect(wc.navigate('https://evil.example/', 'will-redirect')).toBe(true);
    expect(wc.openWindow('https://evil.example/')).toEqual({ action: 'deny' });
    expect(wc.attachWebview()).toBe(true);
  });

  it('applies to any web contents created later, too', () => {
    setupSecurity();
    const other = new FakeWebContents();
    fake.app.emit('web-contents-created', {}, other);
    expect(other.navigate('https://evil.example/')).toBe(true);
    expect(other.openWindow('https://evil.example/')).toEqual({ action: 'deny' });
  });

  it.each(['media', 'geolocation', 'notifications', 'clipboard-read', 'openExternal', 'hid'])(
    'denies the %s permission request and check',
    async (permission) => {
      setupSecurity();
      const ses = fake.session.defaultSession;
      await expect(ses.requestPermission(permission)).resolves.toBe(false);
      expect(ses.checkPermission(permission)).toBe(false);
    },
  );

  it('lets the Copy button write to the clipboard, from the app page only', async () => {
    setupSecurity();
    const ses = fake.session.defaultSession;
    const { popup, wc } = make();
    await popup.ready;
    await expect(ses.requestPermission('clipboard-sanitized-write', wc)).resolves.toBe(true);
    expect(ses.checkPermission('clipboard-sanitized-write', 'b24ut://popup')).toBe(true);
    await expect(ses.requestPermission('clipboard-sanitized-write', wc, 'https://evil.example/')).resolves.toBe(false);
    expect(ses.checkPermission('clipboard-sanitized-write', 'https://evil.example')).toBe(false);
    expect(ses.checkPermission('clipboard-read', 'b24ut://popup')).toBe(false);
  });

  it('opens a target=_blank link (the OAuth app link) in the browser through the opener, never a window', async () => {
    const opened: string[] = [];
    setupSecurity({
      opener: {
        openExternal: async (url) => {
          if (!url.startsWith('https:')) throw new Error('FORBIDDEN_URL');
          opened.push(url);
        },
      },
    });
    const { wc } = make();
    expect(wc.openWindow('https://portal.bitrix24.com/devops/')).toEqual({ action: 'deny' });
    expect(wc.openWindow('file:///etc/passwd')).toEqual({ action: 'deny' });
    await Promise.resolve();
    expect(opened).toEqual(['https://portal.bitrix24.com/devops/']);
  });

  it('sets a strict CSP header, replacing one the response brought', async () => {
    setupSecurity();
    const res = await fake.session.defaultSession.webRequest.runHeadersReceived({
      // A weak policy a response might bring; the app must replace it.
      responseHeaders: { 'content-security-policy': ["default-src *; script-src 'unsafe-eval'"], 'X-Other': ['1'] }, // eng-disable CSP_GLOBAL_CHECK
    });
    expect(res.responseHeaders).toEqual({ 'Content-Security-Policy': [CONTENT_SECURITY_POLICY], 'X-Other': ['1'] });
    expect(CONTENT_SECURITY_POLICY).toContain("default-src 'none'");
    expect(CONTENT_SECURITY_POLICY).toContain("script-src 'self'");
    expect(CONTENT_SECURITY_POLICY).not.toContain('unsafe-eval');
  });

  it('relaxes only connect-src (HMR websocket) in development', async () => {
    setupSecurity({ dev: true });
    const res = await fake.session.defaultSession.webRequest.runHeadersReceived({});
    const csp = String(res.responseHeaders?.['Content-Security-Policy']);
    expect(csp).toContain("connect-src 'self' ws://localhost:*");
    expect(csp).toContain("script-src 'self';");
  });
});
