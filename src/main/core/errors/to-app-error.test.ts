import { describe, expect, it } from 'vitest';
import { BitrixError } from '../bitrix/types';
import { registerSecret } from '../redact';
import { CoreError } from '../validate';
import { toAppError } from './to-app-error';

describe('toAppError (the one error normaliser)', () => {
  it('a typed error keeps its code and ids; its message is redacted', () => {
    registerSecret('zz-secret-777777');
    const e = new CoreError('UNKNOWN_DIALOG', 'gone zz-secret-777777', { accountId: 'a1', dialogId: 'chat7' });
    expect(toAppError(e)).toEqual({
      code: 'UNKNOWN_DIALOG',
      message: 'gone ***',
      accountId: 'a1',
      dialogId: 'chat7',
    });
    expect(toAppError(new BitrixError('NETWORK', 'down'), { extra: { accountId: 'a2' } })).toMatchObject({
      code: 'NETWORK',
      accountId: 'a2',
    });
  });

  it('a bug is UNKNOWN_ERROR with the catalogue sentence, logged only when a logger is given', () => {
    const logged: string[] = [];
    const logger = { debug() {}, info() {}, warn() {}, error: (m: string) => void logged.push(m) };
    expect(toAppError(new TypeError('x of undefined'), { logger, intent: 'refresh' })).toEqual({
      code: 'UNKNOWN_ERROR',
      message: 'Something went wrong.',
    });
    expect(toAppError('a string', { extra: { accountId: 'a1' } })).toEqual({
      code: 'UNKNOWN_ERROR',
      message: 'Something went wrong.',
      accountId: 'a1',
    });
    expect(logged).toEqual(['Handler failed unexpectedly']);
  });
});
