import { describe, expect, it } from 'vitest';
import { tempDirs } from '../../../../tests/support/temp-dirs';
import { BitrixError } from '../bitrix/types';
import type { KeyValueStore } from '../ports';
import {
  DEFAULT_SETTINGS,
  acceleratorProblem,
  createSettingsStore,
  defaultSettings,
  sanitizeSettings,
  validateSettingsPatch,
} from './settings';
import { createConfStore } from './store';

const tempDir = tempDirs('b24-settings-');
const confStore = (): KeyValueStore => createConfStore(tempDir());

function rejection(patch: unknown): BitrixError {
  try {
    validateSettingsPatch(patch);
  } catch (e) {
    if (e instanceof BitrixError) return e;
    throw e;
  }
  throw new Error('the patch was accepted');
}

const slots = (...over: [number, unknown][]): unknown[] => {
  const s: unknown[] = [...DEFAULT_SETTINGS.hotkeys.slots];
  for (const [i, v] of over) s[i] = v;
  return s;
};

describe('DEFAULT_SETTINGS', () => {
  it('has the documented defaults and is frozen', () => {
    expect(DEFAULT_SETTINGS).toEqual({
      hotkeys: {
        togglePopup: 'CommandOrControl+Shift+Alt+U',
        slots: [1, 2, 3, 4, 5, 6, 7, 8, 9].map((n) => `CommandOrControl+Shift+Alt+${n}`),
      },
      pollIntervalSec: 60,
      launchAtLogin: false,
      theme: 'system',
      language: 'system',
      notifications: 'on',
      notifyDialogs: [],
      secretsInMemoryOnly: false,
      oauthRedirectPort: 47231,
    });
    expect(Object.isFrozen(DEFAULT_SETTINGS.hotkeys.slots)).toBe(true);
    expect(validateSettingsPatch(defaultSettings())).toEqual(DEFAULT_SETTINGS);
  });
});

