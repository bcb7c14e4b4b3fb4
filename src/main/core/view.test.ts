import { describe, expect, it } from 'vitest';
import { explain } from '../../shared/errors';
import type { AppError } from '../../shared/result';
import type { AccountSummary } from '../../shared/types';
import type { LoadedDialog } from './dialogs';
import { buildViewState, dialogView, type AccountView, type ViewInput } from './view';
import { pinnedRow } from '../../../tests/support/pinned-row';

const loaded = (accountId: string, dialogId: string, over: Partial<LoadedDialog> = {}): LoadedDialog => ({
  ...pinnedRow({
    accountId,
    dialogId,
    kind: dialogId.startsWith('chat') ? 'chat' : 'user',
    title: dialogId,
    color: '#1eb4aa',
    initials: 'C',
  }),
  lastMessageId: null,
  ...over,
});

const account = (id: string, status: AccountSummary['status'] = 'ok'): AccountSummary => ({
  id,
  portal: `${id}.bitrix24.ru`,
  origin: `https://${id}.bitrix24.ru`,
  kind: 'webhook',
  userId: 1,
  userName: 'U',
  status,
  secretStorage: 'encrypted',
});

// As the view shows them: in the catalogue's words (see the test of that below).
const net: AppError = { code: 'NETWORK', message: explain('NETWORK') };
const denied: AppError = { code: 'ACCESS_ERROR', message: explain('ACCESS_ERROR') };

function view(accounts: AccountSummary[], runtimes: Record<string, AccountView>, over: Partial<ViewInput> = {}) {
  return buildViewState({
    accounts,
    account: (id) => runtimes[id],
    pendingFor: () => undefined,
    unpinPending: () => false,
    snoozedUntil: () => null,
    pendingActions: 0,
    notices: [],
    offline: false,
    lang: 'en',
    ...over,
  });
}

const rt = (dialogs: LoadedDialog[] | null, lastError: AppError | null = null, updatedAt: number | null = null) => ({
  dialogs,
  lastError,
  updatedAt,
});

describe('dialogView', () => {
  it('shows the confirmed state when nothing is queued', () => {
    const d = loaded('a', 'chat1', { counter: 3, unread: true, lastMessageId: 5 });
    const v = dialogView(d, undefined, null);
    expect(v).toMatchObject({ counter: 3, unread: true, unreadMark: false, pending: false, snoozedUntil: null });
    // Only what the popup shows: no bookkeeping fields.
    expect(v).not.toHaveProperty('lastMessageId');
  });

  it('a queued "unread" shows the mark; a queued "read" also clears the count', () => {
    const d = loaded('a', 'chat1', { counter: 3, unread: true });
    expect(dialogView(d, { unread: false }, 42)).toMatchObject({
      unread: false,
      unreadMark: false,
      counter: 0,
      pending: true,
      snoozedUntil: 42,
    });
    expect(dialogView(loaded('a', '5'), { unread: true }, null)).toMatchObject({
      unread: true,
      unreadMark: true,
      pending: true,
    });
  });
});

