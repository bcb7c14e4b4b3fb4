/**
 * Public types of the fake Bitrix24 portal (see server.ts). Kept apart so that
 * seed.ts and the server can share them without an import cycle.
 */

/**
 * One dialog of the fake portal's "recent" list, in a flat, patchable form.
 * Only `id` and `title` are required; everything else has a believable default
 * (see `normalizeDialog` in items.ts). `portal.dialog(id)` returns the current
 * state with every default filled in.
 */
export interface SeedDialog {
  /**
   * The DIALOG_ID as `im.recent.list` returns it: a number for a private dialog
   * with that user (`547`), `"chatNNN"` for a group chat. A workgroup chat is a
   * `"chatNNN"` too (that is how the messenger lists it), with `sonetGroupId`
   * set so that `"sg<sonetGroupId>"` also addresses it.
   */
  id: number | string;
  /** Dialog title (the user's full name for a private dialog). */
  title: string;
  /** `chat_id`: the chat id; for a private dialog its internal private chat (default 100000 + user id). */
  chatId?: number;
  /**
   * `chat.type`: `chat` (default for chats), `open`, `lines` (open lines; hidden by
   * SKIP_OPENLINES), `sonetGroup` (default when `sonetGroupId` is set), `tasksTask`, ...
   * Ignored for private dialogs.
   */
  chatType?: string;
  /** Workgroup (socialnetwork group) id: makes `sg<id>` an alias of this chat. */
  sonetGroupId?: number;
  /** Pinned in the recent list. Default false. */
  pinned?: boolean;
  /** The MANUAL "unread" mark ("view later"). Default false. */
  unread?: boolean;
  /** Unread messages. Default 0. */
  counter?: number;
  /** Id of the last message in the dialog. Default derived from the id. */
  messageId?: number;
  /** `last_id`: the last message the user has read. Default `messageId - counter`. */
  lastId?: number;
  /** Text of the last message. */
  messageText?: string;
  /** Author of the last message (a user id; 0 = system). Default: the peer for a private dialog. */
  messageAuthorId?: number;
  /** Date of the last message / activity, ISO 8601 (any offset). Default: now. */
  date?: string;
  /** Muted by the current user (`chat.mute_list` holds the user). Default false. */
  muted?: boolean;
  /** `has_reminder`. Default false. */
  hasReminder?: boolean;
  /** Avatar colour, `#rrggbb`. Default picked from the id. */
  color?: string;
  /** Avatar picture URL; empty string for none (default). */
  avatarUrl?: string;
  /** Private dialogs: the peer's position, e-mail, presence and gender. */
  workPosition?: string;
  email?: string;
  status?: 'online' | 'offline' | 'away' | 'dnd';
  gender?: 'M' | 'F' | '';
  /**
   * Private dialogs: the peer's account is active (default true); `false`: the user was fired.
   * Such a dialog is listed (with `user.active: false`) only while it has unread messages.
   */
  active?: boolean;
  /** Hidden from the recent list (as after `im.recent.hide`). Default false. */
  hidden?: boolean;
}

/** One request the fake portal answered (or dropped). */
export interface RecordedCall {
  /** REST method, lower-case, without `.json` (`im.recent.list`, `batch`); `oauth/token` for the token endpoint. */
  method: string;
  /** The parameters as the portal parsed them (the `auth` parameter removed). */
  params: Record<string, unknown>;
  /** How the call authenticated (or tried to). */
  via: 'webhook' | 'oauth' | 'none';
  /** HTTP status sent; 0 when the connection was reset instead. */
  status: number;
  /** The `error` code of an error envelope. */
  errorCode?: string;
  /** The injected fault that shaped this answer, if any. */
  fault?: Fault['kind'];
  /** True for a sub-call of a `batch` (the batch itself is recorded too). */
  inBatch?: boolean;
  /** When the request arrived (portal clock, epoch ms). */
  at: number;
}

/**
 * A fault to inject. Each applies to the next `times` (default 1) requests that
 * match it, in FIFO order; a request consumes at most one fault (the earliest
 * queued one that matches).
 *
 * Matching: `method` is compared with the REST method name (case-insensitive,
 * without `.json`). Without `method` a fault matches any `/rest/` request (a
 * `batch` included) but not the OAuth token endpoint, which is matched only by
 * `method: 'oauth/token'`. A fault with a `method` also matches a sub-call of
 * that method inside a `batch`, but only kinds that make sense per sub-call do
 * so (`error`, `resultFalse`, `delay`).
 */
