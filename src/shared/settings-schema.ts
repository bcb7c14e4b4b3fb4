/**
 * The user settings, declared once. TypeBox schemas are JSON Schema, so this
 * one definition gives:
 * - the TypeScript types ({@link Settings}, {@link SettingsPatch}, `Static<>`);
 * - the `settings` part of the store file's ajv schema
 *   (src/main/core/storage/schema.ts builds the document schema from it);
 * - the argument schema of the `updateSettings` intent (src/shared/intents.ts);
 * - the checks of `validateSettingsPatch` (src/main/core/storage/settings.ts),
 *   which adds only the rules a schema cannot state (an accelerator's grammar,
 *   a `${accountId}/${dialogId}` key, no two hotkeys on the same keys).
 *
 * Each field's `description` is what the user reads when a value is refused:
 * `Settings: "pollIntervalSec" must be a whole number of seconds from 15 to 3600 (got 5).`
 *
 * Adding a setting: one property in {@link SettingsSchema}, its default in
 * `DEFAULT_SETTINGS` (storage/settings.ts does not compile without it). The
 * store schema, the patch type and the IPC validator follow. A new required
 * key is a store schema change: bump `CURRENT_SCHEMA_VERSION` with a migration.
 * Its limits and choices are in settings-limits.ts (what the app reads at
 * runtime: it loads no TypeBox), and `npm run gen:validators` regenerates
 * the store's and the intent's checks from this schema.
 */
import Type, { type Static } from 'typebox';
import type { Lang } from './errors';
import {
  HOTKEY_SLOT_COUNT,
  LANGUAGES,
  MAX_ACCELERATOR_LENGTH,
  MAX_DIALOG_KEY_LENGTH,
  MAX_NOTIFY_DIALOGS,
  NOTIFICATION_MODES,
  POLL_INTERVAL_LIMITS,
  REDIRECT_PORT_LIMITS,
  THEMES,
} from './settings-limits';

const mustBeOneOf = (values: readonly string[]): string => `must be one of ${values.map((v) => `"${v}"`).join(', ')}`;
const bool = () => Type.Boolean({ description: 'must be true or false' });
const wholeNumber = (limits: { min: number; max: number }, unit: string) =>
  Type.Integer({
    minimum: limits.min,
    maximum: limits.max,
    description: `must be a whole number of ${unit} from ${limits.min} to ${limits.max}`,
  });

/** An Electron accelerator string ('' = off). Its grammar is `acceleratorProblem` (storage/settings.ts). */
export const AcceleratorSchema = Type.String({
  maxLength: MAX_ACCELERATOR_LENGTH,
  description: 'must be a shortcut text',
});

const hotkeyFields = {
  /** Shows/hides the popup. */
  togglePopup: AcceleratorSchema,
  /** Slots 1..9: toggle the Nth pinned dialog. Always 9 entries. */
  slots: Type.Array(AcceleratorSchema, {
    minItems: HOTKEY_SLOT_COUNT,
    maxItems: HOTKEY_SLOT_COUNT,
    description: `must be a list of exactly ${HOTKEY_SLOT_COUNT} shortcuts`,
  }),
};
const hotkeysOptions = {
  additionalProperties: false,
  description: `must be an object of the fields ${Object.keys(hotkeyFields).join(' and ')}`,
} as const;

/** The global shortcuts. */
export const HotkeysSchema = Type.Object(hotkeyFields, hotkeysOptions);

/** The settings as stored and shown. Strict: a key not declared here is refused everywhere. */
export const SettingsSchema = Type.Object(
  {
    hotkeys: HotkeysSchema,
    /** Seconds between polls of the pinned lists (one `im.recent.list` request per account). */
    pollIntervalSec: wholeNumber(POLL_INTERVAL_LIMITS, 'seconds'),
    launchAtLogin: bool(),
    theme: Type.Enum(THEMES, { description: mustBeOneOf(THEMES) }),
    language: Type.Enum(LANGUAGES, { description: mustBeOneOf(LANGUAGES) }),
    notifications: Type.Enum(NOTIFICATION_MODES, { description: mustBeOneOf(NOTIFICATION_MODES) }),
    /** With `notifications: 'chosen'`: keys `${accountId}/${dialogId}` (their grammar: `dialogKeyProblem`). */
    notifyDialogs: Type.Array(Type.String({ maxLength: MAX_DIALOG_KEY_LENGTH, description: 'must be text' }), {
      maxItems: MAX_NOTIFY_DIALOGS,
      description: `must be a list of at most ${MAX_NOTIFY_DIALOGS} dialogs`,
    }),
    /** Keep secrets in memory only (offered where the OS has no keyring). */
    secretsInMemoryOnly: bool(),
    /** Loopback port of the OAuth redirect listener. */
    oauthRedirectPort: wholeNumber(REDIRECT_PORT_LIMITS, 'port'),
  },
  { additionalProperties: false, description: 'must be an object of settings' },
);

/**
 * A settings change: any of the settings, and `hotkeys` may name only the
 * fields it changes (it is merged field by field). Strict like the settings.
 */
export const SettingsPatchSchema = Type.Object(
  {
    ...Type.Partial(SettingsSchema).properties,
    hotkeys: Type.Optional(Type.Partial(HotkeysSchema, hotkeysOptions)),
  },
  { additionalProperties: false, title: 'Settings', description: 'must be an object holding only known settings' },
);

/** User settings (persisted; see storage/settings.ts for the defaults, the store for migrations). */
export type Settings = Static<typeof SettingsSchema>;
/** A settings change as `updateSettings` takes it (see {@link SettingsPatchSchema}). */
export type SettingsPatch = Static<typeof SettingsPatchSchema>;
/** Appearance. */
export type Theme = Settings['theme'];

type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : never) : never;
// Compile-time: the language setting offers exactly the catalogues (errors.ts `Lang`) and 'system'.
const languagesMatch: Same<Settings['language'], 'system' | Lang> = true;
void languagesMatch;
