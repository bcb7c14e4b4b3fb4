/**
 * User settings: defaults, validation of patches from the (untrusted)
 * renderer, and the settings slice of the persisted store. The settings'
 * shape, types and limits are declared once, in src/shared/settings-schema.ts;
 * this file checks values against that schema and adds the rules a schema
 * cannot state.
 */
import { parseDialogId } from '../../../shared/dialog-id';
import { MAX_ACCELERATOR_LENGTH, HOTKEY_SLOT_COUNT } from '../../../shared/settings-limits';
import type { Settings, SettingsPatch } from '../../../shared/settings-schema';
import { BitrixError } from '../bitrix/types';
import type { KeyValueStore } from '../ports';
import { ACCOUNT_ID_PATTERN } from './store-constants';
import { argCheck, argSchemas, placeOf, schemaAt } from '../validate';

/**
 * A settings patch's schema (`SettingsPatchSchema` of settings-schema.ts, the `updateSettings`
 * intent's argument) as plain JSON, and its check: both generated (scripts/gen-validators.ts).
 */
const PATCH_SCHEMA = argSchemas('updateSettings')[0]!;
const checkPatch = argCheck('updateSettings', 0);
/** Every setting's key (a patch may name each of them, and only them). */
const SETTING_KEYS = Object.keys(PATCH_SCHEMA.properties as object) as (keyof Settings)[];

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null) {
    for (const v of Object.values(value)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}

/**
 * The default shortcuts of the release candidates: Ctrl+Alt is AltGr on Windows, so on German-style
 * layouts Ctrl+Alt+2/3/7/8/9/0 are how `²`, `³`, `{`, `[`, `]`, `}` are typed, and a global shortcut
 * on them swallows those characters everywhere (Microsoft: "Ctrl+Alt should not be used for
 * shortcuts", the AltGr note of the keyboard guidelines). Stored settings still holding one of these
 * exact values get the new default in its place ({@link sanitizeSettings}).
 */
export const LEGACY_DEFAULT_HOTKEYS: Readonly<Settings['hotkeys']> = deepFreeze({
  togglePopup: 'CommandOrControl+Alt+U',
  slots: Array.from({ length: HOTKEY_SLOT_COUNT }, (_, i) => `CommandOrControl+Alt+${i + 1}`),
});

/** Settings of a fresh install (frozen; use {@link defaultSettings} for a copy to change). */
export const DEFAULT_SETTINGS: Readonly<Settings> = deepFreeze<Settings>({
  // Ctrl+Shift+Alt (⌘⇧⌥ on macOS): not AltGr alone on Windows, and free in common apps.
  hotkeys: {
    togglePopup: 'CommandOrControl+Shift+Alt+U',
    slots: Array.from({ length: HOTKEY_SLOT_COUNT }, (_, i) => `CommandOrControl+Shift+Alt+${i + 1}`),
  },
  pollIntervalSec: 60,
  launchAtLogin: false,
  theme: 'system',
  language: 'system',
  notifications: 'on',
  notifyDialogs: [],
  secretsInMemoryOnly: false,
  // Unprivileged, outside the usual dev-server ranges, and not an IANA-registered service.
  oauthRedirectPort: 47231,
});

/** A fresh, mutable copy of {@link DEFAULT_SETTINGS}. */
export function defaultSettings(): Settings {
  return structuredClone(DEFAULT_SETTINGS) as Settings;
}

function invalid(field: string, why: string): BitrixError {
  return new BitrixError('INVALID_ARGUMENT', `Settings: "${field}" ${why}.`);
}

/** Describes a rejected value briefly, without echoing long input back. */
function shown(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return `a list of ${value.length}`;
  if (typeof value === 'string') return JSON.stringify(value.length > 24 ? `${value.slice(0, 24)}…` : value);
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return `a value of type ${typeof value}`;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value) as unknown;
  return proto === Object.prototype || proto === null;
}

const MODIFIERS = new Set([
  'command',
  'cmd',
  'control',
  'ctrl',
  'commandorcontrol',
  'cmdorctrl',
  'alt',
  'option',
  'altgr',
  'shift',
  'super',
  'meta',
]);

