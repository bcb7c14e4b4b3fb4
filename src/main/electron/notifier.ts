/** The {@link Notifier} port over Electron's `Notification`. */
import { Notification } from 'electron';
import type { Notifier } from '../core/ports';

/** Creates the notifier; where the system shows no notification, `notify` calls `onFailed` instead. */
export function createNotifier(): Notifier {
  // Keep shown notifications referenced: a collected Notification loses its click handler (electron#12690).
  const live = new Set<Notification>();
  return {
    notify({ title, body, onClick, onFailed }) {
      if (!Notification.isSupported()) return void onFailed?.();
      const n = new Notification({ title, body, silent: false });
      live.add(n);
      n.on('click', () => {
        live.delete(n);
        onClick();
      });
      n.on('close', () => live.delete(n));
      // isSupported() only says a presenter exists. Linux without a notification server (libnotify
      // loads, notify_notification_show fails), an unsigned macOS build and Windows with the app's
      // notifications off emit 'failed' instead of 'show' (electron@96f3996d8d
      // shell/browser/notifications/linux/libnotify_notification.cc:187-191, mac/cocoa_notification.mm:
      // 202-216, win/windows_toast_notification.cc:86; api/electron_api_notification.cc:248-249).
      n.on('failed', () => {
        live.delete(n);
        onFailed?.();
      });
      n.show();
    },
  };
}
