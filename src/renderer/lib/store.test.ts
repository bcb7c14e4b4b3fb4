import { describe, expect, it, vi } from 'vitest';
import { explain } from '../../shared/errors';
import type { Api, EventMap, EventName } from '../../shared/ipc';
import type { PinnedDialog, ViewState } from '../../shared/types';
import { PENDING_SHOWN_AFTER_MS, PopupStore } from './store.svelte';
import { pinnedRow } from '../../../tests/support/pinned-row';

const row = pinnedRow;
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

/**
 * A bridge whose replies the test releases by hand, and whose pushes it fires.
 * Like the core, `setUnread` pushes the optimistic (pending) state on the tick it
 * queues the toggle, before it replies; the reply row is deliberately stale, so a
 * store that took the reply as truth would show it.
 */
function fakeApi(reply: 'ok' | 'refused' | 'ok-no-push' = 'ok') {
  const listeners = new Map<string, ((p: unknown) => void)[]>();
  let releaseSetUnread: (() => void) | null = null;
  const push = (s: ViewState) => listeners.get('state')?.forEach((cb) => cb(s));
  const api = {
    getState: async () => ({ ok: true, data: state(row()) }),
    getSettings: async () => ({ ok: false, error: { code: 'UNKNOWN_ERROR', message: 'n/a' } }),
    setUnread: (_a: string, _d: string, unread: boolean) => {
      if (reply === 'ok') push(state(row({ unread, unreadMark: unread, pending: true })));
      return new Promise((resolve) => {
        releaseSetUnread = () =>
          resolve(
            reply !== 'refused'
              ? { ok: true, data: row({ unread: !unread, pending: true, title: 'stale reply' }) }
              : { ok: false, error: { code: 'UNKNOWN_DIALOG', message: explain('UNKNOWN_DIALOG') } },
          );
      });
    },
    on: <E extends EventName>(event: E, cb: (p: EventMap[E]) => void) => {
      listeners.set(event, [...(listeners.get(event) ?? []), cb as (p: unknown) => void]);
      return () => {};
    },
  } as unknown as Api;
  return { api, push, release: () => releaseSetUnread?.() };
}

describe('PopupStore: the pushed state is the one answer', () => {
  it('the switch shows its pending flip at once, from the state pushed before the reply', async () => {
    const { api, release } = fakeApi();
    const store = new PopupStore(api);
    await store.init();
    const toggling = store.toggle(store.dialogs[0]!);
    expect(store.dialogs[0]).toMatchObject({ unread: true, pending: true });
    release();
    await toggling;
    // The reply acknowledges; it does not overwrite what was pushed.
    expect(store.dialogs[0]).toMatchObject({ unread: true, pending: true, title: 'Release 2.4' });
  });

  it('a delivered state pushed before the setUnread reply stays (no stuck "pending")', async () => {
    const { api, push, release } = fakeApi();
    const store = new PopupStore(api);
    await store.init();
    const toggling = store.toggle(store.dialogs[0]!);
    // The queue delivered it and pushed the confirmed state before the reply arrived.
    push(state(row({ unread: true, unreadMark: true, pending: false })));
    release();
    await toggling;
    expect(store.dialogs[0]).toMatchObject({ unread: true, pending: false });
  });

  it('a refused toggle explains itself and leaves the row as pushed', async () => {
    const { api, release } = fakeApi('refused');
    const store = new PopupStore(api);
    await store.init();
    const before = store.alerts.length;
    const toggling = store.toggle(store.dialogs[0]!);
    release();
    await toggling;
    expect(store.dialogs[0]).toMatchObject({ unread: false, pending: false });
    expect(store.alerts).toHaveLength(before + 1);
    expect(store.alerts.at(-1)!.text).toContain('Release 2.4');
  });

  it('the first view comes from getState unless a push already brought a newer one', async () => {
    const { api, push } = fakeApi();
    const store = new PopupStore({
      ...api,
      getState: async () => {
        push(state(row({ title: 'pushed' })));
        return { ok: true, data: state(row({ title: 'older reply' })) };
      },
    } as Api);
    await store.init();
    expect(store.dialogs[0]!.title).toBe('pushed');
  });

  it('a click flips the switch at once, before any push; after the acknowledgement the next push is the truth', async () => {
    const { api, push, release } = fakeApi('ok-no-push');
    const store = new PopupStore(api);
    await store.init();
    const toggling = store.toggle(store.dialogs[0]!);
    expect(store.dialogs[0]).toMatchObject({ unread: true, pending: true });
    release();
    await toggling;
    // The stale reply row (title 'stale reply') is never shown.
    expect(store.dialogs[0]).toMatchObject({ unread: true, pending: true, title: 'Release 2.4' });
    // The portal (another device) says read again: the push wins, no flip lingers.
    push(state(row({ unread: false })));
    expect(store.dialogs[0]).toMatchObject({ unread: false, pending: false });
  });
});

