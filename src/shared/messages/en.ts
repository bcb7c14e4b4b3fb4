/**
 * Every user-facing string in English: the popup, the tray menu and
 * tooltip, desktop notifications, the core's notices and the error
 * explanations. `ru.ts` is typed as {@link Messages}, so a key missing
 * there (or extra) fails to compile. Parameterised messages are functions
 * (their parameters are type-checked at each call); plurals, relative
 * times and dates come from Intl through `./format`. Each section is its
 * own export so a bundle takes only the sections it imports (the popup:
 * `popup` and `errors`).
 */
import type { ErrorCode } from '../errors';
import { plural, relative } from './format';

/** The popup (the renderer's `store.t`). */
export const popup = {
  appName: 'B24 Unread Tray',
  refresh: 'Refresh',
  markAllRead: 'Mark all read',
  markedRead: (n: number) => `${plural('en', n, { one: '# dialog', other: '# dialogs' })} marked read`,
  unpinned: (title: string) => `Unpinned “${title}”`,
  undo: 'Undo',
  settings: 'Settings',
  back: 'Back',
  close: 'Close',
  dismiss: 'Dismiss',
  filterPlaceholder: 'Type to filter',
  filterLabel: 'Filter dialogs by title',
  clearFilter: 'Clear filter',
  pinnedDialogs: 'Pinned dialogs',
  empty: 'No pinned dialogs — pin a chat in Bitrix24 to see it here',
  noMatch: (q: string) => `No pinned dialog matches “${q}”`,
  loading: 'Loading pinned dialogs…',
  updatedNever: 'Not updated yet',
  updatedAgo: (s: number) =>
    // Without "Updated", as in Russian: with it, "Pinned dialogs" was cut short in the 360 px header
    // (tests/e2e/list.spec.ts); the tooltip gives the time of the update.
    s < 5 ? 'Just now' : s < 60 ? relative('en', -s, 'second') : relative('en', -Math.floor(s / 60), 'minute'),
  offline: (n: number) =>
    n === 0 ? 'Offline' : `Offline — ${plural('en', n, { one: '# action', other: '# actions' })} waiting`,
  pendingActions: (n: number) => `${plural('en', n, { one: '# change', other: '# changes' })} being sent`,
  unreadCount: (n: number) => `${n} unread`,
  muted: 'Muted',
  pending: 'Sending…',
  markedUnread: 'Marked unread',
  snoozedUntil: (when: string) => `Back ${when}`,
  unsnooze: 'Cancel reminder',
  openInBitrix: 'Open in Bitrix24',
  remindLater: 'Remind me later',
  unpin: 'Unpin',
  remindIn1h: 'In 1 hour',
  remindEvening: 'This evening, 18:00',
  remindTomorrow: 'Tomorrow, 09:00',
  remindCustom: 'Pick a time',
  remindSet: 'Remind',
  remindPast: 'Pick a time in the future.',
  at: 'at',
  needsSignIn: 'Sign-in expired — sign in again',
  signOut: 'Sign out',
  signOutAnyway: 'Sign out anyway',
  signOutLoses: (n: number) =>
    `${plural('en', n, { one: '# change', other: '# changes' })} not sent yet would be lost.`,
  signInAgain: 'Sign in again',
  addAccount: 'Add portal',
  // sign in
  signInTitle: 'Connect your Bitrix24',
  signInLead: 'Paste an inbound webhook with the “im” scope, or sign in with a local application.',
  webhookLabel: 'Inbound webhook URL',
  webhookPlaceholder: 'https://your-portal.bitrix24.ru/rest/1/abc123def456/',
  webhookHelp: 'Bitrix24 → Developer resources → Other → Inbound webhook, scope “im”.',
  signIn: 'Sign in',
  signingIn: 'Signing in…',
  oauthSummary: 'Sign in with a local application (OAuth)',
  portalLabel: 'Portal address',
  portalPlaceholder: 'https://your-portal.bitrix24.ru',
  clientIdLabel: 'Client id',
  clientSecretLabel: 'Client secret',
  redirectLabel: 'Register this redirect URL in the application',
  copy: 'Copy',
  copied: 'Copied',
  oauthStart: 'Continue in browser',
  oauthWaiting: 'Waiting for the browser sign-in…',
  oauthWaitingHelp: 'Finish the sign-in in your browser. If it did not open, use this link:',
  cancel: 'Cancel',
  // settings
  hotkeys: 'Shortcuts',
  hotkeyToggle: 'Show / hide popup',
  hotkeySlot: (n: number) => `Toggle dialog ${n}`,
  hotkeyChange: 'Change',
  hotkeyPress: 'Press keys… (Esc cancels)',
  hotkeyClear: 'Turn off',
  hotkeyOff: 'Off',
  hotkeyNotRegistered: 'Not active',
  hotkeysRequested:
    'Requested from the desktop. On Wayland the desktop binds these shortcuts itself: it may ask you to confirm them, or use other keys set in its keyboard settings, and the app cannot tell whether they work.',
  /** `by`: the app's own shortcut that holds it, when it is one. */
  hotkeyRolledBack: (wanted: string, kept: string, by = '') =>
    `“${wanted}” is taken${by && ` by “${by}”`}; ${kept ? `kept “${kept}”.` : 'no shortcut is active.'}`,
  pollRange: (min: number, max: number) => `From ${min} to ${max} seconds; the previous value is kept.`,
  pollInterval: 'Check for changes every (seconds)',
  launchAtLogin: 'Launch at login',
  theme: 'Theme',
  themeSystem: 'Follow system',
  themeLight: 'Light',
  themeDark: 'Dark',
  language: 'Language',
  languageSystem: 'Follow system',
  notifications: 'Notifications',
  notifyOff: 'Off',
  notifyOn: 'All pinned dialogs',
  notifyChosen: 'Only chosen dialogs',
  secretsMemory: 'Keep sign-in in memory only (sign in again after each start)',
  secretsUnavailable: 'This system offers no keyring, so sign-ins are kept in memory only and lost when the app quits.',
  security: 'Security',
  accounts: 'Portals',
  noAccounts: 'No portal signed in.',
  webhookKind: 'webhook',
  oauthKind: 'OAuth',
  memoryOnly: 'in memory only',
  save: 'Save',
  saved: 'Saved',
  version: (v: string) => `Version ${v}`,
  // keyboard hint
  /** `open`: the platform's Ctrl+Enter (⌘↵ on macOS). */
  keysHint: (open: string) => `↑↓ move · Space toggle · 1–9 Nth · ${open} open · Esc hide`,
};

