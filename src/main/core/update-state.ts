/**
 * Auto-update decisions, free of Electron and electron-updater so they can
 * be tested with a fake clock: whether updating is possible at all (and
 * from which feed), what state the updater is in, when to check next, and
 * what the tray menu should offer. The adapter is src/main/electron/updater.ts.
 *
 * Policy: check quietly in the background shortly after start and every
 * 6 hours; download automatically; never interrupt the user. A downloaded
 * update installs on the next quit, or at once when the user picks
 * "Restart to update" in the tray menu.
 */
import type { Clock, TimerHandle } from './ports';

/** Delay before the first check, so start-up (sign-in, first load) is not slowed. */
export const UPDATE_INITIAL_DELAY_MS = 60_000;
/** Time between background checks. */
export const UPDATE_CHECK_INTERVAL_MS = 6 * 60 * 60 * 1000;
/** Runtime override of the update feed (a staging server, say). */
export const UPDATE_URL_ENV = 'B24UT_UPDATE_URL';

/** How the running app was installed, as far as updating cares. */
export type InstallKind = 'nsis' | 'mac' | 'appimage' | 'deb' | 'other';

/** Inputs of {@link resolveUpdateFeed}. */
export interface UpdateFeedInput {
  /** `app.isPackaged`: a dev run (`npm start`) never updates itself. */
  isPackaged: boolean;
  install: InstallKind;
  /** A feed passed by the composition root (e.g. from a setting); wins over the others. */
  optionUrl?: string | null;
  /** `process.env.B24UT_UPDATE_URL`: used only when `isPackaged` is false (a dev or staging run). */
  envUrl?: string | null;
  /** The `url` baked into resources/app-update.yml at build time, if the file exists. */
  bakedUrl?: string | null;
}

/** Where updates come from, or why there are none. */
export type UpdateFeed =
  { enabled: true; url: string; source: 'option' | 'env' | 'baked' } | { enabled: false; reason: string };

function loopback(host: string): boolean {
  return host === 'localhost' || host === '[::1]' || /^127(?:\.\d{1,3}){3}$/.test(host);
}

/**
 * Checks a feed URL: https, or http to a loopback host (local test servers);
 * no credentials in it; a `.invalid` host (RFC 2606, the unconfigured
 * default in electron-builder.yml) means "no feed". Returns the normalized
 * URL or the reason it is unusable.
 */
export function checkFeedUrl(raw: string): { ok: true; url: string } | { ok: false; reason: string } {
  let u: URL;
  try {
    u = new URL(raw.trim());
  } catch {
    return { ok: false, reason: 'the update feed URL is not a valid URL' };
  }
  if (u.username || u.password) return { ok: false, reason: 'the update feed URL must not contain credentials' };
  if (u.hostname.endsWith('.invalid') || u.hostname === 'invalid') {
    return { ok: false, reason: 'no update feed is configured' };
  }
  if (u.protocol !== 'https:' && !(u.protocol === 'http:' && loopback(u.hostname))) {
    return { ok: false, reason: 'the update feed must use https' };
  }
  return { ok: true, url: u.toString() };
}

/**
 * Decides whether this run may update itself, and from where. Disabled
 * for dev runs, for deb and unknown Linux installs (the package manager
 * owns those files, and electron-updater would need a root password prompt:
 * an interruption), and when no usable feed is configured.
 */
export function resolveUpdateFeed(input: UpdateFeedInput): UpdateFeed {
  // B24UT_UPDATE_URL is for development and staging only: honoured in unpackaged runs, and
  // ignored by packaged builds (anything that can set the app's environment could otherwise
  // point its updates at its own server).
  if (!input.isPackaged) {
    if (input.envUrl == null || input.envUrl.trim() === '') return { enabled: false, reason: 'not a packaged build' };
    const checked = checkFeedUrl(input.envUrl);
    return checked.ok ? { enabled: true, url: checked.url, source: 'env' } : { enabled: false, reason: checked.reason };
  }
  if (input.install === 'deb') return { enabled: false, reason: 'deb installs are updated by the package manager' };
  if (input.install === 'other') return { enabled: false, reason: 'this kind of install cannot update itself' };
  const candidates: Array<['option' | 'baked', string | null | undefined]> = [
    ['option', input.optionUrl],
    ['baked', input.bakedUrl],
  ];
  for (const [source, raw] of candidates) {
    if (raw == null || raw.trim() === '') continue;
    const checked = checkFeedUrl(raw);
    // An explicit but broken override must not silently fall back to another feed.
    if (!checked.ok) return { enabled: false, reason: checked.reason };
    return { enabled: true, url: checked.url, source };
  }
  return { enabled: false, reason: 'no update feed is configured' };
}

