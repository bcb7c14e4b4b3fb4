import { describe, expect, it } from 'vitest';
import { acceleratorFromEvent, describeAccelerator, listCommand, type KeyLike } from './keys';

const key = (k: Partial<KeyLike> & { key: string }): KeyLike => ({
  code: '',
  ctrlKey: false,
  metaKey: false,
  altKey: false,
  shiftKey: false,
  ...k,
});

describe('acceleratorFromEvent', () => {
  it('builds Electron accelerators from the physical key, whatever the layout', () => {
    expect(acceleratorFromEvent(key({ key: 'u', code: 'KeyU', ctrlKey: true, altKey: true }), 'linux')).toBe(
      'CommandOrControl+Alt+U',
    );
    // Russian layout: the U key types "г" but the accelerator names U.
    expect(acceleratorFromEvent(key({ key: 'г', code: 'KeyU', ctrlKey: true, altKey: true }), 'win32')).toBe(
      'CommandOrControl+Alt+U',
    );
    expect(acceleratorFromEvent(key({ key: '1', code: 'Digit1', metaKey: true, shiftKey: true }), 'darwin')).toBe(
      'CommandOrControl+Shift+1',
    );
    expect(acceleratorFromEvent(key({ key: 'F8', code: 'F8' }), 'linux')).toBe('F8');
  });

  it('waits while only modifiers are held and refuses shortcuts that would swallow typing', () => {
    expect(acceleratorFromEvent(key({ key: 'Control', code: 'ControlLeft', ctrlKey: true }), 'linux')).toBeNull();
    expect(acceleratorFromEvent(key({ key: 'a', code: 'KeyA' }), 'linux')).toBeNull();
    expect(acceleratorFromEvent(key({ key: 'A', code: 'KeyA', shiftKey: true }), 'linux')).toBeNull();
  });

  it('reads back as the platform writes it', () => {
    expect(describeAccelerator('CommandOrControl+Alt+U', 'linux')).toBe('Ctrl+Alt+U');
    expect(describeAccelerator('CommandOrControl+Alt+U', 'darwin')).toBe('⌘⌥U');
    expect(describeAccelerator('', 'linux')).toBe('');
  });
});

