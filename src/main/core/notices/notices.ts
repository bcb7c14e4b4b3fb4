/**
 * The notices the popup shows above the list (moved out of app-core.ts):
 * kept in the store, at most {@link MAX_NOTICES}, one per (code, account,
 * dialog) (a repeated failure replaces the older one), messages redacted.
 * Every change asks for a `state` push through `changed`.
 */
import type { Notice } from '../../../shared/types';
import type { Clock, KeyValueStore } from '../ports';
import { redact } from '../redact';

export const MAX_NOTICES = 20;

export interface Notices {
  /** The current notices, oldest first. */
  list(): Notice[];
  add(n: Omit<Notice, 'id' | 'at'>): Notice;
  /** Drops one notice; false when there was none with that id. */
  dismiss(id: string): boolean;
  /** Drops every notice of an account (it signed out). */
  dropAccount(accountId: string): void;
}

export function createNotices(deps: { store: KeyValueStore; clock: Clock; changed: () => void }): Notices {
  const { clock } = deps;
  let noticeSeq = 0;
  let notices: Notice[] = loadNotices();

  function loadNotices(): Notice[] {
    const raw = deps.store.get('notices');
    return Array.isArray(raw)
      ? (raw.filter((n) => n && typeof n === 'object' && typeof n.id === 'string') as Notice[])
      : [];
  }

  /** Stores the notices; a store that cannot be written (disk full: a notice says so) still shows them. */
  function keep(): void {
    try {
      deps.store.set('notices', notices);
    } catch {
      // Shown now, not kept across a restart.
    }
  }

  function addNotice(n: Omit<Notice, 'id' | 'at'>): Notice {
    const notice: Notice = {
      ...n,
      message: redact(n.message),
      id: `n${clock.now().toString(36)}-${++noticeSeq}`,
      at: clock.now(),
    };
    // One notice per (code, dialog): a repeated failure replaces the older one.
    notices = [
      ...notices.filter((x) => !(x.code === n.code && x.accountId === n.accountId && x.dialogId === n.dialogId)),
      notice,
    ].slice(-MAX_NOTICES);
    keep();
    deps.changed();
    return notice;
  }

  function dismissNotice(id: string): boolean {
    const before = notices.length;
    notices = notices.filter((n) => n.id !== id);
    if (notices.length === before) return false;
    keep();
    deps.changed();
    return true;
  }

  return {
    list: () => notices,
    add: addNotice,
    dismiss: dismissNotice,
    dropAccount(accountId) {
      notices = notices.filter((n) => n.accountId !== accountId);
      keep();
    },
  };
}
