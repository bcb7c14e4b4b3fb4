import { describe, expect, it } from 'vitest';
import { MASK, createLogger, redact, redactDeep, registerSecret, type LogLevel } from './redact';

describe('redact', () => {
  it('masks the webhook code in /rest/<id>/<code>/ paths, keeping the rest readable', () => {
    const out = redact('POST https://acme.bitrix24.ru/rest/17/h4x0rc0de12345/im.recent.list.json failed');
    expect(out).not.toContain('h4x0rc0de12345');
    expect(out).toContain('https://acme.bitrix24.ru/rest/17/***/im.recent.list.json');
  });

  it('leaves OAuth-style /rest/<method> paths alone', () => {
    expect(redact('https://acme.bitrix24.ru/rest/im.recent.list.json')).toBe(
      'https://acme.bitrix24.ru/rest/im.recent.list.json',
    );
  });

  it.each([
    ['auth', 'https://p/rest/profile?auth=tok3nvalue123&x=1'],
    ['access_token', 'access_token=tok3nvalue123'],
    ['refresh_token', 'a=1&refresh_token=tok3nvalue123'],
    ['client_secret', 'grant_type=refresh_token&client_secret=tok3nvalue123&client_id=local.1'],
    ['code', 'http://127.0.0.1:53682/oauth/callback?code=tok3nvalue123&state=abc'],
    ['auth[access_token]', 'event=ONX&auth[access_token]=tok3nvalue123&auth[domain]=x'],
  ])('masks the %s query parameter', (_key, text) => {
    const out = redact(text);
    expect(out).not.toContain('tok3nvalue123');
    expect(out).toContain(MASK);
  });

  it('masks the same keys in JSON text, escaped quotes included', () => {
    const json = JSON.stringify({
      access_token: 'aaa111bbb222',
      refresh_token: 'ccc333"ddd444',
      client_secret: 'eee555fff666',
      auth: 'ggg777hhh888',
      code: 'iii999jjj000',
      scope: 'im',
    });
    const out = redact(json);
    for (const s of ['aaa111bbb222', 'ddd444', 'ccc333', 'eee555fff666', 'ggg777hhh888', 'iii999jjj000']) {
      expect(out).not.toContain(s);
    }
    expect(JSON.parse(out)).toMatchObject({ scope: 'im', access_token: MASK });
  });

  it('keeps app error codes under the key "code" (they are not OAuth codes)', () => {
    expect(redact('{"code":"NETWORK","message":"x"}')).toBe('{"code":"NETWORK","message":"x"}');
    expect(redact('error code=QUERY_LIMIT_EXCEEDED')).toBe('error code=QUERY_LIMIT_EXCEEDED');
  });

  it('masks bearer tokens', () => {
    expect(redact('Authorization: Bearer abc.def-123')).toBe('Authorization: Bearer ***');
  });

  it('masks every registered secret wherever it appears, also URL-encoded', () => {
    registerSecret('s3cr3t/with+chars');
    const out = redact(`free text s3cr3t/with+chars and ${encodeURIComponent('s3cr3t/with+chars')}`);
    expect(out).toBe('free text *** and ***');
  });

  it('ignores secrets too short to be real (they would mask ordinary words)', () => {
    registerSecret('ab');
    expect(redact('about')).toBe('about');
  });
});

describe('redactDeep', () => {
  it('masks values under secret keys at any depth, including camelCase spellings', () => {
    const out = redactDeep({
      account: { accessToken: 'x1y2z3w4', refreshToken: 'r1r2r3r4', clientSecret: 'c1c2c3c4', userId: 5 },
      list: [{ auth: { access_token: 'q1q2q3q4', domain: 'acme' } }],
      code: 'NETWORK',
    });
    const text = JSON.stringify(out);
    for (const s of ['x1y2z3w4', 'r1r2r3r4', 'c1c2c3c4', 'q1q2q3q4']) expect(text).not.toContain(s);
    expect(out).toMatchObject({ account: { userId: 5 }, code: 'NETWORK' });
  });

  it('redacts strings, URLs and errors (message and stack), and survives cycles', () => {
    const e = new Error('failed https://p.example/rest/1/abcdefgh12345678/profile');
    const cyclic: Record<string, unknown> = { url: new URL('https://p.example/rest/profile?auth=zzzz9999yyyy') };
    cyclic.self = cyclic;
    const out = redactDeep({ e, cyclic }) as {
      e: { message: string; stack: string };
      cyclic: { url: string; self: string };
    };
    expect(out.e.message).not.toContain('abcdefgh12345678');
    expect(out.e.stack).not.toContain('abcdefgh12345678');
    expect(out.cyclic.url).not.toContain('zzzz9999yyyy');
    expect(out.cyclic.self).toBe('[Circular]');
  });
});

describe('createLogger', () => {
  it('redacts the message and the meta before the sink sees them', () => {
    const lines: [LogLevel, string][] = [];
    const log = createLogger((level, line) => lines.push([level, line]));
    log.warn('GET https://p.example/rest/3/k3yk3yk3yk3y/profile?auth=t0k3nt0k3n', {
      body: '{"refresh_token":"rrrr1111"}',
      tokens: { accessToken: 'aaaa2222' },
      error: new Error('client_secret=ssss3333'),
    });
    expect(lines).toHaveLength(1);
    const [level, line] = lines[0]!;
    expect(level).toBe('warn');
    for (const s of ['k3yk3yk3yk3y', 't0k3nt0k3n', 'rrrr1111', 'aaaa2222', 'ssss3333']) expect(line).not.toContain(s);
    expect(line).toContain('https://p.example/rest/3/***/profile');
  });

  it('writes plain messages unchanged and never throws on unserialisable meta', () => {
    const lines: string[] = [];
    const log = createLogger((_l, line) => lines.push(line));
    log.info('refreshed 3 dialogs');
    log.debug('odd meta', { n: 10n, f: () => 1 });
    expect(lines[0]).toBe('refreshed 3 dialogs');
    expect(lines[1]).toContain('odd meta');
  });
});
