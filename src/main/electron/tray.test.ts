import { beforeEach, describe, expect, it, vi } from 'vitest';

vi.mock('electron', async () => (await import('../../../tests/mocks/electron')).electronModule);

import type { FakeMenu } from '../../../tests/mocks/electron';
import { FakeTray, fake, resetElectronMock } from '../../../tests/mocks/electron';
import type { AccountSummary, HotkeyStatus, PinnedDialog, SettingsView, ViewState } from '../../shared/types';
import { drawTrayIcon, type TrayIconOptions } from './tray-icon/glyph';
import { createTray, type TrayOptions } from './tray';
import { MENU_DIALOG_LIMIT } from './tray-model';

function account(id: string, portal: string, status: AccountSummary['status'] = 'ok'): AccountSummary {
  return {
    id,
    portal,
    origin: `https://${portal}`,
    kind: 'webhook',
    userId: 1,
    userName: 'Ivan',
    status,
    secretStorage: 'encrypted',
  };
}

function dialog(
  accountId: string,
  dialogId: string,
  title: string,
  unread: boolean,
  extra: Partial<PinnedDialog> = {},
): PinnedDialog {
  return {
    accountId,
    dialogId,
    kind: dialogId.startsWith('chat') ? 'chat' : 'user',
    title,
    avatarUrl: null,
    color: '#888',
    initials: title.slice(0, 2),
    snippet: '',
    counter: unread ? 1 : 0,
    unreadMark: false,
    unread,
    pending: false,
    muted: false,
    snoozedUntil: null,
    lastActivity: null,
    ...extra,
  };
}

function view(over: Partial<ViewState> = {}): ViewState {
  return {
    status: 'ready',
    accounts: [account('a1', 'acme.bitrix24.ru')],
    dialogs: [
      dialog('a1', 'chat74', 'Sales', true),
      dialog('a1', '15', 'Anna', false),
      dialog('a1', 'chat9', 'R&D', true),
    ],
    updatedAt: 1,
    pendingActions: 0,
    notices: [],
    error: null,
    ...over,
  };
}

const SIGNED_OUT: ViewState = view({ status: 'signed-out', accounts: [], dialogs: [] });

function setup(over: Partial<TrayOptions> = {}) {
  const rendered: TrayIconOptions[] = [];
  const did: string[] = [];
  const ctl = createTray({
    platform: 'linux',
    locale: 'en-US',
    renderIcon: (o) => {
      rendered.push(o);
      return drawTrayIcon(o);
    },
    initial: view(),
    onClick: () => did.push('click'),
    actions: {
      open: () => did.push('open'),
      refresh: () => did.push('refresh'),
      toggle: (a, d) => did.push(`toggle ${a}/${d}`),
      markAllRead: (targets) => did.push(`markAllRead ${targets.map((t) => `${t.accountId}/${t.dialogId}`).join(',')}`),
      undoMarkAllRead: (targets) => did.push(`undo ${targets.map((t) => `${t.accountId}/${t.dialogId}`).join(',')}`),
      settings: () => did.push('settings'),
      signOut: (a) => did.push(`signOut ${a}`),
      quit: () => did.push('quit'),
    },
    ...over,
  });
  const tray = FakeTray.instances[0]!;
  const menu = () => tray.contextMenu!;
  return { ctl, tray, menu, rendered, did };
}

beforeEach(() => resetElectronMock());

