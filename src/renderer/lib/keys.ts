/**
 * Pure keyboard helpers: turning a key press into an Electron accelerator
 * (Settings' shortcut capture) and deciding what a key does in the list.
 */

/** The parts of a KeyboardEvent these helpers read (so tests need no DOM). */
export interface KeyLike {
  key: string;
  code: string;
  ctrlKey: boolean;
  metaKey: boolean;
  altKey: boolean;
  shiftKey: boolean;
}

const MODIFIER_KEYS = new Set(['Control', 'Meta', 'Alt', 'Shift', 'AltGraph', 'OS', 'Super', 'Hyper']);

const NAMED: Record<string, string> = {
  ' ': 'Space',
  ArrowUp: 'Up',
  ArrowDown: 'Down',
  ArrowLeft: 'Left',
  ArrowRight: 'Right',
  Enter: 'Enter',
  Tab: 'Tab',
  Backspace: 'Backspace',
  Delete: 'Delete',
  Insert: 'Insert',
  Home: 'Home',
  End: 'End',
  PageUp: 'PageUp',
  PageDown: 'PageDown',
  Escape: 'Escape',
};

/** The accelerator key name of a physical key, layout-independent where it matters (digits, letters). */
function keyName(e: KeyLike): string | null {
  // Use `code` for letters and digits: on a Russian layout `key` is "г" for the U key,
  // and Electron accelerators name physical Latin keys.
  let m = /^Key([A-Z])$/.exec(e.code);
  if (m) return m[1]!;
  m = /^Digit([0-9])$/.exec(e.code);
  if (m) return m[1]!;
  m = /^Numpad([0-9])$/.exec(e.code);
  if (m) return `num${m[1]}`;
  m = /^F([1-9]|1[0-9]|2[0-4])$/.exec(e.key);
  if (m) return e.key;
  if (e.key in NAMED) return NAMED[e.key]!;
  const punct: Record<string, string> = {
    Minus: '-',
    Equal: '=',
    BracketLeft: '[',
    BracketRight: ']',
    Backslash: '\\',
    Semicolon: ';',
    Quote: "'",
    Comma: ',',
    Period: '.',
    Slash: '/',
    Backquote: '`',
  };
  return punct[e.code] ?? null;
}

/**
 * The Electron accelerator for a key press, e.g. `CommandOrControl+Alt+U`,
 * or null while only modifiers are held or the key cannot be a shortcut.
 * A global shortcut needs at least one modifier (except F-keys), otherwise
 * it would swallow ordinary typing everywhere.
 */
export function acceleratorFromEvent(e: KeyLike, platform: string): string | null {
  if (MODIFIER_KEYS.has(e.key)) return null;
  const key = keyName(e);
  if (!key) return null;
  const mac = platform === 'darwin';
  const parts: string[] = [];
  // CommandOrControl is what users mean on each platform (Cmd on macOS, Ctrl elsewhere).
  if (mac ? e.metaKey : e.ctrlKey) parts.push('CommandOrControl');
  if (mac && e.ctrlKey) parts.push('Control');
  if (!mac && e.metaKey) parts.push('Super');
  if (e.altKey) parts.push('Alt');
  if (e.shiftKey) parts.push('Shift');
  const isFKey = /^F\d+$/.test(key);
  if (parts.length === 0 && !isFKey) return null;
  if (parts.length === 1 && parts[0] === 'Shift' && !isFKey) return null;
  parts.push(key);
  return parts.join('+');
}

/** A readable form of an accelerator for the platform (`Ctrl+Alt+U`, `⌘⌥U`). */
export function describeAccelerator(accel: string, platform: string): string {
  if (!accel) return '';
  const mac = platform === 'darwin';
  return accel
    .split('+')
    .map((p) => {
      if (p === 'CommandOrControl' || p === 'CmdOrCtrl') return mac ? '⌘' : 'Ctrl';
      if (p === 'Control') return mac ? '⌃' : 'Ctrl';
      if (p === 'Alt') return mac ? '⌥' : 'Alt';
      if (p === 'Shift') return mac ? '⇧' : 'Shift';
      if (p === 'Super') return 'Super';
      return p;
    })
    .join(mac ? '' : '+');
}

