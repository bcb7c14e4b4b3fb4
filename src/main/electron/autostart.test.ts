import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

vi.mock('electron', async () => (await import('../../../tests/mocks/electron')).electronModule);

import { fake, resetElectronMock } from '../../../tests/mocks/electron';
import { createAutostart, launchCommand } from './autostart';
import { autostartPath, buildDesktopEntry, escapeValue, quoteExecArg } from './desktop-entry';

let home: string;
beforeEach(() => {
  resetElectronMock();
  home = mkdtempSync(join(tmpdir(), 'b24-home-'));
});
afterEach(() => rmSync(home, { recursive: true, force: true }));

describe('desktop entry text', () => {
  it('a plain path stays as is', () => {
    expect(quoteExecArg('/usr/bin/b24-unread-tray')).toBe('/usr/bin/b24-unread-tray');
  });

  it.each([
    ['/opt/B24 Unread Tray/b24', '"/opt/B24 Unread Tray/b24"'],
    ['/home/u/Apps/b24$1.AppImage', '"/home/u/Apps/b24\\$1.AppImage"'],
    ['/home/u/"quoted"', '"/home/u/\\"quoted\\""'],
    ['/home/u/back\\slash', '"/home/u/back\\\\slash"'],
    ['/home/u/100%/b24', '/home/u/100%%/b24'],
    ['/home/u/it`s', '"/home/u/it\\`s"'],
    ['', '""'],
  ])('quotes %j as %j', (arg, quoted) => {
    expect(quoteExecArg(arg)).toBe(quoted);
  });

  it('applies string escaping on top of Exec quoting (a backslash becomes four)', () => {
    const text = buildDesktopEntry({ name: 'B24', exec: '/home/u/back\\slash/b24' });
    expect(text).toContain('Exec="/home/u/back\\\\\\\\slash/b24"\n');
    expect(escapeValue('a\\b')).toBe('a\\\\b');
  });

  it('is a complete autostart entry', () => {
    const text = buildDesktopEntry({
      name: 'B24 Unread Tray',
      comment: 'Tray',
      exec: '/home/u/Applications/B24 Unread Tray.AppImage',
      icon: 'b24-unread-tray',
    });
    expect(text.split('\n')).toEqual([
      '[Desktop Entry]',
      'Type=Application',
      'Version=1.5',
      'Name=B24 Unread Tray',
      'Comment=Tray',
      'Exec="/home/u/Applications/B24 Unread Tray.AppImage"',
      'Icon=b24-unread-tray',
      'Terminal=false',
      'StartupNotify=false',
      'X-GNOME-Autostart-enabled=true',
      'X-GNOME-Autostart-Delay=3',
      'X-KDE-autostart-after=panel',
      '',
    ]);
  });

  it('refuses control characters instead of writing a broken entry', () => {
    expect(() => buildDesktopEntry({ name: 'B24', exec: '/tmp/a\nExec=rm -rf ~' })).toThrow(RangeError);
    expect(() => buildDesktopEntry({ name: 'B\n24', exec: '/bin/b24' })).toThrow(/Name/);
    expect(() => buildDesktopEntry({ name: 'B24', exec: '' })).toThrow(/Exec/);
  });

  it('lives in $XDG_CONFIG_HOME/autostart, else ~/.config/autostart', () => {
    expect(autostartPath({}, '/home/u')).toBe('/home/u/.config/autostart/b24-unread-tray.desktop');
    expect(autostartPath({ XDG_CONFIG_HOME: '/cfg' }, '/home/u')).toBe('/cfg/autostart/b24-unread-tray.desktop');
    // A relative XDG_CONFIG_HOME is invalid per the spec and ignored.
    expect(autostartPath({ XDG_CONFIG_HOME: 'cfg' }, '/home/u')).toBe(
      '/home/u/.config/autostart/b24-unread-tray.desktop',
    );
  });
});

describe('launch command', () => {
  it('uses the AppImage path when run from one', () => {
    expect(
      launchCommand({
        env: { APPIMAGE: '/home/u/B24.AppImage' },
        execPath: '/tmp/.mount_B24xyz/b24-unread-tray',
        isPackaged: true,
        appPath: '/tmp/.mount_B24xyz/resources/app.asar',
      }),
    ).toEqual({ exec: '/home/u/B24.AppImage', args: [] });
  });

  it('uses the executable otherwise, plus the app folder when unpackaged', () => {
    expect(launchCommand({ env: {}, execPath: '/usr/bin/b24', isPackaged: true, appPath: '/x' })).toEqual({
      exec: '/usr/bin/b24',
      args: [],
    });
    expect(launchCommand({ env: {}, execPath: '/n/electron', isPackaged: false, appPath: '/src/app' })).toEqual({
      exec: '/n/electron',
      args: ['/src/app'],
    });
  });
});

