/**
 * A Bitrix24 portal stand-in on plain Node `http`, bound to loopback, faithful
 * to /work/shared/bitrix24-api.md §1–§3: webhook and OAuth REST routes, the
 * OAuth token and authorize endpoints, the messenger methods the tray uses,
 * `batch`, the success/error envelopes with their HTTP statuses, a per-portal
 * leaky bucket, and fault injection (HTML 5xx, delays, resets, `result:false`,
 * any error, offline).
 *
 * ```ts
 * const portal = await startFakePortal({ seed: 'demo', rateLimit: false });
 * await fetch(`${portal.webhookUrl}im.recent.list.json?LIMIT=200`);
 * portal.dialog('chat74')?.unread; // state after the calls
 * await portal.close();
 * ```
 */
import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { randomBytes } from 'node:crypto';
import { demoSeed } from './seed';
import {
  atom,
  chatTypeOf,
  compareRecent,
  dialogKey,
  isChatId,
  isListed,
  normalizeDialog,
  parseDate,
  phpMap,
  renderItem,
  type Dialog,
  type RenderContext,
} from './items';
import { flag, intParam, param, parsePairs, parseQuery, type Params } from './params';
import type {
  FakePortal,
  FakePortalOptions,
  FakeTokenResponse,
  FakeUser,
  Fault,
  RecordedCall,
  SeedDialog,
} from './types';

export type {
  FakePortal,
  FakePortalOptions,
  FakeTokenResponse,
  FakeUser,
  Fault,
  RecordedCall,
  SeedDialog,
} from './types';
export { demoSeed, generateDialogs, type GenerateOptions } from './seed';

const ALNUM = 'abcdefghijklmnopqrstuvwxyz0123456789';
const MAX_BODY = 10 * 1024 * 1024;
const CODE_TTL_MS = 30_000;
/** A refresh token lives 180 days (D:settings/oauth/index.md, auto-renewal.md); after that `invalid_grant`. */
const REFRESH_TTL_MS = 180 * 24 * 3600_000;
const OPERATING_WINDOW_SEC = 600;
const MAX_BATCH = 50;
const LIST_LIMIT_DEFAULT = 50;
const LIST_LIMIT_MAX = 200;
/** The server's pin limit (`PinService::LIMIT_GLOBAL_PINS`, bitrix24-api.md §6; 25 on older builds). */
const PIN_LIMIT_DEFAULT = 45;

function randomAlnum(n: number): string {
  const bytes = randomBytes(n);
  let out = '';
  for (let i = 0; i < n; i++) out += ALNUM[bytes[i]! % ALNUM.length];
  return out;
}

function randomHex(n: number): string {
  return randomBytes(Math.ceil(n / 2))
    .toString('hex')
    .slice(0, n);
}

/** Outcome of one REST method: a result, or an error envelope with its status. */
type Outcome =
  | { ok: true; result: unknown; total?: number; next?: number }
  | { ok: false; status: number; error: string; description: string; timeResetSec?: number };

function ok(result: unknown, total?: number): Outcome {
  return total === undefined ? { ok: true, result } : { ok: true, result, total };
}
type Failure = Extract<Outcome, { ok: false }>;
function err(status: number, error: string, description: string): Failure {
  return { ok: false, status, error, description };
}

const DIALOG_ID_EMPTY = (): Failure => err(400, 'DIALOG_ID_EMPTY', "Dialog ID can't be empty");

/** Who is calling. */
interface CallContext {
  via: 'webhook' | 'oauth';
  scope: readonly string[];
}

type Handler = (params: Params, ctx: CallContext) => Outcome;

/** A per-portal leaky bucket (bitrix24-api.md §2: drain `ratePerSec`, hold at most `burst`). */
class LeakyBucket {
  private level = 0;
  private last: number;
  constructor(
    private readonly ratePerSec: number,
    private readonly burst: number,
    private readonly now: () => number,
  ) {
    this.last = now();
  }
  /** Adds one request; false when the bucket is full (the request is refused and not counted). */
  take(): boolean {
    const t = this.now();
    this.level = Math.max(0, this.level - ((t - this.last) / 1000) * this.ratePerSec);
    this.last = t;
    if (this.level + 1 > this.burst) return false;
    this.level += 1;
    return true;
  }
}

interface QueuedFault {
  fault: Fault;
  left: number;
}

const HTML_PAGE = (status: number): string => {
  const text = `${status} ${http.STATUS_CODES[status] ?? 'Error'}`;
  return `<html>\r\n<head><title>${text}</title></head>\r\n<body>\r\n<center><h1>${text}</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n`;
};

class Portal implements FakePortal {
  url = '';
  webhookUrl = '';
  oauth = { clientId: '', clientSecret: '', tokenUrl: '', authorizeUrl: '' };
  readonly memberId = randomHex(32);
  readonly calls: RecordedCall[] = [];

  private readonly server: http.Server;
  private readonly sockets = new Set<Socket>();
  private readonly now: () => number;
  private readonly store = new Map<string, Dialog>();
  private readonly user: FakeUser;
  private webhook: { userId: number; code: string; scope: string[] } | null;
  private webhookRevoked = false;
  private readonly app: { clientId: string; clientSecret: string; accessTtlSec: number } | null;
  private redirectUri: string | null;
  private readonly codes = new Map<string, { expiresAt: number; state?: string }>();
  private readonly accessTokens = new Map<string, { expiresAt: number }>();
  /** Refresh token → when it dies (portal clock, epoch ms). */
  private readonly refreshTokens = new Map<string, number>();
  private refreshes = 0;
  private readonly bucket: LeakyBucket | null;
  private violations = 0;
  private faults: QueuedFault[] = [];
  /** Requests being handled (a delayed one counts until its delay is over): tests wait on events, not sleeps. */
  private inFlight = 0;
  private idleWaiters: (() => void)[] = [];
  private offline = false;
  /** Where a renamed portal's old address sends `/rest/` requests (see moveTo). */
  private movedTo: string | null = null;
  private readonly operating = new Map<string, { windowStart: number; used: number }>();
  private readonly notifyCounter: number;
  private readonly readSemantics: 'server' | 'docs';
  private readonly pinLimit: number;
  private readonly pinnedRawRows: number;
  private readonly serverDomain: string | undefined;
  private readonly handlers: Record<string, Handler>;

