import { describe, expect, it } from 'vitest';
import { INVOKE_NAMES, type InvokeName } from '../../shared/ipc';
import { createHandlers, dispatch, type CoreOps } from './ipc-handlers';
import { BitrixError } from './bitrix/types';
import { registerSecret } from './redact';
import type { Logger } from './ports';

const NOW = 1_800_000_000_000;

function setup(over: Partial<CoreOps> = {}) {
  const calls: string[] = [];
  const rec =
    <T>(name: string, value: T) =>
    (...args: unknown[]) => {
      calls.push(`${name}(${JSON.stringify(args)})`);
      return value;
    };
  const dialog = { dialogId: 'chat74' } as never;
  const core: CoreOps = {
    getState: rec('getState', { status: 'ready' } as never),
    refresh: rec('refresh', Promise.resolve({ status: 'ready' } as never)),
    setUnread: rec('setUnread', dialog),
    setUnreadMany: rec('setUnreadMany', { queued: 1 }),
    openInBitrix: rec('openInBitrix', Promise.resolve()),
    snooze: rec('snooze', dialog),
    unsnooze: rec('unsnooze', dialog),
    unpin: rec('unpin', Promise.resolve()),
    pin: rec('pin', Promise.resolve()),
    signInWithWebhook: rec('signInWithWebhook', Promise.resolve({ id: 'acc1' } as never)),
    startOAuth: rec('startOAuth', Promise.resolve({ authorizeUrl: 'x', redirectUrl: 'y' })),
    cancelOAuth: rec('cancelOAuth', undefined),
    signOut: rec('signOut', undefined),
    getSettings: rec('getSettings', {} as never),
    updateSettings: rec('updateSettings', {} as never),
    dismissNotice: rec('dismissNotice', undefined),
    hidePopup: rec('hidePopup', undefined),
    hasAccount: (id) => id === 'acc1',
    now: () => NOW,
    ...over,
  };
  const logged: string[] = [];
  const logger: Logger = {
    debug: () => {},
    info: () => {},
    warn: () => {},
    error: (m, meta) => logged.push(`${m} ${JSON.stringify(meta)}`),
  };
  const handlers = createHandlers(core);
  return { calls, handlers, logged, run: (name: string, args: unknown) => dispatch(handlers, name, args, logger) };
}

const good: Record<InvokeName, unknown[]> = {
  getState: [],
  refresh: [],
  setUnread: ['acc1', 'chat74', true],
  setUnreadMany: [[{ accountId: 'acc1', dialogId: 'chat74' }], false],
  openInBitrix: ['acc1', 'sg17'],
  snooze: ['acc1', '15', NOW + 3600_000],
  unsnooze: ['acc1', 'chat74'],
  unpin: ['acc1', 'chat74'],
  pin: ['acc1', 'chat74'],
  signInWithWebhook: ['https://acme.bitrix24.ru/rest/1/abcdef123456/'],
  startOAuth: [{ portal: 'acme.bitrix24.ru', clientId: 'local.1', clientSecret: 'sec' }],
  cancelOAuth: [],
  signOut: ['acc1'],
  getSettings: [],
  updateSettings: [{ pollIntervalSec: 120 }],
  dismissNotice: ['n1'],
  hidePopup: [],
};