/** Where the updater is. */
export type UpdatePhase = 'disabled' | 'idle' | 'checking' | 'downloading' | 'ready' | 'error';

/** The updater's state, as the tray and logs see it. */
export interface UpdateState {
  phase: UpdatePhase;
  /** The version being downloaded or ready to install. */
  version: string | null;
  /** Epoch ms of the last check that finished (found an update or not). */
  lastCheckedAt: number | null;
  /** Why updating is disabled, or the last error (never shown as a popup). */
  detail: string | null;
}

/** What electron-updater reported (its events, reduced). */
export type UpdateEvent =
  | { type: 'checking' }
  | { type: 'available'; version: string }
  | { type: 'not-available' }
  | { type: 'downloaded'; version: string }
  | { type: 'error'; message: string };

/** The initial state for a feed decision. */
export function initialUpdateState(feed: UpdateFeed): UpdateState {
  return feed.enabled
    ? { phase: 'idle', version: null, lastCheckedAt: null, detail: null }
    : { phase: 'disabled', version: null, lastCheckedAt: null, detail: feed.reason };
}

/** The next state after `event` at time `now`. A ready update stays ready. */
export function reduceUpdateState(state: UpdateState, event: UpdateEvent, now: number): UpdateState {
  if (state.phase === 'disabled') return state;
  switch (event.type) {
    case 'checking':
      return state.phase === 'ready' ? state : { ...state, phase: 'checking', detail: null };
    case 'available':
      return state.phase === 'ready' && state.version === event.version
        ? state
        : { ...state, phase: 'downloading', version: event.version, lastCheckedAt: now, detail: null };
    case 'not-available':
      return state.phase === 'ready'
        ? state
        : { ...state, phase: 'idle', version: null, lastCheckedAt: now, detail: null };
    case 'downloaded':
      return { ...state, phase: 'ready', version: event.version, detail: null };
    case 'error':
      // A failed check after a download keeps the downloaded update installable.
      return state.phase === 'ready'
        ? { ...state, detail: event.message }
        : { ...state, phase: 'error', detail: event.message };
  }
}

/** Whether a background check should run now: not while one runs, not once an update waits, not when disabled. */
export function shouldCheck(state: UpdateState): boolean {
  return state.phase === 'idle' || state.phase === 'error';
}

/** The tray menu entry for the state, or null (nothing to offer: the updater stays invisible). */
export function updateMenuItem(state: UpdateState): { label: string; version: string } | null {
  if (state.phase !== 'ready' || !state.version) return null;
  return { label: `Restart to update (${state.version})`, version: state.version };
}

/** A periodic background job. */
export interface UpdateScheduler {
  start(): void;
  stop(): void;
}

/**
 * Runs `tick` after `initialDelayMs`, then every `intervalMs` after the
 * previous tick settled (never two at once; a throwing tick does not stop
 * the schedule).
 */
export function createUpdateScheduler(opts: {
  clock: Clock;
  tick: () => Promise<void> | void;
  initialDelayMs?: number;
  intervalMs?: number;
}): UpdateScheduler {
  const initial = opts.initialDelayMs ?? UPDATE_INITIAL_DELAY_MS;
  const interval = opts.intervalMs ?? UPDATE_CHECK_INTERVAL_MS;
  let timer: TimerHandle | null = null;
  let running = false;
  const arm = (ms: number): void => {
    timer = opts.clock.setTimeout(() => {
      timer = null;
      void Promise.resolve()
        .then(opts.tick)
        .catch(() => undefined)
        .finally(() => {
          if (running) arm(interval);
        });
    }, ms);
  };
  return {
    start() {
      if (running) return;
      running = true;
      arm(initial);
    },
    stop() {
      running = false;
      if (timer !== null) opts.clock.clearTimeout(timer);
      timer = null;
    },
  };
}

/** The `url:` of an app-update.yml (electron-builder writes one flat mapping), or null. */
export function parseBakedFeedUrl(yml: string): string | null {
  const m = /^url:\s*['"]?([^'"\s#]+)['"]?\s*$/m.exec(yml);
  return m ? m[1]! : null;
}