  constructor(opts: FakePortalOptions) {
    this.now = opts.now ?? Date.now;
    const webhookUserId = opts.webhook ? opts.webhook.userId : (opts.user?.id ?? 1);
    this.user = opts.user ?? { id: webhookUserId, name: 'Алексей', lastName: 'Петров' };
    this.webhook =
      opts.webhook === false
        ? null
        : {
            userId: opts.webhook?.userId ?? this.user.id,
            code: opts.webhook?.code ?? randomAlnum(16),
            scope: opts.webhook?.scope ?? ['im'],
          };
    this.app =
      opts.oauth === false
        ? null
        : {
            clientId: opts.oauth?.clientId ?? `local.${randomHex(14)}.${randomHex(8)}`,
            clientSecret: opts.oauth?.clientSecret ?? randomAlnum(50),
            accessTtlSec: opts.oauth?.accessTtlSec ?? 3600,
          };
    this.redirectUri = (opts.oauth && opts.oauth.redirectUri) || null;
    const rl = opts.rateLimit === undefined ? { ratePerSec: 2, burst: 50 } : opts.rateLimit;
    this.bucket = rl ? new LeakyBucket(rl.ratePerSec, rl.burst, this.now) : null;
    this.notifyCounter = opts.notifyCounter ?? 0;
    this.readSemantics = opts.readSemantics ?? 'server';
    this.pinLimit = opts.pinLimit ?? PIN_LIMIT_DEFAULT;
    this.pinnedRawRows = Math.max(1, Math.trunc(opts.pinnedRawRows ?? 1));
    this.serverDomain = (opts.oauth && opts.oauth.serverDomain) || undefined;
    const seed = opts.seed === 'demo' ? demoSeed(this.now()) : opts.seed === 'empty' || !opts.seed ? [] : opts.seed;
    this.addDialogs(seed);

    this.handlers = {
      'im.recent.list': (p) => this.recentList(p),
      'im.recent.get': (p) => this.recentGet(p),
      'im.recent.pin': (p) => this.recentPin(p),
      'im.recent.unread': (p) => this.recentUnread(p),
      'im.recent.hide': (p) => this.recentHide(p),
      'im.dialog.read': (p) => this.dialogRead(p),
      'im.counters.get': () => this.countersGet(),
      profile: () => this.profile(),
      'user.current': () => this.userCurrent(),
    };

    this.server = http.createServer((req, res) => {
      this.inFlight += 1;
      this.handle(req, res)
        .finally(() => {
          this.inFlight -= 1;
          if (this.inFlight === 0) for (const w of this.idleWaiters.splice(0)) w();
        })
        .catch((e: unknown) => {
          // A bug in the fake itself: answer like a crashed PHP backend rather than hang the client.
          if (!res.headersSent && !res.destroyed) {
            res.writeHead(500, { 'content-type': 'text/plain; charset=utf-8' });
            res.end(`fake portal internal error: ${e instanceof Error ? e.message : String(e)}`);
          }
        });
    });
    this.server.on('connection', (socket: Socket) => {
      if (this.offline) {
        socket.destroy();
        return;
      }
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
    });
  }