describe('IPC handlers', () => {
  it.each(INVOKE_NAMES)('%s accepts well-formed arguments', async (name) => {
    const { run, calls } = setup();
    const r = await run(name, good[name]);
    expect(r.ok).toBe(true);
    expect(calls).toHaveLength(1);
  });

  const bad: [InvokeName, unknown[], string][] = [
    ['getState', [1], 'INVALID_ARGUMENT'],
    ['setUnread', ['acc1', 'chat74'], 'INVALID_ARGUMENT'],
    ['setUnread', ['acc1', 'chat74', true, 1], 'INVALID_ARGUMENT'],
    ['setUnread', ['acc1', 'chat74', 'true'], 'INVALID_ARGUMENT'],
    ['setUnread', ['acc1', 'chat74', 1], 'INVALID_ARGUMENT'],
    ['setUnread', ['acc1', 'chat74', null], 'INVALID_ARGUMENT'],
    ['setUnread', ['acc1', 'chat0', true], 'INVALID_DIALOG_ID'],
    ['setUnread', ['acc1', '', true], 'INVALID_DIALOG_ID'],
    ['setUnread', ['acc1', 'chat74; DROP', true], 'INVALID_DIALOG_ID'],
    ['setUnread', ['acc1', 74, true], 'INVALID_DIALOG_ID'],
    ['setUnread', ['acc1', { id: 'chat74' }, true], 'INVALID_DIALOG_ID'],
    ['setUnread', ['acc1', 'imol|5', true], 'INVALID_DIALOG_ID'],
    ['setUnread', ['acc2', 'chat74', true], 'UNKNOWN_ACCOUNT'],
    ['setUnread', [42, 'chat74', true], 'INVALID_ARGUMENT'],
    ['setUnread', ['x'.repeat(10_000), 'chat74', true], 'INVALID_ARGUMENT'],
    ['openInBitrix', ['acc1', 'https://evil.example'], 'INVALID_DIALOG_ID'],
    ['openInBitrix', ['acc1'], 'INVALID_ARGUMENT'],
    ['setUnreadMany', [[{ accountId: 'acc1', dialogId: 'chat74' }]], 'INVALID_ARGUMENT'],
    ['setUnreadMany', [[{ accountId: 'acc1', dialogId: 'chat74' }], false, 1], 'INVALID_ARGUMENT'],
    ['setUnreadMany', [[{ accountId: 'acc1', dialogId: 'chat74' }], 'false'], 'INVALID_ARGUMENT'],
    ['setUnreadMany', [[{ accountId: 'acc1', dialogId: 'chat74' }], 0], 'INVALID_ARGUMENT'],
    ['setUnreadMany', [[], false], 'INVALID_ARGUMENT'],
    ['setUnreadMany', [{ accountId: 'acc1', dialogId: 'chat74' }, false], 'INVALID_ARGUMENT'],
    ['setUnreadMany', ['chat74', false], 'INVALID_ARGUMENT'],
    ['setUnreadMany', [null, false], 'INVALID_ARGUMENT'],
    [
      'setUnreadMany',
      [Array.from({ length: 1001 }, () => ({ accountId: 'acc1', dialogId: 'chat74' })), false],
      'INVALID_ARGUMENT',
    ],
    ['setUnreadMany', [[null], false], 'INVALID_ARGUMENT'],
    ['setUnreadMany', [[['acc1', 'chat74']], false], 'INVALID_ARGUMENT'],
    ['setUnreadMany', [[{ accountId: 'acc1' }], false], 'INVALID_ARGUMENT'],
    ['setUnreadMany', [[{ accountId: 'acc1', dialogId: 'chat74', unread: true }], false], 'INVALID_ARGUMENT'],
    ['setUnreadMany', [[{ accountId: 42, dialogId: 'chat74' }], false], 'INVALID_ARGUMENT'],
    ['setUnreadMany', [[{ accountId: 'acc2', dialogId: 'chat74' }], false], 'UNKNOWN_ACCOUNT'],
    ['setUnreadMany', [[{ accountId: 'acc1', dialogId: 'chat0' }], false], 'INVALID_DIALOG_ID'],
    ['setUnreadMany', [[{ accountId: 'acc1', dialogId: 'imol|5' }], false], 'INVALID_DIALOG_ID'],
    ['setUnreadMany', [[{ accountId: 'acc1', dialogId: 74 }], false], 'INVALID_DIALOG_ID'],
    // One bad entry among good ones refuses the whole list: nothing is queued.
    [
      'setUnreadMany',
      [
        [
          { accountId: 'acc1', dialogId: 'chat74' },
          { accountId: 'acc1', dialogId: 'chat74; DROP' },
        ],
        false,
      ],
      'INVALID_DIALOG_ID',
    ],
    ['snooze', ['acc1', 'chat74', NOW - 1], 'INVALID_ARGUMENT'],
    ['snooze', ['acc1', 'chat74', NOW + 400 * 24 * 3600_000], 'INVALID_ARGUMENT'],
    ['snooze', ['acc1', 'chat74', Number.NaN], 'INVALID_ARGUMENT'],
    ['snooze', ['acc1', 'chat74', Infinity], 'INVALID_ARGUMENT'],
    ['snooze', ['acc1', 'chat74', String(NOW + 1000)], 'INVALID_ARGUMENT'],
    ['unsnooze', ['nobody', 'chat74'], 'UNKNOWN_ACCOUNT'],
    ['signInWithWebhook', [], 'INVALID_ARGUMENT'],
    ['signInWithWebhook', [{}], 'INVALID_ARGUMENT'],
    ['signInWithWebhook', ['https://a.b/' + 'x'.repeat(5000)], 'INVALID_ARGUMENT'],
    ['signInWithWebhook', ['   '], 'INVALID_ARGUMENT'],
    ['startOAuth', ['acme'], 'INVALID_ARGUMENT'],
    ['startOAuth', [{ portal: 'a', clientId: 'b' }], 'INVALID_ARGUMENT'],
    ['startOAuth', [{ portal: 'a', clientId: 'b', clientSecret: 'c', extra: 1 }], 'INVALID_ARGUMENT'],
    ['startOAuth', [{ portal: 'a', clientId: 'b', clientSecret: 7 }], 'INVALID_ARGUMENT'],
    ['signOut', ['acc9'], 'UNKNOWN_ACCOUNT'],
    ['updateSettings', [{ pollIntervalSec: 1 }], 'INVALID_ARGUMENT'],
    ['updateSettings', [{ nope: true }], 'INVALID_ARGUMENT'],
    ['updateSettings', ['x'], 'INVALID_ARGUMENT'],
    ['updateSettings', [{ hotkeys: { slots: ['a'] } }], 'INVALID_ARGUMENT'],
    ['dismissNotice', [5], 'INVALID_ARGUMENT'],
    ['hidePopup', [true], 'INVALID_ARGUMENT'],
  ];
  it.each(bad)('%s %j is refused with %s and reaches nothing', async (name, args, code) => {
    const { run, calls } = setup();
    const r = await run(name, args);
    expect(r).toMatchObject({ ok: false, error: { code } });
    if (!r.ok) {
      expect(r.error.message.length).toBeGreaterThan(10);
      expect(r.error.message).not.toMatch(/\bat \S+:\d+/); // no stack
    }
    expect(calls).toEqual([]);
  });

  it('an unknown intent is UNKNOWN_CHANNEL; arguments that are not a list are refused', async () => {
    const { run, calls } = setup();
    expect(await run('__proto__', [])).toMatchObject({ ok: false, error: { code: 'UNKNOWN_CHANNEL' } });
    expect(await run('constructor', [])).toMatchObject({ ok: false, error: { code: 'UNKNOWN_CHANNEL' } });
    expect(await run('setUnread', 'acc1')).toMatchObject({ ok: false, error: { code: 'INVALID_ARGUMENT' } });
    expect(calls).toEqual([]);
  });

  it('a typed error from the core keeps its code; its message is redacted', async () => {
    registerSecret('supersecretcode123');
    const { run } = setup({
      signInWithWebhook: async () => {
        throw new BitrixError('NO_AUTH_FOUND', 'Revoked: https://a.bitrix24.ru/rest/1/supersecretcode123/profile');
      },
    });
    const r = await run('signInWithWebhook', ['https://a.bitrix24.ru/rest/1/supersecretcode123/']);
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.error.code).toBe('NO_AUTH_FOUND');
      expect(r.error.message).not.toContain('supersecretcode123');
    }
  });

  it('an unexpected exception becomes UNKNOWN_ERROR, logged (redacted), with no stack or secret across', async () => {
    registerSecret('tok_abcdef987654');
    const { run, logged } = setup({
      refresh: async () => {
        throw new TypeError('Cannot read properties of undefined (token tok_abcdef987654)');
      },
    });
    const r = await run('refresh', []);
    expect(r).toMatchObject({ ok: false, error: { code: 'UNKNOWN_ERROR' } });
    expect(JSON.stringify(r)).not.toContain('tok_abcdef987654');
    expect(JSON.stringify(r)).not.toContain('TypeError');
    expect(logged).toHaveLength(1);
  });
});
