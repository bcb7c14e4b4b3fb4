/**
 * Bad input, property-based: the OAuth loopback redirect listener given
 * arbitrary query strings. Whatever arrives, the browser gets a clear page
 * (or Node's own 431 for an oversized request), the flow ends with a typed
 * outcome, nothing crashes, and the code is exchanged for tokens ONLY when
 * the state matches, no error is reported and the code is well-formed.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { startOAuthFlow } from '../../src/main/core/auth/oauth-flow';
import type { OAuthTokens } from '../../src/main/core/auth/oauth';
import { BitrixError } from '../../src/main/core/bitrix/types';
import { freePort } from '../support/free-port';

const tokenRequests: string[] = [];
/** The token endpoint: records each exchange (never the network), answers a valid pair. */
const fakeFetch = async (input: string | URL, init?: RequestInit): Promise<Response> => {
  tokenRequests.push(`${String(input)} ${String(init?.body ?? '')}`);
  return new Response(
    JSON.stringify({
      access_token: 'propAccessToken000001',
      refresh_token: 'propRefreshToken00001',
      expires_in: 3600,
      client_endpoint: 'https://acme.bitrix24.ru/rest/',
      server_endpoint: 'https://oauth.bitrix24.tech/rest/',
      member_id: 'm1',
      user_id: 1,
      scope: 'im',
    }),
    { status: 200, headers: { 'content-type': 'application/json' } },
  );
};

let port = 0;
/** Which outcomes the runs reached: the property must not pass by never reaching one. */
const seen = new Map<string, number>();

type StateChoice = 'match' | 'missing' | 'empty' | 'wrong' | 'match-twice' | 'prefix';
interface Query {
  state: StateChoice;
  wrongState: string;
  code: string | null;
  error: string | null;
  extra: [string, string][];
  huge: boolean;
}

const text = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.constantFrom('', ' ', '%', '%zz', '\u0000', '<script>alert(1)</script>', '../../etc', 'a'.repeat(600)),
  fc.stringMatching(/^[\w.-]{1,80}$/),
);

const query: fc.Arbitrary<Query> = fc.record({
  state: fc.constantFrom<StateChoice>('match', 'match', 'missing', 'empty', 'wrong', 'match-twice', 'prefix'),
  wrongState: fc.stringMatching(/^[0-9a-f]{0,40}$/),
  // Weighted so that every outcome, the token exchange included, shows up in a modest number of runs.
  code: fc.option(fc.oneof({ arbitrary: fc.stringMatching(/^[\w.-]{1,64}$/), weight: 2 }, text), { nil: null }),
  error: fc.option(fc.oneof(text, fc.constantFrom('access_denied', 'invalid_scope')), { nil: null, freq: 2 }),
  extra: fc.array(fc.tuple(fc.constantFrom('domain', 'member_id', 'scope', 'x', 'code[]', 'state[]'), text), {
    maxLength: 3,
  }),
  huge: fc.integer({ min: 0, max: 9 }).map((n) => n === 0),
});

/**
 * What the listener must decide, from the rules of the flow. A wrong or
 * missing state is answered 404 and the flow keeps waiting ('ignored'):
 * a page guessing the port must not be able to end a sign-in.
 */
function expected(q: Query, real: string): 'tokens' | 'ignored' | BitrixError['code'] {
  const params = new URLSearchParams(buildQuery(q, real));
  const got = params.get('state') ?? '';
  const error = params.get('error');
  const code = params.get('code') ?? '';
  if (got !== real) return 'ignored';
  if (error) return 'OAUTH_DENIED';
  if (!/^[\w.-]{1,512}$/.test(code)) return 'invalid_request';
  return 'tokens';
}

function buildQuery(q: Query, real: string): string {
  const p = new URLSearchParams();
  if (q.state === 'match') p.append('state', real);
  if (q.state === 'empty') p.append('state', '');
  if (q.state === 'wrong') p.append('state', q.wrongState === real ? `${q.wrongState}0` : q.wrongState);
  if (q.state === 'match-twice') {
    p.append('state', real);
    p.append('state', 'other');
  }
  if (q.state === 'prefix') p.append('state', real.slice(0, 31));
  if (q.code !== null) p.append('code', q.code);
  if (q.error !== null) p.append('error', q.error);
  for (const [k, v] of q.extra) p.append(k, v);
  if (q.huge) p.append('pad', 'x'.repeat(70_000));
  return p.toString();
}

