import { describe, expect, it } from 'vitest';
import { initialsOf, isMutedFor, loadPinned, readCalls, snippetOf, toPinnedDialog, unreadCall } from './dialogs';
import type { RecentItem } from './bitrix/types';
import { scriptedClient } from '../../../tests/core/helpers';

const userItem: RecentItem = {
  id: 547,
  chat_id: 1231,
  type: 'user',
  avatar: { url: '', color: '#1eb4aa' },
  title: 'Ivan Ivanov',
  message: {
    id: 84415,
    text: 'hi',
    file: false,
    author_id: 547,
    date: '2026-02-25T12:07:10+03:00',
  } as RecentItem['message'],
  counter: 1,
  pinned: false,
  unread: false,
  date_update: '2026-02-25T12:07:10+03:00',
  date_last_activity: '2026-02-25T12:07:10+03:00',
  chat: { mute_list: [] },
};
const chatItem: RecentItem = {
  id: 'chat1317',
  chat_id: 1317,
  type: 'chat',
  avatar: { url: 'https://cdn.example/avatar.png', color: '#4ba984' },
  title: 'Green chat',
  message: { id: 84413, text: '[b]Release[/b] is [USER=5]Anna[/USER]\nready [url=https://x.y]here[/url]' },
  counter: 0,
  pinned: true,
  unread: true,
  chat: { id: 1317, mute_list: { '503': true } },
};

describe('toPinnedDialog', () => {
  it('maps a private dialog', () => {
    const d = toPinnedDialog(userItem, 'acc', 503)!;
    expect(d).toMatchObject({
      accountId: 'acc',
      dialogId: '547',
      kind: 'user',
      title: 'Ivan Ivanov',
      avatarUrl: null,
      color: '#1eb4aa',
      initials: 'II',
      snippet: 'hi',
      counter: 1,
      unreadMark: false,
      unread: true,
      pending: false,
      muted: false,
      lastActivity: '2026-02-25T12:07:10+03:00',
      lastMessageId: 84415,
    });
  });

  it('maps a group chat: https avatar, BB-codes stripped, manual mark, muted for the current user only', () => {
    const d = toPinnedDialog(chatItem, 'acc', 503)!;
    expect(d).toMatchObject({ dialogId: 'chat1317', kind: 'chat', avatarUrl: 'https://cdn.example/avatar.png' });
    expect(d.snippet).toBe('Release is Anna ready here');
    expect(d.unread).toBe(true);
    expect(d.unreadMark).toBe(true);
    expect(d.muted).toBe(true);
    expect(toPinnedDialog(chatItem, 'acc', 1)!.muted).toBe(false);
  });

  it('unread is the mark or the counter', () => {
    const base = { ...userItem };
    expect(toPinnedDialog({ ...base, counter: 0, unread: false }, 'a', 1)!.unread).toBe(false);
    expect(toPinnedDialog({ ...base, counter: 0, unread: true }, 'a', 1)!.unread).toBe(true);
    expect(toPinnedDialog({ ...base, counter: 3, unread: false }, 'a', 1)!.unread).toBe(true);
  });

  it('skips items without a valid DIALOG_ID (open lines and the like)', () => {
    for (const id of ['imol|123', 'chat', '', 0, -1, 'chat0', null]) {
      expect(toPinnedDialog({ ...userItem, id: id as never }, 'a', 1)).toBeNull();
    }
  });

  it('refuses non-https avatars except on a loopback demo portal', () => {
    const avatar = (url: string) => toPinnedDialog({ ...userItem, avatar: { url } }, 'a', 1)!.avatarUrl;
    expect(avatar('http://evil.example/a.png')).toBeNull();
    expect(avatar('javascript:alert(1)')).toBeNull();
    expect(avatar('/bitrix/js/im/images/blank.gif')).toBeNull();
    expect(avatar('http://127.0.0.1:8899/a.png')).toBe('http://127.0.0.1:8899/a.png');
    expect(avatar('https://cdn.example/a.png')).toBe('https://cdn.example/a.png');
  });

  it('survives wrong-shaped fields', () => {
    const d = toPinnedDialog(
      {
        id: 'sg17',
        type: 'chat',
        title: 42 as never,
        avatar: 'x' as never,
        message: 'x' as never,
        counter: '2' as never,
        chat: [] as never,
      },
      'a',
      1,
    )!;
    expect(d).toMatchObject({ dialogId: 'sg17', kind: 'sonet', title: 'sg17', counter: 2, unread: true, snippet: '' });
    expect(d.color).toMatch(/^#/);
  });
});

describe('text helpers', () => {
  it('initials handle Cyrillic, single words and punctuation', () => {
    expect(initialsOf('Анна Смирнова')).toBe('АС');
    expect(initialsOf('отдел продаж')).toBe('ОП');
    expect(initialsOf('«Release» 2.4')).toBe('R2');
    expect(initialsOf('Ivan')).toBe('I');
    expect(initialsOf('   ')).toBe('?');
  });
  it('snippets: file placeholder, length cap', () => {
    expect(snippetOf({ text: '', file: { id: 1 } } as never)).toBe('[File]');
    const long = snippetOf({ text: 'ж'.repeat(500) });
    expect([...long]).toHaveLength(120);
    expect(long.endsWith('…')).toBe(true);
    expect(snippetOf(null)).toBe('');
  });
  it('mute_list as [] / [id] / {id: true}', () => {
    expect(isMutedFor([], 5)).toBe(false);
    expect(isMutedFor([5], 5)).toBe(true);
    expect(isMutedFor({ '5': true }, 5)).toBe(true);
    expect(isMutedFor({ '5': false }, 5)).toBe(false);
  });
});

describe('loadPinned and the toggle call', () => {
  it('keeps only pinned dialogs, in messenger order, skipping open lines', async () => {
    const client = scriptedClient();
    client.recent = [chatItem, { ...userItem, pinned: true }, userItem, { ...chatItem, id: 'imol|5', pinned: true }];
    const list = await loadPinned(client, 'acc', 503);
    expect(list.map((d) => d.dialogId)).toEqual(['chat1317', '547']);
    expect(client.sent[0]!.calls[0]).toEqual({ method: 'im.recent.list', params: { SKIP_OPENLINES: 'Y' } });
  });

  it('"unread" is one im.recent.unread Y; "read" is im.recent.unread N plus im.dialog.read', () => {
    expect(unreadCall('15', true)).toEqual({ method: 'im.recent.unread', params: { DIALOG_ID: '15', ACTION: 'Y' } });
    expect(readCalls('chat74')).toEqual([
      { method: 'im.recent.unread', params: { DIALOG_ID: 'chat74', ACTION: 'N' } },
      { method: 'im.dialog.read', params: { DIALOG_ID: 'chat74' } },
    ]);
  });
});