const NAMED_KEYS = new Set([
  'plus',
  'space',
  'tab',
  'capslock',
  'numlock',
  'scrolllock',
  'backspace',
  'delete',
  'insert',
  'return',
  'enter',
  'up',
  'down',
  'left',
  'right',
  'home',
  'end',
  'pageup',
  'pagedown',
  'escape',
  'esc',
  'volumeup',
  'volumedown',
  'volumemute',
  'medianexttrack',
  'mediaprevioustrack',
  'mediastop',
  'mediaplaypause',
  'printscreen',
  'numdec',
  'numadd',
  'numsub',
  'nummult',
  'numdiv',
]);

/**
 * Why `accelerator` is not an Electron accelerator string, or null when it
 * looks like one ('' means "off"). Whether the OS lets the app take it is
 * decided later, when it is registered.
 */
export function acceleratorProblem(accelerator: string): string | null {
  if (accelerator === '') return null;
  if (accelerator.length > MAX_ACCELERATOR_LENGTH) return `is longer than ${MAX_ACCELERATOR_LENGTH} characters`;
  // Printable ASCII only: accelerators name keys, and anything else is a paste accident.
  if (!/^[\x21-\x7e]+$/.test(accelerator))
    return `must use keys like "CommandOrControl+Shift+Alt+U" (got ${shown(accelerator)})`;
  const parts = accelerator.split('+');
  if (parts.some((p) => p === '')) return `has an empty key between "+" signs (use "Plus" for the + key)`;
  const key = parts[parts.length - 1] as string;
  const mods = parts.slice(0, -1);
  const badMod = mods.find((m) => !MODIFIERS.has(m.toLowerCase()));
  if (badMod !== undefined)
    return `has ${shown(badMod)}, which is not a modifier (Ctrl, Alt, Shift, Super, CommandOrControl…)`;
  if (new Set(mods.map((m) => m.toLowerCase())).size !== mods.length) return 'repeats a modifier';
  const lower = key.toLowerCase();
  if (MODIFIERS.has(lower)) return 'has no key after the modifiers';
  const isKey =
    key.length === 1 || NAMED_KEYS.has(lower) || /^f([1-9]|1[0-9]|2[0-4])$/.test(lower) || /^num[0-9]$/.test(lower);
  if (!isKey) return `ends with ${shown(key)}, which is not a key name`;
  return null;
}

/** Why `key` is not a `${accountId}/${DIALOG_ID}` key, or null. */
export function dialogKeyProblem(key: unknown): string | null {
  if (typeof key !== 'string') return `is ${shown(key)}, not text`;
  const slash = key.indexOf('/');
  if (slash < 0) return `${shown(key)} is not "<account>/<dialog id>"`;
  const account = key.slice(0, slash);
  const dialog = key.slice(slash + 1);
  if (!ACCOUNT_ID_PATTERN.test(account)) return `${shown(key)} does not start with an account id`;
  const parsed = parseDialogId(dialog);
  // Only the canonical spelling: keys are compared as strings elsewhere.
  if (!parsed || parsed.id !== dialog) return `${shown(key)} does not end with a dialog id such as "chat74" or "123"`;
  return null;
}

/** Why a value breaks a rule its schema cannot state, or null. */
type Rule = (value: unknown) => string | null;

const acceleratorRule: Rule = (v) =>
  typeof v === 'string' ? acceleratorProblem(v) : `must be a shortcut text, not ${shown(v)}`;

/**
 * The rules a schema cannot state, by the JSON pointer of the field below a
 * patch (`*`: every item of a list). A value its schema refuses is explained
 * by its rule, when it has one.
 */
const RULES: Readonly<Record<string, Rule>> = {
  '/hotkeys/togglePopup': acceleratorRule,
  '/hotkeys/slots/*': acceleratorRule,
  '/notifyDialogs/*': dialogKeyProblem,
};

/** The JSON pointers of the settings fields that have a rule (for tests: each names a field of the schema). */
export const RULE_POINTERS: readonly string[] = Object.keys(RULES);

