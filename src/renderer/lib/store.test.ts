import { describe, expect, it } from 'vitest';
import type { Api, EventMap, EventName } from '../../shared/ipc';
import type { PinnedDialog, ViewState } from '../../shared/types';
import { PopupStore } from './store.svelte';

const row = (over: Partial<PinnedDialog> = {}): PinnedDialog => ({
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
});
const state = (d: PinnedDialog): ViewState => ({
  status: 'ready',
  accounts: [
    {
      id: 'acc',
      portal: 'a.bitrix24.ru',
      origin: 'https://a.bitrix24.ru',
      kind: 'webhook',
      userId: 1,
      userName: 'U',
      status: 'ok',
      secretStorage: 'encrypted',
    },
  ],
  dialogs: [d],
  updatedAt: 1,
  pendingActions: d.pending ? 1 : 0,
  notices: [],
  error: null,
});

/** A bridge whose replies the test releases by hand, and whose pushes it fires. */
function fakeApi() {
  const listeners = new Map<string, ((p: unknown) => void)[]>();
  let releaseSetUnread: (() => void) | null = null;
  const api = {
    getState: async () => ({ ok: true, data: state(row()) }),
    getSettings: async () => ({ ok: false, error: { code: 'UNKNOWN_ERROR', message: 'n/a' } }),
    setUnread: (_a: string, _d: string, unread: boolean) =>
      new Promise((resolve) => {
        releaseSetUnread = () => resolve({ ok: true, data: row({ unread, unreadMark: unread, pending: true }) });
      }),
    on: <E extends EventName>(event: E, cb: (p: EventMap[E]) => void) => {
      listeners.set(event, [...(listeners.get(event) ?? []), cb as (p: unknown) => void]);
      return () => {};
    },
  } as unknown as Api;
  const push = (s: ViewState) => listeners.get('state')?.forEach((cb) => cb(s));
  return { api, push, release: () => releaseSetUnread?.() };
}

describe('PopupStore optimistic toggle', () => {
  it('a delivered state pushed before the setUnread reply is not overwritten by the reply (no stuck "pending")', async () => {
    const { api, push, release } = fakeApi();
    const store = new PopupStore(api);
    await store.init();
    const toggling = store.toggle(store.dialogs[0]!);
    expect(store.dialogs[0]).toMatchObject({ unread: true, pending: true });
    // The queue delivered it and pushed the confirmed state before the reply arrived.
    push(state(row({ unread: true, unreadMark: true, pending: false })));
    release();
    await toggling;
    expect(store.dialogs[0]).toMatchObject({ unread: true, pending: false });
  });

  it('without a push, the reply row shows the flip as pending', async () => {
    const { api, release } = fakeApi();
    const store = new PopupStore(api);
    await store.init();
    const toggling = store.toggle(store.dialogs[0]!);
    release();
    await toggling;
    expect(store.dialogs[0]).toMatchObject({ unread: true, pending: true });
  });
});