describe('autostart on Linux', () => {
  const linux = (env: NodeJS.ProcessEnv = {}) =>
    createAutostart({ platform: 'linux', env, home, execPath: '/opt/B24 Unread Tray/b24-unread-tray' });
  const file = () => join(home, '.config', 'autostart', 'b24-unread-tray.desktop');

  it('after an AppImage update renamed the file, the next start points the entry at the new one', async () => {
    fake.app.isPackaged = true;
    // 0.1.0 wrote the entry; electron-updater then deleted it and moved 0.2.0 in under its own name.
    await linux({ APPIMAGE: '/home/u/Apps/B24 Unread Tray-0.1.0-x86_64.AppImage' }).setEnabled(true);
    const updated = linux({ APPIMAGE: '/home/u/Apps/B24 Unread Tray-0.2.0-x86_64.AppImage' });
    expect(await updated.repair()).toBe(true);
    expect(readFileSync(file(), 'utf8')).toContain('Exec="/home/u/Apps/B24 Unread Tray-0.2.0-x86_64.AppImage"\n');
    expect(await updated.repair()).toBe(false);
    expect(await updated.isEnabled()).toBe(true);
  });

  it('repair leaves a missing or switched-off entry alone', async () => {
    fake.app.isPackaged = true;
    const a = linux({ APPIMAGE: '/home/u/Apps/new.AppImage' });
    expect(await a.repair()).toBe(false);
    expect(existsSync(file())).toBe(false);
    await linux({ APPIMAGE: '/home/u/Apps/old.AppImage' }).setEnabled(true);
    writeFileSync(
      file(),
      readFileSync(file(), 'utf8').replace('X-GNOME-Autostart-enabled=true', 'X-GNOME-Autostart-enabled=false'),
    );
    expect(await a.repair()).toBe(false);
    expect(readFileSync(file(), 'utf8')).toContain('old.AppImage');
  });

  it('writes the entry, reports it enabled, removes it', async () => {
    fake.app.isPackaged = true;
    const a = linux({ APPIMAGE: '/home/u/Apps/B24 Unread Tray.AppImage' });
    expect(await a.isEnabled()).toBe(false);
    await a.setEnabled(true);
    expect(await a.isEnabled()).toBe(true);
    const text = readFileSync(file(), 'utf8');
    expect(text).toContain('Exec="/home/u/Apps/B24 Unread Tray.AppImage"\n');
    expect(statSync(file()).mode & 0o777).toBe(0o644);
    await a.setEnabled(false);
    expect(existsSync(file())).toBe(false);
    expect(await a.isEnabled()).toBe(false);
    await expect(a.setEnabled(false)).resolves.toBeUndefined();
  });

  it('honours the user switching it off in the desktop settings', async () => {
    fake.app.isPackaged = true;
    const a = linux();
    await a.setEnabled(true);
    writeFileSync(file(), readFileSync(file(), 'utf8') + 'Hidden=true\n');
    expect(await a.isEnabled()).toBe(false);
  });

  it('does not touch login items on Linux', async () => {
    await linux().setEnabled(true);
    expect(fake.app.loginItemCalls).toEqual([]);
  });
});

describe('autostart on Windows and macOS', () => {
  it.each(['win32', 'darwin'] as const)('%s uses login items', async (platform) => {
    fake.app.isPackaged = true;
    const a = createAutostart({ platform, env: {}, execPath: 'C:\\Apps\\B24\\B24 Unread Tray.exe', home });
    await a.setEnabled(true);
    expect(await a.isEnabled()).toBe(true);
    expect(fake.app.loginItemCalls).toEqual([
      { openAtLogin: true, path: 'C:\\Apps\\B24\\B24 Unread Tray.exe', args: [] },
    ]);
    await a.setEnabled(false);
    expect(await a.isEnabled()).toBe(false);
    expect(existsSync(join(home, '.config'))).toBe(false);
  });
});
