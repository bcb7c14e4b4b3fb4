/**
 * The composition root, booted against the electron double: index.ts's own
 * wiring (lock, scheme, security, IPC, popup, tray, launches) as a user's
 * start-up runs it. The store is a conf store in a temporary folder
 * (electron-store would load the real `electron`), and electron-updater is
 * a silent stand-in; everything else is the real code.
 */
import { afterAll, describe, expect, it, vi } from 'vitest';

vi.mock('electron', async () => (await import('../../tests/mocks/electron')).electronModule);

const dirs = await vi.hoisted(async () => (await import('../../tests/support/boot-index')).bootDirs('b24ut-root-'));
vi.mock('electron-updater', async () => (await import('../../tests/support/boot-index')).silentUpdater());
vi.mock('./electron/store', async () => (await import('../../tests/support/boot-index')).confStoreIn(dirs.store));

import { rmSync } from 'node:fs';
import { startFakePortal } from '../../dev/fake-portal/server';
import { deliveredUnread } from '../../tests/core/harness';
import { fromPopup } from '../../tests/support/boot-index';
import {
  FakeBrowserWindow,
  type FakeMenu,
  FakeTray,
  FakeWebContents,
  FakeWebFrame,
  fake,
  resetElectronMock,
} from '../../tests/mocks/electron';
import { INVOKE_NAMES, channelOf } from '../shared/ipc';
import type { Result } from '../shared/result';
import type { SettingsView } from '../shared/types';
import { APP_INDEX_URL } from './electron/app-url';

afterAll(() => {
  vi.restoreAllMocks();
  rmSync(dirs.root, { recursive: true, force: true });
});

/** Boots index.ts once, as Electron would: modules load before 'ready', then 'ready' fires. */
const boot = (async () => {
  resetElectronMock();
  // The log sink also writes to the console: keep the test output readable.
  vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
  vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
  fake.app.ready = false;
  fake.app.paths.userData = dirs.userData;
  // A Wayland session (on Linux, where this runs): the shortcut-portal switches are appended at import.
  const session = process.env.XDG_SESSION_TYPE;
  process.env.XDG_SESSION_TYPE = 'wayland';
  // …and there Electron's globalShortcut goes through the desktop's portal.
  fake.globalShortcut.waylandPortal = process.platform === 'linux';
  // Launched with a feature switch of the user's own (`--enable-features=UserFeature`).
  fake.app.commandLine.appendSwitch('enable-features', 'UserFeature');
  await import('./index');
  if (session === undefined) delete process.env.XDG_SESSION_TYPE;
  else process.env.XDG_SESSION_TYPE = session;
  fake.app.becomeReady();
  await vi.waitFor(() => {
    expect(FakeTray.instances).toHaveLength(1);
    expect(FakeBrowserWindow.instances).toHaveLength(1);
  });
  const win = FakeBrowserWindow.instances[0]!;
  await new Promise<void>((resolve) =>
    win.webContents.getURL() === APP_INDEX_URL ? resolve() : win.once('ready-to-show', () => resolve()),
  );
  return win;
})();

