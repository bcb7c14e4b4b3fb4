/** The {@link Notifier} port over Electron's `Notification`. */
import { Notification } from 'electron';
import type { Notifier } from '../core/ports';

/** Creates the notifier; a system without notification support makes `notify` a no-op. */
export function createNotifier(): Notifier {
  // Keep shown notifications referenced: a collected Notification loses its click handler (electron#12690).
  const live = new Set<Notification>();
  return {
    notify({ title, body, onClick }) {
      if (!Notification.isSupported()) return;
      const n = new Notification({ title, body, silent: false });
      live.add(n);
      n.on('click', () => {
        live.delete(n);
        onClick();
      });
      n.on('close', () => live.delete(n));
      n.show();
    },
  };
}
