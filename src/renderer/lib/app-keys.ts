/**
 * The popup's keyboard (moved out of App.svelte): moving the focus over the
 * rows (arrows, j/k, Home/End, PageUp/PageDown), the list's commands
 * (lib/keys.ts listCommand), Escape and Ctrl+, on every screen.
 */
import type { ViewState } from '../../shared/types';
import { listCommand } from './keys';
import { hasRowKey } from '../../shared/row-key';
import { rowKey, type createStore } from './store.svelte';

export interface AppKeysContext {
  store: ReturnType<typeof createStore>;
  view(): ViewState | null | undefined;
  showList(): boolean;
  filterInput(): HTMLInputElement | null;
  /** Rows one PageUp / PageDown moves the focus (the list's viewport less one row). */
  pageRows(): number;
  refresh(): Promise<void>;
}

/** A filter key this recent means the user is still typing it (a space or a digit goes on with it). */
export const TYPING_MS = 1000;

export function createAppKeys(ctx: AppKeysContext) {
  const { store } = ctx;
  /** When a key last went to the filter from the list (`performance.now()`). */
  let typedAt = -Infinity;

  function move(delta: number | 'first' | 'last'): void {
    const rows = store.visible;
    if (rows.length === 0) return;
    const key = store.focusKey;
    const at = key === null ? -1 : rows.findIndex((d) => hasRowKey(d, key));
    let next: number;
    if (delta === 'first') next = 0;
    else if (delta === 'last') next = rows.length - 1;
    else next = at < 0 ? 0 : Math.min(rows.length - 1, Math.max(0, at + delta));
    store.focusKey = rowKey(rows[next]!);
    store.focusRequest++;
  }

  function currentRow() {
    const key = store.focusKey;
    return (key === null ? undefined : store.visible.find((d) => hasRowKey(d, key))) ?? store.visible[0];
  }

  /**
   * The row holding the keyboard focus (its switch or one of its buttons), if any. Delete and
   * Ctrl+Enter act on it only: not on the row last focused while the focus is on the header's
   * buttons or a notice.
   */
  function rowOf(target: HTMLElement | null) {
    const key = target?.closest?.('[data-key]')?.getAttribute('data-key');
    return key ? store.visible.find((d) => rowKey(d) === key) : undefined;
  }

  function openSettings(): void {
    store.screen = store.screen === 'settings' ? 'list' : 'settings';
    if (store.screen === 'list') store.focusRequest++;
  }

  function onkeydown(e: KeyboardEvent): void {
    if (e.defaultPrevented || e.isComposing) return;
    const target = e.target as HTMLElement | null;
    if ((e.ctrlKey || e.metaKey) && e.key === ',') {
      e.preventDefault();
      if (ctx.view()?.accounts.length) openSettings();
      return;
    }
    if (store.screen !== 'list' || !ctx.showList()) {
      if (e.key === 'Escape') {
        e.preventDefault();
        if (store.screen === 'settings' || (store.screen === 'signin' && ctx.view()?.accounts.length)) {
          store.signinFromList = false;
          store.screen = 'list';
          store.focusRequest++;
        } else {
          store.hide();
        }
      }
      return;
    }
    if (target === ctx.filterInput()) {
      // Mark all read and open work from the filter box too: on the matches, and on the first one.
      const cmd = listCommand(e, store.filter);
      if (cmd?.kind === 'mark-all-read' || cmd?.kind === 'open') {
        e.preventDefault();
        if (cmd.kind === 'mark-all-read') void store.markAllRead();
        else {
          const d = currentRow();
          if (d) void store.open(d);
        }
        return;
      }
      if (e.key === 'ArrowDown' || e.key === 'Enter') {
        e.preventDefault();
        store.focusRequest++;
      } else if (e.key === 'Escape') {
        e.preventDefault();
        if (store.filter) store.filter = '';
        else store.hide();
      }
      return;
    }
    // Other text fields (the snooze time picker) keep their keys.
    if (target && (target.tagName === 'INPUT' || target.tagName === 'SELECT' || target.tagName === 'TEXTAREA')) return;
    const cmd = listCommand(e, store.filter, performance.now() - typedAt < TYPING_MS);
    if (!cmd) return;
    e.preventDefault();
    switch (cmd.kind) {
      case 'next':
        return move(1);
      case 'prev':
        return move(-1);
      case 'first':
        return move('first');
      case 'last':
        return move('last');
      case 'page-down':
        return move(ctx.pageRows());
      case 'page-up':
        return move(-ctx.pageRows());
      case 'slot':
        void store.toggleSlot(cmd.n);
        return;
      case 'open': {
        // With nothing focused (the popup just shown), the first row, as the filter box does.
        const d = target === null || target === document.body ? currentRow() : rowOf(target);
        if (d) void store.open(d);
        return;
      }
      case 'unpin': {
        const d = rowOf(target);
        if (d) void store.unpin(d);
        return;
      }
      case 'refresh':
        void ctx.refresh();
        return;
      case 'mark-all-read':
        void store.markAllRead();
        return;
      case 'undo':
        void store.undo();
        return;
      case 'settings':
        return openSettings();
      case 'escape':
        if (store.filter) store.filter = '';
        else store.hide();
        return;
      case 'filter-append':
        store.filter += cmd.text;
        typedAt = performance.now();
        return;
      case 'filter-backspace':
        store.filter = store.filter.slice(0, -1);
        typedAt = performance.now();
        return;
      case 'filter-focus':
        ctx.filterInput()?.focus();
        return;
    }
  }

  /**
   * Before the focused row's switch sees it (it flips on Space's keydown): while a filter is being
   * typed, a space or a digit goes on with the filter (listCommand's `typing`).
   */
  function onkeydowncapture(e: KeyboardEvent): void {
    if (performance.now() - typedAt >= TYPING_MS || (e.key !== ' ' && !/^\p{N}$/u.test(e.key))) return;
    onkeydown(e);
  }

  return { onkeydown, onkeydowncapture, openSettings, move, currentRow };
}