export type Fault =
  /** An HTML error page (as from a proxy) instead of JSON; status default 502. */
  | { kind: 'html'; status?: number; method?: string; times?: number }
  /** Answer normally, but only after `ms` milliseconds. */
  | { kind: 'delay'; ms: number; method?: string; times?: number }
  /** Destroy the connection without answering (fetch sees ECONNRESET). */
  | { kind: 'reset'; method?: string; times?: number }
  /** Answer HTTP 200 `{"result": false}` with the usual time block. */
  | { kind: 'resultFalse'; method?: string; times?: number }
  /**
   * Answer the error envelope `{"error": code, "error_description": description}`
   * with `status`. Error envelopes carry no `time` block (bitrix24-api.md §2: a
   * client retries after the `operating_reset_at` of the last GOOD response); when
   * `operatingResetInSec` is given, this fake adds a `time` block whose
   * `operating_reset_at` is that many seconds from now, so a client that reads it
   * can be tested too.
   */
  | {
      kind: 'error';
      code: string;
      status: number;
      description?: string;
      method?: string;
      times?: number;
      operatingResetInSec?: number;
    };

/** The user the portal signs in (answer of `profile`, `user_id` of tokens). */
export interface FakeUser {
  id: number;
  name: string;
  lastName: string;
}

/** Options of {@link import('./server').startFakePortal}. */
export interface FakePortalOptions {
  /** Interface to bind. Default `127.0.0.1` (loopback only). */
  host?: string;
  /** Port; default 0 (a random free port). */
  port?: number;
  /** Initial dialogs: `'demo'` ({@link import('./seed').demoSeed}), `'empty'` (default) or a list. */
  seed?: 'demo' | 'empty' | SeedDialog[];
  /**
   * The inbound webhook; default `{ userId: user.id ?? 1, code: <16 random lower-case alnum> }`.
   * `scope` (default `['im']`) lists the webhook's scopes: an `im.*` method without `im`
   * answers 403 `insufficient_scope`. `false`: no webhook (every webhook URL answers 401).
   */
  webhook?: { userId: number; code: string; scope?: string[] } | false;
  /**
   * The local OAuth application; default a random `local.*` client id and secret.
   * `accessTtlSec` default 3600. `redirectUri`: where `/oauth/authorize/` redirects
   * (without it the page shows the code for the user to copy).
   * `serverDomain`: the `server_domain` the redirect names (default this portal's own host, which
   * serves the token endpoint; `oauth.bitrix.info` or `oauth.bitrix24.tech` as a real portal does).
   * `false`: no application (the token endpoint answers `invalid_client`).
   */
  oauth?:
    | { clientId: string; clientSecret: string; accessTtlSec?: number; redirectUri?: string; serverDomain?: string }
    | false;
  /** The portal's leaky bucket; default `{ ratePerSec: 2, burst: 50 }`; `false` = no limit. */
  rateLimit?: { ratePerSec: number; burst: number } | false;
  /** The signed-in user; default `{ id: webhook.userId ?? 1, name: 'Алексей', lastName: 'Петров' }`. */
  user?: FakeUser;
  /** `TYPE.NOTIFY` of `im.counters.get` (notifications are not modelled otherwise). Default 0. */
  notifyCounter?: number;
  /**
   * What `im.recent.unread ACTION=N` does: `'server'` (default) only removes the manual mark, as the
   * vendor's server does; `'docs'` also reads the dialog, as its docs page says (bitrix24-api.md §6).
   * `im.dialog.read` reads and removes the mark in both.
   */
  readSemantics?: 'server' | 'docs';
  /** Most pinned dialogs `im.recent.pin` allows (default 45, the server's `PinService::LIMIT_GLOBAL_PINS`). */
  pinLimit?: number;
  /**
   * How many raw rows of the server's recent table each pinned dialog has (default 1). An
   * `im.recent.list` page is cut from the raw rows and collapsed to unique dialogs, and `hasMore`
   * counts raw rows (bitrix24-api.md §6, b24-rest-docs#260), so with more than 1 a first page
   * of LIMIT 200 can hold only pinned dialogs although fewer than 200 are pinned.
   */
  pinnedRawRows?: number;
  /** The portal's clock (epoch ms): token and code lifetimes, the limiter, `time` blocks. Default `Date.now`. */
  now?: () => number;
}