describe('tray icon states', () => {
  it.each<[string, ViewState, TrayIconOptions['state'], number]>([
    ['idle', view({ dialogs: [dialog('a1', '15', 'Anna', false)] }), 'idle', 0],
    ['unread with count', view(), 'unread', 2],
    ['offline', view({ status: 'offline' }), 'offline', 2],
    ['error', view({ status: 'error' }), 'error', 2],
    ['signed-out', SIGNED_OUT, 'signed-out', 0],
    [
      'every account needs sign-in',
      view({ accounts: [account('a1', 'acme.bitrix24.ru', 'needs-sign-in')] }),
      'error',
      2,
    ],
  ])('%s', (_name, v, state, count) => {
    const { ctl, rendered, tray } = setup({ initial: v });
    ctl.update(v);
    const last = rendered.at(-1)!;
    // Drawn for 100, 125, 150 and 200 % (24 DIPs on Linux), handed over as raw pixels.
    expect(rendered.slice(-4).map((o) => o.size)).toEqual([24, 30, 36, 48]);
    expect(last).toMatchObject({ state, count, size: 48, theme: 'light' });
    expect(tray.nativeImage.getScaleFactors()).toEqual([1, 1.25, 1.5, 2]);
    expect(tray.nativeImage.getSize()).toEqual({ width: 24, height: 24 });
  });

  it('the five states and different counts draw different pictures', () => {
    const { ctl, tray } = setup();
    const pictures = new Set<string>();
    for (const v of [
      view({ dialogs: [] }),
      view(),
      view({ dialogs: [...view().dialogs, dialog('a1', 'chat1', 'X', true)] }),
      view({ status: 'offline' }),
      view({ status: 'error' }),
      SIGNED_OUT,
    ]) {
      ctl.update(v);
      pictures.add(tray.nativeImage.reps[0]!.buffer.toString('base64'));
    }
    expect(pictures.size).toBe(6);
  });

  it('only sets a new image when the picture changes', () => {
    const { ctl, tray } = setup();
    const before = tray.images.length;
    ctl.update(view());
    ctl.update(view({ updatedAt: 99 }));
    expect(tray.images.length).toBe(before);
    ctl.update(view({ status: 'offline' }));
    expect(tray.images.length).toBe(before + 1);
  });

  it('follows the system theme on Windows/Linux', () => {
    fake.nativeTheme.shouldUseDarkColors = true;
    const { rendered } = setup();
    expect(rendered.at(-1)!.theme).toBe('dark');
    fake.nativeTheme.shouldUseDarkColors = false;
    fake.nativeTheme.emit('updated');
    expect(rendered.at(-1)!.theme).toBe('light');
  });

  it("on GNOME the icon is light whatever the apps' theme: its top bar is black in the light style too", () => {
    fake.nativeTheme.shouldUseDarkColors = false; // Adwaita's light style, GNOME's default
    const ubuntu = setup({ desktop: 'ubuntu:GNOME' });
    expect(ubuntu.rendered.at(-1)!.theme).toBe('dark');
    resetElectronMock();
    expect(setup({ desktop: 'GNOME' }).rendered.at(-1)!.theme).toBe('dark');
    // GNOME Classic's panel and the others' follow the theme.
    for (const desktop of ['GNOME-Classic:GNOME', 'KDE', 'XFCE', '']) {
      resetElectronMock();
      expect(setup({ desktop }).rendered.at(-1)!.theme).toBe('light');
    }
  });

  it('on Windows follows the taskbar theme, not the apps theme', () => {
    fake.nativeTheme.shouldUseDarkColors = false;
    fake.nativeTheme.shouldUseDarkColorsForSystemIntegratedUI = true; // dark taskbar, light apps (the default)
    const { rendered } = setup({ platform: 'win32' });
    expect(rendered.at(-1)!.theme).toBe('dark');
    fake.nativeTheme.shouldUseDarkColorsForSystemIntegratedUI = false;
    fake.nativeTheme.shouldUseDarkColors = true;
    fake.nativeTheme.emit('updated');
    expect(rendered.at(-1)!.theme).toBe('light');
  });

  it('the tooltip says the count and the status', () => {
    const { ctl, tray } = setup();
    expect(tray.toolTip).toBe('B24 Unread Tray — 2 unread dialogs');
    ctl.update(view({ status: 'offline' }));
    expect(tray.toolTip).toBe('B24 Unread Tray — 2 unread dialogs; offline, changes are kept');
    ctl.update(SIGNED_OUT);
    expect(tray.toolTip).toBe('B24 Unread Tray — not signed in');
    ctl.update(view({ accounts: [account('a1', 'acme.bitrix24.ru', 'needs-sign-in')] }));
    expect(tray.toolTip).toContain('sign in again to acme.bitrix24.ru');
  });

  it('setTitle is used only on macOS, with a template image and the count as title', () => {
    const linux = setup();
    linux.ctl.update(view());
    expect(linux.tray.titleCalls).toBe(0);
    resetElectronMock();
    const mac = setup({ platform: 'darwin' });
    expect(mac.tray.title).toBe('2');
    expect(mac.tray.nativeImage.isTemplateImage()).toBe(true);
    expect(mac.rendered.at(-1)).toMatchObject({ theme: 'template', size: 32, count: 0, state: 'unread' });
    mac.ctl.update(view({ status: 'offline' }));
    expect(mac.tray.title).toBe('');
  });
});

