/**
 * Bad input, property-based: portal answers of the wrong shape. A tiny
 * loopback server answers each request with an arbitrary status and body
 * (JSON of any shape, envelope look-alikes, HTML, raw bytes, nothing); the
 * real REST client must either return exactly the envelope's `result` (when
 * the answer is a well-formed success) or throw a typed BitrixError. Never a
 * TypeError, never garbage passed on as data.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { isKnownErrorCode } from '../../src/shared/errors';
import { createBitrixClient } from '../../src/main/core/bitrix/client';
import { createLeakyBucket } from '../../src/main/core/bitrix/limiter';
import { BitrixError, type BitrixClient } from '../../src/main/core/bitrix/types';
import { parseWebhookUrl, webhookAuth } from '../../src/main/core/auth/webhook';
import { unreadCall } from '../../src/main/core/dialogs';

interface Answer {
  status: number;
  type: string;
  body: Buffer;
}

let server: Server;
let client: BitrixClient;
let next: Answer = { status: 200, type: 'application/json', body: Buffer.from('{"result":true}') };

beforeAll(async () => {
  server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      res.writeHead(next.status, { 'content-type': next.type, 'content-length': next.body.length });
      res.end(next.body);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  client = createBitrixClient({
    auth: webhookAuth(parseWebhookUrl(`http://127.0.0.1:${port}/rest/1/shapetest12345678/`)),
    retries: 0,
    timeoutMs: 3_000,
    limiter: createLeakyBucket({ ratePerSec: 10_000, burst: 10_000 }),
  });
});
afterAll(async () => {
  await new Promise<void>((r) => server.close(() => r()));
});

const json = fc.jsonValue({ maxDepth: 3 });
const envelope = fc.record(
  {
    result: fc.oneof(json, fc.constant(false), fc.constant(null)),
    error: fc.oneof(fc.constantFrom('', null, 'NO_AUTH_FOUND', 'QUERY_LIMIT_EXCEEDED', 'SOMETHING_NEW', 42), json),
    error_description: fc.oneof(fc.string(), json),
    time: fc.oneof(json, fc.record({ operating_reset_at: fc.oneof(fc.double(), fc.string()), finish: fc.double() })),
    total: json,
    next: json,
  },
  { requiredKeys: [] },
);
const recentLike = fc.record({
  result: fc.oneof(
    fc.record(
      {
        items: fc.oneof(fc.array(fc.oneof(json, fc.record({ id: json, pinned: json, title: json }))), json),
        hasMore: fc.oneof(fc.boolean(), json),
        hasMorePages: fc.oneof(fc.boolean(), json),
      },
      { requiredKeys: [] },
    ),
    json,
  ),
});
const batchLike = fc.record({
  result: fc.oneof(
    fc.record(
      {
        result: fc.oneof(
          fc.dictionary(fc.constantFrom('c0', 'c1', 'c2', 'x'), fc.oneof(json, fc.constant(false))),
          json,
        ),
        result_error: fc.oneof(
          fc.dictionary(
            fc.constantFrom('c0', 'c1', 'x'),
            fc.oneof(json, fc.record({ error: json, error_description: json })),
          ),
          json,
        ),
      },
      { requiredKeys: [] },
    ),
    json,
  ),
});
const body = fc.oneof(
  { arbitrary: envelope.map((o) => JSON.stringify(o)), weight: 4 },
  { arbitrary: recentLike.map((o) => JSON.stringify(o)), weight: 2 },
  { arbitrary: batchLike.map((o) => JSON.stringify(o)), weight: 2 },
  { arbitrary: json.map((v) => JSON.stringify(v)), weight: 2 },
  {
    arbitrary: fc.constantFrom(
      '',
      '<html><body><h1>502 Bad Gateway</h1></body></html>',
      '{"result": true',
      '{"result": tru}',
      '  {"result": 1}  ',
      '\ufeff{"result": 1}',
      'null',
      '[{"result": 1}]',
      '{"result": 1}{"result": 2}',
    ),
    weight: 1,
  },
  { arbitrary: fc.uint8Array({ maxLength: 200 }).map((b) => Buffer.from(b).toString('latin1')), weight: 1 },
);
const answer: fc.Arbitrary<Answer> = fc.record({
  status: fc.constantFrom(200, 200, 200, 201, 301, 302, 400, 401, 403, 404, 405, 429, 500, 502, 503),
  type: fc.constantFrom('application/json', 'application/json; charset=utf-8', 'text/html', 'application/octet-stream'),
  body: body.map((s) => Buffer.from(s, 'utf8')),
});

/** The success a well-formed answer carries, or undefined when the answer is not one. */
function successOf(a: Answer): { result: unknown } | undefined {
  if (a.status < 200 || a.status >= 300) return undefined;
  let v: unknown;
  try {
    v = JSON.parse(a.body.toString('utf8').trim());
  } catch {
    return undefined;
  }
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return undefined;
  const o = v as Record<string, unknown>;
  if (o.error !== undefined && o.error !== null && o.error !== '') return undefined;
  if (!('result' in o) || o.result === false) return undefined;
  return { result: o.result };
}

