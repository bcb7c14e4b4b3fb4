/**
 * The Linux autostart entry (`~/.config/autostart/b24-unread-tray.desktop`,
 * XDG Autostart spec), built as text with the Desktop Entry spec's escaping
 * rules. Pure: no `electron` import.
 *
 * Escaping, per the Desktop Entry Specification 1.5:
 * - "The Exec key": an argument containing a reserved character is quoted
 *   with double quotes; inside them `"`, `` ` ``, `$` and `\` take a
 *   backslash; a literal `%` is written `%%` (field codes).
 * - "Possible value types": the whole value is then a string, whose `\`
 *   is written `\\` (so a backslash inside a quoted argument ends up as 4).
 */
import { join } from 'node:path';

/** The entry's file name. */
export const AUTOSTART_FILE = 'b24-unread-tray.desktop';

const RESERVED = /[\s"'\\><~|&;$*?#()`]/;

/** Quotes one Exec argument (before the string-level escaping). */
export function quoteExecArg(arg: string): string {
  assertPrintable(arg, 'Exec argument');
  const percent = arg.replace(/%/g, '%%');
  if (percent !== '' && !RESERVED.test(percent)) return percent;
  return `"${percent.replace(/["`$\\]/g, (c) => `\\${c}`)}"`;
}

/** Escapes a `string`/`localestring` value (`\` and control characters). */
export function escapeValue(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/\t/g, '\\t').replace(/\r/g, '\\r');
}

function assertPrintable(s: string, what: string): void {
  if (typeof s !== 'string') throw new TypeError(`${what} must be a string.`);
  // A newline would end the key; NUL cannot be represented at all.
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(s)) throw new RangeError(`${what} contains a control character.`);
}

/** What the autostart entry launches. */
export interface DesktopEntryInput {
  /** Display name, e.g. "B24 Unread Tray". */
  name: string;
  /** The program: the AppImage path when run from one, else the executable. */
  exec: string;
  /** Extra arguments (the app path when running unpackaged). */
  args?: readonly string[];
  comment?: string;
  /** Icon name or absolute path. */
  icon?: string;
}

/** Builds the `.desktop` text. Throws RangeError for a value with control characters. */
export function buildDesktopEntry(input: DesktopEntryInput): string {
  assertPrintable(input.name, 'Name');
  if (input.comment !== undefined) assertPrintable(input.comment, 'Comment');
  if (input.icon !== undefined) assertPrintable(input.icon, 'Icon');
  if (!input.exec) throw new RangeError('Exec must name the program to start.');
  const exec = [input.exec, ...(input.args ?? [])].map(quoteExecArg).join(' ');
  const lines = [
    '[Desktop Entry]',
    'Type=Application',
    'Version=1.5',
    `Name=${escapeValue(input.name)}`,
    ...(input.comment ? [`Comment=${escapeValue(input.comment)}`] : []),
    `Exec=${escapeValue(exec)}`,
    ...(input.icon ? [`Icon=${escapeValue(input.icon)}`] : []),
    'Terminal=false',
    'StartupNotify=false',
    'X-GNOME-Autostart-enabled=true',
    // Give the panel's tray host a moment to appear before our icon does.
    'X-GNOME-Autostart-Delay=3',
    'X-KDE-autostart-after=panel',
  ];
  return `${lines.join('\n')}\n`;
}

/** Where the autostart entry lives: `$XDG_CONFIG_HOME/autostart` (default `~/.config/autostart`). */
export function autostartPath(env: { XDG_CONFIG_HOME?: string }, home: string): string {
  const base = env.XDG_CONFIG_HOME && env.XDG_CONFIG_HOME.startsWith('/') ? env.XDG_CONFIG_HOME : join(home, '.config');
  return join(base, 'autostart', AUTOSTART_FILE);
}
