/**
 * The {@link ShortcutRegistrar} port over Electron's `globalShortcut`. The
 * rollback to the last working accelerator lives in the core
 * (src/main/core/hotkeys.ts); this adapter only reports failure honestly.
 */
import { globalShortcut } from 'electron';
import type { Logger, ShortcutRegistrar } from '../core/ports';

/** Creates the registrar. `logger` hears why a registration failed (never shown raw to the user). */
export function createShortcutRegistrar(logger?: Pick<Logger, 'warn'>): ShortcutRegistrar {
  return {
    register(accelerator, callback) {
      try {
        // false: another program holds it (or, on Wayland, the portal refused it).
        const ok = globalShortcut.register(accelerator, callback);
        if (!ok) logger?.warn('global shortcut not registered', { accelerator });
        return ok;
      } catch (err) {
        // Electron throws on a string it cannot parse ("conversion failure from …").
        logger?.warn('global shortcut rejected', { accelerator, error: String(err) });
        return false;
      }
    },
    unregister(accelerator) {
      try {
        globalShortcut.unregister(accelerator);
      } catch {
        // Unregistering something unparsable or never registered is a no-op for us.
      }
    },
  };
}

/** Releases every shortcut the app holds (on quit). */
export function unregisterAllShortcuts(): void {
  globalShortcut.unregisterAll();
}
