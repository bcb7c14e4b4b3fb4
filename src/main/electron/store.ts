/**
 * The app's persisted store: electron-store over the shared options
 * (src/main/core/storage/store.ts), in `app.getPath('userData')`, opened
 * through `openStore` so a damaged file is set aside and reported, never fatal.
 */
import ElectronStore from 'electron-store';
import { app } from 'electron';
import { confAsPort, openStore, type OpenedStore, type StoreOptions } from '../core/storage/store';
import type { Clock, KeyValueStore } from '../core/ports';

/** Builds an electron-store from the shared options (electron-store takes `name`, not conf's `configName`). */
export function electronStoreFactory(options: StoreOptions): KeyValueStore {
  const { configName: _configName, ...rest } = options;
  return confAsPort(
    new ElectronStore<Record<string, unknown>>(
      rest as unknown as ConstructorParameters<typeof ElectronStore<Record<string, unknown>>>[0],
    ),
  );
}

/** Opens the store in the user-data folder (call after `ready`, or after setting a custom userData path). */
export function openAppStore(opts: { cwd?: string; clock?: Clock } = {}): OpenedStore {
  return openStore(electronStoreFactory, { cwd: opts.cwd ?? app.getPath('userData'), clock: opts.clock });
}
