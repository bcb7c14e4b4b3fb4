/**
 * The settings' limits and choices, without the schema library: the main
 * process reads them at runtime (src/shared/settings-schema.ts, which builds
 * the settings' schema from them, is for types and generated validators
 * only, so the app loads no TypeBox; scripts/gen-validators.ts).
 */

/** Allowed range of `Settings.pollIntervalSec`. */
export const POLL_INTERVAL_LIMITS = { min: 15, max: 3600 } as const;
/** Allowed range of `Settings.oauthRedirectPort`: unprivileged ports only. */
export const REDIRECT_PORT_LIMITS = { min: 1024, max: 65535 } as const;
/** Number of hotkey slots (toggle the Nth pinned dialog). */
export const HOTKEY_SLOT_COUNT = 9;
/** Longest accelerator string accepted. */
export const MAX_ACCELERATOR_LENGTH = 64;
/** Most dialogs that can be chosen for notifications. */
export const MAX_NOTIFY_DIALOGS = 500;
/** Longest `${accountId}/${dialogId}` key the store accepts. */
export const MAX_DIALOG_KEY_LENGTH = 100;

/** Appearance. */
export const THEMES = ['system', 'light', 'dark'] as const;
/** The popup's language: the OS's, or one of the catalogues. */
export const LANGUAGES = ['system', 'en', 'ru'] as const;
/** Which dialogs notify: none, all, or those in `Settings.notifyDialogs`. */
export const NOTIFICATION_MODES = ['off', 'on', 'chosen'] as const;