function expectTyped(e: unknown): void {
  expect(e).toBeInstanceOf(BitrixError);
  expect(isKnownErrorCode((e as BitrixError).code)).toBe(true);
  expect(typeof (e as Error).message).toBe('string');
  expect((e as Error).message).not.toContain('shapetest12345678');
}

describe('portal responses of the wrong shape (property)', () => {
  it('call(): exactly the result of a well-formed success, otherwise a typed BitrixError', async () => {
    const seen = { resolved: 0, refused: 0 };
    await fc.assert(
      fc.asyncProperty(answer, async (a) => {
        next = a;
        const want = successOf(a);
        const c = unreadCall('chat74', true);
        try {
          const got = await client.call(c.method, c.params);
          expect(want, 'resolved although the answer is not a success').toBeDefined();
          expect(got).toEqual(want!.result);
          seen.resolved += 1;
        } catch (e) {
          expectTyped(e);
          seen.refused += 1;
        }
      }),
      {
        numRuns: 300,
        examples: [
          [{ status: 200, type: 'application/json', body: Buffer.from('{"result":true,"time":{"start":1}}') }],
          [{ status: 200, type: 'text/html', body: Buffer.from('<html>502</html>') }],
        ],
      },
    );
    // Both branches were reached: the property cannot pass by refusing everything.
    expect(seen.resolved).toBeGreaterThan(0);
    expect(seen.refused).toBeGreaterThan(0);
  }, 60_000);

  it('listRecent(): only well-formed items (objects with an id), de-duplicated, or a typed error', async () => {
    await fc.assert(
      fc.asyncProperty(answer, async (a) => {
        next = a;
        try {
          const items = await client.listRecent();
          expect(Array.isArray(items)).toBe(true);
          const ids = items.map((it) => {
            expect(typeof it === 'object' && it !== null && !Array.isArray(it)).toBe(true);
            expect(['number', 'string']).toContain(typeof it.id);
            return String(it.id);
          });
          expect(new Set(ids).size).toBe(ids.length);
          const result = (successOf(a)?.result ?? {}) as { items?: unknown };
          expect(Array.isArray(result.items)).toBe(true);
        } catch (e) {
          expectTyped(e);
        }
      }),
      { numRuns: 200 },
    );
  }, 60_000);

  it('batch(): one outcome per call, each a result or a typed error', async () => {
    let delivered = 0;
    await fc.assert(
      fc.asyncProperty(answer, async (a) => {
        next = a;
        const calls = [unreadCall('chat74', true), unreadCall('547', false), unreadCall('sg17', true)];
        let outcomes: Awaited<ReturnType<BitrixClient['batch']>>;
        try {
          outcomes = await client.batch(calls);
        } catch (e) {
          expectTyped(e);
          return;
        }
        expect(outcomes).toHaveLength(3);
        const inner = (successOf(a)?.result ?? {}) as { result?: Record<string, unknown> };
        outcomes.forEach((o, i) => {
          if (o.ok) {
            // A delivery is claimed only for a sub-call the portal answered, and never for `false`.
            expect(inner.result && typeof inner.result === 'object').toBeTruthy();
            expect(Object.hasOwn(inner.result!, `c${i}`)).toBe(true);
            expect(o.result).toEqual(inner.result![`c${i}`]);
            expect(o.result).not.toBe(false);
            delivered += 1;
          } else {
            expectTyped(o.error);
          }
        });
      }),
      {
        numRuns: 200,
        // A well-formed answer with one refused sub-call, always among the runs.
        examples: [
          [
            {
              status: 200,
              type: 'application/json',
              body: Buffer.from(
                JSON.stringify({
                  result: {
                    result: { c0: true, c2: true },
                    result_error: { c1: { error: 'ACCESS_ERROR', error_description: 'no' } },
                  },
                }),
              ),
            },
          ],
        ],
      },
    );
    expect(delivered).toBeGreaterThan(0);
  }, 60_000);
});
