/**
 * The {@link Autostart} port: login items on Windows and macOS
 * (`app.setLoginItemSettings`), an XDG autostart `.desktop` entry on Linux
 * (Electron's login items do nothing there).
 */
import { app } from 'electron';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { dirname } from 'node:path';
import type { Autostart } from '../core/ports';
import { autostartPath, buildDesktopEntry } from './desktop-entry';

/** Options of {@link createAutostart}; all default to the running process. */
export interface AutostartOptions {
  platform?: NodeJS.Platform;
  env?: NodeJS.ProcessEnv;
  execPath?: string;
  home?: string;
  productName?: string;
}

/**
 * What to launch at login: the AppImage itself when run from one
 * (`process.execPath` points into its temporary mount, gone after exit),
 * else the executable; unpackaged, Electron plus the app folder.
 */
export function launchCommand(opts: {
  env: NodeJS.ProcessEnv;
  execPath: string;
  isPackaged: boolean;
  appPath: string;
}): {
  exec: string;
  args: string[];
} {
  const exec = opts.env.APPIMAGE && opts.env.APPIMAGE.startsWith('/') ? opts.env.APPIMAGE : opts.execPath;
  return { exec, args: opts.isPackaged ? [] : [opts.appPath] };
}

/** The autostart adapter, plus the start-up repair of a Linux entry that names an old AppImage. */
export interface AutostartAdapter extends Autostart {
  /**
   * Linux: when autostart is on and its entry starts another program than
   * this one (an AppImage update moved or replaced the file: electron-updater
   * deletes the running AppImage and moves the new one in, under the new
   * version's name when the old name had a version; AppImageUpdater.js
   * `doInstall`), writes the entry again for this program. True when it did.
   */
  repair(): Promise<boolean>;
}

/** Creates the autostart adapter. */
export function createAutostart(opts: AutostartOptions = {}): AutostartAdapter {
  const platform = opts.platform ?? process.platform;
  const env = opts.env ?? process.env;
  const execPath = opts.execPath ?? process.execPath;
  const command = () => launchCommand({ env, execPath, isPackaged: app.isPackaged, appPath: app.getAppPath() });

  if (platform !== 'linux') {
    return {
      async isEnabled() {
        return app.getLoginItemSettings().openAtLogin;
      },
      async setEnabled(enabled) {
        const { exec, args } = command();
        app.setLoginItemSettings({ openAtLogin: enabled, path: exec, args });
      },
      // Login items name the installed executable, whose path an update keeps.
      repair: async () => false,
    };
  }

  const file = autostartPath(env, opts.home ?? homedir());
  const entryFor = () => {
    const { exec, args } = command();
    return buildDesktopEntry({
      name: opts.productName ?? 'B24 Unread Tray',
      comment: 'Flip pinned Bitrix24 dialogs read/unread from the tray',
      exec,
      args,
      icon: 'b24-unread-tray',
    });
  };
  const execLine = (text: string) => /^Exec=.*$/m.exec(text)?.[0] ?? null;
  const adapter: AutostartAdapter = {
    async repair() {
      let text: string;
      try {
        text = await readFile(file, 'utf8');
      } catch {
        return false;
      }
      if (!(await adapter.isEnabled())) return false;
      if (execLine(text) === execLine(entryFor())) return false;
      await adapter.setEnabled(true);
      return true;
    },
    async isEnabled() {
      try {
        const text = await readFile(file, 'utf8');
        // The user may have switched it off in their desktop's startup settings.
        return !/^Hidden\s*=\s*true\s*$/m.test(text) && !/^X-GNOME-Autostart-enabled\s*=\s*false\s*$/m.test(text);
      } catch {
        return false;
      }
    },
    async setEnabled(enabled) {
      if (!enabled) {
        await rm(file, { force: true });
        return;
      }
      const text = entryFor();
      await mkdir(dirname(file), { recursive: true });
      // Write-then-rename: a session manager never reads half an entry.
      const tmp = `${file}.${process.pid}.tmp`;
      await writeFile(tmp, text, { mode: 0o644 });
      await rename(tmp, file);
    },
  };
  return adapter;
}
