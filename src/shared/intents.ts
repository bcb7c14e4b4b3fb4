/**
 * The channel map, declared once: every intent the popup can ask of the
 * main process, with its argument schema and result type. Everything else
 * is derived from this table: the TypeScript types (`window.api`, the
 * handler table), the runtime argument validators of both hosts (Electron
 * IPC and the browser preview; see {@link validateArgs}: generated from
 * these schemas by scripts/gen-validators.ts, so the app itself loads no
 * TypeBox), the preload's API and the preview bridge (both built by
 * src/shared/api-factory.ts).
 *
 * Schema library: TypeBox (npm `typebox`, pinned). Its schemas ARE JSON
 * Schema objects, so the same values can feed ajv (the electron-store
 * document schema) and TypeScript (`Static<>`), with one grammar per fact.
 * Results are not validated at runtime (the core produces them), so they
 * are declared with `Type.Unsafe<T>()`, a type carrier.
 *
 * Adding an intent: one entry here, one service method, the renderer's call,
 * and `npm run gen:validators` (validators.test.ts fails until it has run).
 */
import Type, { type Static, type TSchema } from 'typebox';
import { DIALOG_ID_FORMAT, type DialogIdText } from './dialog-id';
import { INVOKE_NAMES, MAX_ID_LENGTH, MAX_UNREAD_TARGETS, MAX_URL_LENGTH } from './intent-names';
import { SettingsPatchSchema } from './settings-schema';
import type { AccountSummary, OAuthStartResult, PinnedDialog, SettingsView, ViewState } from './types';

export { INVOKE_NAMES, MAX_ID_LENGTH, MAX_UNREAD_TARGETS, MAX_URL_LENGTH };

// ---- argument schemas (each names itself through `title`; `description` says what is wanted) ----

/** A non-empty string of at most `max` characters (not only blanks). */
function text(title: string, max: number, description = 'must be a non-empty string') {
  return Type.String({
    title,
    description: `${description} (at most ${max} characters)`,
    maxLength: max,
    pattern: '\\S',
  });
}

const AccountIdArg = text('accountId', MAX_ID_LENGTH);
/** A DIALOG_ID in canonical form (`chat74`, `sg17`, `123`): the one grammar of src/shared/dialog-id.ts. */
export const DialogIdSchema = Type.Unsafe<DialogIdText>(
  Type.String({
    title: 'dialogId',
    description: 'must be a Bitrix24 dialog id',
    maxLength: 40,
    format: DIALOG_ID_FORMAT,
  }),
);
const UnreadArg = Type.Boolean({ title: 'unread', description: 'must be true or false' });
/** One pinned dialog of one account, as named in a request. */
export const DialogRefSchema = Type.Object(
  { accountId: AccountIdArg, dialogId: DialogIdSchema },
  {
    title: 'target',
    description: 'must be an object with exactly the fields accountId and dialogId',
    additionalProperties: false,
  },
);
const TargetsArg = Type.Array(DialogRefSchema, {
  title: 'targets',
  description: `must be a list of 1 to ${MAX_UNREAD_TARGETS} dialogs`,
  minItems: 1,
  maxItems: MAX_UNREAD_TARGETS,
});
const UntilArg = Type.Number({ title: 'until', description: 'must be a time in milliseconds' });
const OAuthInputArg = Type.Object(
  {
    portal: text('portal', MAX_URL_LENGTH),
    clientId: text('clientId', 256),
    clientSecret: text('clientSecret', 256),
  },
  {
    title: 'The sign-in form',
    description: 'must be an object with exactly the fields portal, clientId and clientSecret',
    additionalProperties: false,
  },
);
function result<T>() {
  return Type.Unsafe<T>({});
}

/** Intent name → argument tuple schema and result type. */
export const INTENTS = {
  getState: { args: Type.Tuple([]), result: result<ViewState>() },
  refresh: { args: Type.Tuple([]), result: result<ViewState>() },
  setUnread: { args: Type.Tuple([AccountIdArg, DialogIdSchema, UnreadArg]), result: result<PinnedDialog>() },
  /**
   * Many toggles as one intent ("Mark all read"): all queued and stored in one durable write,
   * then sent in batches. `queued` counts distinct dialogs.
   */
  setUnreadMany: { args: Type.Tuple([TargetsArg, UnreadArg]), result: result<{ queued: number }>() },
  openInBitrix: { args: Type.Tuple([AccountIdArg, DialogIdSchema]), result: result<null>() },
  snooze: { args: Type.Tuple([AccountIdArg, DialogIdSchema, UntilArg]), result: result<PinnedDialog>() },
  unsnooze: { args: Type.Tuple([AccountIdArg, DialogIdSchema]), result: result<PinnedDialog>() },
  /**
   * Unpins a dialog in Bitrix24 (`im.recent.pin PIN=N`) through the durable queue: the reply
   * acknowledges once the intent is on disk; the pushed state drops the row at once (and brings
   * it back, with a notice, if the portal refuses).
   */
  unpin: { args: Type.Tuple([AccountIdArg, DialogIdSchema]), result: result<null>() },
  /**
   * Pins a dialog in Bitrix24 again (`im.recent.pin PIN=Y`): the popup's undo of an unpin, through
   * the same queue. An unpin not yet sent is taken back instead; once the portal confirms the pin,
   * the account's list is reloaded and the row comes back with it.
   */
  pin: { args: Type.Tuple([AccountIdArg, DialogIdSchema]), result: result<null>() },
  signInWithWebhook: {
    args: Type.Tuple([text('The webhook URL', MAX_URL_LENGTH)]),
    result: result<AccountSummary>(),
  },
  startOAuth: { args: Type.Tuple([OAuthInputArg]), result: result<OAuthStartResult>() },
  cancelOAuth: { args: Type.Tuple([]), result: result<null>() },
  signOut: { args: Type.Tuple([AccountIdArg]), result: result<null>() },
  getSettings: { args: Type.Tuple([]), result: result<SettingsView>() },
  /** The patch's schema is the settings' own (settings-schema.ts); the handler adds the rules a schema cannot state. */
  updateSettings: { args: Type.Tuple([SettingsPatchSchema]), result: result<SettingsView>() },
  dismissNotice: { args: Type.Tuple([text('noticeId', MAX_ID_LENGTH)]), result: result<null>() },
  hidePopup: { args: Type.Tuple([]), result: result<null>() },
} as const satisfies Record<string, { args: TSchema; result: TSchema }>;

export type Intents = typeof INTENTS;
export type InvokeName = keyof Intents;
/** The validated arguments a handler receives (a DIALOG_ID arrives as a checked {@link DialogIdText}). */
export type ArgsOf<K extends InvokeName> = Static<Intents[K]['args']>;
/** The result of an intent. */
export type ResultOf<K extends InvokeName> = Static<Intents[K]['result']>;

/** What the sender may pass: the same shape with plain strings where the handler gets a checked id. */
export type Wire<T> = T extends DialogIdText
  ? string
  : T extends readonly unknown[]
    ? { [I in keyof T]: Wire<T[I]> }
    : T extends object
      ? { [P in keyof T]: Wire<T[P]> }
      : T;
/** The arguments the popup passes to an intent. */
export type WireArgsOf<K extends InvokeName> = Wire<ArgsOf<K>>;

type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : never) : never;
// Compile-time: the runtime name list (intent-names.ts) names exactly the intents of this table.
const namesMatch: Same<(typeof INVOKE_NAMES)[number], InvokeName> = true;
void namesMatch;

/** One pinned dialog of one account, as the popup names it. */
export type DialogRef = Wire<Static<typeof DialogRefSchema>>;
