/**
 * The composition root at a start where the keyring asks to be unlocked (Linux: gnome-keyring
 * locked after an automatic login, or no keyring yet): booted against the electron double, whose
 * safeStorage makes its async encryptor only once the prompt is answered, as Chromium's Secret
 * Service key provider does (tests/mocks/electron.ts, FakeSafeStorage `prompt`). Its own file:
 * index.ts boots once per module registry.
 */
import { afterAll, expect, it, vi } from 'vitest';

vi.mock('electron', async () => (await import('../../tests/mocks/electron')).electronModule);

const dirs = await vi.hoisted(async () => (await import('../../tests/support/boot-index')).bootDirs('b24ut-keyring-'));
vi.mock('electron-updater', async () => (await import('../../tests/support/boot-index')).silentUpdater());
vi.mock('./electron/store', async () => (await import('../../tests/support/boot-index')).confStoreIn(dirs.store));

import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { startFakePortal } from '../../dev/fake-portal/server';
import { FakeBrowserWindow, FakeTray, fake, resetElectronMock } from '../../tests/mocks/electron';
import { fromPopup } from '../../tests/support/boot-index';
import { APP_INDEX_URL } from './electron/app-url';

afterAll(() => {
  vi.restoreAllMocks();
  rmSync(dirs.root, { recursive: true, force: true });
});

it.runIf(process.platform === 'linux')(
  'the tray and the popup are there while the keyring asks to be unlocked; a sign-in once it is answered goes under the keyring',
  async () => {
    resetElectronMock();
    vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
    fake.app.ready = false;
    fake.app.paths.userData = dirs.userData;
    // The keyring is locked and its unlock prompt is open; the user has not answered it yet.
    let answer!: () => void;
    fake.safeStorage.keyring = 'locked';
    fake.safeStorage.prompt = new Promise<void>((resolve) => (answer = resolve));
    await import('./index');
    fake.app.becomeReady();

    // Until the app no longer waited for the answer, nothing of it showed: no tray icon, no popup.
    await vi.waitFor(() => {
      expect(FakeTray.instances).toHaveLength(1);
      expect(FakeBrowserWindow.instances).toHaveLength(1);
    });

    // The user types the keyring's password; then signs in.
    fake.safeStorage.keyring = 'unlocked';
    answer();
    const portal = await startFakePortal({ rateLimit: false, seed: [{ id: 'chat74', title: 'Sales', pinned: true }] });
    fake.net.fetchImpl = (input, init) => fetch(input, init);
    try {
      const win = FakeBrowserWindow.instances[0]!;
      // The popup's page is loaded (IPC answers only its frame).
      await vi.waitFor(() => expect(win.webContents.getURL()).toBe(APP_INDEX_URL));
      const signedIn = await fromPopup(win)('signInWithWebhook', portal.webhookUrl);
      expect(signedIn.ok).toBe(true);
      const stored = JSON.parse(readFileSync(join(dirs.store, 'config.json'), 'utf8')) as {
        accounts: { secret: { storage: string; cipher?: string } }[];
      };
      const secret = stored.accounts[0]!.secret;
      expect(secret.storage).toBe('encrypted');
      expect(Buffer.from(secret.cipher!, 'base64').subarray(0, 3).toString()).toBe('v11');
    } finally {
      await portal.close();
    }
  },
);
