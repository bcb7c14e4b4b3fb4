import { describe, expect, it } from 'vitest';
import { BitrixError } from '../bitrix/types';
import { parseWebhookUrl } from './webhook';

const CODE = 'a1b2c3d4e5f6g7h8';

function rejection(input: unknown): BitrixError {
  try {
    parseWebhookUrl(input);
  } catch (e) {
    expect(e).toBeInstanceOf(BitrixError);
    return e as BitrixError;
  }
  throw new Error('expected a rejection');
}

describe('parseWebhookUrl', () => {
  it.each([
    [`https://acme.bitrix24.ru/rest/1/${CODE}/`],
    [`https://acme.bitrix24.ru/rest/1/${CODE}`],
    [`  https://acme.bitrix24.ru/rest/1/${CODE}/\n`],
    [`https://acme.bitrix24.ru/rest/1/${CODE}/profile.json`],
    [`https://acme.bitrix24.ru/rest/1/${CODE}/im.recent.list`],
    [`https://ACME.Bitrix24.ru/rest/1/${CODE}/`],
    [`acme.bitrix24.ru/rest/1/${CODE}/`],
    [`https://acme.bitrix24.ru/rest/1/${CODE}/?FIELDS[TITLE]=x`],
  ])('accepts %j', (input) => {
    expect(parseWebhookUrl(input)).toEqual({
      origin: 'https://acme.bitrix24.ru',
      userId: 1,
      code: CODE,
      restBase: `https://acme.bitrix24.ru/rest/1/${CODE}/`,
    });
  });

  it('accepts plain http only for loopback hosts', () => {
    expect(parseWebhookUrl(`http://127.0.0.1:8080/rest/7/${CODE}/`).restBase).toBe(
      `http://127.0.0.1:8080/rest/7/${CODE}/`,
    );
    expect(parseWebhookUrl(`http://localhost/rest/7/${CODE}`).origin).toBe('http://localhost');
    expect(parseWebhookUrl(`http://[::1]:9/rest/7/${CODE}`).origin).toBe('http://[::1]:9');
    expect(rejection(`http://acme.bitrix24.ru/rest/1/${CODE}/`).code).toBe('INSECURE_URL');
    expect(rejection(`http://127.0.0.1.evil.example/rest/1/${CODE}/`).code).toBe('INSECURE_URL');
  });

  it.each([
    ['not a string', 42],
    ['empty', '   '],
    ['no path', 'https://acme.bitrix24.ru/'],
    ['missing code', 'https://acme.bitrix24.ru/rest/1/'],
    ['non-numeric user', `https://acme.bitrix24.ru/rest/admin/${CODE}/`],
    ['user 0', `https://acme.bitrix24.ru/rest/0/${CODE}/`],
    ['short code', 'https://acme.bitrix24.ru/rest/1/abc123/'],
    ['upper-case code', `https://acme.bitrix24.ru/rest/1/${CODE.toUpperCase()}/`],
    ['code with symbols', 'https://acme.bitrix24.ru/rest/1/abc-def_ghi.jk/'],
    ['credentials', `https://user:hunter2x@acme.bitrix24.ru/rest/1/${CODE}/`],
    ['auth in query', `https://acme.bitrix24.ru/rest/1/${CODE}/?auth=tok3ntok3n`],
    ['token in fragment', `https://acme.bitrix24.ru/rest/1/${CODE}/#access_token=tok3ntok3n`],
    ['not /rest/', `https://acme.bitrix24.ru/api/1/${CODE}/`],
    ['too deep', `https://acme.bitrix24.ru/rest/1/${CODE}/im/recent/list`],
    ['other scheme', `ftp://acme.bitrix24.ru/rest/1/${CODE}/`],
    ['javascript', `javascript:alert(1)//rest/1/${CODE}`],
    ['spaces inside', `https://acme.bitrix24.ru/rest/1/${CODE} /`],
  ])('rejects %s with INVALID_WEBHOOK_URL, never echoing the input', (_why, input) => {
    const e = rejection(input);
    expect(e.code).toBe('INVALID_WEBHOOK_URL');
    if (typeof input === 'string') {
      expect(e.message).not.toContain(CODE);
      expect(e.message).not.toContain('tok3ntok3n');
      expect(e.message).not.toContain('hunter2x');
    }
  });
});
