import { describe, expect, it } from 'vitest';
import type { PinnedDialog } from '../../shared/types';
import { reuseRows } from './reuse-rows';
import { pinnedRow } from '../../../tests/support/pinned-row';

const row = (dialogId: string, over: Partial<PinnedDialog> = {}): PinnedDialog =>
  pinnedRow({ dialogId, title: dialogId, initials: 'R', ...over });

describe('reuseRows', () => {
  it('keeps the previous array when every pushed row is equal and in order', () => {
    const prev = [row('a'), row('b')];
    expect(reuseRows(prev, [row('a'), row('b')])).toBe(prev);
  });

  it('keeps the unchanged rows by identity and takes the changed one as pushed', () => {
    const prev = [row('a'), row('b'), row('c')];
    const changed = row('b', { unread: true, pending: true });
    const out = reuseRows(prev, [row('a'), changed, row('c')]);
    expect(out).not.toBe(prev);
    expect(out[0]).toBe(prev[0]);
    expect(out[1]).toBe(changed);
    expect(out[2]).toBe(prev[2]);
  });

  it('follows the pushed order, additions and removals', () => {
    const prev = [row('a'), row('b')];
    const added = row('c');
    const out = reuseRows(prev, [row('b'), added]);
    expect(out).toEqual([prev[1], added]);
    expect(out[0]).toBe(prev[1]);
    expect(out[1]).toBe(added);
    expect(reuseRows(prev, [row('b'), row('a')])).toEqual([prev[1], prev[0]]);
  });

  it('a field null on one side and set on the other is a change', () => {
    const prev = [row('a')];
    const snoozed = row('a', { snoozedUntil: 5 });
    expect(reuseRows(prev, [snoozed])[0]).toBe(snoozed);
  });

  it('the same dialog id in another account is another row', () => {
    const prev = [row('a')];
    const other = row('a', { accountId: 'acc2' });
    expect(reuseRows(prev, [other])[0]).toBe(other);
  });
});