describe('PopupStore: a row says "Sending…" only when its change waits', () => {
  const fake = () => vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'performance'] });

  it('a flip the portal confirms within PENDING_SHOWN_AFTER_MS never says it; one that waits longer does, until confirmed', async () => {
    fake();
    try {
      const { api, push, release } = fakeApi();
      const store = new PopupStore(api);
      await store.init();
      const first = store.toggle(store.dialogs[0]!);
      expect(store.dialogs[0]).toMatchObject({ unread: true, pending: true });
      expect(store.view?.pendingActions).toBe(1);
      expect(store.showsPending(store.dialogs[0]!)).toBe(false);
      // Nor does the banner ("1 change being sent") flash at the top of the list.
      expect(store.sendingShown).toBe(false);
      vi.advanceTimersByTime(PENDING_SHOWN_AFTER_MS - 1);
      expect(store.showsPending(store.dialogs[0]!)).toBe(false);
      expect(store.sendingShown).toBe(false);
      push(state(row({ unread: true, unreadMark: true, pending: false })));
      release();
      await first;
      vi.advanceTimersByTime(PENDING_SHOWN_AFTER_MS);
      expect(store.showsPending(store.dialogs[0]!)).toBe(false);

      // The next flip waits longer: it says so once the wait has passed, and stops when confirmed.
      const second = store.toggle(store.dialogs[0]!);
      vi.advanceTimersByTime(PENDING_SHOWN_AFTER_MS - 1);
      expect(store.showsPending(store.dialogs[0]!)).toBe(false);
      vi.advanceTimersByTime(1);
      expect(store.showsPending(store.dialogs[0]!)).toBe(true);
      expect(store.sendingShown).toBe(true);
      push(state(row({ unread: false, unreadMark: false, pending: false })));
      release();
      await second;
      expect(store.showsPending(store.dialogs[0]!)).toBe(false);
      expect(store.sendingShown).toBe(false);
    } finally {
      vi.useRealTimers();
    }
  });

  it("a poll's push between the flip and its send changes nothing of the flip's wait", async () => {
    fake();
    try {
      const { api, push, release } = fakeApi();
      let painted = (): void => {};
      const store = new PopupStore(api, () => new Promise<void>((go) => (painted = go)));
      await store.init();
      const toggling = store.toggle(store.dialogs[0]!);
      // The flip is on screen; the intent waits for its frame. A poll pushes the row as it was.
      push(state(row({ snippet: 'polled' })));
      expect(store.dialogs[0]).toMatchObject({ unread: true, pending: true });
      expect(store.showsPending(store.dialogs[0]!)).toBe(false);
      vi.advanceTimersByTime(PENDING_SHOWN_AFTER_MS);
      expect(store.showsPending(store.dialogs[0]!)).toBe(true);
      painted();
      await vi.waitFor(() => expect(store.dialogs[0]).toMatchObject({ pending: true }));
      release();
      await toggling;
    } finally {
      vi.useRealTimers();
    }
  });

  it('a row pending in the first view says so at once; one a later push shows newly pending (a hotkey) waits', async () => {
    fake();
    try {
      const { api, push } = fakeApi();
      api.getState = async () => ({ ok: true, data: state(row({ unread: true, pending: true })) });
      const store = new PopupStore(api);
      await store.init();
      expect(store.showsPending(store.dialogs[0]!)).toBe(true);
      expect(store.sendingShown).toBe(true);

      push(state(row({ unread: true, pending: false })));
      expect(store.showsPending(store.dialogs[0]!)).toBe(false);
      // The global hotkey flipped it with the popup open: the push is the first to show it pending.
      push(state(row({ unread: false, pending: true })));
      expect(store.showsPending(store.dialogs[0]!)).toBe(false);
      expect(store.sendingShown).toBe(false);
      vi.advanceTimersByTime(PENDING_SHOWN_AFTER_MS);
      expect(store.showsPending(store.dialogs[0]!)).toBe(true);
      expect(store.sendingShown).toBe(true);
      // Still pending in the next push (another row changed): it goes on saying so.
      push(state(row({ unread: false, pending: true, snippet: 'new message' })));
      expect(store.showsPending(store.dialogs[0]!)).toBe(true);
    } finally {
      vi.useRealTimers();
    }
  });
});

