/**
 * The Bitrix24 REST layer's contract (implemented in client.ts), shared by
 * the auth, dialogs and action-queue modules.
 */
import type { ErrorCode } from '../../../shared/errors';

/** A typed failure of a REST call. `message` is safe to show and log (never holds a secret). */
export class BitrixError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly opts: {
      /** HTTP status, or null when no response arrived. */
      status?: number | null;
      /** Worth retrying later (network, 5xx, rate limits...). */
      transient?: boolean;
      /** Earliest sensible retry, in ms from now, when the portal said (operating_reset_at). */
      retryAfterMs?: number;
      /** The REST method that failed. */
      method?: string;
      /** PORTAL_MOVED: the origin the portal's old address now sends requests to, when it said. */
      movedTo?: string;
    } = {},
  ) {
    super(message);
    this.name = 'BitrixError';
  }
  get status(): number | null {
    return this.opts.status ?? null;
  }
  get transient(): boolean {
    return this.opts.transient ?? false;
  }
}

/** Parameters of a REST method. Values are JSON-encodable. */
export type Params = Record<string, unknown>;

/** The `time` block of a Bitrix24 response. */
export interface ResponseTime {
  start?: number;
  finish?: number;
  duration?: number;
  operating?: number;
  operating_reset_at?: number;
}

/** One sub-call of a batch. */
export interface BatchCall {
  method: string;
  params?: Params;
}

/** Outcome of one sub-call of a batch: the result, or the typed error. */
export type BatchOutcome<T = unknown> = { ok: true; result: T } | { ok: false; error: BitrixError };

/** Options of one call. */
export interface CallOptions {
  signal?: AbortSignal;
  /** Per-attempt timeout (default 15 s). */
  timeoutMs?: number;
  /** Retries of transient failures within this call (default 3; 0 = fail fast and let the queue retry). */
  retries?: number;
}

/** An item of `im.recent.list` / `im.recent.get` (the fields the app reads; see bitrix24-api.md §1). */
export interface RecentItem {
  id: number | string;
  chat_id?: number;
  type: string;
  title: string;
  avatar?: { url?: string; color?: string };
  message?: { id?: number; text?: string; date?: string | false; author_id?: number } | null;
  counter?: number;
  pinned?: boolean;
  unread?: boolean;
  date_update?: string;
  date_last_activity?: string;
  chat?: { mute_list?: Record<string, boolean> | unknown[]; [k: string]: unknown };
  user?: { id?: number; [k: string]: unknown };
  [k: string]: unknown;
}

/** A REST client bound to one account (one portal, one sign-in, one rate limiter). */
export interface BitrixClient {
  /** `https://portal.example` (or `http://127.0.0.1:port` for loopback). */
  readonly origin: string;
  /** Calls one method; resolves with `result`, throws {@link BitrixError}. `result:false` throws RESULT_FALSE. */
  call<T = unknown>(method: string, params?: Params, opts?: CallOptions): Promise<T>;
  /** Runs calls through `batch`, chunked to 50; outcomes in input order. */
  batch<T = unknown>(calls: BatchCall[], opts?: CallOptions): Promise<BatchOutcome<T>[]>;
  /**
   * `im.recent.list` page by page (LIMIT `pageSize`, default and at most 200), de-duplicated by
   * `id`: every page, or up to and including the first page (its raw rows) for which `lastPage`
   * says true.
   */
  listRecent(
    params?: Params,
    opts?: CallOptions,
    lastPage?: (page: readonly RecentItem[]) => boolean,
    pageSize?: number,
  ): Promise<RecentItem[]>;
}
