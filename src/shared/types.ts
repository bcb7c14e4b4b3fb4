/**
 * Data that crosses the bridge between the main process and the popup.
 * Plain, structured-clone-safe objects; never a token or a portal secret.
 */
import type { DialogKind } from './dialog-id';
import type { AppError } from './result';
import type { ErrorCode } from './errors';
import type { Settings } from './settings-schema';

/** Stable id of a signed-in portal account (not a secret). */
export type AccountId = string;

/** A pinned dialog as the popup shows it. */
export interface PinnedDialog {
  accountId: AccountId;
  /** The DIALOG_ID: `chat74`, `sg17` or `123`. */
  dialogId: string;
  kind: DialogKind;
  title: string;
  /** Avatar picture URL (https only) or null; `color` and `initials` draw the fallback. */
  avatarUrl: string | null;
  color: string;
  initials: string;
  /** Last message, plain text, shortened. */
  snippet: string;
  /** Unread messages (`counter`). */
  counter: number;
  /** The manual "unread" mark (`unread`) as the portal last reported it, with queued intents applied. */
  unreadMark: boolean;
  /** What the switch shows: `unreadMark || counter > 0`, with queued intents applied. */
  unread: boolean;
  /** An intent for this dialog waits in the queue (not yet confirmed by the portal). */
  pending: boolean;
  /** The user muted this chat in Bitrix24 (`mute_list`). */
  muted: boolean;
  /** When a snooze will set this dialog unread again (epoch ms), or null. */
  snoozedUntil: number | null;
  /** ISO date of the last activity, for sorting and "N min ago". */
  lastActivity: string | null;
}

/** A signed-in portal account, as the popup may see it. */
export interface AccountSummary {
  id: AccountId;
  /** Host of the portal, e.g. `acme.bitrix24.ru`. */
  portal: string;
  /** `https://acme.bitrix24.ru` (or `http://127.0.0.1:port` for the local demo portal). */
  origin: string;
  kind: 'webhook' | 'oauth';
  userId: number;
  userName: string;
  /** `ok`; `needs-sign-in` when the sign-in was revoked or expired (queued actions are kept). */
  status: 'ok' | 'needs-sign-in';
  /** Where the secret lives: OS-encrypted on disk, or in memory only (lost on quit). */
  secretStorage: 'encrypted' | 'memory';
}

/** A message for the user that outlives one call (a dropped action, a recovered file...). */
export interface Notice {
  id: string;
  level: 'info' | 'warning' | 'error';
  code: ErrorCode;
  message: string;
  accountId?: AccountId;
  dialogId?: string;
  /** Dialog title, when the notice is about a dialog. */
  title?: string;
  at: number;
}

/** Overall connection status, drives the tray icon and the popup's banner. */
export type ConnectionStatus = 'signed-out' | 'loading' | 'ready' | 'offline' | 'error';

/** Everything the popup renders. Pushed on every change. */
export interface ViewState {
  status: ConnectionStatus;
  accounts: AccountSummary[];
  /** Pinned dialogs of all accounts, grouped by account in `accounts` order. */
  dialogs: PinnedDialog[];
  /** Epoch ms of the last successful load, or null. */
  updatedAt: number | null;
  /** Number of queued actions not yet delivered. */
  pendingActions: number;
  notices: Notice[];
  /** The current blocking problem (offline, signed out...), or null. */
  error: AppError | null;
}

/** User settings: declared once, as a schema, in settings-schema.ts (types, store schema, validation). */
export type { Settings, SettingsPatch, Theme } from './settings-schema';

/** A hotkey's registration outcome, for Settings. */
export interface HotkeyStatus {
  /** `togglePopup` or `slot1`..`slot9`. */
  id: string;
  accelerator: string;
  registered: boolean;
  /**
   * Set on Linux Wayland: the accelerator was asked of the desktop, which binds it (or not, or to
   * another key the user picks there) where the app cannot see, so `registered` is not known to work.
   */
  unconfirmed?: true;
  /** Set when the wanted accelerator could not be taken and was rolled back. */
  error?: { code: ErrorCode; message: string; wanted: string };
}

/** Settings plus facts the Settings screen shows. */
export interface SettingsView {
  settings: Settings;
  hotkeys: HotkeyStatus[];
  /** Whether the OS can encrypt secrets (false: Linux without a working keyring). */
  secretEncryption: 'available' | 'unavailable';
  platform: string;
  /** The exact redirect URL to register in the Bitrix24 local application. */
  oauthRedirectUrl: string;
  /** The app's version. */
  version: string;
}

/** Input of OAuth sign-in with a portal's local application. */
export interface OAuthStartInput {
  portal: string;
  clientId: string;
  clientSecret: string;
}

/** What the popup shows while the browser sign-in runs. */
export interface OAuthStartResult {
  authorizeUrl: string;
  redirectUrl: string;
}
