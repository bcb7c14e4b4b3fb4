/**
 * Keeps the popup's rows by identity across pushes (issue 14). Every pushed state is a fresh
 * parse: each of its dialogs is a new object even when nothing in it changed, and the list renders
 * by object identity, so each push re-ran every rendered row's bindings (a toggle brings two
 * pushes: pending, then delivered). Here a pushed row equal, field by field, to the row already
 * shown under its key takes that row's place; when every row is kept, in order, so is the array.
 */
import { rowKey } from '../../shared/row-key';
import type { PinnedDialog } from '../../shared/types';

/** Every own field of `a` and `b` holds the same primitive (rows are flat). */
function sameRow(a: PinnedDialog, b: PinnedDialog): boolean {
  let n = 0;
  for (const k in a) {
    if (a[k as keyof PinnedDialog] !== b[k as keyof PinnedDialog]) return false;
    n++;
  }
  return n === Object.keys(b).length;
}

/** `next`, with each row equal to `prev`'s row of the same key replaced by that row; `prev` itself when all are. */
export function reuseRows(prev: readonly PinnedDialog[] | undefined, next: PinnedDialog[]): PinnedDialog[] {
  if (!prev || prev.length === 0 || next.length === 0) return next;
  const byKey: Record<string, PinnedDialog> = Object.create(null);
  for (const d of prev) byKey[rowKey(d)] = d;
  let all = prev.length === next.length;
  const out = next.map((d, i) => {
    const p = byKey[rowKey(d)];
    if (p !== undefined && sameRow(p, d)) {
      if (prev[i] !== p) all = false;
      return p;
    }
    all = false;
    return d;
  });
  return all ? (prev as PinnedDialog[]) : out;
}
