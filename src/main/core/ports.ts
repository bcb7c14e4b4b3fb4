/**
 * Ports: the only way Electron (or a test, or the browser preview) reaches
 * the core. Implementations live in src/main/electron/ (the app),
 * dev/preview/web.ts (preview) and tests. Nothing in src/main/core imports
 * `electron`.
 */

/** What {@link SecretBox.decrypt} resolves with (the shape of Electron's `decryptStringAsync`). */
export interface DecryptedSecret {
  /** The plaintext. */
  result: string;
  /**
   * The key was rotated or a better one is available (Electron's `shouldReEncrypt`):
   * encrypt `result` again and store the new ciphertext.
   */
  shouldReEncrypt: boolean;
}

/**
 * What {@link SecretBox.decrypt} rejects with when the key is not available *yet* (Electron:
 * "safeStorage.decryptStringAsync is temporarily unavailable. Please try again." — a keyring
 * still locked, e.g. at autostart). The ciphertext is fine: keep it and try again later.
 */
export class SecretTemporarilyUnavailableError extends Error {
  constructor() {
    super('The keyring has not given the key yet; the stored secret is kept and read again later.');
    this.name = 'SecretTemporarilyUnavailableError';
  }
}

/**
 * Encrypts secrets for storage (Electron's async safeStorage in the app).
 * Asynchronous like Electron's `encryptStringAsync`/`decryptStringAsync`;
 * availability is decided once, when the box is created.
 */
export interface SecretBox {
  /** False where new secrets would not be under an OS-kept key (Linux without a working keyring): then they stay in memory only. */
  readonly encryptionAvailable: boolean;
  /** Resolves with base64 ciphertext. Rejects when encryption is unavailable. */
  encrypt(plain: string): Promise<string>;
  /**
   * Reverses {@link encrypt}. Rejects on tampered or foreign ciphertext; with
   * {@link SecretTemporarilyUnavailableError} when the key is not available yet.
   */
  decrypt(cipherBase64: string): Promise<DecryptedSecret>;
}

/**
 * A persisted JSON key-value store: the subset of electron-store / conf the
 * core uses (both implement it as they are).
 */
export interface KeyValueStore {
  get(key: string): unknown;
  set(key: string, value: unknown): void;
  delete(key: string): void;
  /**
   * Optional: stores `value` as {@link set} does (`get` returns it at once) but does the slow part
   * of the write (the file's bytes and their fsync) off the event loop. Throws at once, changing
   * nothing, for a value `set` would refuse (schema); resolves once the value, or a later one for
   * the key, is on disk; rejects when the write failed (the value stays in memory, and the next
   * write carries it). A synchronous `set` or `delete` writes whatever is still pending first.
   * Stores without it are written synchronously by `set`.
   */
  setAsync?(key: string, value: unknown): Promise<void>;
  /** With `setAsync`: resolves once no write is under way (its temporary files renamed or removed); for a clean stop. */
  idle?(): Promise<void>;
  /** The file it persists to. */
  readonly path: string;
}

/** Opaque timer handle. */
export type TimerHandle = unknown;

/** Time, injectable so schedules (polls, backoff, snoozes) can be tested with a fake clock. */
export interface Clock {
  now(): number;
  setTimeout(fn: () => void, ms: number): TimerHandle;
  clearTimeout(handle: TimerHandle): void;
}

/** A 0 ms timer of {@link systemClock}. */
class NextTurn {
  constructor(readonly immediate: ReturnType<typeof setImmediate>) {}
}

/**
 * A window of 0 ms that closes once the current task's code has run: `fn` runs in a microtask
 * (no turn of the event loop), unless cancelled first. The action queue's default batch window.
 */
export class EndOfTask {
  #cancelled = false;
  constructor(fn: () => void) {
    queueMicrotask(() => {
      if (!this.#cancelled) fn();
    });
  }
  cancel(): void {
    this.#cancelled = true;
  }
}

/** The real clock. */
export const systemClock: Clock = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => {
    // 0 ms means the next turn of the event loop: Node's setTimeout(fn, 0) waits at least 1 ms
    // (a lone toggle's batch window), setImmediate runs right after the pending I/O.
    if (!(ms > 0)) {
      const i = setImmediate(fn);
      i.unref?.();
      return new NextTurn(i);
    }
    const t = setTimeout(fn, ms);
    // A pending retry or poll must never keep the process alive on its own.
    t.unref?.();
    return t;
  },
  clearTimeout: (h) => {
    if (h instanceof NextTurn) clearImmediate(h.immediate);
    else clearTimeout(h as ReturnType<typeof setTimeout>);
  },
};

/** Structured log sink. Every implementation must pass messages and meta through `redact()`. */
export interface Logger {
  debug(message: string, meta?: Record<string, unknown>): void;
  info(message: string, meta?: Record<string, unknown>): void;
  warn(message: string, meta?: Record<string, unknown>): void;
  error(message: string, meta?: Record<string, unknown>): void;
}

/** `fetch` as the core uses it (global fetch in Node/Electron; a wrapper in tests). */
export type FetchLike = (input: string | URL, init?: RequestInit) => Promise<Response>;

/** Opens URLs in the user's browser (Electron's shell.openExternal in the app). */
export interface ExternalOpener {
  openExternal(url: string): Promise<void>;
}

/** Shows native notifications. */
export interface Notifier {
  /**
   * Shows one. `onFailed` runs when the system did not show it: no notification support, no
   * notification server (Linux), an unsigned build (macOS), the app's notifications turned off (Windows).
   */
  notify(n: { title: string; body: string; onClick: () => void; onFailed?: () => void }): void;
}

/** Registers OS-wide shortcuts (Electron's globalShortcut in the app). */
export interface ShortcutRegistrar {
  /** Returns false when the accelerator is taken by another program or invalid. */
  register(accelerator: string, callback: () => void): boolean;
  unregister(accelerator: string): void;
  /**
   * false where the desktop binds shortcuts out of the app's sight (Linux Wayland's GlobalShortcuts
   * portal): there `register`'s true only means the request was sent (electron/electron#52218).
   * Absent: true.
   */
  readonly confirmsRegistration?: boolean;
}

/** Launch at login (login items on Windows/macOS, an autostart .desktop entry on Linux). */
export interface Autostart {
  isEnabled(): Promise<boolean>;
  setEnabled(enabled: boolean): Promise<void>;
}

/** The popup window, as the core may drive it. */
export interface PopupControl {
  /** Shows the popup; `focus` names a row (`${accountId}/${dialogId}`) to focus. */
  show(focus?: string | null): void;
  hide(): void;
  toggle(): void;
  isVisible(): boolean;
}