describe('PopupStore: a flip in flight is shown per row', () => {
  it('changes the row as shown, not the list: visible and groups keep the pushed rows', async () => {
    const { api } = fakeApi('ok-no-push');
    const store = new PopupStore(api);
    await store.init();
    const pushed = store.visible[0]!;
    void store.toggle(pushed);
    expect(store.visible[0]).toBe(pushed);
    expect(store.groups[0]!.dialogs[0]).toBe(pushed);
    expect(store.withFlip(pushed)).toMatchObject({ unread: true, pending: true });
    expect(store.dialogs[0]).toMatchObject({ unread: true, pending: true });
    expect(store.visibleUnread).toEqual([pushed]);
  });

  it('a second press before any push flips the switch back (the intent says read again)', async () => {
    const { api } = fakeApi('ok-no-push');
    const sent: boolean[] = [];
    const store = new PopupStore({
      ...api,
      setUnread: (a: string, d: string, unread: boolean) => {
        sent.push(unread);
        return api.setUnread(a, d, unread);
      },
    } as Api);
    await store.init();
    void store.toggle(store.visible[0]!);
    void store.toggle(store.visible[0]!);
    expect(sent).toEqual([true, false]);
    expect(store.withFlip(store.visible[0]!)).toMatchObject({ unread: false });
  });
});

describe('PopupStore: the intent waits for the flip to be shown', () => {
  it('flips at once and sends setUnread only once whenFlipShown resolves', async () => {
    const { api, release } = fakeApi();
    const sent: boolean[] = [];
    const setUnread = api.setUnread;
    let shown: () => void = () => {};
    const store = new PopupStore(
      {
        ...api,
        setUnread: (a: string, d: string, unread: boolean) => {
          sent.push(unread);
          return setUnread(a, d, unread);
        },
      } as Api,
      () => new Promise<void>((resolve) => (shown = resolve)),
    );
    await store.init();
    const toggling = store.toggle(store.dialogs[0]!);
    expect(store.dialogs[0]).toMatchObject({ unread: true, pending: true });
    await Promise.resolve();
    expect(sent).toEqual([]);
    shown();
    await vi.waitFor(() => expect(sent).toEqual([true]));
    release();
    await toggling;
    expect(store.dialogs[0]).toMatchObject({ unread: true, pending: true, title: 'Release 2.4' });
  });
});

