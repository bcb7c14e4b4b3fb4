/**
 * Contract fixtures (issue 10): the example responses of the official docs,
 * each stored in ./fixtures with its source named, each parsed by our client.
 * A change of the client that stops reading what the docs show fails here.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { oauthAuth, type OAuthTokens } from '../../src/main/core/auth/oauth';
import { createBitrixClient } from '../../src/main/core/bitrix/client';
import { BitrixError } from '../../src/main/core/bitrix/types';
import { toPinnedDialog } from '../../src/main/core/dialogs';
import type { FetchLike } from '../../src/main/core/ports';
import { parseWebhookUrl, webhookAuth } from '../../src/main/core/auth/webhook';

interface Fixture {
  source: string;
  status: number;
  body: unknown;
}

function fixture(name: string): Fixture {
  const f = JSON.parse(readFileSync(join(__dirname, 'fixtures', name), 'utf8')) as Fixture;
  expect(f.source).toMatch(/b24-rest-docs|bitrix24-api\.md/);
  return f;
}

/** A client whose every request is answered with the fixture. */
function clientAnswering(f: Fixture) {
  const seen: string[] = [];
  const fetch: FetchLike = async (input) => {
    seen.push(String(input));
    return new Response(JSON.stringify(f.body), {
      status: f.status,
      headers: { 'content-type': 'application/json' },
    });
  };
  const auth = webhookAuth(parseWebhookUrl('https://portal.bitrix24.ru/rest/1/abcdefgh12345678/'));
  return { client: createBitrixClient({ auth, fetch, retries: 0 }), seen };
}

describe('the docs example responses, parsed by our client', () => {
  it('im.recent.list: items mapped to rows (private dialog and chat, mute_list as [] and as an object)', async () => {
    const { client } = clientAnswering(fixture('im.recent.list.json'));
    const items = await client.listRecent({ SKIP_OPENLINES: 'Y' });
    expect(items.map((i) => i.id)).toEqual([547, 'chat1317']);
    const rows = items.map((i) => toPinnedDialog(i, 'acc', 503)!);
    expect(rows[0]).toMatchObject({ dialogId: '547', kind: 'user', title: 'Иван Иванов', counter: 1, unread: true });
    expect(rows[0]).toMatchObject({
      unreadMark: false,
      muted: false,
      snippet: 'ntcn',
      lastMessageId: 84415,
    });
    expect(rows[1]).toMatchObject({ dialogId: 'chat1317', kind: 'chat', muted: true, counter: 1 });
    expect(rows[1]!.avatarUrl).toMatch(/^https:\/\/cdn-ru\.bitrix24\.ru\//);
  });

  it('im.dialog.read: the result object is a delivered read', async () => {
    const { client } = clientAnswering(fixture('im.dialog.read.json'));
    const r = await client.call('im.dialog.read', { DIALOG_ID: 'chat1489' });
    expect(r).toEqual({ dialogId: 'chat1489', chatId: 1489, lastId: 84875, counter: 3 });
  });

  it.each([
    ['error-envelope.json', 'DIALOG_ID_EMPTY', 400],
    ['error-envelope-401.json', 'INVALID_CREDENTIALS', 401],
  ])('the error envelope %s becomes a typed error', async (name, code, status) => {
    const { client } = clientAnswering(fixture(name));
    const e = await client.call('im.dialog.read', { DIALOG_ID: 'chat1489' }).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(BitrixError);
    expect(e).toMatchObject({ code, status });
  });

  it('the OAuth token answer: tokens, endpoints on the portal and a known OAuth server', async () => {
    const f = fixture('oauth-token.json');
    const sent: string[] = [];
    const fetch: FetchLike = async (input) => {
      sent.push(String(input));
      return new Response(JSON.stringify(f.body), {
        status: f.status,
        headers: { 'content-type': 'application/json' },
      });
    };
    let saved: OAuthTokens | null = null;
    const auth = oauthAuth({
      origin: 'https://portal.bitrix24.ru',
      clientId: 'local.app',
      clientSecret: 'secret',
      tokens: {
        accessToken: 'old-access',
        refreshToken: 'old-refresh',
        expiresAt: 0,
        clientEndpoint: 'https://portal.bitrix24.ru/rest/',
        serverEndpoint: 'https://oauth.bitrix24.tech/rest/',
        memberId: '',
        userId: 67,
        domain: 'portal.bitrix24.ru',
        scope: 'im',
      },
      fetch,
      proactive: false,
      onTokens: (t) => void (saved = t),
      onLost: () => {},
    });
    expect(await auth.renew('old-access')).toBe(true);
    expect(sent).toEqual(['https://oauth.bitrix24.tech/oauth/token/']);
    expect(saved).toMatchObject({
      accessToken: 'ydtj8pho532wydb5ixk78ol7uqlb7sch',
      refreshToken: '3s6lr4kr3cv2od4v853gvrchb875bwxb',
      clientEndpoint: 'https://portal.bitrix24.ru/rest/',
      serverEndpoint: 'https://oauth.bitrix24.tech/rest/',
      memberId: 'a223c6b3710f85df22e9377d6c4f7553',
      userId: 67,
      domain: 'portal.bitrix24.ru',
      scope: 'crm,entity,im,task',
    });
  });

  it('the same token answer for another portal is refused: its client_endpoint is not that portal', async () => {
    const f = fixture('oauth-token.json');
    const lost: string[] = [];
    const auth = oauthAuth({
      origin: 'https://acme.bitrix24.com',
      clientId: 'local.app',
      clientSecret: 'secret',
      tokens: {
        accessToken: 'old-access',
        refreshToken: 'old-refresh',
        expiresAt: 0,
        clientEndpoint: 'https://acme.bitrix24.com/rest/',
        serverEndpoint: 'https://oauth.bitrix.info/rest/',
        memberId: '',
        userId: 67,
        domain: 'acme.bitrix24.com',
        scope: 'im',
      },
      fetch: async () => new Response(JSON.stringify(f.body), { status: 200 }),
      proactive: false,
      onTokens: () => {},
      onLost: (code) => lost.push(code),
    });
    // The grant spent the refresh token (rotation): the sign-in is lost, not merely failed once.
    expect(await auth.renew('old-access')).toBe(false);
    expect(lost).toEqual(['FOREIGN_REST_ENDPOINT']);
    expect(await auth.renew('old-access')).toBe(false);
    expect(lost).toEqual(['FOREIGN_REST_ENDPOINT']);
  });
});
