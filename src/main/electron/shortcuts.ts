/**
 * The {@link ShortcutRegistrar} port over Electron's `globalShortcut`. The
 * rollback to the last working accelerator lives in the core
 * (src/main/core/hotkeys.ts); this adapter only reports failure honestly.
 *
 * On a Linux Wayland session Electron hands shortcuts to the desktop's XDG
 * GlobalShortcuts portal, and there `globalShortcut.unregister` does nothing:
 * `GlobalShortcut::Unregister` returns early unless the accelerator is in
 * `accelerator_callback_map_`, while portal shortcuts live in
 * `command_callback_map_` (shell/browser/api/electron_api_global_shortcut.cc,
 * electron/electron@96f3996d8d). The portal itself has no way to unbind a
 * shortcut either (the comment in Chromium's OnListShortcuts,
 * ui/base/accelerators/global_accelerator_listener/global_accelerator_listener_linux.cc).
 * So there each accelerator is registered once with a callback that looks up
 * what it does now: unregistering takes its action away, registering it again
 * gives it one, and the desktop is never asked twice for the same key.
 * (unregisterAll followed by registering the rest is not used: Chromium then
 * forgets its portal sessions without closing them and opens new ones under
 * the same session tokens.)
 */
import { globalShortcut } from 'electron';
import type { Logger, ShortcutRegistrar } from '../core/ports';

/**
 * Creates the registrar. `logger` hears why a registration failed (never shown raw to the user);
 * `platform` is `process.platform`, plus `-wayland` on a Wayland session (the portal path).
 */
export function createShortcutRegistrar(
  logger?: Pick<Logger, 'warn'>,
  opts: { platform?: string } = {},
): ShortcutRegistrar {
  const portal = opts.platform === 'linux-wayland';
  /** Portal path: accelerator → what it does now (absent: nothing). */
  const actions = new Map<string, () => void>();
  /** Portal path: the accelerators Electron holds for us, which it cannot give back before quit. */
  const held = new Set<string>();

  function electronRegister(accelerator: string, callback: () => void): boolean {
    try {
      // false: another program holds it. (On the Wayland portal it is always true: electron#52218.)
      const ok = globalShortcut.register(accelerator, callback);
      if (!ok) logger?.warn('global shortcut not registered', { accelerator });
      return ok;
    } catch (err) {
      // Electron throws on a string it cannot parse ("conversion failure from …").
      logger?.warn('global shortcut rejected', { accelerator, error: String(err) });
      return false;
    }
  }

  if (portal) {
    return {
      // The portal binds asynchronously, after the desktop asks the user: true means "requested".
      confirmsRegistration: false,
      register(accelerator, callback) {
        if (held.has(accelerator)) {
          actions.set(accelerator, callback);
          return true;
        }
        const ok = electronRegister(accelerator, () => actions.get(accelerator)?.());
        if (ok) {
          held.add(accelerator);
          actions.set(accelerator, callback);
        }
        return ok;
      },
      unregister(accelerator) {
        // Electron would ignore it (see above): the key stays bound to us, and now does nothing.
        actions.delete(accelerator);
      },
    };
  }

  return {
    register: electronRegister,
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