describe('PopupStore.unpin', () => {
  const three = (): ViewState => ({
    ...state(row()),
    dialogs: [
      row({ dialogId: 'chat1', title: 'One' }),
      row({ dialogId: 'chat2', title: 'Two' }),
      row({ dialogId: 'chat3', title: 'Three' }),
    ],
  });
  function unpinApi(reply: { ok: true; data: null } | { ok: false; error: { code: string; message: string } }) {
    const { api, push } = fakeApi();
    const calls: string[] = [];
    const withUnpin = {
      ...api,
      getState: async () => ({ ok: true, data: three() }),
      unpin: async (accountId: string, dialogId: string) => {
        calls.push(`${accountId}/${dialogId}`);
        return reply;
      },
    } as unknown as Api;
    return { api: withUnpin, push, calls };
  }

  it('asks the core and hides nothing itself: the row goes with the push', async () => {
    const { api, push, calls } = unpinApi({ ok: true, data: null });
    const store = new PopupStore(api);
    await store.init();
    await store.unpin(store.dialogs[1]!);
    expect(calls).toEqual(['acc/chat2']);
    expect(store.dialogs.map((d) => d.dialogId)).toEqual(['chat1', 'chat2', 'chat3']);
    push({ ...three(), dialogs: three().dialogs.filter((d) => d.dialogId !== 'chat2') });
    expect(store.dialogs.map((d) => d.dialogId)).toEqual(['chat1', 'chat3']);
  });

  it('moves the focus from the unpinned row to the next one (the previous one at the end)', async () => {
    const { api } = unpinApi({ ok: true, data: null });
    const store = new PopupStore(api);
    await store.init();
    store.focusKey = 'acc/chat2';
    const asked = store.focusRequest;
    await store.unpin(store.dialogs[1]!);
    expect(store.focusKey).toBe('acc/chat3');
    expect(store.focusRequest).toBe(asked + 1);
    store.focusKey = 'acc/chat3';
    await store.unpin(store.dialogs[2]!);
    expect(store.focusKey).toBe('acc/chat2');
    // Another row's unpin (a click) leaves the focus where it is.
    await store.unpin(store.dialogs[0]!);
    expect(store.focusKey).toBe('acc/chat2');
  });

  it('a refused unpin explains itself, naming the dialog', async () => {
    const { api } = unpinApi({ ok: false, error: { code: 'UNKNOWN_DIALOG', message: explain('UNKNOWN_DIALOG') } });
    const store = new PopupStore(api);
    await store.init();
    await store.unpin(store.dialogs[0]!);
    expect(store.alerts.at(-1)!.text).toBe('One: That dialog is not among your pinned dialogs.');
    expect(store.dialogs).toHaveLength(3);
  });
});

/** The rows the store offers to mark unread again (its undo of Mark all read). */
const marked = (store: PopupStore): string[] | undefined =>
  store.undoable?.kind === 'read' ? store.undoable.targets.map((t) => t.dialogId) : undefined;