const ruleAt = (pointer: string): Rule | undefined => RULES[pointer.replace(/\/\d+(?=\/|$)/g, '/*')];

/** The values at `path` (a {@link RULES} key) below `value`, with their pointers. */
function valuesAt(value: unknown, path: string[], pointer = ''): [string, unknown][] {
  if (path.length === 0) return [[pointer, value]];
  const [head, ...rest] = path as [string, ...string[]];
  if (head === '*') {
    return Array.isArray(value) ? value.flatMap((v, i) => valuesAt(v, rest, `${pointer}/${i}`)) : [];
  }
  return isPlainObject(value) && Object.hasOwn(value, head) ? valuesAt(value[head], rest, `${pointer}/${head}`) : [];
}

/** The pointer of the first object below `value` that is not plain data (a Date or a Map passes a JSON Schema object). */
function notPlain(value: unknown, pointer = ''): string | null {
  if (typeof value !== 'object' || value === null) return null;
  if (!Array.isArray(value) && !isPlainObject(value)) return pointer;
  for (const [k, v] of Object.entries(value)) {
    const found = notPlain(v, `${pointer}/${k}`);
    if (found !== null) return found;
  }
  return null;
}

/** What the field at `pointer` must be, from its schema (a field it does not know: "is not a setting"). */
function schemaWhy(patch: unknown, pointer: string, fallback: string): string {
  const spot = schemaAt(PATCH_SCHEMA, patch, pointer);
  if (!spot.schema) return 'is not a setting';
  const rule = ruleAt(pointer)?.(spot.value);
  if (rule) return rule;
  return `${(spot.schema as { description?: string }).description ?? fallback} (got ${shown(spot.value)})`;
}

/** The first fault of a patch (an object): against its schema, then against {@link RULES}. */
function firstProblem(patch: Record<string, unknown>): { pointer: string; why: string } | null {
  const e = checkPatch(patch) ? undefined : checkPatch.errors?.[0];
  if (e) {
    // An unknown key: ajv reports it on its object; name the key itself.
    const extra =
      e.keyword === 'additionalProperties'
        ? (e.params as { additionalProperty?: string }).additionalProperty
        : undefined;
    const pointer = extra === undefined ? e.instancePath : `${e.instancePath}/${extra}`;
    return { pointer, why: schemaWhy(patch, pointer, e.message ?? 'is invalid') };
  }
  const odd = notPlain(patch);
  if (odd !== null) return { pointer: odd, why: schemaWhy(patch, odd, 'must be plain data') };
  for (const [path, rule] of Object.entries(RULES)) {
    for (const [pointer, value] of valuesAt(patch, path.split('/').slice(1))) {
      const why = rule(value);
      if (why) return { pointer, why };
    }
  }
  return null;
}

/**
 * Validates a settings change from the renderer (untrusted input) against
 * the settings' schema and rules. Throws `BitrixError('INVALID_ARGUMENT')`
 * whose message names the field and what is wrong with it. Unknown keys,
 * wrong types and out-of-range values are all rejected; nothing is coerced.
 * Returns a fresh object holding only the keys given.
 */
export function validateSettingsPatch(patch: unknown): SettingsPatch {
  if (!isPlainObject(patch)) {
    throw new BitrixError('INVALID_ARGUMENT', `Settings: the change must be an object (got ${shown(patch)}).`);
  }
  const problem = firstProblem(patch);
  if (problem) throw invalid(placeOf('', problem.pointer).slice(0, 60), problem.why);
  const out = JSON.parse(JSON.stringify(patch)) as SettingsPatch;
  if (out.notifyDialogs) out.notifyDialogs = [...new Set(out.notifyDialogs)];
  return out;
}

/** Applies a validated patch to `base` (hotkeys merged field by field); returns a new object. */
export function mergeSettings(base: Readonly<Settings>, patch: SettingsPatch): Settings {
  const next = structuredClone(base) as Settings;
  const { hotkeys, ...rest } = patch;
  Object.assign(next, structuredClone(rest));
  if (hotkeys?.togglePopup !== undefined) next.hotkeys.togglePopup = hotkeys.togglePopup;
  if (hotkeys?.slots !== undefined) next.hotkeys.slots = [...hotkeys.slots];
  return next;
}