describe('OAuth callback parameters (property)', () => {
  it('any query string: a clear outcome, no crash, a token request only when the state matches', async () => {
    port = await freePort();
    await fc.assert(
      fc.asyncProperty(query, async (q) => {
        tokenRequests.length = 0;
        const flow = await startOAuthFlow({
          portal: 'https://acme.bitrix24.ru',
          clientId: 'local.prop.app',
          clientSecret: 'PropertyClientSecret01',
          port,
          fetch: fakeFetch,
          timeoutMs: 5_000,
        });
        const real = new URL(flow.authorizeUrl).searchParams.get('state')!;
        const qs = buildQuery(q, real);
        let status: number;
        let page = '';
        try {
          const res = await fetch(`${flow.redirectUrl}?${qs}`);
          status = res.status;
          page = await res.text();
        } catch {
          status = 0;
        }
        const want = q.huge ? 'huge' : expected(q, real);
        seen.set(want, (seen.get(want) ?? 0) + 1);
        if (q.huge) {
          // Node refuses an oversized request line itself (431); the flow keeps waiting until cancelled.
          expect([431, 400, 0]).toContain(status);
          flow.cancel();
          await expect(flow.result).rejects.toMatchObject({ code: 'OAUTH_DENIED' });
          expect(tokenRequests).toEqual([]);
          return;
        }
        if (want === 'ignored') {
          expect(status).toBe(404);
          // Still waiting: only a cancel (or the timeout) ends it, and nothing was exchanged.
          flow.cancel();
          await expect(flow.result).rejects.toMatchObject({ code: 'OAUTH_DENIED' });
          expect(tokenRequests).toEqual([]);
        } else if (want === 'tokens') {
          expect(status).toBe(200);
          const tokens: OAuthTokens = await flow.result;
          expect(tokens.accessToken).toBe('propAccessToken000001');
          expect(tokenRequests).toHaveLength(1);
          expect(tokenRequests[0]).toContain('grant_type=authorization_code');
        } else {
          expect(status).toBe(400);
          const e = await flow.result.then(
            () => null,
            (err: unknown) => err,
          );
          expect(e).toBeInstanceOf(BitrixError);
          expect((e as BitrixError).code).toBe(want);
          expect(tokenRequests).toEqual([]);
        }
        // The page is ours: no echo of what came in (code, state, error text), a strict CSP.
        if (q.code && q.code.length >= 12) expect(page).not.toContain(q.code);
        expect(page).not.toContain(real);
        expect(page).not.toContain('<script');
        // One shot: the listener is gone, a second hit cannot start another exchange.
        await expect(fetch(`${flow.redirectUrl}?${qs}`)).rejects.toThrow();
        expect(tokenRequests.length).toBeLessThanOrEqual(1);
      }),
      {
        numRuns: 80,
        // Every outcome at least once, whatever the generator picks.
        examples: [
          [{ state: 'match', wrongState: '', code: 'abc.DEF-123_x', error: null, extra: [], huge: false }],
          [{ state: 'wrong', wrongState: 'ff', code: 'abc', error: null, extra: [], huge: false }],
          [{ state: 'match', wrongState: '', code: 'abc', error: 'access_denied', extra: [], huge: false }],
          [{ state: 'match', wrongState: '', code: 'a b<c>', error: null, extra: [], huge: false }],
          [{ state: 'match', wrongState: '', code: 'abc', error: null, extra: [], huge: true }],
        ],
      },
    );
    for (const outcome of ['tokens', 'ignored', 'OAUTH_DENIED', 'invalid_request', 'huge']) {
      expect(seen.get(outcome) ?? 0, `${outcome} in ${JSON.stringify([...seen])}`).toBeGreaterThan(0);
    }
  }, 60_000);
});