describe('PopupStore: Mark all read, and its undo', () => {
  const four = (): ViewState => ({
    ...state(row()),
    dialogs: [
      row({ dialogId: 'chat1', title: 'One', unread: true, counter: 3 }),
      row({ dialogId: 'chat2', title: 'Two', unread: false }),
      row({ dialogId: 'chat3', title: 'Three', unread: true, unreadMark: true }),
      row({ dialogId: 'chat4', title: 'Four', unread: true, counter: 1 }),
    ],
  });
  type Targets = { accountId: string; dialogId: string }[];
  function manyApi(refuse?: (targets: Targets, unread: boolean) => boolean) {
    const { api, push } = fakeApi();
    const calls: string[] = [];
    const withMany = {
      ...api,
      getState: async () => ({ ok: true, data: four() }),
      setUnreadMany: async (targets: Targets, unread: boolean) => {
        if (refuse?.(targets, unread)) {
          return {
            ok: false,
            error: { code: 'UNKNOWN_DIALOG', message: explain('UNKNOWN_DIALOG'), dialogId: targets[0]!.dialogId },
          };
        }
        calls.push(`${unread ? 'Y' : 'N'} ${targets.map((t) => t.dialogId).join(',')}`);
        return { ok: true, data: { queued: targets.length } };
      },
      setUnread: async () => ({ ok: true, data: four().dialogs[1] }),
      unpin: async (_a: string, dialogId: string) => {
        calls.push(`unpin ${dialogId}`);
        return { ok: true, data: null };
      },
      pin: async (_a: string, dialogId: string) => {
        calls.push(`pin ${dialogId}`);
        return { ok: true, data: null };
      },
    } as unknown as Api;
    return { api: withMany, push, calls };
  }

  it('offers to undo what it marked, and the undo puts the unread mark back on exactly those rows', async () => {
    const { api, calls } = manyApi();
    const store = new PopupStore(api);
    await store.init();
    await store.markAllRead();
    expect(calls).toEqual(['N chat1,chat3,chat4']);
    expect(marked(store)).toEqual(['chat1', 'chat3', 'chat4']);
    await store.undo();
    expect(calls).toEqual(['N chat1,chat3,chat4', 'Y chat1,chat3,chat4']);
    // Once: a second undo sends nothing.
    expect(store.undoable).toBeNull();
    await store.undo();
    expect(calls).toHaveLength(2);
  });

  it('the undo skips a row no longer listed (unpinned in Bitrix24 meanwhile)', async () => {
    const { api, push, calls } = manyApi();
    const store = new PopupStore(api);
    await store.init();
    await store.markAllRead();
    push({ ...four(), dialogs: four().dialogs.filter((d) => d.dialogId !== 'chat3') });
    await store.undo();
    expect(calls.at(-1)).toBe('Y chat1,chat4');
  });

  it("the user's next change withdraws the offer: a switch or an unpin (the undo would overrule it)", async () => {
    const { api, calls } = manyApi();
    const store = new PopupStore(api);
    await store.init();
    for (const change of [() => store.toggle(store.dialogs[1]!), () => store.unpin(store.dialogs[1]!)]) {
      await store.markAllRead();
      expect(store.undoable).not.toBeNull();
      await change();
      expect(store.undoable?.kind).not.toBe('read');
      await store.undo();
      expect(calls.filter((c) => c.startsWith('Y'))).toEqual([]);
    }
  });

  it('the popup opened again withdraws the offer (the dialogs may have changed in Bitrix24 meanwhile)', async () => {
    const { api, calls } = manyApi();
    const store = new PopupStore(api);
    await store.init();
    await store.markAllRead();
    expect(store.undoable).not.toBeNull();
    store.onShown(null);
    expect(store.undoable).toBeNull();
    await store.undo();
    expect(calls).toEqual(['N chat1,chat3,chat4']);
  });

  it('a refused Mark all read offers no undo; a refused undo explains itself, naming the dialog', async () => {
    const refused = manyApi(() => true);
    const store = new PopupStore(refused.api);
    await store.init();
    await store.markAllRead();
    expect(store.undoable).toBeNull();
    expect(store.alerts.at(-1)!.text).toBe('One: That dialog is not among your pinned dialogs.');

    const undoRefused = manyApi((_t, unread) => unread);
    const store2 = new PopupStore(undoRefused.api);
    await store2.init();
    await store2.markAllRead();
    await store2.undo();
    expect(store2.alerts.at(-1)!.text).toBe('One: That dialog is not among your pinned dialogs.');
    expect(store2.undoable).toBeNull();
  });

  it('an unpin offers its own undo, which pins the dialog again (and replaces the offer of a Mark all read)', async () => {
    const { api, push, calls } = manyApi();
    const store = new PopupStore(api);
    await store.init();
    await store.markAllRead();
    await store.unpin(store.dialogs[2]!);
    expect(store.undoable).toEqual({ kind: 'unpin', target: { accountId: 'acc', dialogId: 'chat3' }, title: 'Three' });
    // Offered once a push shows the row gone, as the core's does; a push showing it again (the
    // portal refused the unpin) takes the offer back.
    expect(store.offer).toBeNull();
    const without = { ...four(), dialogs: four().dialogs.filter((d) => d.dialogId !== 'chat3') };
    push(without);
    expect(store.offer).toBe(store.undoable);
    push(four());
    expect(store.offer).toBeNull();
    await store.undo();
    expect(calls).toEqual(['N chat1,chat3,chat4', 'unpin chat3']);
    push(without);
    await store.undo();
    expect(calls).toEqual(['N chat1,chat3,chat4', 'unpin chat3', 'pin chat3']);
    expect(store.undoable).toBeNull();
  });
});
