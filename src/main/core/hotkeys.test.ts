import { describe, expect, it } from 'vitest';
import { createHotkeyManager } from './hotkeys';
import { fakeRegistrar } from '../../../tests/core/helpers';
import type { Settings } from '../../shared/types';

const slots = (over: Record<number, string> = {}) =>
  Array.from({ length: 9 }, (_, i) => over[i + 1] ?? `CommandOrControl+Alt+${i + 1}`);
const hk = (togglePopup: string, over: Record<number, string> = {}): Settings['hotkeys'] => ({
  togglePopup,
  slots: slots(over),
});

function setup(opts: { taken?: string[]; invalid?: string[] } = {}) {
  const reg = fakeRegistrar(opts);
  const fired: string[] = [];
  const m = createHotkeyManager(reg, { togglePopup: () => fired.push('popup'), slot: (n) => fired.push(`slot${n}`) });
  return { reg, fired, m };
}

describe('hotkey manager', () => {
  it('registers the popup toggle and nine slots, each firing its own action', () => {
    const { reg, fired, m } = setup();
    const st = m.apply(hk('CommandOrControl+Alt+U'));
    expect(st).toHaveLength(10);
    expect(st.every((s) => s.registered && !s.error)).toBe(true);
    expect(reg.registered.size).toBe(10);
    reg.registered.get('CommandOrControl+Alt+U')!();
    reg.registered.get('CommandOrControl+Alt+3')!();
    expect(fired).toEqual(['popup', 'slot3']);
  });

  it('where the desktop binds them out of sight (Wayland portal), set shortcuts are marked unconfirmed, off ones are not', () => {
    const reg = Object.assign(fakeRegistrar(), { confirmsRegistration: false });
    const m = createHotkeyManager(reg, { togglePopup: () => {}, slot: () => {} });
    const st = m.apply(hk('CommandOrControl+Alt+U', { 3: '' }));
    expect(st[0]).toEqual({
      id: 'togglePopup',
      accelerator: 'CommandOrControl+Alt+U',
      registered: true,
      unconfirmed: true,
    });
    expect(st[3]).toEqual({ id: 'slot3', accelerator: '', registered: false });
    expect(m.statuses().filter((s) => s.unconfirmed)).toHaveLength(9);
    // Where the system answers (X11, Windows, macOS), nothing is marked.
    expect(
      setup()
        .m.apply(hk('CommandOrControl+Alt+U'))
        .some((s) => s.unconfirmed),
    ).toBe(false);
  });

  it('an empty accelerator turns the shortcut off', () => {
    const { reg, m } = setup();
    m.apply(hk('CommandOrControl+Alt+U'));
    const st = m.apply(hk('', { 2: '' }));
    expect(st[0]).toEqual({ id: 'togglePopup', accelerator: '', registered: false });
    expect(st[2]).toEqual({ id: 'slot2', accelerator: '', registered: false });
    expect(reg.registered.has('CommandOrControl+Alt+U')).toBe(false);
    expect(reg.registered.size).toBe(8);
  });

  it('a taken accelerator is reported and rolled back to the last one that worked', () => {
    const { reg, fired, m } = setup({ taken: ['Ctrl+Shift+P'] });
    m.apply(hk('CommandOrControl+Alt+U'));
    const st = m.apply(hk('Ctrl+Shift+P'));
    expect(st[0]).toMatchObject({
      id: 'togglePopup',
      accelerator: 'CommandOrControl+Alt+U',
      registered: true,
      error: { code: 'HOTKEY_TAKEN', wanted: 'Ctrl+Shift+P' },
    });
    expect(st[0]!.error!.message).toMatch(/previous one was kept/);
    // The user still has a working shortcut, and it still works.
    reg.registered.get('CommandOrControl+Alt+U')!();
    expect(fired).toEqual(['popup']);
    expect(m.effective().togglePopup).toBe('CommandOrControl+Alt+U');
  });

  it('an accelerator Electron cannot parse is reported as invalid and rolled back, without asking the registrar', () => {
    const { reg, fired, m } = setup();
    m.apply(hk('CommandOrControl+Alt+U'));
    reg.log.length = 0;
    const st = m.apply(hk('CommandOrControl+Alt+U', { 4: 'Ctrl+Nope' }));
    expect(st[4]).toMatchObject({
      accelerator: 'CommandOrControl+Alt+4',
      registered: true,
      error: { code: 'HOTKEY_INVALID', wanted: 'Ctrl+Nope' },
    });
    expect(st[4]!.error!.message).toMatch(/"Nope", which is not a key name.*previous shortcut was kept/);
    // The old shortcut was freed and taken back; the bad one never reached Electron.
    expect(reg.log).toEqual(['-CommandOrControl+Alt+4', '+CommandOrControl+Alt+4']);
    reg.registered.get('CommandOrControl+Alt+4')!();
    expect(fired).toEqual(['slot4']);
  });

  it.each([
    'Ctrl+Nope',
    'Ctrl+',
    'Ctrl++',
    'Alt+Shift',
    'Hyper+A',
    'Strg+A',
    'Ctrl+F25',
    'Ctrl+F0',
    'Ctrl+AB',
    'Ctrl+A+B',
    'Ctrl+Ctrl+A',
    'Ctrl+Ä',
    'Ctrl+num10',
    'Ctrl+MediaPause',
  ])('%s is HOTKEY_INVALID and never registered', (bad) => {
    const { reg, m } = setup();
    m.apply(hk('CommandOrControl+Alt+U'));
    reg.log.length = 0;
    const st = m.apply(hk(bad));
    expect(st[0]).toMatchObject({
      accelerator: 'CommandOrControl+Alt+U',
      registered: true,
      error: { code: 'HOTKEY_INVALID', wanted: bad },
    });
    expect(reg.log.some((l) => l === `+${bad}`)).toBe(false);
    expect(m.effective().togglePopup).toBe('CommandOrControl+Alt+U');
  });

  it.each([
    'Command+Shift+Plus',
    'Cmd+Space',
    'Control+Tab',
    'CmdOrCtrl+Option+F24',
    'AltGr+num5',
    'Super+MediaPlayPause',
    'Meta+Escape',
    'Shift+Esc',
    'Ctrl+PageUp',
    'Alt+PrintScreen',
    'Ctrl+Alt+/',
    'Ctrl+numdiv',
    'VolumeMute',
    'F9',
    'ctrl+shift+z',
  ])('well-formed %s registers when free and is HOTKEY_TAKEN when another program holds it', (acc) => {
    const free = setup();
    expect(free.m.apply(hk(acc))[0]).toEqual({ id: 'togglePopup', accelerator: acc, registered: true });

    const held = setup({ taken: [acc] });
    held.m.apply(hk('CommandOrControl+Alt+U'));
    const st = held.m.apply(hk(acc));
    expect(st[0]).toMatchObject({
      accelerator: 'CommandOrControl+Alt+U',
      registered: true,
      error: { code: 'HOTKEY_TAKEN', wanted: acc },
    });
    expect(held.reg.log).toContain(`+${acc}`);
  });

  it('a well-formed accelerator the registrar still throws on is reported as invalid and rolled back', () => {
    const { m } = setup({ invalid: ['Ctrl+Shift+F13'] });
    m.apply(hk('CommandOrControl+Alt+U'));
    const st = m.apply(hk('Ctrl+Shift+F13'));
    expect(st[0]).toMatchObject({
      accelerator: 'CommandOrControl+Alt+U',
      registered: true,
      error: { code: 'HOTKEY_INVALID', wanted: 'Ctrl+Shift+F13' },
    });
  });

  it('a taken accelerator with nothing to roll back to leaves the slot off and says so', () => {
    const { m } = setup({ taken: ['CommandOrControl+Alt+1'] });
    const st = m.apply(hk('CommandOrControl+Alt+U'));
    expect(st[1]).toMatchObject({ id: 'slot1', accelerator: '', registered: false, error: { code: 'HOTKEY_TAKEN' } });
    expect(m.effective().slots[0]).toBe('');
  });

  it('duplicates within the settings are reported; the first keeps it', () => {
    const { reg, m } = setup();
    m.apply(hk('CommandOrControl+Alt+U'));
    const st = m.apply(hk('CommandOrControl+Alt+U', { 5: 'Alt+CommandOrControl+u' }));
    expect(st[5]).toMatchObject({
      id: 'slot5',
      accelerator: 'CommandOrControl+Alt+5',
      registered: true,
      error: { code: 'HOTKEY_TAKEN', wanted: 'Alt+CommandOrControl+u' },
    });
    expect(st[5]!.error!.message).toMatch(/show\/hide popup/);
    expect(reg.registered.get('CommandOrControl+Alt+U')).toBeDefined();
  });

  it('swapping two slots works', () => {
    const { reg, fired, m } = setup();
    m.apply(hk('CommandOrControl+Alt+U'));
    const st = m.apply(hk('CommandOrControl+Alt+U', { 1: 'CommandOrControl+Alt+2', 2: 'CommandOrControl+Alt+1' }));
    expect(st.every((s) => !s.error)).toBe(true);
    reg.registered.get('CommandOrControl+Alt+1')!();
    expect(fired).toEqual(['slot2']);
  });

  it('unchanged accelerators are not re-registered; dispose frees everything', () => {
    const { reg, m } = setup();
    m.apply(hk('CommandOrControl+Alt+U'));
    reg.log.length = 0;
    m.apply(hk('CommandOrControl+Alt+U', { 9: 'F9' }));
    expect(reg.log).toEqual(['-CommandOrControl+Alt+9', '+F9']);
    m.dispose();
    expect(reg.registered.size).toBe(0);
    expect(m.statuses().every((s) => !s.registered)).toBe(true);
  });
});
