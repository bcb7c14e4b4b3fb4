/**
 * Test doubles for the core's unit tests: an in-memory KeyValueStore, a
 * scripted BitrixClient that records what would have gone over the wire, and
 * a ShortcutRegistrar double. The fake clock is in ../support/fake-clock.
 */
import {
  BitrixError,
  type BatchCall,
  type BatchOutcome,
  type BitrixClient,
  type Params,
  type RecentItem,
} from '../../src/main/core/bitrix/types';
import type { KeyValueStore, ShortcutRegistrar } from '../../src/main/core/ports';

/** An in-memory KeyValueStore that deep-copies like a JSON file would. */
export function memoryStore(initial: Record<string, unknown> = {}): KeyValueStore & { data: Map<string, unknown> } {
  const data = new Map<string, unknown>(Object.entries(initial).map(([k, v]) => [k, structuredClone(v)]));
  return {
    data,
    path: ':memory:',
    get: (k) => (data.has(k) ? structuredClone(data.get(k)) : undefined),
    set: (k, v) => void data.set(k, JSON.parse(JSON.stringify(v))),
    delete: (k) => void data.delete(k),
  };
}

/** One request the scripted client "sent". */
export interface SentRequest {
  kind: 'call' | 'batch';
  calls: BatchCall[];
  retries: number | undefined;
}

type Responder = (call: BatchCall) => unknown | BitrixError | Promise<unknown | BitrixError>;

/**
 * A BitrixClient that sends nothing: it records each request and answers
 * through `respond` (return a BitrixError to fail a call). `failRequest`
 * fails a whole request (as a network error would).
 */
export function scriptedClient(origin = 'https://acme.bitrix24.ru'): BitrixClient & {
  sent: SentRequest[];
  respond: Responder;
  failRequest: BitrixError | null;
  recent: RecentItem[];
  gate: Promise<void> | null;
} {
  const self = {
    origin,
    sent: [] as SentRequest[],
    respond: (() => true) as Responder,
    failRequest: null as BitrixError | null,
    recent: [] as RecentItem[],
    gate: null as Promise<void> | null,
    async call<T>(method: string, params?: Params, opts?: { retries?: number }): Promise<T> {
      self.sent.push({ kind: 'call', calls: [{ method, params }], retries: opts?.retries });
      if (self.gate) await self.gate;
      if (self.failRequest) throw self.failRequest;
      const r = await self.respond({ method, params });
      if (r instanceof BitrixError) throw r;
      return r as T;
    },
    async batch<T>(calls: BatchCall[], opts?: { retries?: number }): Promise<BatchOutcome<T>[]> {
      const out: BatchOutcome<T>[] = [];
      for (let i = 0; i < calls.length; i += 50) {
        const chunk = calls.slice(i, i + 50);
        self.sent.push({ kind: 'batch', calls: chunk, retries: opts?.retries });
        if (self.gate) await self.gate;
        if (self.failRequest) throw self.failRequest;
        for (const c of chunk) {
          const r = await self.respond(c);
          out.push(r instanceof BitrixError ? { ok: false, error: r } : { ok: true, result: r as T });
        }
      }
      return out;
    },
    async listRecent(params?: Params, _opts?: unknown, _lastPage?: unknown, pageSize?: number): Promise<RecentItem[]> {
      // The page size as the request carries it (LIMIT), when the caller chose one.
      const sent = pageSize === undefined ? params : { ...params, LIMIT: pageSize };
      self.sent.push({ kind: 'call', calls: [{ method: 'im.recent.list', params: sent }], retries: undefined });
      if (self.failRequest) throw self.failRequest;
      return structuredClone(self.recent);
    },
  };
  return self;
}

/** Every `im.recent.unread` sub-call the client sent, flattened. */
export function unreadCalls(client: { sent: SentRequest[] }): { DIALOG_ID: string; ACTION: string }[] {
  return client.sent
    .flatMap((r) => r.calls)
    .filter((c) => c.method === 'im.recent.unread')
    .map((c) => c.params as { DIALOG_ID: string; ACTION: string });
}

/** A ShortcutRegistrar double: `taken` accelerators fail, `invalid` ones throw like Electron does. */
export function fakeRegistrar(opts: { taken?: string[]; invalid?: string[] } = {}): ShortcutRegistrar & {
  registered: Map<string, () => void>;
  taken: Set<string>;
  log: string[];
} {
  const registered = new Map<string, () => void>();
  const taken = new Set(opts.taken ?? []);
  const invalid = new Set(opts.invalid ?? []);
  const log: string[] = [];
  return {
    registered,
    taken,
    log,
    register(acc, cb) {
      log.push(`+${acc}`);
      if (invalid.has(acc)) throw new Error(`Failed to parse accelerator ${acc}`);
      if (taken.has(acc) || registered.has(acc)) return false;
      registered.set(acc, cb);
      return true;
    },
    unregister(acc) {
      log.push(`-${acc}`);
      registered.delete(acc);
    },
  };
}