  async listen(host: string, port: number): Promise<void> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, host, () => {
        this.server.off('error', reject);
        resolve();
      });
    });
    const addr = this.server.address() as AddressInfo;
    const h = host.includes(':') ? `[${host}]` : host;
    this.url = `http://${h}:${addr.port}`;
    this.webhookUrl = this.webhook ? `${this.url}/rest/${this.webhook.userId}/${this.webhook.code}/` : '';
    this.oauth = {
      clientId: this.app?.clientId ?? '',
      clientSecret: this.app?.clientSecret ?? '',
      tokenUrl: `${this.url}/oauth/token/`,
      authorizeUrl: `${this.url}/oauth/authorize/`,
    };
  }

  // ---------------------------------------------------------------- public API

  callsTo(method: string): RecordedCall[] {
    const m = method.toLowerCase();
    return this.calls.filter((c) => c.method === m);
  }
  resetCalls(): void {
    this.calls.length = 0;
  }
  get openConnections(): number {
    return this.sockets.size;
  }

  dialog(id: string | number): SeedDialog | undefined {
    const d = this.find(id);
    return d ? structuredClone(d) : undefined;
  }
  dialogs(): SeedDialog[] {
    return [...this.store.values()].sort(compareRecent).map((d) => structuredClone(d));
  }
  setDialog(id: string | number, patch: Partial<SeedDialog>): void {
    const d = this.find(id);
    if (!d) throw new Error(`fake portal: no dialog ${JSON.stringify(id)}`);
    if (patch.id !== undefined && dialogKey(patch.id) !== dialogKey(d.id)) {
      throw new Error('fake portal: setDialog cannot change a dialog id; add a new dialog instead');
    }
    const next: SeedDialog = { ...d, ...patch, id: d.id };
    // A new counter without an explicit last_id moves last_id with it, as reading/receiving would.
    if (patch.counter !== undefined && patch.lastId === undefined) delete next.lastId;
    this.store.set(dialogKey(d.id), normalizeDialog(next, this.now()));
  }
  addDialogs(list: SeedDialog[]): void {
    for (const seed of list) {
      const d = normalizeDialog(seed, this.now());
      this.store.set(dialogKey(d.id), d);
    }
  }

  issueAuthCode(opts: { state?: string } = {}): string {
    const code = randomAlnum(32);
    this.codes.set(code, {
      expiresAt: this.now() + CODE_TTL_MS,
      ...(opts.state !== undefined ? { state: opts.state } : {}),
    });
    return code;
  }
  issueTokens(): FakeTokenResponse {
    if (!this.app) throw new Error('fake portal: started with oauth: false');
    return this.newTokenPair();
  }
  setOAuthRedirectUri(uri: string | null): void {
    this.redirectUri = uri;
  }
  revokeRefreshTokens(): void {
    this.refreshTokens.clear();
  }
  revokeWebhook(): void {
    this.webhookRevoked = true;
  }
  newWebhook(): string {
    if (!this.webhook) throw new Error('fake portal: started with webhook: false');
    this.webhook = { ...this.webhook, code: randomAlnum(16) };
    this.webhookRevoked = false;
    this.webhookUrl = `${this.url}/rest/${this.webhook.userId}/${this.webhook.code}/`;
    return this.webhookUrl;
  }
  moveTo(origin: string | null): void {
    this.movedTo = origin === null ? null : new URL(origin).origin;
  }
  expireAccessTokens(): void {
    for (const t of this.accessTokens.values()) t.expiresAt = -Infinity;
  }
  refreshCount(): number {
    return this.refreshes;
  }

  inject(fault: Fault): void {
    const times = fault.times ?? 1;
    if (!Number.isInteger(times) || times < 1) throw new Error('fake portal: fault.times must be a positive integer');
    this.faults.push({ fault, left: times });
  }
  clearFaults(): void {
    this.faults = [];
  }
  /** How many requests the portal is handling now (one held by a `delay` fault counts). */
  inFlightRequests(): number {
    return this.inFlight;
  }
  /** Resolves once the portal handles no request (a dropped, delayed one included). */
  idle(): Promise<void> {
    return this.inFlight === 0 ? Promise.resolve() : new Promise((resolve) => this.idleWaiters.push(resolve));
  }
  setOffline(offline: boolean): void {
    this.offline = offline;
    if (offline) for (const s of this.sockets) s.destroy();
  }
  limiterViolations(): number {
    return this.violations;
  }

  async close(): Promise<void> {
    this.faults = [];
    await new Promise<void>((resolve) => {
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
  }

  // ---------------------------------------------------------------- HTTP

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    if (this.offline) {
      req.socket.destroy();
      return;
    }
    const at = this.now();
    const u = new URL(req.url ?? '/', 'http://fake.invalid');
    // The b24jssdk posts to `${client_endpoint}/METHOD`, i.e. `/rest//METHOD`: collapse slashes as a web server would.
    const path = u.pathname.replace(/\/{2,}/g, '/');

    let params: Params;
    try {
      params = { ...parseQuery(u.search), ...(await this.readBody(req)) };
    } catch (e) {
      const rec: RecordedCall = { method: '?', params: {}, via: 'none', status: 0, at };
      this.sendError(res, rec, err(400, 'INVALID_REQUEST', (e as Error).message));
      return;
    }
    if (this.offline) {
      req.socket.destroy();
      return;
    }

    if (/^\/oauth\/token\/?$/.test(path)) return this.handleToken(req, res, params, at);
    if (/^\/oauth\/authorize\/?$/.test(path)) return this.handleAuthorize(res, params, at);
    if (path.startsWith('/rest/') && this.movedTo !== null) {
      // Recorded without its `auth`, as every call is; the method is the path's last segment.
      const method = (path.split('/').filter(Boolean).at(-1) ?? '').toLowerCase().replace(/\.json$/, '');
      const recParams = Object.fromEntries(Object.entries(params).filter(([k]) => k.toLowerCase() !== 'auth'));
      this.calls.push({ method, params: recParams, via: 'none', status: 302, at });
      res.writeHead(302, { location: `${this.movedTo}${u.pathname}${u.search}`, 'content-type': 'text/html' });
      res.end();
      return;
    }
    if (path.startsWith('/rest/')) return this.handleRest(req, res, path, params, at);
    res.writeHead(404, { 'content-type': 'text/html; charset=utf-8' });
    res.end(HTML_PAGE(404));
  }

  private async readBody(req: http.IncomingMessage): Promise<Params> {
    if (req.method === 'GET' || req.method === 'HEAD') return {};
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of req as AsyncIterable<Buffer>) {
      size += chunk.length;
      if (size > MAX_BODY) throw new Error('Request body is too large');
      chunks.push(chunk);
    }
    const body = Buffer.concat(chunks);
    if (body.length === 0) return {};
    const type = (req.headers['content-type'] ?? '').toLowerCase();
    if (type.includes('application/json')) {
      let parsed: unknown;
      try {
        parsed = JSON.parse(body.toString('utf8'));
      } catch {
        // A real portal would silently see no parameters; failing loudly catches client bugs sooner.
        throw new Error('Request body is not valid JSON');
      }
      if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
        throw new Error('Request body must be a JSON object');
      }
      return parsed as Params;
    }
    if (type.includes('multipart/form-data')) {
      const form = await new Request('http://fake.invalid/', {
        method: 'POST',
        headers: { 'content-type': req.headers['content-type'] ?? '' },
        body,
      }).formData();
      const pairs: Array<[string, string]> = [];
      form.forEach((v, k) => pairs.push([k, typeof v === 'string' ? v : v.name]));
      return parsePairs(pairs);
    }
    // application/x-www-form-urlencoded, and what PHP would also read as a form when the type is missing.
    return parseQuery(body.toString('utf8'));
  }

  private send(
    res: http.ServerResponse,
    status: number,
    body: unknown,
    rec: RecordedCall,
    subs: RecordedCall[] = [],
  ): void {
    rec.status = status;
    this.calls.push(rec, ...subs);
    if (res.destroyed) return;
    const text = JSON.stringify(body);
    res.writeHead(status, {
      'content-type': 'application/json; charset=utf-8',
      'content-length': Buffer.byteLength(text),
    });
    res.end(text);
  }

  private sendError(res: http.ServerResponse, rec: RecordedCall, o: Failure): void {
    rec.errorCode = o.error;
    const body: Record<string, unknown> = { error: o.error, error_description: o.description };
    if (o.timeResetSec !== undefined) {
      const t = this.now();
      body.time = { ...this.timeBlock(t, t, rec.method), operating_reset_at: Math.floor(t / 1000) + o.timeResetSec };
    }
    this.send(res, o.status, body, rec);
  }

  /** Takes the earliest queued fault matching this request, if any. */
  private takeFault(method: string, scope: 'rest' | 'token' | 'sub', kinds?: Fault['kind'][]): Fault | null {
    for (let i = 0; i < this.faults.length; i++) {
      const q = this.faults[i]!;
      const fm = q.fault.method?.toLowerCase().replace(/\.json$/, '');
      const matches =
        scope === 'rest' ? fm === undefined || fm === method : fm === method && (scope === 'token' || fm !== undefined);
      if (!matches) continue;
      if (kinds && !kinds.includes(q.fault.kind)) continue;
      q.left -= 1;
      if (q.left <= 0) this.faults.splice(i, 1);
      return q.fault;
    }
    return null;
  }

  /**
   * Applies a fault to a whole HTTP request. Returns true when the answer was
   * sent (or the connection dropped); a delay returns false after waiting.
   */
  private async applyFault(
    fault: Fault,
    req: http.IncomingMessage,
    res: http.ServerResponse,
    rec: RecordedCall,
  ): Promise<boolean> {
    rec.fault = fault.kind;
    switch (fault.kind) {
      case 'delay':
        await new Promise((r) => setTimeout(r, fault.ms).unref());
        return res.destroyed;
      case 'reset':
        rec.status = 0;
        this.calls.push(rec);
        req.socket.destroy();
        return true;
      case 'html': {
        const status = fault.status ?? 502;
        rec.status = status;
        this.calls.push(rec);
        if (!res.destroyed) {
          res.writeHead(status, { 'content-type': 'text/html; charset=utf-8' });
          res.end(HTML_PAGE(status));
        }
        return true;
      }
      case 'resultFalse': {
        const t = this.now();
        this.send(res, 200, { result: false, time: this.timeBlock(t, t, rec.method) }, rec);
        return true;
      }
      case 'error':
        this.sendError(res, rec, {
          ok: false,
          status: fault.status,
          error: fault.code,
          description: fault.description ?? fault.code,
          ...(fault.operatingResetInSec !== undefined ? { timeResetSec: fault.operatingResetInSec } : {}),
        });
        return true;
    }
  }

  // ---------------------------------------------------------------- OAuth endpoints

  private newTokenPair(): FakeTokenResponse {
    const app = this.app!;
    const access = randomAlnum(32);
    const refresh = randomAlnum(32);
    const nowMs = this.now();
    this.accessTokens.set(access, { expiresAt: nowMs + app.accessTtlSec * 1000 });
    this.refreshTokens.set(refresh, nowMs + REFRESH_TTL_MS);
    return {
      access_token: access,
      client_endpoint: `${this.url}/rest/`,
      // The auth server's domain, not the portal's (D:settings/oauth/index.md: "Домен сервера
      // авторизации"; only the redirect's `domain` names the portal). This fake is its own auth
      // server unless `oauth.serverDomain` names one.
      domain: this.serverDomain ?? new URL(this.url).host,
      expires: Math.floor(nowMs / 1000) + app.accessTtlSec,
      expires_in: app.accessTtlSec,
      member_id: this.memberId,
      refresh_token: refresh,
      scope: 'im',
      // A real portal names its OAuth server here; this fake serves the token endpoint itself by default.
      server_endpoint: this.serverDomain ? `https://${this.serverDomain}/rest/` : `${this.url}/rest/`,
      status: 'L',
      user_id: this.user.id,
    };
  }

  private async handleToken(
    req: http.IncomingMessage,
    res: http.ServerResponse,
    params: Params,
    at: number,
  ): Promise<void> {
    const rec: RecordedCall = { method: 'oauth/token', params, via: 'none', status: 0, at };
    const fault = this.takeFault('oauth/token', 'token');
    if (fault && (await this.applyFault(fault, req, res, rec))) return;

    // Statuses follow RFC 6749 §5.2 (the Bitrix docs give codes, not statuses): 401 for the client, 400 otherwise.
    const app = this.app;
    const grant = String(param(params, 'grant_type') ?? '');
    if (grant !== 'authorization_code' && grant !== 'refresh_token') {
      return this.sendError(res, rec, err(400, 'invalid_request', 'Unsupported or missing grant_type'));
    }
    if (!app || param(params, 'client_id') !== app.clientId || param(params, 'client_secret') !== app.clientSecret) {
      return this.sendError(res, rec, err(401, 'invalid_client', 'Invalid client credentials'));
    }
    if (grant === 'authorization_code') {
      const code = String(param(params, 'code') ?? '');
      const entry = this.codes.get(code);
      // Single use: a code is gone once presented, whether it was still fresh or not.
      this.codes.delete(code);
      if (!entry) return this.sendError(res, rec, err(400, 'invalid_grant', 'Invalid authorization code'));
      if (this.now() > entry.expiresAt) {
        return this.sendError(res, rec, err(400, 'invalid_grant', 'Authorization code has expired'));
      }
      return this.send(res, 200, this.newTokenPair(), rec);
    }
    const refresh = String(param(params, 'refresh_token') ?? '');
    const diesAt = this.refreshTokens.get(refresh);
    if (diesAt === undefined || this.now() >= diesAt) {
      this.refreshTokens.delete(refresh);
      return this.sendError(res, rec, err(400, 'invalid_grant', 'Invalid refresh token'));
    }
    // Rotation: the presented refresh token dies as the new pair is born.
    this.refreshTokens.delete(refresh);
    this.refreshes += 1;
    this.send(res, 200, this.newTokenPair(), rec);
  }

  private handleAuthorize(res: http.ServerResponse, params: Params, at: number): void {
    const rec: RecordedCall = { method: 'oauth/authorize', params, via: 'none', status: 0, at };
    const html = (status: number, title: string, body: string): void => {
      rec.status = status;
      this.calls.push(rec);
      res.writeHead(status, { 'content-type': 'text/html; charset=utf-8' });
      res.end(
        `<!doctype html><html lang="ru"><head><meta charset="utf-8"><title>${title}</title></head><body><h1>${title}</h1>${body}</body></html>`,
      );
    };
    if (!this.app || param(params, 'client_id') !== this.app.clientId) {
      // Per the docs the user sees an error page and the application gets no redirect.
      return html(400, 'Приложение не найдено', '<p>The application was not found on this portal.</p>');
    }
    const stateRaw = param(params, 'state');
    const state = typeof stateRaw === 'string' ? stateRaw : undefined;
    const code = this.issueAuthCode(state !== undefined ? { state } : {});
    const host = new URL(this.url).host;
    if (this.redirectUri) {
      const target = new URL(this.redirectUri);
      target.searchParams.set('code', code);
      if (state !== undefined) target.searchParams.set('state', state);
      target.searchParams.set('domain', host);
      target.searchParams.set('member_id', this.memberId);
      target.searchParams.set('scope', 'im');
      // The redirect names the OAuth server to exchange the code at (bitrix24-api.md §6):
      // oauth.bitrix.info for .com portals, oauth.bitrix24.tech for .ru; this fake serves it itself by default.
      target.searchParams.set('server_domain', this.serverDomain ?? host);
      rec.status = 302;
      this.calls.push(rec);
      res.writeHead(302, { location: target.toString(), 'content-type': 'text/html; charset=utf-8' });
      res.end();
      return;
    }
    html(
      200,
      'Код авторизации',
      `<p>Скопируйте код в приложение / Copy this code into the application:</p><p><code id="code">${code}</code></p>`,
    );
  }

  // ---------------------------------------------------------------- REST

  private async handleRest(
    req: http.IncomingMessage,
    res: http.ServerResponse,
    path: string,
    params: Params,
    at: number,
  ): Promise<void> {
    const segs = path
      .slice('/rest/'.length)
      .split('/')
      .filter((s) => s !== '');
    let via: RecordedCall['via'] = 'none';
    let rawMethod = segs.join('/');
    let hook: { userId: string; code: string } | null = null;
    if (segs.length === 1) {
      via = 'oauth';
      rawMethod = segs[0]!;
    } else if (segs.length === 2 || segs.length === 3) {
      via = 'webhook';
      hook = { userId: segs[0]!, code: segs[1]! };
      rawMethod = segs[2] ?? '';
    }
    let decoded = rawMethod;
    try {
      decoded = decodeURIComponent(rawMethod);
    } catch {
      // A broken %-escape cannot name a method; it falls through to ERROR_METHOD_NOT_FOUND.
    }
    const method = decoded.toLowerCase().replace(/\.json$/, '');
    const authRaw = param(params, 'auth');
    const recParams = { ...params };
    for (const k of Object.keys(recParams)) if (k.toLowerCase() === 'auth') delete recParams[k];
    const rec: RecordedCall = { method, params: recParams, via, status: 0, at };

    const fault = this.takeFault(method, 'rest');
    if (fault && (await this.applyFault(fault, req, res, rec))) return;

    // Authentication first, as the portal checks it before it looks the method up.
    let ctx: CallContext;
    if (via === 'webhook') {
      const w = this.webhook;
      if (!w || this.webhookRevoked || hook!.userId !== String(w.userId) || hook!.code !== w.code) {
        return this.sendError(res, rec, err(401, 'NO_AUTH_FOUND', 'Wrong authorization data'));
      }
      ctx = { via, scope: w.scope };
    } else if (via === 'oauth') {
      const token = typeof authRaw === 'string' ? this.accessTokens.get(authRaw) : undefined;
      if (!token) return this.sendError(res, rec, err(401, 'NO_AUTH_FOUND', 'Wrong authorization data'));
      if (this.now() >= token.expiresAt) {
        return this.sendError(res, rec, err(401, 'expired_token', 'The access token provided has expired.'));
      }
      ctx = { via, scope: ['im'] };
    } else {
      return this.sendError(res, rec, err(404, 'ERROR_METHOD_NOT_FOUND', 'Method not found!'));
    }

    if (this.bucket && !this.bucket.take()) {
      this.violations += 1;
      return this.sendError(res, rec, err(503, 'QUERY_LIMIT_EXCEEDED', 'Too many requests'));
    }

    const start = this.now();
    if (method === 'batch') {
      const subs: RecordedCall[] = [];
      const o = await this.batch(params, ctx, subs, at);
      if (!o.ok) return this.sendError(res, rec, o);
      return this.send(res, 200, { result: o.result, time: this.timeBlock(start, this.now(), null) }, rec, subs);
    }
    const o = this.invoke(method, recParams, ctx);
    if (!o.ok) return this.sendError(res, rec, o);
    const body: Record<string, unknown> = { result: o.result };
    if (o.next !== undefined) body.next = o.next;
    if (o.total !== undefined) body.total = o.total;
    body.time = this.timeBlock(start, this.now(), method);
    this.send(res, 200, body, rec);
  }

  /** Runs one method (also a batch sub-call). */
  private invoke(method: string, params: Params, ctx: CallContext): Outcome {
    const h = Object.hasOwn(this.handlers, method) ? this.handlers[method] : undefined;
    // 404, as the rest module raises ERROR_METHOD_NOT_FOUND with "not found" status; the SDK
    // docs say 400 and the real status is unverified (bitrix24-api.md §2), so clients must key on the code.
    if (!h) return err(404, 'ERROR_METHOD_NOT_FOUND', 'Method not found!');
    const needs = method.startsWith('im.') ? 'im' : method === 'user.current' ? 'user' : null;
    if (needs && !ctx.scope.includes(needs)) {
      return err(
        403,
        'insufficient_scope',
        'The request requires higher privileges than provided by the access token.',
      );
    }
    return h(params, ctx);
  }

  private async batch(params: Params, ctx: CallContext, subs: RecordedCall[], at: number): Promise<Outcome> {
    const cmdRaw = param(params, 'cmd') ?? {};
    if (typeof cmdRaw !== 'object' || cmdRaw === null) {
      return err(400, 'INVALID_REQUEST', 'cmd must be an object or an array of "method?params" strings');
    }
    const entries: Array<[string, unknown]> = Array.isArray(cmdRaw)
      ? cmdRaw.map((v, i) => [String(i), v])
      : Object.entries(cmdRaw as Record<string, unknown>);
    if (entries.length > MAX_BATCH) return err(400, 'ERROR_BATCH_LENGTH_EXCEEDED', 'Max batch length exceeded');
    const halt = flag(param(params, 'halt'), false);

    const results: Array<[string, unknown]> = [];
    const errors: Array<[string, unknown]> = [];
    const totals: Array<[string, unknown]> = [];
    const times: Array<[string, unknown]> = [];
    for (const [key, cmd] of entries) {
      const text = typeof cmd === 'string' ? cmd : '';
      const q = text.indexOf('?');
      const method = (q < 0 ? text : text.slice(0, q))
        .trim()
        .toLowerCase()
        .replace(/\.json$/, '');
      const subParams = q < 0 ? {} : parseQuery(text.slice(q + 1));
      const rec: RecordedCall = { method, params: subParams, via: ctx.via, status: 200, at, inBatch: true };
      subs.push(rec);
      const start = this.now();
      let o: Outcome;
      if (method === 'batch') {
        // Nested batch is refused per sub-call since rest 24.0.0; the outer batch still answers 200.
        o = err(405, 'ERROR_BATCH_METHOD_NOT_ALLOWED', 'Batch call in batch is not allowed');
      } else {
        const fault = this.takeFault(method, 'sub', ['error', 'resultFalse', 'delay']);
        if (fault) rec.fault = fault.kind;
        if (fault?.kind === 'delay') await new Promise((r) => setTimeout(r, fault.ms).unref());
        if (fault?.kind === 'error') o = err(fault.status, fault.code, fault.description ?? fault.code);
        else if (fault?.kind === 'resultFalse') o = ok(false);
        else o = this.invoke(method, subParams, ctx);
      }
      if (o.ok) {
        results.push([key, o.result]);
        if (o.total !== undefined) totals.push([key, o.total]);
        times.push([key, this.timeBlock(start, this.now(), method)]);
      } else {
        rec.status = o.status;
        rec.errorCode = o.error;
        errors.push([key, { error: o.error, error_description: o.description }]);
        if (halt) break;
      }
    }
    return ok({
      result: phpMap(results),
      result_error: phpMap(errors),
      result_total: phpMap(totals),
      result_next: [],
      result_time: phpMap(times),
    });
  }

  /** The `time` block; `method` null for the outer batch (not counted in `operating`). */
  private timeBlock(startMs: number, endMs: number, method: string | null): Record<string, number | string> {
    // Real portals never answer in 0 s; a small floor keeps durations believable and positive.
    const duration = Math.max((endMs - startMs) / 1000, 0.0004);
    const start = startMs / 1000;
    const finish = start + duration;
    const windowNow = Math.floor(start);
    let op = { windowStart: windowNow, used: 0 };
    if (method) {
      const cur = this.operating.get(method);
      op = cur && windowNow - cur.windowStart < OPERATING_WINDOW_SEC ? cur : { windowStart: windowNow, used: 0 };
      op.used += duration;
      this.operating.set(method, op);
    }
    return {
      start,
      finish,
      duration,
      processing: duration,
      date_start: atom(startMs),
      date_finish: atom(startMs + duration * 1000),
      operating_reset_at: op.windowStart + OPERATING_WINDOW_SEC,
      operating: Math.round(op.used * 1e6) / 1e6,
    };
  }

  // ---------------------------------------------------------------- dialogs

  /** Finds a dialog by `547`, `"547"`, `"chat1317"` or `"sg17"`. */
  private find(id: unknown): Dialog | undefined {
    if (typeof id !== 'string' && typeof id !== 'number') return undefined;
    const key = String(id).trim();
    const sg = /^sg([1-9][0-9]*)$/.exec(key);
    if (sg) {
      const gid = Number(sg[1]);
      for (const d of this.store.values()) if (d.sonetGroupId === gid) return d;
      return undefined;
    }
    return this.store.get(key);
  }

  /**
   * Reads DIALOG_ID: an Outcome error for a missing, empty or malformed one (DIALOG_ID_EMPTY,
   * as the docs say of all three), null for a well-formed id the portal does not know.
   */
  private dialogParam(params: Params): Dialog | null | Failure {
    const raw = param(params, 'DIALOG_ID');
    const text = typeof raw === 'number' ? String(raw) : typeof raw === 'string' ? raw.trim() : '';
    if (!/^(chat|sg)?[1-9][0-9]{0,15}$/.test(text)) return DIALOG_ID_EMPTY();
    return this.find(text) ?? null;
  }

  private context(flavour: RenderContext['flavour']): RenderContext {
    const users = new Map<number, Dialog>();
    for (const d of this.store.values()) if (!isChatId(d.id)) users.set(Number(d.id), d);
    return {
      selfId: this.user.id,
      selfName: `${this.user.name} ${this.user.lastName}`,
      nowMs: this.now(),
      users,
      flavour,
    };
  }

  private visible(params: Params): Dialog[] {
    const skipLines = flag(param(params, 'SKIP_OPENLINES'), false);
    const skipDialog = flag(param(params, 'SKIP_DIALOG'), false);
    const skipChat = flag(param(params, 'SKIP_CHAT'), false);
    const onlyLines = flag(param(params, 'ONLY_OPENLINES'), false);
    return [...this.store.values()]
      .filter((d) => {
        if (d.hidden) return false;
        const chat = isChatId(d.id);
        const lines = chat && chatTypeOf(d) === 'lines';
        if (skipDialog && !chat) return false;
        if (skipChat && chat && !lines) return false;
        if (skipLines && lines) return false;
        if (onlyLines && !lines) return false;
        return true;
      })
      .sort(compareRecent);
  }

  private recentList(params: Params): Outcome {
    let list = this.visible(params);
    if (flag(param(params, 'UNREAD_ONLY'), false)) list = list.filter((d) => d.unread || d.counter > 0);
    // CIMRestService::recentList and Recent::getList (im_rest.php, lib/recent.php, 26.250.100 in the
    // yuliai/bitrix-modules snapshot): LAST_MESSAGE_DATE (or DATE_LAST_ACTIVITY) keeps the rows
    // whose last activity is at or before it (`<=DATE_LAST_ACTIVITY`), and then OFFSET is ignored.
    const before = parseDate(param(params, 'LAST_MESSAGE_DATE') ?? param(params, 'DATE_LAST_ACTIVITY'));
    if (!Number.isNaN(before)) list = list.filter((d) => parseDate(d.date) <= before);
    const offset = Number.isNaN(before) ? Math.max(0, intParam(param(params, 'OFFSET'), 0)) : 0;
    let limit = intParam(param(params, 'LIMIT'), LIST_LIMIT_DEFAULT);
    if (limit <= 0) limit = LIST_LIMIT_DEFAULT;
    limit = Math.min(limit, LIST_LIMIT_MAX);
    const ctx = this.context('list');
    // The page is cut from the server's raw rows and collapsed to unique dialogs (a pinned
    // dialog may have several rows, `pinnedRawRows`), so a full page can come back shorter.
    const raw =
      this.pinnedRawRows === 1 ? list : list.flatMap((d) => (d.pinned ? Array(this.pinnedRawRows).fill(d) : [d]));
    const rows = raw.slice(offset, offset + limit);
    // A fired user's dialog with nothing unread is dropped after the cut, so it takes a row of the
    // page without being listed (isListed).
    const page = [...new Set(rows)].filter(isListed).map((d) => renderItem(d, ctx));
    // Ordered PINNED DESC first (compareRecent), default LIMIT 50, at most 200. `hasMore` says the
    // page's raw rows filled the LIMIT (`$ormParams['limit'] == $counter`, so also when nothing is
    // left), and only then does the answer carry a top-level `next` = OFFSET + count; without
    // LAST_MESSAGE_DATE it has `birthdayList`.
    const hasMore = rows.length === limit;
    const result: Record<string, unknown> = {
      items: page,
      hasMorePages: hasMore,
      hasMore,
      copilot: { chats: null, messages: null, roles: {}, recommendedRoles: [] },
      messagesAutoDeleteConfigs: [],
    };
    if (Number.isNaN(before)) result.birthdayList = [];
    return { ok: true, result, total: -1, ...(hasMore ? { next: offset + page.length } : {}) };
  }

  private recentGet(params: Params): Outcome {
    let list = this.visible(params);
    const since = parseDate(param(params, 'LAST_SYNC_DATE') ?? param(params, 'LAST_UPDATE'));
    if (!Number.isNaN(since)) list = list.filter((d) => parseDate(d.date) >= since);
    const ctx = this.context('get');
    return ok(list.filter(isListed).map((d) => renderItem(d, ctx)));
  }

  /**
   * `im.recent.pin` as the vendor's server code does it (bitrix24 `im` module:
   * classes/general/im_rest.php `CIMRestService::recentPin`, lib/recent.php `Recent::pin`,
   * lib/V2/Folder/Pin/PinService.php; read in the yuliai/bitrix-modules snapshot):
   * - DIALOG_ID must be `notify` or a dialog id, else 400 DIALOG_ID_EMPTY;
   * - `ACTION`, when given, replaces `PIN`; the dialog is unpinned only when the value equals
   *   `N` (`$arParams['PIN'] != 'N'`, so an absent `PIN`, `Y` or `n` pins);
   * - no chat behind the id: 400 ACCESS_ERROR "You don't have access to this chat"; a chat the
   *   user may not pin (here: one the portal does not have): 400 ACCESS_ERROR "You don’t have
   *   permission to pin this chat";
   * - `Recent::pin` answers `true`, also for a dialog already in the asked state (unpinning is
   *   idempotent), and `false` (HTTP 200, no error) for a pin beyond the limit of 45 pinned
   *   dialogs (`PinService::LIMIT_GLOBAL_PINS`; `PINNED_CHATS_LIMIT` 25 on older builds).
   * Pinning puts a hidden dialog back into the recent list (`ensureRecentRow`).
   */
  private recentPin(params: Params): Outcome {
    const raw = param(params, 'DIALOG_ID');
    const notify = typeof raw === 'string' && raw.trim() === 'notify';
    const d = notify ? null : this.dialogParam(params);
    if (d && 'ok' in d) return d;
    const action = param(params, 'ACTION');
    // PHP 8's loose `!= 'N'`: only the string N (and `true`: a non-empty string is truthy) unpins.
    const value = action !== undefined ? action : param(params, 'PIN');
    const pin = !(value === 'N' || value === true);
    if (!d) {
      const chatId = /^chat[0-9]+$/i.test(String(raw).trim());
      return chatId
        ? err(400, 'ACCESS_ERROR', 'You don’t have permission to pin this chat')
        : err(400, 'ACCESS_ERROR', "You don't have access to this chat");
    }
    if (pin && !d.pinned) {
      let pinned = 0;
      for (const x of this.store.values()) if (x.pinned && !x.hidden) pinned += 1;
      if (pinned >= this.pinLimit) return ok(false);
    }
    d.pinned = pin;
    if (pin) d.hidden = false;
    return ok(true);
  }

  private recentUnread(params: Params): Outcome {
    const d = this.dialogParam(params);
    if (d && 'ok' in d) return d;
    // The server resolves chatNNN and user ids here, not sgNNN: it answers `false` (bitrix24-api.md §6).
    if (/^sg/i.test(String(param(params, 'DIALOG_ID')).trim())) return ok(false);
    // Documented: HTTP 200 with result false when the chat is not found.
    if (!d) return ok(false);
    const mark = flag(param(params, 'ACTION'), true);
    d.unread = mark;
    if (!mark && this.readSemantics === 'docs') {
      // The docs' reading: ACTION=N removes the mark AND marks the dialog read (im-recent-unread.md).
      d.counter = 0;
      d.lastId = d.messageId;
    }
    // The server's reading (default): `Recent::unread` sets UNREAD=N, MARKED_ID=0 and nothing
    // else, so unread messages and `counter` stay (bitrix24-api.md §6).
    return ok(true);
  }

  private recentHide(params: Params): Outcome {
    const d = this.dialogParam(params);
    if (d && 'ok' in d) return d;
    if (!d) return ok(false);
    // The server deletes the user's recent row (CIMContactList::DialogHide → deleteRecent), and its
    // UNREAD mark with it; the unread messages stay (see countersGet).
    d.hidden = true;
    d.pinned = false;
    d.unread = false;
    return ok(true);
  }

  private dialogRead(params: Params): Outcome {
    const d = this.dialogParam(params);
    if (d && 'ok' in d) return d;
    if (!d) return ok(false);
    const upTo = intParam(param(params, 'MESSAGE_ID'), 0);
    if (upTo > 0 && upTo < d.messageId) {
      // Message ids of one dialog are modelled as consecutive, so what is left unread is what follows upTo.
      d.counter = Math.min(d.counter, d.messageId - upTo);
      d.lastId = Math.max(d.lastId, upTo);
    } else {
      d.counter = 0;
      d.lastId = d.messageId;
    }
    // Only a read of the whole dialog clears the manual mark: without MESSAGE_ID the server calls
    // Reader::readAllInChat, which calls RecentReader::read (UNREAD=N); with it, Reader::readTo →
    // read, which only moves the recent row's DATE_UPDATE (RecentReader::updateDateUpdate), so the
    // mark stays (CIMChat/CIMMessage::SetReadMessage, im/lib/V2/Reading/Reader.php, 26.250.100 in
    // the yuliai/bitrix-modules snapshot). Builds before 26.250 (ReadService) kept the mark on both
    // paths; the app sends im.recent.unread N with every read, so it does not depend on either.
    if (upTo <= 0) d.unread = false;
    return ok({ dialogId: String(d.id), chatId: d.chatId, lastId: d.lastId, counter: d.counter });
  }

  private countersGet(): Outcome {
    const chat: Array<[number, number]> = [];
    const muted: Array<[number, number]> = [];
    const lines: Array<[number, number]> = [];
    const dialog: Array<[number, number]> = [];
    const chatUnread: number[] = [];
    const dialogUnread: number[] = [];
    for (const d of [...this.store.values()].sort(compareRecent)) {
      const isChat = isChatId(d.id);
      // The marks come from the recent rows (`RecentTable` where UNREAD), which a hidden dialog no
      // longer has; the counts come from the unread messages alone (`MessageUnreadTable` grouped by
      // chat, no join on the recent list), so a hidden dialog's unread messages are still counted:
      // im/lib/V2/Reading/Counter/UserCountersCollector.php fetchGroupedMessageCounters /
      // fetchUnreadChats (26.250.100), CounterService::getCountersForEachChat (25.550.100), in the
      // yuliai/bitrix-modules snapshot.
      if (d.unread && !d.hidden) (isChat ? chatUnread : dialogUnread).push(isChat ? d.chatId : Number(d.id));
      if (d.counter <= 0) continue;
      // A muted chat's count goes to CHAT_MUTED[chatId] before the private-dialog branch, so a muted
      // private dialog is listed there under its private chat id, not under DIALOG (bitrix24-api.md §6).
      if (d.muted && !(isChat && chatTypeOf(d) === 'lines')) muted.push([d.chatId, d.counter]);
      else if (!isChat) dialog.push([Number(d.id), d.counter]);
      else if (chatTypeOf(d) === 'lines') lines.push([d.chatId, d.counter]);
      else chat.push([d.chatId, d.counter]);
    }
    const sum = (xs: Array<[number, number]>): number => xs.reduce((a, [, n]) => a + n, 0);
    const messenger = sum(chat) + sum(lines) + sum(dialog);
    return ok({
      TYPE: {
        ALL: this.notifyCounter + messenger,
        NOTIFY: this.notifyCounter,
        CHAT: sum(chat),
        LINES: sum(lines),
        DIALOG: sum(dialog),
        MESSENGER: messenger,
      },
      CHAT: phpMap(chat),
      CHAT_MUTED: phpMap(muted),
      CHAT_UNREAD: chatUnread,
      LINES: phpMap(lines),
      DIALOG: phpMap(dialog),
      DIALOG_UNREAD: dialogUnread,
    });
  }

  private profile(): Outcome {
    return ok({
      ID: String(this.user.id),
      ADMIN: true,
      NAME: this.user.name,
      LAST_NAME: this.user.lastName,
      PERSONAL_GENDER: '',
      TIME_ZONE: '',
    });
  }

  private userCurrent(): Outcome {
    return ok({
      ID: String(this.user.id),
      ACTIVE: true,
      NAME: this.user.name,
      LAST_NAME: this.user.lastName,
      EMAIL: '',
      UF_DEPARTMENT: [1],
    });
  }
}

/**
 * Starts a fake portal on 127.0.0.1 (a random port unless `port` is given).
 * Call `close()` when done (an `afterAll`/`afterEach` in tests).
 */
export async function startFakePortal(opts: FakePortalOptions = {}): Promise<FakePortal> {
  const portal = new Portal(opts);
  await portal.listen(opts.host ?? '127.0.0.1', opts.port ?? 0);
  return portal;
}