describe('validateSettingsPatch', () => {
  const bad: [string, unknown, RegExp][] = [
    ['not an object', 'theme=dark', /the change must be an object \(got "theme=dark"\)/],
    ['an array', [], /must be an object \(got a list of 0\)/],
    ['null', null, /must be an object \(got null\)/],
    ['an unknown key', { fontSize: 12 }, /"fontSize" is not a setting/],
    ['a prototype key', JSON.parse('{"__proto__":{"x":1}}'), /"__proto__" is not a setting/],
    [
      'poll too short',
      { pollIntervalSec: 5 },
      /"pollIntervalSec" must be a whole number of seconds from 15 to 3600 \(got 5\)/,
    ],
    ['poll too long', { pollIntervalSec: 3601 }, /"pollIntervalSec".*from 15 to 3600 \(got 3601\)/],
    ['poll fractional', { pollIntervalSec: 60.5 }, /"pollIntervalSec".*\(got 60.5\)/],
    ['poll as text', { pollIntervalSec: '60' }, /"pollIntervalSec".*\(got "60"\)/],
    ['poll NaN', { pollIntervalSec: Number.NaN }, /"pollIntervalSec"/],
    [
      'privileged port',
      { oauthRedirectPort: 80 },
      /"oauthRedirectPort" must be a whole number of port from 1024 to 65535 \(got 80\)/,
    ],
    ['port too high', { oauthRedirectPort: 70000 }, /"oauthRedirectPort".*\(got 70000\)/],
    ['launchAtLogin as text', { launchAtLogin: 'yes' }, /"launchAtLogin" must be true or false \(got "yes"\)/],
    ['secretsInMemoryOnly as number', { secretsInMemoryOnly: 1 }, /"secretsInMemoryOnly" must be true or false/],
    ['unknown theme', { theme: 'purple' }, /"theme" must be one of "system", "light", "dark" \(got "purple"\)/],
    ['unknown language', { language: 'de' }, /"language" must be one of "system", "en", "ru"/],
    [
      'unknown notifications mode',
      { notifications: true },
      /"notifications" must be one of "off", "on", "chosen" \(got true\)/,
    ],
    ['hotkeys not an object', { hotkeys: 'Ctrl+U' }, /"hotkeys" must be an object/],
    ['unknown hotkey', { hotkeys: { openSettings: 'Ctrl+S' } }, /"hotkeys.openSettings" is not a setting/],
    [
      '8 slots',
      { hotkeys: { slots: slots().slice(0, 8) } },
      /"hotkeys.slots" must be a list of exactly 9 shortcuts \(got a list of 8\)/,
    ],
    ['10 slots', { hotkeys: { slots: [...slots(), ''] } }, /"hotkeys.slots" must be a list of exactly 9/],
    ['slot not text', { hotkeys: { slots: slots([2, 3]) } }, /"hotkeys.slots\[2\]" must be a shortcut text, not 3/],
    [
      'accelerator too long',
      { hotkeys: { togglePopup: `Ctrl+${'A'.repeat(70)}` } },
      /"hotkeys.togglePopup" is longer than 64 characters/,
    ],
    [
      'accelerator with control chars',
      { hotkeys: { togglePopup: 'Ctrl+\nU' } },
      /"hotkeys.togglePopup" must use keys like/,
    ],
    ['accelerator with spaces', { hotkeys: { togglePopup: 'Ctrl + U' } }, /"hotkeys.togglePopup" must use keys like/],
    ['empty key', { hotkeys: { togglePopup: 'Ctrl++' } }, /has an empty key between "\+" signs/],
    ['unknown modifier', { hotkeys: { togglePopup: 'Hyper+U' } }, /has "Hyper", which is not a modifier/],
    ['no key', { hotkeys: { togglePopup: 'Ctrl+Alt' } }, /has no key after the modifiers/],
    [
      'bad key name',
      { hotkeys: { slots: slots([0, 'Ctrl+Banana']) } },
      /"hotkeys.slots\[0\]" ends with "Banana", which is not a key name/,
    ],
    ['repeated modifier', { hotkeys: { togglePopup: 'Ctrl+ctrl+U' } }, /repeats a modifier/],
    ['notifyDialogs not a list', { notifyDialogs: 'a1/chat7' }, /"notifyDialogs" must be a list/],
    [
      'notify key without slash',
      { notifyDialogs: ['chat7'] },
      /"notifyDialogs\[0\]" "chat7" is not "<account>\/<dialog id>"/,
    ],
    [
      'notify key with bad dialog',
      { notifyDialogs: ['a1/chat7', 'a1/chatX'] },
      /"notifyDialogs\[1\]" "a1\/chatX" does not end with a dialog id/,
    ],
    [
      'notify key with padded dialog',
      { notifyDialogs: ['a1/ chat7'] },
      /"notifyDialogs\[0\]".*does not end with a dialog id/,
    ],
    [
      'notify key with bad account',
      { notifyDialogs: ['a.b/chat7'] },
      /"notifyDialogs\[0\]".*does not start with an account id/,
    ],
    ['notify key not text', { notifyDialogs: [7] }, /"notifyDialogs\[0\]" is 7, not text/],
    ['too many notify dialogs', { notifyDialogs: Array.from({ length: 501 }, (_, i) => `a1/${i + 1}`) }, /at most 500/],
  ];

  it.each(bad)('rejects %s with a message naming the field', (_name, patch, message) => {
    const err = rejection(patch);
    expect(err.code).toBe('INVALID_ARGUMENT');
    expect(err.message).toMatch(/^Settings: /);
    expect(err.message).toMatch(message);
  });

  it('does not echo long input back', () => {
    const err = rejection({ theme: 'x'.repeat(10_000) });
    expect(err.message.length).toBeLessThan(200);
  });

  it('accepts valid values, including "off" shortcuts, and returns only the given keys', () => {
    const patch = {
      pollIntervalSec: 15,
      oauthRedirectPort: 65535,
      hotkeys: {
        togglePopup: '',
        slots: slots([0, 'Super+Shift+F12'], [1, 'Alt+Plus'], [2, 'CmdOrCtrl+num5'], [3, '']),
      },
      notifyDialogs: ['a1/chat7', 'a1/sg3', 'a2/15', 'a1/chat7'],
      notifications: 'chosen',
    };
    expect(validateSettingsPatch(patch)).toEqual({ ...patch, notifyDialogs: ['a1/chat7', 'a1/sg3', 'a2/15'] });
    expect(validateSettingsPatch({})).toEqual({});
  });

  it('knows what an accelerator looks like', () => {
    for (const ok of ['CommandOrControl+Alt+U', 'F5', 'Ctrl+Space', 'Shift+/', 'Alt+`', 'MediaPlayPause', 'AltGr+E']) {
      expect(acceleratorProblem(ok), ok).toBeNull();
    }
  });
});

