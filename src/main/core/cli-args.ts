/**
 * Command-line actions of the app. A second launch hands its argv to the
 * running instance (`app.on('second-instance')`), so these flags are also the
 * fallback for desktops where global shortcuts or tray clicks do not work
 * (GNOME without the AppIndicator extension, some Wayland compositors): bind
 * a desktop keyboard shortcut or a launcher to
 *
 * ```sh
 * b24-unread-tray --show              # open the popup
 * b24-unread-tray --toggle chat74     # flip dialog chat74 read/unread
 * b24-unread-tray --refresh           # reload the pinned list now
 * ```
 *
 * Pure: no `electron` import, so it is unit-tested in plain Node.
 */
import { InvalidDialogIdError, parseDialogId } from '../../shared/dialog-id';

/** What a launch asked the app to do. */
export interface LaunchArgs {
  /** `--show`: open the popup. */
  show: boolean;
  /** `--toggle <DIALOG_ID>`: the validated, canonical DIALOG_ID to flip, or null. */
  toggle: string | null;
  /** `--refresh`: reload the pinned list. */
  refresh: boolean;
  /** Problems a user can act on (a bad dialog id, a missing value); never thrown. */
  errors: string[];
}

const TOGGLE = '--toggle';

/**
 * Parses the app's own flags out of a full argv (the executable path, the
 * app path in development, and Electron/Chromium switches such as
 * `--original-process-start-time=…` are ignored). `--toggle` takes its value
 * as the next argument or after `=`; the last `--toggle` wins. Anything
 * malformed becomes a message in `errors`, never an exception.
 */
export function parseLaunchArgs(argv: readonly string[]): LaunchArgs {
  const out: LaunchArgs = { show: false, toggle: null, refresh: false, errors: [] };
  if (!Array.isArray(argv)) return { ...out, errors: ['The command line could not be read.'] };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (typeof arg !== 'string') continue;
    if (arg === '--show') {
      out.show = true;
    } else if (arg === '--refresh') {
      out.refresh = true;
    } else if (arg === TOGGLE || arg.startsWith(`${TOGGLE}=`)) {
      let value: string | undefined;
      if (arg === TOGGLE) {
        const next = argv[i + 1];
        // A following switch is not a value: `--toggle --show` lacks the id.
        if (typeof next === 'string' && !next.startsWith('--')) {
          value = next;
          i++;
        }
      } else {
        value = arg.slice(TOGGLE.length + 1);
      }
      if (value === undefined || value.trim() === '') {
        out.errors.push('--toggle needs a dialog id, for example: --toggle chat74');
        continue;
      }
      const id = parseDialogId(value);
      if (!id) {
        out.errors.push(`--toggle: ${new InvalidDialogIdError(value).message}`);
        continue;
      }
      out.toggle = id.id;
    }
    // Everything else (executable, app path, Chromium switches) is not ours.
  }
  return out;
}

/** True when the launch asked for nothing in particular (a plain second launch shows the popup). */
export function isEmptyLaunch(a: LaunchArgs): boolean {
  return !a.show && !a.refresh && a.toggle === null && a.errors.length === 0;
}
