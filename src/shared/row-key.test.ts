import { describe, expect, it } from 'vitest';
import { hasRowKey, rowKey } from './row-key';

describe('hasRowKey', () => {
  it('matches exactly what rowKey builds', () => {
    const rows = [
      { accountId: 'a1', dialogId: 'chat74' },
      { accountId: 'a1', dialogId: '612' },
      { accountId: 'a12', dialogId: '612' },
      { accountId: 'a', dialogId: '1/612' },
    ];
    for (const d of rows) {
      for (const e of rows) expect(hasRowKey(d, rowKey(e))).toBe(rowKey(d) === rowKey(e));
    }
    expect(hasRowKey({ accountId: 'a1', dialogId: '612' }, 'a1-612')).toBe(false);
    expect(hasRowKey({ accountId: 'a1', dialogId: '612' }, '')).toBe(false);
  });
});
