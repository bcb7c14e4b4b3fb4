/**
 * Preview stand-ins for the Electron-only ports (ports.ts), so the real
 * core runs in plain Node for `npm run web`: shortcuts always register and
 * are recorded, autostart lives in memory, the popup "window" only emits
 * events, the opener prints the URL it would open. Everything is recorded
 * for the test-only `/__preview/log` route.
 *
 * Dev only (scripts/ is never packaged).
 */
import type { Autostart, ExternalOpener, Notifier, PopupControl, ShortcutRegistrar } from '../../src/main/core/ports';

/** What the stand-ins did, for tests. */
export interface PreviewRecords {
  opened: string[];
  notifications: { title: string; body: string }[];
  shortcuts: string[];
  shown: (string | null)[];
  hidden: number;
  autostart: boolean;
}

export interface PreviewPorts {
  shortcuts: ShortcutRegistrar;
  autostart: Autostart;
  popup: PopupControl;
  opener: ExternalOpener;
  notifier: Notifier;
  records: PreviewRecords;
  /** Clicks the most recent notification (what a user would do). */
  clickLastNotification(): boolean;
}

/**
 * Builds the stand-ins. `onShown` pushes the `shown` event to the page;
 * `say` prints a line for the developer (stderr, so stdout keeps its one line).
 */
export function createPreviewPorts(deps: {
  onShown: (focus: string | null) => void;
  say: (line: string) => void;
  /** A Linux Wayland session: the desktop's portal binds the shortcuts, out of the app's sight. */
  wayland?: boolean;
}): PreviewPorts {
  const records: PreviewRecords = {
    opened: [],
    notifications: [],
    shortcuts: [],
    shown: [],
    hidden: 0,
    autostart: false,
  };
  const registered = new Map<string, () => void>();
  const clicks: (() => void)[] = [];
  let visible = true;
  const popup: PopupControl = {
    show: (focus) => {
      visible = true;
      records.shown.push(focus ?? null);
      deps.onShown(focus ?? null);
    },
    hide: () => {
      // A browser tab cannot hide itself; record it so tests can see Esc reached the core.
      visible = false;
      records.hidden++;
    },
    toggle: () => (visible ? popup.hide() : popup.show(null)),
    isVisible: () => visible,
  };
  return {
    records,
    popup,
    shortcuts: {
      ...(deps.wayland ? { confirmsRegistration: false } : {}),
      register: (accelerator, callback) => {
        registered.set(accelerator, callback);
        records.shortcuts = [...registered.keys()];
        return true;
      },
      unregister: (accelerator) => {
        registered.delete(accelerator);
        records.shortcuts = [...registered.keys()];
      },
    },
    autostart: {
      isEnabled: async () => records.autostart,
      setEnabled: async (enabled) => {
        records.autostart = enabled;
      },
    },
    opener: {
      openExternal: async (url) => {
        records.opened.push(url);
        deps.say(`Would open in the browser: ${url}`);
      },
    },
    notifier: {
      notify: (n) => {
        records.notifications.push({ title: n.title, body: n.body });
        clicks.push(n.onClick);
        deps.say(`Notification: ${n.title} — ${n.body}`);
      },
    },
    clickLastNotification: () => {
      const click = clicks.at(-1);
      click?.();
      return click !== undefined;
    },
  };
}
