import { describe, expect, it } from 'vitest';
import { parseDialogId, toDialogId, InvalidDialogIdError } from './dialog-id';

describe('parseDialogId', () => {
  it.each([
    ['chat74', 'chat', 74],
    ['123', 'user', 123],
    ['sg17', 'sonet', 17],
    [' chat9 ', 'chat', 9],
  ])('accepts %j', (input, kind, num) => {
    const d = parseDialogId(input);
    expect(d).toEqual({ id: String(input).trim(), kind, num });
  });

  it('accepts a numeric user id as im.recent.list returns it', () => {
    expect(parseDialogId(547)).toEqual({ id: '547', kind: 'user', num: 547 });
  });

  it.each([
    '',
    'chat',
    'chat0',
    '0',
    '-1',
    '01',
    'chat074',
    'CHAT74',
    'chat74x',
    'chat 74',
    '1.5',
    'sg',
    '99999999999999999',
    'chat74;DROP',
  ])('rejects %j', (input) => {
    expect(parseDialogId(input)).toBeNull();
  });

  it('stops at the largest safe integer: 16 digits pass the pattern, but 2^53 and above would lose their identity', () => {
    expect(parseDialogId('9007199254740991')).toEqual({ id: '9007199254740991', kind: 'user', num: 9007199254740991 });
    // 2^53 and 2^53+1 are the same double: accepting them would flip another dialog than the one named.
    expect(parseDialogId('9007199254740992')).toBeNull();
    expect(parseDialogId('chat9007199254740993')).toBeNull();
    expect(parseDialogId('sg9999999999999999')).toBeNull();
    expect(parseDialogId(2 ** 53)).toBeNull();
  });

  it.each([null, undefined, {}, [], 1.5, -3, 0, NaN, Infinity, true])('rejects non-string %j', (input) => {
    expect(parseDialogId(input)).toBeNull();
  });

  it('throws an actionable error', () => {
    expect(() => toDialogId('chat')).toThrow(InvalidDialogIdError);
    expect(() => toDialogId('chat')).toThrow(/"chat74" for a group chat/);
  });
});
