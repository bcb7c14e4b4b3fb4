/**
 * One language detection for the whole app: a Russian system (`ru-RU`) with
 * the language setting on `system` gives Russian in the popup's strings, the
 * tray menu and a desktop notification, all through `pickLang`. (The
 * popup's half is src/renderer/lib/one-language.test.ts: the renderer is its
 * own TypeScript project.)
 */
import { afterEach, describe, expect, it, vi } from 'vitest';

vi.mock('electron', async () => (await import('../mocks/electron')).electronModule);

import { explain } from '../../src/shared/errors';
import type { SettingsView, ViewState } from '../../src/shared/types';
import { createTray } from '../../src/main/electron/tray';
import { drawTrayIcon } from '../../src/main/electron/tray-icon/glyph';
import { startFakePortal, type FakePortal } from '../../dev/fake-portal/server';
import { FakeTray, resetElectronMock } from '../mocks/electron';
import { fakeClock } from '../support/fake-clock';
import { until } from '../support/wait';
import { makeCore, type Harness } from './harness';

const portals: FakePortal[] = [];
const cores: Harness[] = [];
afterEach(async () => {
  for (const h of cores.splice(0)) await h.core.stop();
  for (const p of portals.splice(0)) await p.close();
});

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
  it('gets a Russian tray menu and tooltip (app.getLocale())', () => {
    resetElectronMock();
    const ctl = createTray({
      platform: 'linux',
      locale: 'ru-RU',
      renderIcon: drawTrayIcon,
      initial: SIGNED_OUT,
      onClick: () => {},
      actions: {
        open: () => {},
        refresh: () => {},
        toggle: () => {},
        markAllRead: () => {},
        undoMarkAllRead: () => {},
        settings: () => {},
        signOut: () => {},
        quit: () => {},
      },
    });
    ctl.setSettings(SYSTEM);
    const tray = FakeTray.instances[0]!;
    expect(tray.contextMenu!.template.map((i) => i.label ?? '---')).toEqual([
      'Открыть',
      'Обновить',
      '---',
      'Настройки…',
      '---',
      'Выход',
    ]);
    expect(tray.toolTip).toBe('B24 Unread Tray — вход не выполнен');
  });

  it('gets Russian notifications from the core (its `locale`)', async () => {
    const clock = fakeClock(Date.now());
    const p = await startFakePortal({ seed: [{ id: 'chat74', title: 'Продажи', pinned: true }], rateLimit: false });
    portals.push(p);
    const h = makeCore({ clock, locale: 'ru-RU' });
    cores.push(h);
    const r = await h.core.dispatch('signInWithWebhook', [p.webhookUrl]);
    if (!r.ok) throw new Error(r.error.message);
    await h.core.start();
    const acc = (r.data as { id: string }).id;
    await h.core.dispatch('snooze', [acc, 'chat74', clock.now() + 60_000]);
    await clock.advance(61_000);
    await until(() => h.notified.length === 1, 5_000, 'the reminder');
    expect(h.notified).toEqual([{ title: 'Продажи', body: 'Напоминание: вернуться к диалогу' }]);
    // A refusal the popup shows comes in Russian too: the popup carries no catalogue of errors.
    const refused = await h.core.dispatch('setUnread', [acc, 'sg17', true]);
    expect(!refused.ok && refused.error.message).toBe(explain('INVALID_DIALOG_ID', 'ru'));
  });
});
