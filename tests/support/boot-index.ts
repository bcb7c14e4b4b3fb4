/**
 * What a test that boots src/main/index.ts against the electron double stands in for, besides
 * `electron` itself: the folders of one boot, electron-updater (silent: no feed, no update) and the
 * app's store (a conf store in a folder: electron-store would load the real `electron`). Used from
 * `vi.hoisted` / `vi.mock` factories, so each is imported there:
 *
 *     const dirs = await vi.hoisted(async () => (await import('…/boot-index')).bootDirs('b24ut-root-'));
 *     vi.mock('electron-updater', async () => (await import('…/boot-index')).silentUpdater());
 *     vi.mock('./electron/store', async () => (await import('…/boot-index')).confStoreIn(dirs.store));
 */
import { EventEmitter } from 'node:events';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { channelOf, type InvokeName } from '../../src/shared/ipc';
import type { Result } from '../../src/shared/result';
import { fake, type FakeBrowserWindow } from '../mocks/electron';

/** A fresh root folder for one boot, with the store's and userData's folders in it. */
export function bootDirs(prefix: string): { root: string; store: string; userData: string } {
  const root = mkdtempSync(`${tmpdir()}/${prefix}`);
  return { root, store: `${root}/store`, userData: `${root}/userData` };
}

/** The electron-updater module, silent. */
export function silentUpdater(): { default: { autoUpdater: EventEmitter }; autoUpdater: EventEmitter } {
  const auto = Object.assign(new EventEmitter(), {
    setFeedURL() {},
    checkForUpdates: () => Promise.resolve(null),
    quitAndInstall() {},
  });
  return { default: { autoUpdater: auto }, autoUpdater: auto };
}

/** The app's store module (src/main/electron/store.ts), over a conf store in `dir`. */
export async function confStoreIn(dir: string): Promise<{ openAppStore: () => unknown }> {
  const { confFactory, openStore } = await import('../../src/main/core/storage/store');
  return { openAppStore: () => openStore(confFactory, { cwd: dir }) };
}

/** Invokes a channel as the popup's page in `win` does (IPC answers only its frame). */
export function fromPopup(win: FakeBrowserWindow) {
  return <T = unknown>(name: InvokeName, ...args: unknown[]): Promise<Result<T>> =>
    fake.ipcMain.invoke(channelOf(name), { sender: win.webContents }, ...args) as Promise<Result<T>>;
}