/** The tray's context menu and tooltip. */
export const tray = {
  app: 'B24 Unread Tray',
  open: 'Open',
  refresh: 'Refresh',
  markAllRead: 'Mark all read',
  undoMarkAllRead: (n: number) => `Undo Mark all read (${plural('en', n, { one: '# dialog', other: '# dialogs' })})`,
  settings: 'Settings…',
  signOut: 'Sign out',
  quit: 'Quit',
  noDialogs: 'No pinned dialogs',
  more: (n: number) => `${n} more in the popup…`,
  pending: 'sending…',
  restart: (v: string) => `Restart to update (${v})`,
  unread: (n: number) =>
    n === 0 ? 'no unread dialogs' : plural('en', n, { one: '# unread dialog', other: '# unread dialogs' }),
  status: {
    'signed-out': 'not signed in',
    loading: 'loading…',
    offline: 'offline, changes are kept',
    error: 'a problem needs attention',
    ready: '',
  },
  needsSignIn: (p: string) => `sign in again to ${p}`,
};

/** Desktop notifications. */
export const notify = {
  manyDialogs: (n: number) => plural('en', n, { one: 'New messages in # dialog', other: 'New messages in # dialogs' }),
  reminder: 'Reminder: come back to this dialog',
  manyReminders: (n: number) => plural('en', n, { one: 'Reminder for # dialog', other: 'Reminders for # dialogs' }),
  updateAvailable: (product: string, version: string) => `${product} ${version} is available`,
  updateUnsigned: 'This build is not code-signed, so it does not update itself. Click to open the release page.',
  gnomeTrayHint:
    'GNOME shows tray icons only with the "AppIndicator and KStatusNotifierItem Support" extension ' +
    '(Ubuntu ships it on). Without it, open this window with `b24-unread-tray --show` ' +
    '(bind it to a key in Settings → Keyboard → Custom Shortcuts).',
};