/** What a key press means on the dialog list (outside text fields). */
export type ListCommand =
  | { kind: 'next' }
  | { kind: 'prev' }
  | { kind: 'first' }
  | { kind: 'last' }
  | { kind: 'page-down' }
  | { kind: 'page-up' }
  | { kind: 'slot'; n: number }
  | { kind: 'open' }
  | { kind: 'unpin' }
  | { kind: 'refresh' }
  | { kind: 'mark-all-read' }
  | { kind: 'undo' }
  | { kind: 'settings' }
  | { kind: 'escape' }
  | { kind: 'filter-append'; text: string }
  | { kind: 'filter-backspace' }
  | { kind: 'filter-focus' };

/**
 * Maps a key press on the list to a command, or null to let the browser
 * handle it (Space/Enter reach the focused switch as a click).
 *
 * The letters j, k and r (move, refresh) are commands only while the filter
 * is empty; once a filter is being typed every letter goes to it (and `/`
 * focuses the filter box to start a filter with one of those letters).
 * Nothing that leaves the popup or changes Bitrix24 is a letter: the first
 * letter of a word typed to filter ("urgent", "ops") must not unpin the
 * focused dialog or open a browser over the popup. Delete (⌘⌫ on a Mac
 * keyboard) unpins, Ctrl+Enter (⌘↵) opens.
 *
 * `typing`: a filter is being typed (its last key came moments ago). Then a
 * space and the digits go on with it ("John Carter", "Release 2"), as in a
 * listbox's type-ahead (WAI-ARIA APG; Radix Select treats Space so while a
 * search is in progress), instead of flipping the focused or the Nth dialog
 * in Bitrix24. Once the user pauses, Space and digits flip again.
 */
export function listCommand(e: KeyLike, filter: string, typing = false): ListCommand | null {
  const plainish = !e.ctrlKey && !e.metaKey && !e.altKey;
  // Shift+Esc marks all read (as in Slack); not Shift+R, which starts a filter like "Release".
  if (e.key === 'Escape' && e.shiftKey && !e.ctrlKey && !e.metaKey && !e.altKey) return { kind: 'mark-all-read' };
  if (e.key === 'Escape') return { kind: 'escape' };
  if (e.key === 'F5' || ((e.ctrlKey || e.metaKey) && !e.altKey && e.code === 'KeyR')) return { kind: 'refresh' };
  if ((e.ctrlKey || e.metaKey) && e.key === ',') return { kind: 'settings' };
  if ((e.ctrlKey || e.metaKey) && e.key === 'Enter') return { kind: 'open' };
  // Ctrl+Z / ⌘Z undoes Mark all read; the physical Z key, as on a Russian layout ("я").
  if ((e.ctrlKey || e.metaKey) && !e.altKey && !e.shiftKey && e.code === 'KeyZ') return { kind: 'undo' };
  const bare = plainish && !e.shiftKey;
  if ((bare && e.key === 'Delete') || (e.metaKey && !e.ctrlKey && !e.altKey && !e.shiftKey && e.key === 'Backspace')) {
    return { kind: 'unpin' };
  }
  if (!plainish) return null;
  if (e.key === 'ArrowDown') return { kind: 'next' };
  if (e.key === 'ArrowUp') return { kind: 'prev' };
  if (e.key === 'Home') return { kind: 'first' };
  if (e.key === 'End') return { kind: 'last' };
  if (e.key === 'PageDown') return { kind: 'page-down' };
  if (e.key === 'PageUp') return { kind: 'page-up' };
  if (e.key === 'Backspace') return filter ? { kind: 'filter-backspace' } : null;
  if (typing && filter !== '' && (e.key === ' ' || /^\p{N}$/u.test(e.key)))
    return { kind: 'filter-append', text: e.key };
  if (/^Digit[1-9]$/.test(e.code) || /^Numpad[1-9]$/.test(e.code)) {
    return { kind: 'slot', n: Number(e.code.slice(-1)) };
  }
  if (e.key.length !== 1 || e.key === ' ') return null;
  if (filter === '') {
    if (e.key === 'j') return { kind: 'next' };
    if (e.key === 'k') return { kind: 'prev' };
    if (e.key === 'r') return { kind: 'refresh' };
    if (e.key === '/') return { kind: 'filter-focus' };
  }
  // A filter starts with a letter; digits and punctuation only continue one ("Release 2.4").
  if (filter === '' && !/^\p{L}$/u.test(e.key)) return null;
  // Letters (any script), digits and common title punctuation.
  if (/^[\p{L}\p{N}\-_.#@&'"«»()]$/u.test(e.key)) return { kind: 'filter-append', text: e.key };
  return null;
}