describe('createSettingsStore', () => {
  it('starts with the defaults and persists a validated change', () => {
    const store = confStore();
    const settings = createSettingsStore(store);
    expect(settings.get()).toEqual(DEFAULT_SETTINGS);
    const next = settings.update({ pollIntervalSec: 120, theme: 'dark' });
    expect(next).toMatchObject({ pollIntervalSec: 120, theme: 'dark', launchAtLogin: false });
    expect(createSettingsStore(store).get()).toEqual(next);
  });

  it('merges hotkeys field by field', () => {
    const settings = createSettingsStore(confStore());
    settings.update({ hotkeys: { slots: slots([0, 'F1']) } });
    const next = settings.update({ hotkeys: { togglePopup: 'Ctrl+Shift+Space' } });
    expect(next.hotkeys.togglePopup).toBe('Ctrl+Shift+Space');
    expect(next.hotkeys.slots[0]).toBe('F1');
    expect(next.hotkeys.slots[1]).toBe('CommandOrControl+Shift+Alt+2');
  });

  it('rejects a bad patch without changing anything', () => {
    const store = confStore();
    const settings = createSettingsStore(store);
    settings.update({ theme: 'light' });
    expect(() => settings.update({ theme: 'dark', pollIntervalSec: 1 })).toThrow(/pollIntervalSec/);
    expect(settings.get().theme).toBe('light');
  });

  it('rejects two hotkeys on the same keys, however they are spelt', () => {
    const settings = createSettingsStore(confStore());
    expect(() => settings.update({ hotkeys: { togglePopup: 'alt+shift+cmdorctrl+1' } })).toThrow(
      /"hotkeys.slots\[0\]" uses "CommandOrControl\+Shift\+A…", which hotkeys.togglePopup already uses/,
    );
    expect(() => settings.update({ hotkeys: { slots: slots([8, 'CmdOrCtrl+Alt+Shift+1']) } })).toThrow(
      /"hotkeys.slots\[8\]" uses "CmdOrCtrl\+Alt\+Shift\+1", which hotkeys.slots\[0\] already uses/,
    );
    expect(settings.get()).toEqual(DEFAULT_SETTINGS);
  });

  it('returns copies the caller cannot use to change the store', () => {
    const settings = createSettingsStore(confStore());
    const s = settings.get();
    s.hotkeys.slots[0] = 'F9';
    expect(settings.get().hotkeys.slots[0]).toBe('CommandOrControl+Shift+Alt+1');
  });
});

describe('sanitizeSettings', () => {
  it('keeps each valid field and defaults the rest', () => {
    const out = sanitizeSettings({
      pollIntervalSec: 300,
      theme: 'neon',
      hotkeys: { togglePopup: 'F8', slots: ['x'] },
      extra: true,
    });
    expect(out).toEqual({
      ...DEFAULT_SETTINGS,
      pollIntervalSec: 300,
      hotkeys: { ...DEFAULT_SETTINGS.hotkeys, togglePopup: 'F8' },
    });
    expect(sanitizeSettings('garbage')).toEqual(DEFAULT_SETTINGS);
  });
});

describe('the AltGr-safe default shortcuts', () => {
  it('are not Ctrl+Alt+key, which is AltGr+key on Windows', () => {
    for (const a of [DEFAULT_SETTINGS.hotkeys.togglePopup, ...DEFAULT_SETTINGS.hotkeys.slots]) {
      const mods = a.split('+').slice(0, -1);
      expect(mods.includes('Alt') && mods.includes('CommandOrControl') && mods.length === 2).toBe(false);
    }
  });

  it('stored settings still on the old Ctrl+Alt defaults get the new ones; chosen keys stay', () => {
    const stored = {
      hotkeys: {
        togglePopup: 'CommandOrControl+Alt+U',
        slots: ['F9', ...Array.from({ length: 8 }, (_, i) => `CommandOrControl+Alt+${i + 2}`)],
      },
    };
    const s = sanitizeSettings(stored);
    expect(s.hotkeys.togglePopup).toBe('CommandOrControl+Shift+Alt+U');
    expect(s.hotkeys.slots).toEqual(['F9', ...DEFAULT_SETTINGS.hotkeys.slots.slice(1)]);
    expect(sanitizeSettings({ hotkeys: { togglePopup: 'Super+Alt+U' } }).hotkeys.togglePopup).toBe('Super+Alt+U');
  });
});
