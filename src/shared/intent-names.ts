/**
 * The intent names and limits the popup and the preload need at runtime,
 * without the schema library (the preload is sandboxed and the popup's
 * bundle stays small). src/shared/intents.ts checks at compile time that
 * this list and its table name exactly the same intents.
 */

/** Every intent, at runtime, in the order of the table in intents.ts. */
export const INVOKE_NAMES = [
  'getState',
  'refresh',
  'setUnread',
  'setUnreadMany',
  'openInBitrix',
  'snooze',
  'unsnooze',
  'unpin',
  'pin',
  'signInWithWebhook',
  'startOAuth',
  'cancelOAuth',
  'signOut',
  'getSettings',
  'updateSettings',
  'dismissNotice',
  'hidePopup',
] as const;

/** Most targets one `setUnreadMany` may name. */
export const MAX_UNREAD_TARGETS = 1000;
/** Longest URL or portal address accepted from the renderer. */
export const MAX_URL_LENGTH = 2048;
/** Longest id (account, notice) accepted from the renderer. */
export const MAX_ID_LENGTH = 128;
