import { describe, expect, it } from 'vitest';
import { BitrixError } from '../bitrix/types';
import { normalizePortalUrl, redirectUrlFor, tokenUrlFor, tokenUrlFromServerEndpoint } from './oauth';

function codeOf(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(BitrixError);
    return (e as BitrixError).code;
  }
  return 'no error';
}

describe('normalizePortalUrl', () => {
  it.each([
    ['acme.bitrix24.ru', 'https://acme.bitrix24.ru'],
    ['  https://ACME.bitrix24.ru/  ', 'https://acme.bitrix24.ru'],
    ['https://acme.bitrix24.ru/online/?IM_DIALOG=chat1', 'https://acme.bitrix24.ru'],
    ['https://b24.example.com:8443', 'https://b24.example.com:8443'],
    ['http://127.0.0.1:5000', 'http://127.0.0.1:5000'],
    ['http://localhost:5000/', 'http://localhost:5000'],
  ])('%j → %j', (input, origin) => {
    expect(normalizePortalUrl(input)).toBe(origin);
  });

  it.each([
    [42, 'INVALID_PORTAL_URL'],
    ['', 'INVALID_PORTAL_URL'],
    ['acme', 'INVALID_PORTAL_URL'],
    ['ftp://acme.bitrix24.ru', 'INVALID_PORTAL_URL'],
    ['https://u:p@acme.bitrix24.ru', 'INVALID_PORTAL_URL'],
    ['acme bitrix24.ru', 'INVALID_PORTAL_URL'],
    ['http://acme.bitrix24.ru', 'INSECURE_URL'],
  ])('rejects %j with %s', (input, code) => {
    expect(codeOf(() => normalizePortalUrl(input))).toBe(code);
  });
});

describe('endpoints', () => {
  it('the redirect URL is the exact loopback URL to register', () => {
    expect(redirectUrlFor(53682)).toBe('http://127.0.0.1:53682/oauth/callback');
  });

  it('uses the real auth server for real portals and the portal itself for a loopback one', () => {
    expect(tokenUrlFor('https://acme.bitrix24.ru')).toBe('https://oauth.bitrix24.tech/oauth/token/');
    expect(tokenUrlFor('http://127.0.0.1:4000')).toBe('http://127.0.0.1:4000/oauth/token/');
  });

  it('derives the refresh endpoint from server_endpoint, refusing insecure ones', () => {
    expect(tokenUrlFromServerEndpoint('https://oauth.bitrix24.tech/rest/')).toBe(
      'https://oauth.bitrix24.tech/oauth/token/',
    );
    expect(codeOf(() => tokenUrlFromServerEndpoint('http://oauth.evil.example/rest/'))).toBe('INSECURE_URL');
  });
});
