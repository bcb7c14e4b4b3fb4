/**
 * What the composition root (src/main/index.ts) and the browser preview
 * (dev/preview/web.ts) get from the core. Implemented by app-core.ts.
 */
import type { StoreRecovery } from './storage/store';
import type { EventMap, EventName, HandlerTable, InvokeName } from '../../shared/ipc';
import type { Result } from '../../shared/result';
import type { Lang } from '../../shared/errors';
import type { Settings, ViewState } from '../../shared/types';
import type { LeakyBucketOptions } from './bitrix/limiter';
import type { EventBus } from './events/bus';
import type { Notices } from './notices/notices';
import type { SettingsService } from './settings/settings-service';
import type { SignInService } from './signin/signin-service';
import type { TogglesService } from './toggles/toggles-service';
import type {
  Autostart,
  Clock,
  ExternalOpener,
  FetchLike,
  KeyValueStore,
  Logger,
  Notifier,
  PopupControl,
  SecretBox,
  ShortcutRegistrar,
} from './ports';

/** Everything the core needs from its host. */
export interface AppCoreDeps {
  store: KeyValueStore;
  secretBox: SecretBox;
  fetch: FetchLike;
  clock: Clock;
  logger: Logger;
  shortcuts: ShortcutRegistrar;
  autostart: Autostart;
  popup: PopupControl;
  opener: ExternalOpener;
  notifier: Notifier;
  /** `process.platform`, plus `-wayland` on a Wayland session (placement, shortcut portal). */
  platform: string;
  /** The app version (package.json). */
  version: string;
  /** OS locale, e.g. `ru-RU`; picks the language when Settings say `system`. */
  locale: string;
  /** Set when the store file was corrupt at start-up and a copy was kept (shown as a notice). */
  storeRecovery?: Pick<StoreRecovery, 'backupPath' | 'reason' | 'queueUnreadable' | 'queueOnly'> | null;
}

/** The running core. */
export interface AppCore {
  /** The handler table behind every IPC channel (ipcMain and the browser bridge alike). */
  readonly handlers: HandlerTable;
  /** Validates the intent name, runs its handler, never throws. */
  dispatch(name: InvokeName | string, args: unknown[]): Promise<Result<unknown>>;
  /** Subscribes to pushed events; returns the unsubscribe function. */
  on<E extends EventName>(event: E, listener: (payload: EventMap[E]) => void): () => void;
  /** The current view (also pushed as the `state` event on every change). */
  state(): ViewState;
  /** Loads accounts and settings, registers hotkeys, drains the queue, first refresh, starts polling. */
  start(): Promise<void>;
  /** Stops timers and listeners, unregisters hotkeys; the queue stays persisted. */
  stop(): Promise<void>;
  /** Typed service methods for the tray and the CLI (no intent strings); arguments are trusted (built by the main process). */
  readonly toggles: Pick<TogglesService, 'setUnreadMany'>;
  readonly signIn: Pick<SignInService, 'signOut'>;
  readonly settings: Pick<SettingsService, 'view'>;
  /** Reloads the pinned list now (tray menu, `--refresh`, resume/unlock). */
  refresh(): Promise<void>;
  /** Flips the Nth (1-based) pinned dialog across all accounts (hotkey slots, tray menu). */
  toggleSlot(n: number): Promise<void>;
  /** Flips a dialog by DIALOG_ID (`--toggle chat74`), in the first account that has it pinned. */
  toggleDialog(dialogId: string, accountId?: string): Promise<void>;
  /** The system resumed or unlocked: fire the reminders that came due, refresh and drain the queue. */
  onResume(): void;
  /** The network came back (or went away). */
  onOnline(online: boolean): void;
}

/** Tuning knobs for tests, the preview and the benchmark (the app uses the defaults). */
export interface AppCoreOptions {
  /** Client-side rate limiter per portal (default: the client's 2/s, burst 45). */
  limiter?: Omit<LeakyBucketOptions, 'clock'>;
  /** How often the queue looks whether a burst is still arriving before it sends (default 0: see the queue's `batchWindowMs`). */
  batchWindowMs?: number;
  /** [0, 1) for jitter. */
  random?: () => number;
  /** Per-attempt REST timeout (default 15 s). */
  timeoutMs?: number;
  /** Longest browser sign-in (default 5 min). */
  oauthTimeoutMs?: number;
  /** Backoff of failed toggles (default 1 s doubling up to 5 min); fault-injection tests shorten it. */
  backoff?: { baseMs: number; capMs: number };
  /** Wait before writing the queue again after a failed write (default 10 s). */
  rewriteAfterMs?: number;
}

/** What every service of the core shares: the host, the knobs, the current settings, the bus and the notices. */
export interface CoreContext {
  readonly deps: AppCoreDeps;
  readonly options: AppCoreOptions;
  readonly random: () => number;
  settings(): Settings;
  lang(): Lang;
  /** Schedules one `state` push (coalesced; see events/bus.ts). */
  push(): void;
  emit: EventBus['emit'];
  notices: Notices;
}