/** The page the browser shows after the OAuth redirect. */
export const oauthPage = {
  done: 'Signed in',
  received: 'B24 Unread Tray received the sign-in.',
  failed: 'Sign-in failed',
  closeTab: 'You can close this tab.',
};

/** The core's notices. */
export const core = {
  notMarkedUnread: 'could not be marked unread',
  notMarkedRead: 'could not be marked read',
  notUnpinned: 'could not be unpinned',
  notPinned: 'could not be pinned again',
  /** After PORTAL_MOVED's words, where the portal now is (what the redirect named). */
  newAddress: (origin: string) => `Its new address: ${origin}`,
  queueUnreadable: (n: number) =>
    `${plural('en', n, { one: '# change', other: '# changes' })} waiting to be sent could not be read by this version of the app (a newer version may have saved them). A copy was kept; install the newer version again to send them.`,
};

/** What each error code means to a user and what they can do about it. */
export const errors = {
  DIALOG_ID_EMPTY: 'Bitrix24 did not recognise this dialog. It may have been deleted or you may have left it.',
  MESSAGE_ID_ERROR: 'Bitrix24 rejected the message id.',
  ACCESS_ERROR: 'You no longer have access to this dialog.',
  INTERNAL_SERVER_ERROR: 'The portal had an internal error. The app will try again.',
  ERROR_UNEXPECTED_ANSWER: 'The portal answered unexpectedly. The app will try again.',
  PORTAL_DELETED: 'This Bitrix24 portal was deleted.',
  QUERY_LIMIT_EXCEEDED: 'The portal is rate-limiting requests. Waiting a moment before trying again.',
  OVERLOAD_LIMIT:
    'The portal has temporarily blocked its REST API for overload. Your changes are kept and will be sent in a few minutes; if it lasts, the portal administrator can contact Bitrix24 support.',
  OPERATION_TIME_LIMIT: 'Bitrix24 paused this method for a few minutes (operation time limit). The app will try again.',
  ERROR_BATCH_METHOD_NOT_ALLOWED: 'This method cannot be used inside a batch.',
  ERROR_BATCH_LENGTH_EXCEEDED: 'Too many calls in one batch.',
  NO_AUTH_FOUND: 'The webhook was revoked or mistyped. Create a new inbound webhook and sign in again.',
  expired_token: 'The sign-in expired. Renewing it…',
  invalid_token: 'The sign-in is no longer valid. Renewing it…',
  INVALID_REQUEST: 'The portal requires HTTPS. Use the https:// address of your portal.',
  ACCESS_DENIED:
    'The portal refused REST access. The REST API may be unavailable on its plan, or the administrator restricted it; ask the portal administrator.',
  INVALID_CREDENTIALS: 'Your Bitrix24 user lacks the rights for this.',
  insufficient_scope:
    'The webhook or application lacks the "im" (Chat and notifications) scope. Add it in Bitrix24 and sign in again.',
  user_access_error: 'The Bitrix24 application is not available to your user. Ask the portal administrator.',
  ERROR_MANIFEST_IS_NOT_AVAILABLE: 'The portal refused the request.',
  ERROR_METHOD_NOT_FOUND: 'The portal does not know this method. Check that the webhook URL is copied whole.',
  WRONG_AUTH_TYPE:
    'The portal does not allow this method with this kind of sign-in (webhook or application). You stay signed in; the other kind of sign-in may allow it.',
  AUTHORIZE_ERROR: 'Bitrix24 refused the sign-in. Sign in again.',
  ERROR_CORE: 'The portal reported an internal error.',
  invalid_request: 'The sign-in request was malformed. Start the sign-in again.',
  invalid_client: 'The client id or secret is wrong, or the application is not installed on the portal.',
  invalid_grant: 'The sign-in was revoked or has expired. Sign in again.',
  invalid_scope: 'The application lacks the "im" scope. Add it in the application settings.',
  PAYMENT_REQUIRED:
    'Bitrix24 no longer signs in this application: its paid period ended or it was removed from the portal. Ask the portal administrator.',
  INVALID_DIALOG_ID: 'That is not a Bitrix24 dialog id. Use "chat74" for a group chat or "123" for a private dialog.',
  INVALID_ARGUMENT: 'The request was not valid.',
  INVALID_WEBHOOK_URL:
    'That is not an inbound webhook URL. It looks like https://your-portal.bitrix24.ru/rest/1/abc123def456/.',
  INVALID_PORTAL_URL: 'That is not a portal address. It looks like https://your-portal.bitrix24.ru.',
  INSECURE_URL: 'The address must start with https://.',
  NETWORK: 'Cannot reach the portal. Your action is saved and will be sent when the connection is back.',
  TIMEOUT: 'The portal did not answer in time. The app will try again.',
  BAD_RESPONSE: 'The portal sent a page instead of data (maybe maintenance). The app will try again.',
  HTTP_ERROR: 'The portal answered with an error. The app will try again.',
  RESULT_FALSE: 'Bitrix24 refused the change without saying why (the dialog may be gone, or a limit reached).',
  NOT_SIGNED_IN: 'Sign in to a Bitrix24 portal first.',
  SIGN_IN_EXPIRED: 'The sign-in expired. Your pending changes are kept; sign in again to send them.',
  UNKNOWN_ACCOUNT: 'That portal account is not signed in.',
  UNKNOWN_DIALOG: 'That dialog is not among your pinned dialogs.',
  OAUTH_STATE_MISMATCH: 'The sign-in answer did not match the request (state mismatch). Start the sign-in again.',
  OAUTH_DENIED: 'The sign-in was cancelled in the browser.',
  UNKNOWN_OAUTH_SERVER:
    'The sign-in named an OAuth server that is not a Bitrix24 one, so nothing was sent to it. Accepted: oauth.bitrix.info and oauth.bitrix24.tech.',
  FOREIGN_REST_ENDPOINT:
    "The sign-in answer named a REST address outside your portal, so it was refused. The address must be your portal's own https address.",
  PORTAL_MOVED:
    "The portal sent the app to another address: the portal's address has changed. Sign in again with its new address; your pending changes are kept.",
  OAUTH_TIMEOUT: 'The browser sign-in did not finish in time. Start it again.',
  PORT_IN_USE:
    'The sign-in port is taken by another program. Choose another port in Settings and register the new redirect URL.',
  STORE_CORRUPT: 'The settings file was damaged. A copy was kept next to it and the app started with fresh settings.',
  STORE_WRITE_FAILED:
    'Your latest changes could not be saved to disk. They are sent once Bitrix24 answers, but would be lost if the app quit before then. Free some disk space or check the folder; the app keeps trying.',
  SECRET_STORAGE_UNAVAILABLE:
    'This system offers no keyring to encrypt your sign-in. It is kept in memory only until you quit.',
  SECRET_STORAGE_LOCKED:
    'The keyring has not unlocked your saved sign-in yet. Unlock the keyring (log in, or open it); the app tries again by itself and after a restart.',
  HOTKEY_TAKEN: 'Another program already uses this shortcut. The previous one was kept.',
  HOTKEY_INVALID: 'That is not a valid shortcut.',
  FORBIDDEN_SENDER: 'Request refused.',
  FORBIDDEN_URL: 'Only addresses of your signed-in portal can be opened.',
  UNKNOWN_CHANNEL: 'Unknown request.',
  UNKNOWN_ERROR: 'Something went wrong.',
} satisfies Record<ErrorCode, string>;

/** The whole catalogue. */
/**
 * A sign-in that failed for a reason that passes (no connection, no answer in time, a page
 * instead of data). `errors` says what the app does for queued changes ("saved and will be
 * sent", "the app will try again"), which is not true of a sign-in: nothing is kept or tried
 * again, so these say that the user is not signed in and what to do.
 */
export const signInErrors = {
  NETWORK: 'Cannot reach the portal, so you are not signed in. Check the address and your connection, then try again.',
  TIMEOUT: 'The portal did not answer in time, so you are not signed in. Try again in a moment.',
  BAD_RESPONSE:
    'The portal sent a page instead of data (a wrong address, or maintenance), so you are not signed in. Check the address and try again.',
  /** Any other passing failure (the portal's internal error, a limit). */
  other: 'The portal could not finish the sign-in just now, so you are not signed in. Try again in a moment.',
  /** The address signed in with now redirects elsewhere (core.newAddress follows when it said where). */
  PORTAL_MOVED: "The portal's address has changed, so you are not signed in. Sign in with its new address.",
};

export const en = { popup, tray, notify, oauthPage, core, errors, signInErrors };

/** The shape every language's catalogue has. */
export type Messages = typeof en;
