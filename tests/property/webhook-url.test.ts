/**
 * Bad input, property-based: what a user pastes as an inbound webhook URL.
 * parseWebhookUrl either returns a webhook that may carry the secret (https,
 * or http to a loopback host) or throws a typed BitrixError whose message
 * never repeats the secret code.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { parseWebhookUrl } from '../../src/main/core/auth/webhook';
import { BitrixError } from '../../src/main/core/bitrix/types';
import { isLoopbackHost } from '../../src/main/core/bitrix/url';

const RUNS = { numRuns: 400 };

const secretCode = fc.stringMatching(/^[a-z0-9]{8,64}$/);
const scheme = fc.constantFrom(
  'https://',
  'http://',
  'HTTPS://',
  'ftp://',
  'javascript:',
  'file://',
  '',
  '//',
  'ws://',
);
const host = fc.oneof(
  fc.constantFrom(
    'acme.bitrix24.ru',
    'ACME.Bitrix24.com',
    '127.0.0.1',
    '127.5.6.7',
    'localhost',
    '[::1]',
    '10.0.0.1',
    '0.0.0.0',
    '127.0.0.1.nip.io',
    'evil.example@acme.bitrix24.ru',
    'user:pass@acme.bitrix24.ru',
    'xn--80ak6aa92e.com',
    'портал.рф',
    '',
  ),
  fc.domain(),
);
const port = fc.constantFrom('', ':443', ':8080', ':0', ':99999', ':abc');
const tail = fc.constantFrom(
  '/',
  '',
  '/profile.json',
  '/im.recent.list',
  '/x/y',
  '?auth=abc',
  '#code=x',
  '/?foo=1',
  '/ ',
  '/../',
  '/%2e%2e/',
);
const user = fc.oneof(fc.constantFrom('1', '0', '01', '-1', 'abc', '12345678901'), fc.nat().map(String));

/** Webhook-shaped URLs, most of them wrong in one way or another; the code is tracked to look for it in messages. */
const webhookish = fc
  .tuple(
    scheme,
    host,
    port,
    fc.constantFrom('/rest/', '/REST/', '/rest//', '/api/', '/rest/rest/'),
    user,
    secretCode,
    tail,
  )
  .map(([s, h, p, rest, u, code, t]) => ({ url: `${s}${h}${p}${rest}${u}/${code}${t}`, code }));

function check(input: unknown, code?: string): void {
  let parsed: ReturnType<typeof parseWebhookUrl>;
  try {
    parsed = parseWebhookUrl(input);
  } catch (e) {
    expect(e).toBeInstanceOf(BitrixError);
    expect(['INVALID_WEBHOOK_URL', 'INSECURE_URL']).toContain((e as BitrixError).code);
    if (code) {
      expect((e as Error).message).not.toContain(code);
      expect(String((e as Error).stack)).not.toContain(code);
    }
    if (typeof input === 'string' && input.length >= 8) expect((e as Error).message).not.toContain(input);
    return;
  }
  const origin = new URL(parsed.origin);
  // Never accepted: anything but https, except plain http to this machine.
  expect(origin.protocol === 'https:' || (origin.protocol === 'http:' && isLoopbackHost(origin.hostname))).toBe(true);
  expect(origin.username).toBe('');
  expect(origin.password).toBe('');
  expect(parsed.restBase).toBe(`${parsed.origin}/rest/${parsed.userId}/${parsed.code}/`);
  expect(parsed.code).toMatch(/^[a-z0-9]{8,64}$/);
  expect(Number.isSafeInteger(parsed.userId) && parsed.userId > 0).toBe(true);
  if (code) expect(parsed.code).toBe(code);
}

describe('webhook URL (property)', () => {
  it('never throws anything but a typed BitrixError, on any input', () => {
    fc.assert(
      fc.property(fc.oneof(fc.anything(), fc.string(), fc.webUrl(), fc.string({ unit: 'binary' })), (input) =>
        check(input),
      ),
      RUNS,
    );
  });

  it('accepts only https or loopback http, and never echoes the secret code in an error', () => {
    fc.assert(
      fc.property(webhookish, ({ url, code }) => check(url, code)),
      RUNS,
    );
  });

  it('accepts what Bitrix24 hands out, with the usual paste accidents (spaces, method, no scheme)', () => {
    fc.assert(
      fc.property(
        fc.constantFrom('acme.bitrix24.ru', 'b24-x1.bitrix24.com', 'portal.example.org'),
        fc.integer({ min: 1, max: 99_999 }),
        secretCode,
        fc.constantFrom('', '/', '/profile.json', '/im.recent.list'),
        fc.constantFrom('https://', ''),
        fc.constantFrom('', ' ', '\n'),
        (h, u, code, t, s, pad) => {
          const parsed = parseWebhookUrl(`${pad}${s}${h}/rest/${u}/${code}${t}${pad}`);
          expect(parsed).toEqual({
            origin: `https://${h}`,
            userId: u,
            code,
            restBase: `https://${h}/rest/${u}/${code}/`,
          });
        },
      ),
      RUNS,
    );
  });

  it('refuses plain http to any host that is not this machine', () => {
    fc.assert(
      fc.property(fc.domain(), secretCode, (h, code) => {
        fc.pre(!isLoopbackHost(h));
        const e = (() => {
          try {
            parseWebhookUrl(`http://${h}/rest/1/${code}/`);
          } catch (err) {
            return err as BitrixError;
          }
          return null;
        })();
        expect(e?.code).toBe('INSECURE_URL');
        expect(e?.message).not.toContain(code);
      }),
      RUNS,
    );
  });
});
