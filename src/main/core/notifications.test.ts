import { describe, expect, it } from 'vitest';
import type { Settings } from '../../shared/types';
import { memoryStore } from '../../../tests/core/helpers';
import {
  createNotifications,
  messageNotifications,
  pickNewMessages,
  reminderNotification,
  reminderNotifications,
  type NotifiableDialog,
} from './notifications';

const dlg = (dialogId: string, over: Partial<NotifiableDialog> = {}): NotifiableDialog => ({
  dialogId,
  title: `Title ${dialogId}`,
  snippet: `Text ${dialogId}`,
  counter: 1,
  muted: false,
  lastMessageId: 200,
  ...over,
});
const on: Pick<Settings, 'notifications' | 'notifyDialogs'> = { notifications: 'on', notifyDialogs: [] };

function pick(
  dialogs: NotifiableDialog[],
  seen: Record<string, number>,
  extra: Partial<Parameters<typeof pickNewMessages>[0]> = {},
) {
  return pickNewMessages({ accountId: 'a1', dialogs, firstLoad: false, seen, settings: on, ...extra });
}

describe('pickNewMessages', () => {
  it('a higher message id with unread messages is news; the same id is not', () => {
    const r = pick([dlg('chat1'), dlg('chat2')], { 'a1/chat1': 100, 'a1/chat2': 200 });
    expect(r.fresh.map((d) => d.dialogId)).toEqual(['chat1']);
    expect(r.seen).toEqual({ 'a1/chat1': 200, 'a1/chat2': 200 });
    expect(r.changed).toBe(true);
    const again = pick([dlg('chat1'), dlg('chat2')], r.seen);
    expect(again).toEqual({ fresh: [], seen: r.seen, changed: false });
  });

  it('the first sight of a dialog and the first load of a run are recorded but never news', () => {
    const newPin = pick([dlg('chat9')], {});
    expect(newPin.fresh).toEqual([]);
    expect(newPin.seen).toEqual({ 'a1/chat9': 200 });
    const firstLoad = pick([dlg('chat1')], { 'a1/chat1': 100 }, { firstLoad: true });
    expect(firstLoad.fresh).toEqual([]);
    expect(firstLoad.seen['a1/chat1']).toBe(200);
  });

  it("an unpinned dialog leaves seen (other accounts' entries stay): pinned again, it is a first sight", () => {
    const r = pick([dlg('chat1')], { 'a1/chat1': 200, 'a1/chat2': 100, 'a2/chat2': 100 });
    expect(r.changed).toBe(true);
    expect(r.seen).toEqual({ 'a1/chat1': 200, 'a2/chat2': 100 });
    expect(pick([dlg('chat1'), dlg('chat2')], r.seen).fresh.map((d) => d.dialogId)).toEqual([]);
  });

  it('muted dialogs, dialogs without unread messages and lower ids stay silent', () => {
    const seen = { 'a1/m': 100, 'a1/z': 100, 'a1/old': 300 };
    const r = pick([dlg('m', { muted: true }), dlg('z', { counter: 0 }), dlg('old')], seen);
    expect(r.fresh).toEqual([]);
    expect(r.seen).toEqual({ 'a1/m': 200, 'a1/z': 200, 'a1/old': 200 });
  });

  it('"off" notifies nothing; "chosen" only the chosen dialogs of this account', () => {
    const seen = { 'a1/chat1': 1, 'a1/chat2': 1 };
    const ds = [dlg('chat1'), dlg('chat2')];
    expect(pick(ds, seen, { settings: { notifications: 'off', notifyDialogs: ['a1/chat1'] } }).fresh).toEqual([]);
    const chosen = pick(ds, seen, { settings: { notifications: 'chosen', notifyDialogs: ['a1/chat2', 'a2/chat1'] } });
    expect(chosen.fresh.map((d) => d.dialogId)).toEqual(['chat2']);
    // Muted even when chosen.
    const mutedChosen = pick([dlg('chat2', { muted: true })], seen, {
      settings: { notifications: 'chosen', notifyDialogs: ['a1/chat2'] },
    });
    expect(mutedChosen.fresh).toEqual([]);
  });

  it('does not change the seen map it was given', () => {
    const seen = Object.freeze({ 'a1/chat1': 100 });
    expect(() => pick([dlg('chat1')], seen)).not.toThrow();
    expect(seen).toEqual({ 'a1/chat1': 100 });
  });
});

describe('messageNotifications', () => {
  it('up to three new dialogs notify one by one, each focusing its dialog', () => {
    expect(messageNotifications('a1', [dlg('chat1'), dlg('7')], 'en')).toEqual([
      { title: 'Title chat1', body: 'Text chat1', focus: 'a1/chat1' },
      { title: 'Title 7', body: 'Text 7', focus: 'a1/7' },
    ]);
    expect(messageNotifications('a1', [], 'en')).toEqual([]);
  });

  it('more than three become one grouped notification, in the user’s language', () => {
    const four = ['chat1', 'chat2', 'chat3', 'chat4'].map((id) => dlg(id));
    expect(messageNotifications('a1', four, 'en')).toEqual([
      {
        title: 'New messages in 4 dialogs',
        body: 'Title chat1, Title chat2, Title chat3, Title chat4',
        focus: 'a1/chat1',
      },
    ]);
    expect(messageNotifications('a1', four, 'ru')[0]!.title).toBe('Новые сообщения в 4 диалогах');
    const many = Array.from({ length: 40 }, (_, i) => dlg(`chat${i + 1}`, { title: 'A long dialog title here' }));
    expect(messageNotifications('a1', many, 'en')[0]!.body.length).toBeLessThanOrEqual(200);
  });
});