describe('tray clicks', () => {
  it('a left click toggles the popup', () => {
    const { tray, did } = setup();
    tray.emit('click', {}, { x: 0, y: 0, width: 0, height: 0 });
    expect(did).toEqual(['click']);
  });

  it('Linux/Windows attach the menu; macOS pops it up on right-click only', () => {
    const linux = setup();
    expect(linux.tray.contextMenu).not.toBeNull();
    resetElectronMock();
    const mac = setup({ platform: 'darwin' });
    expect(mac.tray.contextMenu).toBeNull();
    mac.tray.emit('right-click', {}, {});
    expect(mac.tray.poppedUp).toHaveLength(1);
    mac.tray.emit('click', {}, {});
    expect(mac.did).toEqual(['click']);
  });

  it.each(['darwin', 'win32'] as const)('a double click opens the popup once, not open and shut (%s)', (platform) => {
    const { tray, did } = setup({ platform });
    tray.userDoubleClicks(platform);
    expect(did).toEqual(['click']);
  });
});

describe('tray menu', () => {
  const labels = (m: FakeMenu) => m.template.map((i) => (i.type === 'separator' ? '---' : i.label));

  it('Open, Refresh, the pinned dialogs as checkboxes, Settings, Sign out, Quit', () => {
    const { menu } = setup();
    expect(labels(menu())).toEqual([
      'Open',
      'Refresh',
      'Mark all read',
      '---',
      'Sales',
      'Anna',
      'R&&D',
      '---',
      'Settings…',
      'Sign out (acme.bitrix24.ru)',
      '---',
      'Quit',
    ]);
    const items = menu().template.filter((i) => i.type === 'checkbox');
    expect(items.map((i) => i.checked)).toEqual([true, false, true]);
  });

  it('each item does what it says', () => {
    const { menu, did } = setup();
    menu().click('Open');
    menu().click('Refresh');
    menu().click('Mark all read');
    menu().click('Anna');
    menu().click('Settings…');
    menu().click('Sign out (acme.bitrix24.ru)');
    menu().click('Quit');
    expect(did).toEqual([
      'open',
      'refresh',
      'markAllRead a1/chat74,a1/chat9',
      'toggle a1/15',
      'settings',
      'signOut a1',
      'quit',
    ]);
  });

  it('is rebuilt when the view changes (checked follows unread)', () => {
    const { ctl, menu } = setup();
    ctl.update(view({ dialogs: [dialog('a1', 'chat74', 'Sales', false, { pending: true })] }));
    const item = menu().item('Sales (sending…)');
    expect(item.checked).toBe(false);
  });

  it('shows the slot hotkeys of the first nine dialogs as hints, without registering them', () => {
    const { ctl, menu } = setup();
    const dialogs = Array.from({ length: 11 }, (_, i) => dialog('a1', `chat${i + 1}`, `Chat ${i + 1}`, false));
    const hotkeys: HotkeyStatus[] = [
      { id: 'togglePopup', accelerator: 'CommandOrControl+Alt+U', registered: true },
      ...Array.from({ length: 9 }, (_, i) => ({
        id: `slot${i + 1}`,
        accelerator: `CommandOrControl+Alt+${i + 1}`,
        registered: i !== 2,
      })),
    ];
    ctl.setSettings({ hotkeys, settings: { language: 'system' } } as unknown as SettingsView);
    ctl.update(view({ dialogs }));
    expect(menu().item('Chat 1')).toMatchObject({ accelerator: 'CommandOrControl+Alt+1', registerAccelerator: false });
    // Slot 3 failed to register: no misleading hint.
    expect(menu().item('Chat 3').accelerator).toBeUndefined();
    expect(menu().item('Chat 9').accelerator).toBe('CommandOrControl+Alt+9');
    expect(menu().item('Chat 10').accelerator).toBeUndefined();
  });

  it('several portals: dialogs name their portal, Sign out is a submenu per account', () => {
    const { ctl, menu, did } = setup();
    ctl.update(
      view({
        accounts: [account('a1', 'acme.bitrix24.ru'), account('a2', 'beta.bitrix24.com')],
        dialogs: [dialog('a1', 'chat74', 'Sales', true), dialog('a2', 'chat74', 'Sales', false)],
      }),
    );
    menu().click('Sales · beta.bitrix24.com');
    menu().click('Sign out', 'Ivan — beta.bitrix24.com');
    expect(did).toEqual(['toggle a2/chat74', 'signOut a2']);
  });

  it('"Mark all read" names every unread dialog, also those past the menu cap; disabled when none is unread', () => {
    const { ctl, menu, did } = setup();
    const dialogs = Array.from({ length: MENU_DIALOG_LIMIT + 5 }, (_, i) =>
      dialog('a1', `chat${i + 1}`, `C${i + 1}`, i % 10 === 0),
    );
    ctl.update(view({ dialogs }));
    menu().click('Mark all read');
    expect(did).toEqual(['markAllRead a1/chat1,a1/chat11,a1/chat21']);
    ctl.update(view({ dialogs: [dialog('a1', '15', 'Anna', false)] }));
    expect(() => menu().click('Mark all read')).toThrow(/disabled/);
    expect(did).toHaveLength(1);
  });

  describe('the undo of Mark all read', () => {
    /** The view once the core has marked these dialogs read (as its state push after the intent says). */
    const read = (v: ViewState, ...ids: string[]): ViewState => ({
      ...v,
      dialogs: v.dialogs.map((d) => (ids.includes(d.dialogId) ? { ...d, unread: false, pending: true } : d)),
    });

    it('is offered right after it and puts the mark back on the dialogs it marked, once', () => {
      const { ctl, menu, did } = setup();
      menu().click('Mark all read');
      ctl.update(read(view(), 'chat74', 'chat9'));
      expect(labels(menu()).slice(0, 5)).toEqual([
        'Open',
        'Refresh',
        'Mark all read',
        'Undo Mark all read (2 dialogs)',
        '---',
      ]);
      menu().click('Undo Mark all read (2 dialogs)');
      expect(did).toEqual(['markAllRead a1/chat74,a1/chat9', 'undo a1/chat74,a1/chat9']);
      expect(labels(menu())).not.toContain('Undo Mark all read (2 dialogs)');
    });

    it('leaves out a dialog unread again or gone, and goes when none is left', () => {
      const { ctl, menu, did } = setup();
      menu().click('Mark all read');
      const after = read(view(), 'chat74', 'chat9');
      ctl.update(after);
      // chat9 refused (unread again): only chat74 is left to undo.
      ctl.update(read(view(), 'chat74'));
      menu().click('Undo Mark all read (1 dialog)');
      expect(did.at(-1)).toBe('undo a1/chat74');

      menu().click('Mark all read');
      ctl.update(after);
      // chat74 unpinned, chat9 unread again (new messages): nothing left to undo.
      ctl.update({ ...view(), dialogs: view().dialogs.filter((d) => d.dialogId !== 'chat74') });
      expect(labels(menu()).filter((l) => l?.startsWith('Undo'))).toEqual([]);
    });

    it('is withdrawn by the next flip from the menu and when the popup opens', () => {
      const { ctl, menu, did } = setup();
      menu().click('Mark all read');
      ctl.update(read(view(), 'chat74', 'chat9'));
      menu().click('Anna');
      expect(() => menu().item('Undo Mark all read (2 dialogs)')).toThrow();

      ctl.update(view());
      menu().click('Mark all read');
      ctl.update(read(view(), 'chat74', 'chat9'));
      ctl.withdrawUndo();
      expect(() => menu().item('Undo Mark all read (2 dialogs)')).toThrow();
      expect(did.filter((d) => d.startsWith('undo'))).toEqual([]);
    });

    it('speaks Russian', () => {
      const { ctl, menu } = setup({ locale: 'ru-RU' });
      menu().click('Прочитать все');
      ctl.update(read(view(), 'chat74', 'chat9'));
      expect(labels(menu())).toContain('Отменить «Прочитать все» (2 диалога)');
    });
  });

  it('signed out: no dialogs, no Sign out, Refresh disabled', () => {
    const { ctl, menu } = setup();
    ctl.update(SIGNED_OUT);
    expect(labels(menu())).toEqual(['Open', 'Refresh', '---', 'Settings…', '---', 'Quit']);
    expect(() => menu().click('Refresh')).toThrow(/disabled/);
  });

  it('a long pinned list is capped, the rest one click away in the popup', () => {
    const { ctl, menu, did } = setup();
    const dialogs = Array.from({ length: MENU_DIALOG_LIMIT + 5 }, (_, i) =>
      dialog('a1', `chat${i + 1}`, `C${i + 1}`, false),
    );
    ctl.update(view({ dialogs }));
    expect(menu().template.filter((i) => i.type === 'checkbox')).toHaveLength(MENU_DIALOG_LIMIT);
    menu().click('5 more in the popup…');
    expect(did).toEqual(['open']);
  });

  it('"Restart to update" appears when an update is ready', () => {
    const { ctl, menu } = setup();
    const run = vi.fn();
    ctl.setUpdateReady({ version: '0.2.0', run });
    menu().click('Restart to update (0.2.0)');
    expect(run).toHaveBeenCalledOnce();
    ctl.setUpdateReady(null);
    expect(() => menu().item('Restart to update (0.2.0)')).toThrow();
  });

  it('speaks Russian on a Russian system or when Settings say so', () => {
    const ru = setup({ locale: 'ru-RU' });
    expect(labels(ru.menu())[0]).toBe('Открыть');
    ru.ctl.setSettings({ hotkeys: [], settings: { language: 'en' } } as unknown as SettingsView);
    expect(labels(ru.menu())[0]).toBe('Open');
  });

  it('keeps working when the icon renderer throws (keeps the previous icon)', () => {
    let fail = false;
    const { ctl, tray, menu } = setup({
      renderIcon: (o) => {
        if (fail) throw new RangeError('bad size');
        return drawTrayIcon(o);
      },
    });
    const before = tray.images.length;
    fail = true;
    expect(() => ctl.update(view({ status: 'offline' }))).not.toThrow();
    expect(tray.images.length).toBe(before);
    expect(tray.toolTip).toContain('offline');
    expect(labels(menu())[0]).toBe('Open');
  });

  it('destroy removes the icon and stops following the theme', () => {
    const { ctl, tray, rendered } = setup();
    ctl.destroy();
    expect(tray.isDestroyed()).toBe(true);
    const n = rendered.length;
    fake.nativeTheme.emit('updated');
    expect(rendered.length).toBe(n);
    expect(ctl.bounds()).toEqual({ x: 0, y: 0, width: 0, height: 0 });
  });
});
