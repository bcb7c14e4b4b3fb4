/**
 * One language detection for the whole app, the popup's half (the tray and
 * the core: tests/core/one-language.test.ts): a Russian system (`ru-RU`)
 * with the language setting on `system` gives Russian popup strings.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Api, EventName } from '../../shared/ipc';
import type { SettingsView, ViewState } from '../../shared/types';
import { PopupStore } from './store.svelte';

afterEach(() => vi.unstubAllGlobals());

const SIGNED_OUT: ViewState = {
  status: 'signed-out',
  accounts: [],
  dialogs: [],
  updatedAt: null,
  pendingActions: 0,
  notices: [],
  error: null,
};
const SYSTEM = { hotkeys: [], settings: { language: 'system' } } as unknown as SettingsView;

describe('a Russian system with the language setting on "system"', () => {
  it('gets Russian popup strings (navigator.language)', async () => {
    vi.stubGlobal('navigator', { language: 'ru-RU' });
    const api = {
      getState: async () => ({ ok: true, data: SIGNED_OUT }),
      getSettings: async () => ({ ok: true, data: SYSTEM }),
      on: (_e: EventName) => () => {},
    } as unknown as Api;
    const store = new PopupStore(api);
    const stop = await store.init();
    stop();
    expect(store.lang).toBe('ru');
    expect(store.t.refresh).toBe('Обновить');
  });
});
