/**
 * A row of the pushed view as the popup receives it (a pinned group chat on account `acc`, read,
 * nothing pending); `over` changes any field. For the popup's store and list tests.
 */
import type { PinnedDialog } from '../../src/shared/types';

export function pinnedRow(over: Partial<PinnedDialog> = {}): PinnedDialog {
  return {
    accountId: 'acc',
    dialogId: 'chat74',
    kind: 'chat',
    title: 'Release 2.4',
    avatarUrl: null,
    color: '#336699',
    initials: 'R2',
    snippet: '',
    counter: 0,
    unreadMark: false,
    unread: false,
    pending: false,
    muted: false,
    snoozedUntil: null,
    lastActivity: null,
    ...over,
  };
}
