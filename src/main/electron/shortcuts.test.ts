import { beforeEach, describe, expect, it, vi } from 'vitest';

vi.mock('electron', async () => (await import('../../../tests/mocks/electron')).electronModule);

import { fake, resetElectronMock } from '../../../tests/mocks/electron';
import { createHotkeyManager } from '../core/hotkeys';
import type { Settings } from '../../shared/types';
import { createShortcutRegistrar, unregisterAllShortcuts } from './shortcuts';

const slots = (over: Record<number, string> = {}) =>
  Array.from({ length: 9 }, (_, i) => over[i + 1] ?? `CommandOrControl+Alt+${i + 1}`);

function hotkeys(togglePopup = 'CommandOrControl+Alt+U', over: Record<number, string> = {}): Settings['hotkeys'] {
  return { togglePopup, slots: slots(over) };
}

beforeEach(() => resetElectronMock());

describe('createShortcutRegistrar', () => {
  it('registers with globalShortcut and reports success', () => {
    const warn = vi.fn();
    const r = createShortcutRegistrar({ warn });
    const cb = vi.fn();
    expect(r.register('CommandOrControl+Alt+U', cb)).toBe(true);
    fake.globalShortcut.press('CommandOrControl+Alt+U');
    expect(cb).toHaveBeenCalledOnce();
    expect(warn).not.toHaveBeenCalled();
  });

  it('returns false for an accelerator another program holds', () => {
    fake.globalShortcut.taken.add('CommandOrControl+Alt+U');
    const warn = vi.fn();
    expect(createShortcutRegistrar({ warn }).register('CommandOrControl+Alt+U', () => {})).toBe(false);
    expect(warn).toHaveBeenCalledWith('global shortcut not registered', { accelerator: 'CommandOrControl+Alt+U' });
  });

  it('returns false (does not throw) for an accelerator Electron cannot parse', () => {
    const r = createShortcutRegistrar();
    expect(r.register('Ctrl+Banana', () => {})).toBe(false);
    expect(r.register('', () => {})).toBe(false);
    expect(fake.globalShortcut.registered.size).toBe(0);
  });

  it('unregister and unregisterAll release shortcuts; unregistering junk is harmless', () => {
    const r = createShortcutRegistrar();
    r.register('Alt+1', () => {});
    r.register('Alt+2', () => {});
    r.unregister('Alt+1');
    expect([...fake.globalShortcut.registered.keys()]).toEqual(['Alt+2']);
    expect(() => r.unregister('not an accelerator')).not.toThrow();
    unregisterAllShortcuts();
    expect(fake.globalShortcut.registered.size).toBe(0);
  });
});

describe('the hotkey manager over the Electron registrar', () => {
  function manager() {
    const did: string[] = [];
    const m = createHotkeyManager(createShortcutRegistrar(), {
      togglePopup: () => did.push('toggle'),
      slot: (n) => did.push(`slot${n}`),
    });
    return { m, did };
  }

  it('registers the popup toggle and nine slots; pressing them acts', () => {
    const { m, did } = manager();
    const st = m.apply(hotkeys());
    expect(st.every((s) => s.registered)).toBe(true);
    expect(fake.globalShortcut.registered.size).toBe(10);
    fake.globalShortcut.press('CommandOrControl+Alt+U');
    fake.globalShortcut.press('CommandOrControl+Alt+3');
    expect(did).toEqual(['toggle', 'slot3']);
  });

  it('a taken accelerator is reported and rolled back to the last working one', () => {
    const { m, did } = manager();
    m.apply(hotkeys());
    fake.globalShortcut.taken.add('CommandOrControl+Shift+Space');
    const st = m.apply(hotkeys('CommandOrControl+Shift+Space'));
    const toggle = st.find((s) => s.id === 'togglePopup')!;
    expect(toggle).toMatchObject({
      accelerator: 'CommandOrControl+Alt+U',
      registered: true,
      error: { code: 'HOTKEY_TAKEN', wanted: 'CommandOrControl+Shift+Space' },
    });
    expect(fake.globalShortcut.isRegistered('CommandOrControl+Alt+U')).toBe(true);
    fake.globalShortcut.press('CommandOrControl+Alt+U');
    expect(did).toEqual(['toggle']);
    expect(m.effective().togglePopup).toBe('CommandOrControl+Alt+U');
  });

  it('an accelerator Electron rejects is refused without losing the old one', () => {
    const { m } = manager();
    m.apply(hotkeys());
    const st = m.apply(hotkeys('CommandOrControl+Alt+U', { 2: 'Ctrl+Banana' }));
    const slot2 = st.find((s) => s.id === 'slot2')!;
    expect(slot2.accelerator).toBe('CommandOrControl+Alt+2');
    expect(slot2.registered).toBe(true);
    expect(slot2.error?.wanted).toBe('Ctrl+Banana');
    expect(fake.globalShortcut.isRegistered('CommandOrControl+Alt+2')).toBe(true);
  });

  it('a conflict at first start leaves that shortcut off and says why; the others work', () => {
    fake.globalShortcut.taken.add('CommandOrControl+Alt+5');
    const { m } = manager();
    const st = m.apply(hotkeys());
    expect(st.find((s) => s.id === 'slot5')).toMatchObject({ registered: false, error: { code: 'HOTKEY_TAKEN' } });
    expect(st.filter((s) => s.registered)).toHaveLength(9);
  });

  it('dispose unregisters everything it registered', () => {
    const { m } = manager();
    m.apply(hotkeys());
    m.dispose();
    expect(fake.globalShortcut.registered.size).toBe(0);
  });
});

