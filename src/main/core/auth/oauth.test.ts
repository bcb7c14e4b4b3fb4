import { describe, expect, it } from 'vitest';
import { BitrixError } from '../bitrix/types';
import { exchangeTokenUrl, normalizePortalUrl, redirectUrlFor, tokenUrlFor, tokenUrlFromServerEndpoint } from './oauth';

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

  it('derives the refresh endpoint from server_endpoint: known Bitrix24 OAuth servers only', () => {
    const portal = 'https://acme.bitrix24.com';
    expect(tokenUrlFromServerEndpoint('https://oauth.bitrix24.tech/rest/', portal)).toBe(
      'https://oauth.bitrix24.tech/oauth/token/',
    );
    expect(tokenUrlFromServerEndpoint('https://oauth.bitrix.info/rest/', portal)).toBe(
      'https://oauth.bitrix.info/oauth/token/',
    );
    expect(codeOf(() => tokenUrlFromServerEndpoint('http://oauth.evil.example/rest/', portal))).toBe('INSECURE_URL');
    expect(codeOf(() => tokenUrlFromServerEndpoint('https://oauth.evil.example/rest/', portal))).toBe(
      'UNKNOWN_OAUTH_SERVER',
    );
    expect(codeOf(() => tokenUrlFromServerEndpoint('https://oauth.bitrix.info.evil.example/rest/', portal))).toBe(
      'UNKNOWN_OAUTH_SERVER',
    );
    expect(codeOf(() => tokenUrlFromServerEndpoint('https://oauth.bitrix.info:8443/rest/', portal))).toBe(
      'UNKNOWN_OAUTH_SERVER',
    );
  });

  it('the code exchange goes to the host server_domain names, when it is a known Bitrix24 OAuth server', () => {
    const portal = 'https://acme.bitrix24.com';
    expect(exchangeTokenUrl(portal, 'oauth.bitrix.info')).toBe('https://oauth.bitrix.info/oauth/token/');
    expect(exchangeTokenUrl(portal, 'OAUTH.BITRIX24.TECH')).toBe('https://oauth.bitrix24.tech/oauth/token/');
    expect(exchangeTokenUrl(portal, null)).toBe('https://oauth.bitrix24.tech/oauth/token/');
    for (const bad of [
      'evil.example',
      'oauth.bitrix.info.evil.example',
      'acme.bitrix24.com',
      'oauth.bitrix.info/x',
      '127.0.0.1:4000',
    ]) {
      expect(codeOf(() => exchangeTokenUrl(portal, bad))).toBe('UNKNOWN_OAUTH_SERVER');
    }
    // The local fake portal serves its own token endpoint.
    expect(exchangeTokenUrl('http://127.0.0.1:4000', '127.0.0.1:4000')).toBe('http://127.0.0.1:4000/oauth/token/');
    expect(codeOf(() => exchangeTokenUrl('http://127.0.0.1:4000', '127.0.0.1:4001'))).toBe('UNKNOWN_OAUTH_SERVER');
  });
});