describe('buildViewState', () => {
  it('leaves out a dialog whose unpin is queued or in flight (it returns when the unpin is gone)', () => {
    const runtimes = { a: rt([loaded('a', 'chat1'), loaded('a', 'chat2'), loaded('a', '15')], null, 5) };
    let unpinning = new Set(['a/chat2']);
    const input = { unpinPending: (acc: string, d: string) => unpinning.has(`${acc}/${d}`) };
    expect(view([account('a')], runtimes, input).dialogs.map((d) => d.dialogId)).toEqual(['chat1', '15']);
    unpinning = new Set();
    expect(view([account('a')], runtimes, input).dialogs.map((d) => d.dialogId)).toEqual(['chat1', 'chat2', '15']);
  });

  it('lists every account’s dialogs in account order with queued intents applied; newest update wins', () => {
    const s = view(
      [account('a'), account('b')],
      { a: rt([loaded('a', 'chat1'), loaded('a', '7')], null, 100), b: rt([loaded('b', 'chat1')], null, 200) },
      {
        pendingFor: (acc, d) => (acc === 'b' && d === 'chat1' ? { unread: true } : undefined),
        snoozedUntil: (acc, d) => (acc === 'a' && d === '7' ? 999 : null),
        pendingActions: 1,
      },
    );
    expect(s.dialogs.map((d) => `${d.accountId}/${d.dialogId}:${d.unread}:${d.snoozedUntil}`)).toEqual([
      'a/chat1:false:null',
      'a/7:false:999',
      'b/chat1:true:null',
    ]);
    expect(s).toMatchObject({ status: 'ready', updatedAt: 200, pendingActions: 1, error: null });
  });

  it('signed-out without accounts; "sign in again" when no account can send', () => {
    expect(view([], {})).toMatchObject({ status: 'signed-out', dialogs: [], error: null });
    const s = view([account('a', 'needs-sign-in')], { a: rt([loaded('a', 'chat1')]) });
    expect(s).toMatchObject({ status: 'error', error: { code: 'SIGN_IN_EXPIRED', accountId: 'a' } });
    expect(s.dialogs).toHaveLength(1); // what was loaded stays visible
  });

  it('offline when the OS says so or every active account failed on the network', () => {
    expect(view([account('a')], { a: rt([loaded('a', 'chat1')]) }, { offline: true })).toMatchObject({
      status: 'offline',
      error: { code: 'NETWORK' },
    });
    expect(
      view([account('a'), account('b')], { a: rt(null, net), b: rt(null, { code: 'TIMEOUT', message: 't' }) }),
    ).toMatchObject({ status: 'offline', error: net });
    // One portal answering is not offline.
    expect(view([account('a'), account('b')], { a: rt(null, net), b: rt([]) })).toMatchObject({
      status: 'ready',
      error: net,
    });
  });

  it("shows an error in the catalogue's words of the user's language, not the portal's (the popup has no catalogue)", () => {
    const portalWords: AppError = { code: 'ACCESS_ERROR', message: "You don't have access to this chat" };
    expect(view([account('a')], { a: rt(null, portalWords) }, { lang: 'ru' }).error).toEqual({
      code: 'ACCESS_ERROR',
      message: explain('ACCESS_ERROR', 'ru'),
    });
  });

  it('loading while an active account has neither a list nor an error', () => {
    expect(view([account('a'), account('b')], { a: rt([]) }).status).toBe('loading');
    expect(view([account('a')], { a: rt(null) }).status).toBe('loading');
  });

  it('a cached list from an earlier run is shown while loading, with its time; offline keeps showing it', () => {
    const cached = { ...rt([loaded('a', 'chat1', { unread: true })], null, 500), cached: true };
    const s = view([account('a')], { a: cached }, { pendingFor: () => ({ unread: false }), pendingActions: 1 });
    expect(s).toMatchObject({ status: 'loading', updatedAt: 500, error: null });
    expect(s.dialogs.map((d) => [d.dialogId, d.unread, d.pending])).toEqual([['chat1', false, true]]);
    expect(view([account('a')], { a: { ...cached, lastError: net } })).toMatchObject({
      status: 'offline',
      updatedAt: 500,
      dialogs: [{ dialogId: 'chat1' }],
    });
    expect(view([account('a')], { a: { ...cached, lastError: denied } }).status).toBe('error');
    // Once a load confirms it, it is ready.
    expect(view([account('a')], { a: { ...cached, cached: false } }).status).toBe('ready');
  });

  it('error when every active account failed otherwise; ready with the first error when some work', () => {
    expect(view([account('a')], { a: rt(null, denied) })).toMatchObject({ status: 'error', error: denied });
    expect(view([account('a'), account('b')], { a: rt([]), b: rt(null, denied) })).toMatchObject({
      status: 'ready',
      error: denied,
    });
  });

  it('notices are copies (the pushed state cannot change the core’s list)', () => {
    const notices = [{ id: 'n1', level: 'info' as const, code: 'NETWORK' as const, message: 'm', at: 1 }];
    const s = view([], {}, { notices });
    s.notices[0]!.message = 'changed';
    expect(notices[0]!.message).toBe('m');
  });
});