describe('reminderNotification', () => {
  it('names the dialog (or its id when the title is empty) and focuses it', () => {
    const s = { accountId: 'a1', dialogId: 'chat5', until: 1, title: 'Sales' };
    expect(reminderNotification(s, 'en')).toEqual({
      title: 'Sales',
      body: 'Reminder: come back to this dialog',
      focus: 'a1/chat5',
    });
    expect(reminderNotification({ ...s, title: '' }, 'ru')).toEqual({
      title: 'chat5',
      body: 'Напоминание: вернуться к диалогу',
      focus: 'a1/chat5',
    });
  });
});

describe('reminderNotifications', () => {
  const due = (n: number) =>
    Array.from({ length: n }, (_, i) => ({ accountId: 'a1', dialogId: `chat${i + 1}`, until: 1, title: `D${i + 1}` }));
  it('up to three remind one by one; more become one that lists them and focuses the first', () => {
    expect(reminderNotifications(due(3), 'en').map((p) => p.title)).toEqual(['D1', 'D2', 'D3']);
    expect(reminderNotifications(due(4), 'en')).toEqual([
      { title: 'Reminders for 4 dialogs', body: 'D1, D2, D3, D4', focus: 'a1/chat1' },
    ]);
    expect(reminderNotifications(due(21), 'ru')[0]!.title).toBe('Напоминания о 21 диалоге');
    expect(reminderNotifications([], 'en')).toEqual([]);
  });
});

describe('createNotifications', () => {
  function setup(settings: Settings['notifications'] = 'on', seen?: unknown, refused = false) {
    let open = false;
    const store = memoryStore(seen === undefined ? {} : { seen });
    const shown: { title: string; body: string; click: () => void }[] = [];
    const popup: string[] = [];
    let writes = 0;
    const set = store.set;
    store.set = (k, v) => {
      if (k === 'seen') writes++;
      set(k, v);
    };
    const n = createNotifications({
      store,
      notifier: {
        notify: (x) => {
          // The system refuses it (no notification server, an unsigned macOS build): nothing shows.
          if (refused) return void x.onFailed?.();
          shown.push({ title: x.title, body: x.body, click: () => x.onClick?.() });
        },
      },
      popup: {
        show: (focus) => void popup.push(focus ?? ''),
        hide: () => undefined,
        toggle: () => undefined,
        isVisible: () => open,
      },
      settings: () => ({ notifications: settings, notifyDialogs: [] }) as unknown as Settings,
      lang: () => 'en',
    });
    return { store, shown, popup, n, writes: () => writes, setOpen: (v: boolean) => void (open = v) };
  }

  it('persists what was seen, notifies news once, and a click opens the popup on that dialog', () => {
    const t = setup();
    t.n.newMessages('a1', [dlg('chat1', { lastMessageId: 100 })], true);
    expect(t.shown).toEqual([]);
    expect(t.store.get('seen')).toEqual({ 'a1/chat1': 100 });
    t.n.newMessages('a1', [dlg('chat1', { lastMessageId: 101, snippet: 'Ping' })], false);
    expect(t.shown.map((x) => [x.title, x.body])).toEqual([['Title chat1', 'Ping']]);
    t.shown[0]!.click();
    expect(t.popup).toEqual(['a1/chat1']);
    const writes = t.writes();
    t.n.newMessages('a1', [dlg('chat1', { lastMessageId: 101 })], false);
    expect(t.shown).toHaveLength(1);
    expect(t.writes()).toBe(writes); // nothing changed: the store is not rewritten
  });

  it('while the popup is open its list shows the news: no notification over it, and none later', () => {
    const t = setup('on', { 'a1/chat1': 100 });
    t.setOpen(true);
    t.n.newMessages('a1', [dlg('chat1', { lastMessageId: 101 })], false);
    expect(t.shown).toEqual([]);
    expect(t.store.get('seen')).toEqual({ 'a1/chat1': 101 });
    t.n.reminder([{ accountId: 'a1', dialogId: 'chat3', until: 0, title: 'Three' }]); // asked for: shown
    expect(t.shown.map((x) => x.title)).toEqual(['Three']);
    t.setOpen(false);
    t.n.newMessages('a1', [dlg('chat1', { lastMessageId: 101 })], false);
    expect(t.shown).toHaveLength(1);
    t.n.newMessages('a1', [dlg('chat1', { lastMessageId: 102, snippet: 'Pong' })], false);
    expect(t.shown.map((x) => x.body)).toEqual(['Reminder: come back to this dialog', 'Pong']);
  });

  it('a damaged seen map reads as empty (no news, no crash)', () => {
    const t = setup('on', ['not', 'a', 'map']);
    t.n.newMessages('a1', [dlg('chat1')], false);
    expect(t.shown).toEqual([]);
    expect(t.store.get('seen')).toEqual({ 'a1/chat1': 200 });
  });

  it('a reminder the system cannot show opens the popup on its dialog; new messages stay on the badge', () => {
    const t = setup('on', { 'a1/chat1': 100 }, true);
    t.n.newMessages('a1', [dlg('chat1', { lastMessageId: 101 })], false);
    expect(t.popup).toEqual([]);
    t.n.reminder([{ accountId: 'a1', dialogId: 'chat3', until: 0, title: 'Three' }]);
    expect(t.popup).toEqual(['a1/chat3']);
  });

  it('reminders go through the same notifier and focus the dialog', () => {
    const t = setup('off');
    t.n.reminder([{ accountId: 'a1', dialogId: 'chat3', until: 0, title: 'Three' }]);
    expect(t.shown.map((x) => x.title)).toEqual(['Three']);
    t.shown[0]!.click();
    expect(t.popup).toEqual(['a1/chat3']);
  });
});