describe('on a Linux Wayland session (the GlobalShortcuts portal)', () => {
  function manager() {
    fake.globalShortcut.waylandPortal = true;
    const did: string[] = [];
    const m = createHotkeyManager(createShortcutRegistrar(undefined, { platform: 'linux-wayland' }), {
      togglePopup: () => did.push('toggle'),
      slot: (n) => did.push(`slot${n}`),
    });
    return { m, did };
  }

  it('after the popup shortcut is changed, the old key no longer opens the popup; the new one does', () => {
    const { m, did } = manager();
    m.apply(hotkeys());
    m.apply(hotkeys('CommandOrControl+Shift+Space'));
    // Electron cannot release it there: the desktop still delivers it, and it must do nothing.
    fake.globalShortcut.press('CommandOrControl+Alt+U');
    expect(did).toEqual([]);
    fake.globalShortcut.press('CommandOrControl+Shift+Space');
    expect(did).toEqual(['toggle']);
  });

  it('a shortcut turned off does nothing any more', () => {
    const { m, did } = manager();
    m.apply(hotkeys());
    m.apply(hotkeys('', { 4: '' }));
    fake.globalShortcut.press('CommandOrControl+Alt+U');
    fake.globalShortcut.press('CommandOrControl+Alt+4');
    fake.globalShortcut.press('CommandOrControl+Alt+5');
    expect(did).toEqual(['slot5']);
  });

  it('swapping two slots swaps what the keys do, and a key given back works again without a new request', () => {
    const { m, did } = manager();
    m.apply(hotkeys());
    m.apply(hotkeys('CommandOrControl+Alt+U', { 1: 'CommandOrControl+Alt+2', 2: 'CommandOrControl+Alt+1' }));
    fake.globalShortcut.press('CommandOrControl+Alt+1');
    fake.globalShortcut.press('CommandOrControl+Alt+2');
    expect(did).toEqual(['slot2', 'slot1']);
    m.apply(hotkeys('Alt+F9'));
    m.apply(hotkeys('CommandOrControl+Alt+U'));
    fake.globalShortcut.press('CommandOrControl+Alt+U');
    fake.globalShortcut.press('Alt+F9');
    expect(did).toEqual(['slot2', 'slot1', 'toggle']);
    // Each key was asked of the desktop once (GNOME asks the user to confirm each new request).
    const requests = fake.globalShortcut.log.filter((l) => l.startsWith('register '));
    expect(requests).toEqual([...new Set(requests)]);
  });

  it('a key another program holds still comes back as requested, never as taken: Settings can only say it was asked for', () => {
    const { m } = manager();
    fake.globalShortcut.taken.add('CommandOrControl+Alt+7');
    const st = m.apply(hotkeys());
    expect(st.find((s) => s.id === 'slot7')).toEqual({
      id: 'slot7',
      accelerator: 'CommandOrControl+Alt+7',
      registered: true,
      unconfirmed: true,
    });
    expect(st.every((s) => s.unconfirmed && !s.error)).toBe(true);
  });
});