describe('listCommand', () => {
  it('moves with arrows and j/k, toggles the Nth with digits', () => {
    expect(listCommand(key({ key: 'ArrowDown' }), '')).toEqual({ kind: 'next' });
    expect(listCommand(key({ key: 'k', code: 'KeyK' }), '')).toEqual({ kind: 'prev' });
    expect(listCommand(key({ key: '3', code: 'Digit3' }), '')).toEqual({ kind: 'slot', n: 3 });
    expect(listCommand(key({ key: '0', code: 'Digit0' }), '')).toBeNull();
  });

  it('Home/End jump to the ends, PageUp/PageDown move by a page, with or without a filter', () => {
    for (const filter of ['', 'rel']) {
      expect(listCommand(key({ key: 'Home', code: 'Home' }), filter)).toEqual({ kind: 'first' });
      expect(listCommand(key({ key: 'End', code: 'End' }), filter)).toEqual({ kind: 'last' });
      expect(listCommand(key({ key: 'PageDown', code: 'PageDown' }), filter)).toEqual({ kind: 'page-down' });
      expect(listCommand(key({ key: 'PageUp', code: 'PageUp' }), filter)).toEqual({ kind: 'page-up' });
    }
    // With a modifier they stay the browser's.
    expect(listCommand(key({ key: 'PageDown', code: 'PageDown', ctrlKey: true }), '')).toBeNull();
  });

  it('lets Space and Enter reach the focused switch', () => {
    expect(listCommand(key({ key: ' ', code: 'Space' }), '')).toBeNull();
    expect(listCommand(key({ key: 'Enter', code: 'Enter' }), '')).toBeNull();
    expect(listCommand(key({ key: 'Enter', code: 'Enter', ctrlKey: true }), '')).toEqual({ kind: 'open' });
  });

  it('filters with typed letters; command letters join the filter once it has started', () => {
    expect(listCommand(key({ key: 'a', code: 'KeyA' }), '')).toEqual({ kind: 'filter-append', text: 'a' });
    expect(listCommand(key({ key: 'О', code: 'KeyJ' }), '')).toEqual({ kind: 'filter-append', text: 'О' });
    expect(listCommand(key({ key: 'r', code: 'KeyR' }), '')).toEqual({ kind: 'refresh' });
    expect(listCommand(key({ key: 'r', code: 'KeyR' }), 'p')).toEqual({ kind: 'filter-append', text: 'r' });
    // A capital letter starts a filter ("Release"); it never marks anything read.
    expect(listCommand(key({ key: 'R', code: 'KeyR', shiftKey: true }), '')).toEqual({
      kind: 'filter-append',
      text: 'R',
    });
    expect(listCommand(key({ key: 'Backspace' }), 'pr')).toEqual({ kind: 'filter-backspace' });
    expect(listCommand(key({ key: 'Backspace' }), '')).toBeNull();
  });

  it('while a filter is being typed, a space and the digits go on with it; after a pause they flip again', () => {
    const space = key({ key: ' ', code: 'Space' });
    const two = key({ key: '2', code: 'Digit2' });
    expect(listCommand(space, 'John', true)).toEqual({ kind: 'filter-append', text: ' ' });
    expect(listCommand(two, 'Release ', true)).toEqual({ kind: 'filter-append', text: '2' });
    expect(listCommand(space, 'John', false)).toBeNull();
    expect(listCommand(two, 'Release ', false)).toEqual({ kind: 'slot', n: 2 });
    // No filter: nothing is being typed.
    expect(listCommand(space, '', true)).toBeNull();
    expect(listCommand(two, '', true)).toEqual({ kind: 'slot', n: 2 });
  });

  it('Ctrl+Enter or ⌘↵ opens the focused row; o starts a filter ("ops")', () => {
    expect(listCommand(key({ key: 'Enter', code: 'Enter', metaKey: true }), '')).toEqual({ kind: 'open' });
    expect(listCommand(key({ key: 'o', code: 'KeyO' }), '')).toEqual({ kind: 'filter-append', text: 'o' });
  });

  it('Delete (or ⌘⌫) unpins the focused row, with or without a filter; no letter does ("urgent" is typed)', () => {
    for (const filter of ['', 'rel']) {
      expect(listCommand(key({ key: 'Delete', code: 'Delete' }), filter)).toEqual({ kind: 'unpin' });
      expect(listCommand(key({ key: 'Backspace', code: 'Backspace', metaKey: true }), filter)).toEqual({
        kind: 'unpin',
      });
    }
    // A filter starts with any letter, u included, in either case and script.
    expect(listCommand(key({ key: 'u', code: 'KeyU' }), '')).toEqual({ kind: 'filter-append', text: 'u' });
    expect(listCommand(key({ key: 'U', code: 'KeyU', shiftKey: true }), '')).toEqual({
      kind: 'filter-append',
      text: 'U',
    });
    expect(listCommand(key({ key: 'г', code: 'KeyU' }), '')).toEqual({ kind: 'filter-append', text: 'г' });
    // With another modifier Delete stays the browser's; Ctrl+Backspace is not ⌘⌫.
    expect(listCommand(key({ key: 'Delete', code: 'Delete', shiftKey: true }), '')).toBeNull();
    expect(listCommand(key({ key: 'Delete', code: 'Delete', ctrlKey: true }), '')).toBeNull();
    expect(listCommand(key({ key: 'Backspace', code: 'Backspace', ctrlKey: true }), '')).toBeNull();
    expect(listCommand(key({ key: 'u', code: 'KeyU', ctrlKey: true }), '')).toBeNull();
  });

  it('Esc, F5 and Ctrl+, are always commands', () => {
    expect(listCommand(key({ key: 'Escape' }), 'abc')).toEqual({ kind: 'escape' });
    expect(listCommand(key({ key: 'Escape', shiftKey: true }), '')).toEqual({ kind: 'mark-all-read' });
    expect(listCommand(key({ key: 'Escape', shiftKey: true, ctrlKey: true }), '')).toEqual({ kind: 'escape' });
    expect(listCommand(key({ key: 'F5', code: 'F5' }), '')).toEqual({ kind: 'refresh' });
    expect(listCommand(key({ key: ',', code: 'Comma', ctrlKey: true }), '')).toEqual({ kind: 'settings' });
  });

  it('Ctrl+Z and ⌘Z undo (the physical Z, on any layout), with or without a filter; not with Shift or Alt', () => {
    for (const filter of ['', 'rel']) {
      expect(listCommand(key({ key: 'z', code: 'KeyZ', ctrlKey: true }), filter)).toEqual({ kind: 'undo' });
      expect(listCommand(key({ key: 'z', code: 'KeyZ', metaKey: true }), filter)).toEqual({ kind: 'undo' });
    }
    expect(listCommand(key({ key: 'я', code: 'KeyZ', ctrlKey: true }), '')).toEqual({ kind: 'undo' });
    expect(listCommand(key({ key: 'Z', code: 'KeyZ', ctrlKey: true, shiftKey: true }), '')).toBeNull();
    expect(listCommand(key({ key: 'z', code: 'KeyZ', ctrlKey: true, altKey: true }), '')).toBeNull();
    // Plain z starts a filter.
    expect(listCommand(key({ key: 'z', code: 'KeyZ' }), '')).toEqual({ kind: 'filter-append', text: 'z' });
  });
});