/** A token pair as the token endpoint returns it (bitrix24-api.md §3). */
export interface FakeTokenResponse {
  access_token: string;
  client_endpoint: string;
  domain: string;
  expires: number;
  expires_in: number;
  member_id: string;
  refresh_token: string;
  scope: string;
  server_endpoint: string;
  status: string;
  user_id: number;
}

/** A running fake portal. */
export interface FakePortal {
  /** `http://127.0.0.1:PORT`, the portal origin (no trailing slash). */
  readonly url: string;
  /** `${url}/rest/${userId}/${code}/`; an empty string when the portal has no webhook. */
  readonly webhookUrl: string;
  /** The local application's credentials and endpoints (empty strings when `oauth: false`). */
  readonly oauth: { clientId: string; clientSecret: string; tokenUrl: string; authorizeUrl: string };
  /** The member id the portal reports (`member_id`). */
  readonly memberId: string;
  /** Every request, in arrival order (batch sub-calls follow their batch, with `inBatch: true`). */
  readonly calls: RecordedCall[];
  /** The recorded calls of one method (case-insensitive). */
  callsTo(method: string): RecordedCall[];
  /** Forgets the recorded calls. */
  resetCalls(): void;
  /** TCP connections open now (a client's kept-alive ones included). */
  readonly openConnections: number;

  /** A copy of the current state of a dialog (`547`, `"547"`, `"chat1317"` or `"sg17"`), or undefined. */
  dialog(id: string | number): SeedDialog | undefined;
  /** Copies of all dialogs (hidden ones included), in recent-list order. */
  dialogs(): SeedDialog[];
  /** Changes a dialog; throws when it does not exist. */
  setDialog(id: string | number, patch: Partial<SeedDialog>): void;
  /** Adds dialogs (an existing id is replaced). */
  addDialogs(list: SeedDialog[]): void;

  /** A fresh authorization code, as `/oauth/authorize/` would redirect with; it lives 30 s and works once. */
  issueAuthCode(opts?: { state?: string }): string;
  /** Issues a token pair directly (as a completed code exchange would), for tests that start signed in. */
  issueTokens(): FakeTokenResponse;
  /** Sets or clears where `/oauth/authorize/` redirects (e.g. to a loopback listener started later). */
  setOAuthRedirectUri(uri: string | null): void;
  /** Every refresh token stops working (`invalid_grant`). */
  revokeRefreshTokens(): void;
  /** The webhook stops working (401 `NO_AUTH_FOUND`). */
  revokeWebhook(): void;
  /**
   * The user creates a new inbound webhook (Developer resources → Other → Inbound webhook): a new
   * code for the same user, which works; the revoked one stays dead. Returns its URL (also in
   * `webhookUrl`). The fake holds one webhook, so an earlier one that was not revoked stops working
   * too, where a real portal keeps it: call it after {@link revokeWebhook}, as the tests do.
   */
  newWebhook(): string;
  /** Every access token issued so far answers 401 `expired_token`. */
  expireAccessTokens(): void;
  /**
   * The portal's address changed (a renamed portal): every `/rest/` request is answered
   * `302 Found` with `Location` on `origin` (same path and query), as the old address of a real
   * portal answers (the vendor's PHP SDK follows exactly this: bitrix24/b24phpsdk
   * src/Core/Core.php, `STATUS_FOUND` → PortalDomainUrlChangedEvent). `null` moves it back.
   */
  moveTo(origin: string | null): void;
  /** Successful refresh grants so far. */
  refreshCount(): number;

  /** Queues a fault (see {@link Fault}). */
  inject(fault: Fault): void;
  /** Drops every queued fault. */
  clearFaults(): void;
  /** How many requests the portal is handling now (one held by a `delay` fault counts). */
  inFlightRequests(): number;
  /** Resolves once the portal handles no request (a dropped, delayed one included). */
  idle(): Promise<void>;
  /** True: every connection is destroyed at once (ECONNRESET), as a dead network looks to fetch. */
  setOffline(offline: boolean): void;
  /** How many 503 `QUERY_LIMIT_EXCEEDED` answers the limiter sent. */
  limiterViolations(): number;
  /** Stops the server and drops open connections. */
  close(): Promise<void>;
}