/**
 * Throws when two hotkeys of `settings` name the same accelerator (the
 * second registration would fail or steal the first one's key).
 */
export function assertDistinctHotkeys(settings: Readonly<Settings>): void {
  const seen = new Map<string, string>();
  const entries: [string, string][] = [
    ['hotkeys.togglePopup', settings.hotkeys.togglePopup],
    ...settings.hotkeys.slots.map((s, i): [string, string] => [`hotkeys.slots[${i}]`, s]),
  ];
  for (const [field, accel] of entries) {
    if (accel === '') continue;
    const norm = normalizeAccelerator(accel);
    const other = seen.get(norm);
    if (other) throw invalid(field, `uses ${shown(accel)}, which ${other} already uses`);
    seen.set(norm, field);
  }
}

/** Case- and order-insensitive form of an accelerator, for comparing. */
export function normalizeAccelerator(accelerator: string): string {
  const parts = accelerator.split('+');
  const key = (parts.pop() ?? '').toLowerCase();
  const alias: Record<string, string> = {
    cmd: 'command',
    ctrl: 'control',
    cmdorctrl: 'commandorcontrol',
    option: 'alt',
  };
  const mods = parts.map((m) => alias[m.toLowerCase()] ?? m.toLowerCase()).sort();
  return [...mods, key].join('+');
}

/**
 * Reads settings from any value, keeping every field that is valid on its
 * own and using the default for the rest. Never throws (used on stored data
 * that may be old or damaged).
 */
export function sanitizeSettings(raw: unknown): Settings {
  let out = defaultSettings();
  if (!isPlainObject(raw)) return out;
  const apply = (patch: Record<string, unknown>): void => {
    try {
      out = mergeSettings(out, validateSettingsPatch(patch));
    } catch {
      // Keep the current value of this field only.
    }
  };
  for (const key of SETTING_KEYS) {
    if (!Object.hasOwn(raw, key)) continue;
    const value = raw[key];
    if (key === 'hotkeys' && isPlainObject(value)) {
      // One bad slot should not cost the user their popup shortcut. An untouched old default
      // (AltGr on Windows) becomes the new default.
      const toggle = value.togglePopup === LEGACY_DEFAULT_HOTKEYS.togglePopup ? undefined : value.togglePopup;
      if (Object.hasOwn(value, 'togglePopup') && toggle !== undefined) apply({ hotkeys: { togglePopup: toggle } });
      if (Array.isArray(value.slots)) {
        const slots = value.slots.map((a: unknown, i) =>
          a === LEGACY_DEFAULT_HOTKEYS.slots[i] ? DEFAULT_SETTINGS.hotkeys.slots[i] : a,
        );
        apply({ hotkeys: { slots } });
      } else if (Object.hasOwn(value, 'slots')) apply({ hotkeys: { slots: value.slots } });
    } else {
      apply({ [key]: value });
    }
  }
  try {
    assertDistinctHotkeys(out);
  } catch {
    out.hotkeys = defaultSettings().hotkeys;
  }
  return out;
}

/** The settings slice of the store. */
export interface SettingsStore {
  /** Current settings (a copy; defaults for anything missing or damaged). */
  get(): Settings;
  /**
   * Validates `patch` (see {@link validateSettingsPatch}), merges it
   * (hotkeys field by field), rejects duplicate hotkeys, persists and
   * returns the new settings. Throws `BitrixError('INVALID_ARGUMENT')` and
   * changes nothing when the patch is bad.
   */
  update(patch: unknown): Settings;
}

/** Settings persisted under the `settings` key of `store`. */
export function createSettingsStore(store: KeyValueStore): SettingsStore {
  const get = (): Settings => sanitizeSettings(store.get('settings'));
  return {
    get,
    update(patch) {
      const valid = validateSettingsPatch(patch);
      const next = mergeSettings(get(), valid);
      assertDistinctHotkeys(next);
      store.set('settings', next);
      return structuredClone(next);
    },
  };
}