describe('the composition root (src/main/index.ts)', () => {
  it('takes the single-instance lock sending its own argv, and serves the popup on the app scheme', async () => {
    const win = await boot;
    expect(fake.app.lockData).toEqual({ argv: process.argv });
    expect(fake.protocol.privileged.map((s) => s.scheme)).toEqual(['b24ut']);
    expect(win.webContents.getURL()).toBe(APP_INDEX_URL);
    expect(win.isVisible()).toBe(false);
  });

  it("on a Linux Wayland session asks for the GlobalShortcuts portal with its preferred trigger (GNOME), keeping the user's own features", async () => {
    await boot;
    const features = fake.app.commandLine.getSwitchValue('enable-features').split(',');
    if (process.platform !== 'linux') return expect(features).toEqual(['UserFeature']); // no Wayland off Linux
    // The user's own feature stays on: appending the switch replaces its value.
    expect(features).toEqual(['UserFeature', 'GlobalShortcutsPortal', 'GlobalShortcutsPortalPreferredTrigger']);
  });

  it('on a Linux Wayland session, a changed popup shortcut takes effect and the old key stops opening the popup', async () => {
    const win = await boot;
    if (process.platform !== 'linux') return;
    const ipc = (name: 'getSettings' | 'updateSettings', ...args: unknown[]) =>
      fromPopup(win)<SettingsView>(name, ...args);
    const before = await ipc('getSettings');
    if (!before.ok) throw new Error('getSettings failed');
    const old = before.data.settings.hotkeys.togglePopup;
    const changed = await ipc('updateSettings', {
      hotkeys: { ...before.data.settings.hotkeys, togglePopup: 'CommandOrControl+Shift+F12' },
    });
    expect(changed.ok).toBe(true);
    win.hide();
    fake.globalShortcut.press(old);
    expect(win.isVisible()).toBe(false);
    fake.globalShortcut.press('CommandOrControl+Shift+F12');
    expect(win.isVisible()).toBe(true);
    win.hide();
    await ipc('updateSettings', { hotkeys: before.data.settings.hotkeys });
  });

  it('the popup page itself is served on every channel', async () => {
    const win = await boot;
    const res = await fromPopup(win)('getState');
    expect(res.ok).toBe(true);
  });

  const forgeries: [string, (wc: FakeWebContents) => { sender: FakeWebContents; frame?: FakeWebFrame | null }][] = [
    [
      'another webContents on the same URL',
      (wc) => {
        const other = new FakeWebContents();
        other.mainFrame.url = wc.mainFrame.url;
        return { sender: other };
      },
    ],
    ['an iframe of the popup', (wc) => ({ sender: wc, frame: new FakeWebFrame(APP_INDEX_URL).childOf(wc.mainFrame) })],
    ['the popup navigated to a web page', (wc) => ({ sender: wc, frame: new FakeWebFrame('https://evil.example/') })],
    ['the popup on a file:// page', (wc) => ({ sender: wc, frame: new FakeWebFrame('file:///tmp/x/index.html') })],
  ];

  it.each(forgeries)('refuses %s on every channel of the channel map', async (_what, forge) => {
    const win = await boot;
    const from = forge(win.webContents);
    for (const name of INVOKE_NAMES) {
      const res = (await fake.ipcMain.invoke(channelOf(name), from, 'acc', 'chat74', true)) as Result<unknown>;
      expect({ name, ok: res.ok, code: res.ok ? null : res.error.code }).toEqual({
        name,
        ok: false,
        code: 'FORBIDDEN_SENDER',
      });
    }
    expect([...fake.ipcMain.handlers.keys()].sort()).toEqual(INVOKE_NAMES.map(channelOf).sort());
  });

  it('a second launch with --show (Chromium-reordered argv) shows the popup; macOS activate does too', async () => {
    const win = await boot;
    fake.app.launchSecond(['/opt/b24/b24-unread-tray', '--show']);
    await vi.waitFor(() => expect(win.isVisible()).toBe(true));
    win.hide();
    fake.app.emit('activate', {}, false);
    expect(win.isVisible()).toBe(true);
  });
  it("the tray menu's Mark all read reads the portal's dialogs, its undo marks them unread again, the popup's opening withdraws it", async () => {
    const win = await boot;
    const portal = await startFakePortal({
      rateLimit: false,
      seed: [
        { id: 'chat74', title: 'Sales', pinned: true, unread: true },
        { id: 'chat9', title: 'R&D', pinned: true, unread: true },
        { id: '15', title: 'Anna', pinned: true },
      ],
    });
    fake.net.fetchImpl = (input, init) => fetch(input, init);
    win.hide();
    try {
      const signedIn = await fromPopup(win)('signInWithWebhook', portal.webhookUrl);
      expect(signedIn.ok).toBe(true);
      const tray = FakeTray.instances[0]!;
      const menu = (): FakeMenu => tray.contextMenu!;
      const undo = (): string[] => menu().template.flatMap((i) => (i.label?.startsWith('Undo') ? [i.label] : []));
      await vi.waitFor(() => expect(menu().item('Mark all read').enabled).not.toBe(false));

      menu().click('Mark all read');
      await vi.waitFor(() => expect(deliveredUnread(portal).sort()).toEqual(['chat74:N', 'chat9:N']));
      expect(undo()).toEqual(['Undo Mark all read (2 dialogs)']);
      menu().click('Undo Mark all read (2 dialogs)');
      await vi.waitFor(() => expect(deliveredUnread(portal).slice(2).sort()).toEqual(['chat74:Y', 'chat9:Y']));
      expect(undo()).toEqual([]);

      await vi.waitFor(() => expect(menu().item('Mark all read').enabled).not.toBe(false));
      menu().click('Mark all read');
      await vi.waitFor(() => expect(deliveredUnread(portal)).toHaveLength(6));
      expect(undo()).toEqual(['Undo Mark all read (2 dialogs)']);
      win.show();
      expect(undo()).toEqual([]);
    } finally {
      win.hide();
      await portal.close();
    }
  });

  it("keeps no cookie a portal sets and sends none back (REST calls are not in the default session's cookie jar)", async () => {
    const win = await boot;
    const portal = await startFakePortal({ rateLimit: false, seed: [{ id: 'chat74', title: 'Sales', pinned: true }] });
    // Whether a real Bitrix24 sets cookies on REST answers could not be checked here (no portal
    // reachable; the docs say nothing of it): a PHP session cookie is what a PHP server may send.
    const sent: (string | null)[] = [];
    fake.net.fetchImpl = async (input, init) => {
      sent.push(new Headers(init?.headers).get('cookie'));
      const res = await fetch(input, init);
      const headers = new Headers(res.headers);
      headers.append('set-cookie', 'PHPSESSID=s3ss10nf0rth1su5er; path=/; HttpOnly');
      return new Response(res.body, { status: res.status, statusText: res.statusText, headers });
    };
    fake.net.requests = [];
    try {
      const signedIn = await fromPopup(win)('signInWithWebhook', portal.webhookUrl);
      expect(signedIn.ok).toBe(true);
      const calls = fake.net.requests.length;
      await fromPopup(win)('refresh');
      await vi.waitFor(() => expect(fake.net.requests.length).toBeGreaterThan(calls));
      expect(sent.length).toBeGreaterThan(1);
      expect(sent.filter((c) => c !== null)).toEqual([]);
      await expect(fake.session.defaultSession.cookies.get({})).resolves.toEqual([]);
      // Nor does an answer go to the session's HTTP cache on disk.
      expect(new Set(fake.net.requests.map((r) => `${r.credentials} ${r.cache}`))).toEqual(new Set(['omit no-store']));
    } finally {
      await portal.close();
    }
  });
});
