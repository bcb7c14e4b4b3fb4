import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDirs } from '../../../../tests/support/temp-dirs';
import { BitrixError } from '../bitrix/types';
import type { Clock, KeyValueStore, SecretBox } from '../ports';
import type { AccountSecret } from './account-secrets';
import { accountIdFor, createAccountStore, type AccountStoreDeps, type NewAccount } from './accounts';
import { createAesSecretBox, memorySecretBox } from '../../../../dev/aes-secret-box';
import { createConfStore } from './store';
import { gatedSecretBox } from '../../../../tests/support/gated-secret-box';

const tempDir = tempDirs('b24-accounts-');

const clock: Clock = { now: () => 1_700_000_000_000, setTimeout: () => 0, clearTimeout: () => {} };
const KEY = Buffer.alloc(32, 42);

const WEBHOOK_CODE = 'w3bh00kc0de9x7q2';
const webhook: AccountSecret = { kind: 'webhook', url: `https://acme.bitrix24.ru/rest/7/${WEBHOOK_CODE}/` };
const oauth: AccountSecret = {
  kind: 'oauth',
  clientId: 'local.65a1b2c3d4e5f6.12345678',
  clientSecret: 'CLIENTSECRETzq8Jx0bLkAAAAAAAAA',
  accessToken: 'ACCESSTOKENydtj8pho532wydb5ixk78',
  refreshToken: 'REFRESHTOKENm2n3b4v5c6x7z8a9s0d',
  expiresAt: 1_700_000_360_000,
  clientEndpoint: 'https://beta.bitrix24.ru/rest/',
  serverEndpoint: 'https://oauth.bitrix.info/rest/',
  memberId: 'member-1',
};
/** Anna signs in on acme with a webhook, Boris on beta with OAuth. */
const anna: NewAccount = {
  kind: 'webhook',
  origin: 'https://acme.bitrix24.ru',
  userId: 7,
  userName: 'Anna',
  secret: webhook,
};
const boris: NewAccount = {
  kind: 'oauth',
  origin: 'https://beta.bitrix24.ru',
  userId: 1,
  userName: 'Boris',
  secret: oauth,
};
const SECRET_STRINGS = [WEBHOOK_CODE, oauth.clientSecret, oauth.accessToken, oauth.refreshToken];

/** Every byte of every file in `dir`, for leak checks. */
function allBytes(dir: string): string {
  return readdirSync(dir)
    .map((f) => readFileSync(join(dir, f)).toString('latin1'))
    .join('\n');
}

function setup(over: Partial<AccountStoreDeps> = {}, dir = tempDir()) {
  const store = createConfStore(dir);
  const registered: string[] = [];
  const deps: AccountStoreDeps = {
    store,
    secretBox: createAesSecretBox(KEY),
    memoryOnly: () => false,
    clock,
    onSecret: (s) => registered.push(s),
    ...over,
  };
  return { dir, store, registered, accounts: createAccountStore(deps), deps };
}

/** A fresh process over the same folder ("restart"): the store is opened (its secrets decrypted) like the core's start does. */
async function restart(dir: string, over: Partial<AccountStoreDeps> = {}) {
  const s = setup(over, dir);
  await s.accounts.open();
  return s;
}

describe('account store with encryption', () => {
  it('round-trips accounts through a real conf file that never holds a secret in plaintext', async () => {
    const { dir, accounts, store } = setup();
    const w = await accounts.add({ ...anna, origin: 'https://acme.bitrix24.ru/' });
    const o = await accounts.add(boris);
    expect(w).toMatchObject({
      id: accountIdFor('https://acme.bitrix24.ru', 7),
      kind: 'webhook',
      origin: 'https://acme.bitrix24.ru',
      portal: 'acme.bitrix24.ru',
      status: 'ok',
      createdAt: clock.now(),
      secret: { storage: 'encrypted' },
    });

    const raw = readFileSync(store.path, 'utf8');
    expect(raw).toContain('"cipher"');
    for (const s of SECRET_STRINGS) expect(allBytes(dir)).not.toContain(s);
    expect(allBytes(dir)).not.toContain('/rest/7/');

    const later = (await restart(dir)).accounts;
    expect(later.list().map((a) => a.id)).toEqual([w.id, o.id]);
    expect(later.secret(w.id)).toEqual(webhook);
    expect(later.secret(o.id)).toEqual(oauth);
    expect(later.summary(o.id)).toEqual({
      id: o.id,
      portal: 'beta.bitrix24.ru',
      origin: 'https://beta.bitrix24.ru',
      kind: 'oauth',
      userId: 1,
      userName: 'Boris',
      status: 'ok',
      secretStorage: 'encrypted',
    });
  });

  it('summaries carry no secret', async () => {
    const { accounts } = setup();
    await accounts.add(boris);
    const text = JSON.stringify(accounts.summaries());
    for (const s of SECRET_STRINGS) expect(text).not.toContain(s);
    expect(text).not.toContain('cipher');
  });

  it('registers every secret string it stores or loads with the redactor', async () => {
    const { dir, accounts, registered } = setup();
    const w = await accounts.add(anna);
    expect(registered).toEqual([webhook.url, WEBHOOK_CODE]);
    // A restart decrypts (loads) every secret when the store is opened, and registers each once.
    const later = setup({}, dir);
    expect(later.registered).toEqual([]);
    await later.accounts.open();
    expect(later.registered).toEqual([webhook.url, WEBHOOK_CODE]);
    later.accounts.secret(w.id);
    await later.accounts.open();
    expect(later.registered).toHaveLength(2);
  });

  it('gives the same person on the same portal the same id, replacing the record', async () => {
    const { accounts } = setup();
    const first = await accounts.add(anna);
    await accounts.add({
      kind: 'webhook',
      origin: 'https://other.bitrix24.ru',
      userId: 7,
      userName: 'Anna',
      secret: { kind: 'webhook', url: 'https://other.bitrix24.ru/rest/7/zzzzzzzz/' },
    });
    accounts.setStatus(first.id, 'needs-sign-in');
    const newUrl = 'https://acme.bitrix24.ru/rest/7/n3wc0de/';
    const again = await accounts.add({
      kind: 'webhook',
      origin: 'https://ACME.bitrix24.ru',
      userId: 7,
      userName: 'Anna K.',
      secret: { kind: 'webhook', url: newUrl },
    });
    expect(again.id).toBe(first.id);
    expect(again.status).toBe('ok');
    expect(again.userName).toBe('Anna K.');
    expect(accounts.list()).toHaveLength(2);
    expect(accounts.list()[0]!.id).toBe(first.id);
    expect(accounts.secret(first.id)).toEqual({ kind: 'webhook', url: newUrl });
    expect(accountIdFor('https://acme.bitrix24.ru', 8)).not.toBe(first.id);
    expect(first.id).toMatch(/^[A-Za-z0-9_-]+$/);
  });

  it('persists a rotated token before its promise resolves', async () => {
    const { dir, accounts, store } = setup();
    const o = await accounts.add(boris);
    const rotated: AccountSecret = {
      ...oauth,
      accessToken: 'ACCESS2xxxxxxxxxxxxxxxx',
      refreshToken: 'REFRESH2yyyyyyyyyyyyyyy',
    };
    await accounts.setSecret(o.id, rotated);
    // On disk once resolved: read the raw file right away and decrypt what it holds.
    const onDisk = JSON.parse(readFileSync(store.path, 'utf8')) as { accounts: { secret: { cipher: string } }[] };
    const { result } = await createAesSecretBox(KEY).decrypt(onDisk.accounts[0]!.secret.cipher);
    const decrypted = JSON.parse(result) as AccountSecret;
    expect(decrypted).toEqual(rotated);
    expect(allBytes(dir)).not.toContain('REFRESH2yyyyyyyyyyyyyyy');
    expect((await restart(dir)).accounts.secret(o.id)).toEqual(rotated);
  });

  it('marks an account needs-sign-in, without throwing, when its secret cannot be decrypted', async () => {
    const { dir, accounts } = setup();
    const w = await accounts.add(anna);
    const foreign = (await restart(dir, { secretBox: createAesSecretBox(Buffer.alloc(32, 1)) })).accounts;
    expect(foreign.secret(w.id)).toBeNull();
    expect(foreign.get(w.id)?.status).toBe('needs-sign-in');
    expect(foreign.summary(w.id).status).toBe('needs-sign-in');
    // The ciphertext is kept: with the right key the secret is back.
    expect((await restart(dir)).accounts.secret(w.id)).toEqual(webhook);
  });

  it('falls back to memory when the box fails to encrypt', async () => {
    const broken: SecretBox = {
      encryptionAvailable: true,
      encrypt: () => Promise.reject(new Error('keyring locked')),
      decrypt: () => Promise.reject(new Error('keyring locked')),
    };
    const { dir, accounts } = setup({ secretBox: broken });
    const w = await accounts.add(anna);
    expect(w.secret).toEqual({ storage: 'memory' });
    expect(accounts.secret(w.id)).toEqual(webhook);
    expect(allBytes(dir)).not.toContain(WEBHOOK_CODE);
  });

  it('removes an account and forgets its secret', async () => {
    const { dir, accounts } = setup();
    const w = await accounts.add(anna);
    accounts.remove(w.id);
    accounts.remove('unknown');
    expect(accounts.list()).toEqual([]);
    expect(accounts.secret(w.id)).toBeNull();
    expect((await restart(dir)).accounts.list()).toEqual([]);
    expect(readFileSync(join(dir, 'config.json'), 'utf8')).not.toContain('cipher');
  });

  it('reads the list once per write, and what it hands out is a copy: changing it changes nothing stored', async () => {
    const { accounts, store } = setup();
    const w = await accounts.add(anna);
    let reads = 0;
    const get = store.get.bind(store);
    store.get = (key) => {
      if (key === 'accounts') reads += 1;
      return get(key);
    };
    for (let i = 0; i < 5; i++) {
      expect(accounts.has(w.id)).toBe(true);
      expect(accounts.has('a-nobody')).toBe(false);
      accounts.get(w.id);
      accounts.summaries();
      accounts.summary(w.id);
    }
    // Read once after add()'s write, then served from memory.
    expect(reads).toBe(1);
    const copy = accounts.get(w.id)!;
    copy.status = 'needs-sign-in';
    copy.userName = 'Mallory';
    accounts.list()[0]!.userName = 'Mallory';
    expect(accounts.get(w.id)).toMatchObject({ status: 'ok', userName: 'Anna' });
    expect(accounts.summary(w.id)).toMatchObject({ status: 'ok', userName: 'Anna' });
    // A write is seen by the next read.
    accounts.setStatus(w.id, 'needs-sign-in');
    expect(accounts.summaries()[0]!.status).toBe('needs-sign-in');
    expect(reads).toBe(2);
    accounts.remove(w.id);
    expect(accounts.has(w.id)).toBe(false);
  });
});

/** Lets started promise chains run (the box's encrypt calls begin); not a wait for "nothing happened". */
const turn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

describe('async encryption (safeStorage encryptStringAsync / decryptStringAsync)', () => {
  const rotated: AccountSecret = {
    ...oauth,
    accessToken: 'ACCESS2xxxxxxxxxxxxxxxx',
    refreshToken: 'REFRESH2yyyyyyyyyyyyyyy',
  };
  it('slow encryption: a rotated token is on disk before setSecret resolves; a crash before that finds the previous record whole', async () => {
    const gate = gatedSecretBox(createAesSecretBox(KEY));
    const { dir, accounts } = setup({ secretBox: gate.box });
    const o = await accounts.add(boris);
    gate.hold();
    let settled = false;
    const written = accounts.setSecret(o.id, rotated).then(() => {
      settled = true;
    });
    await turn();
    expect(gate.waiting).toBe(1);
    // Not resolved while the ciphertext is not on disk: the OAuth client must not use the new pair yet.
    expect(settled).toBe(false);
    // This process already answers with the newest secret (a client rebuilt now must not take the spent token).
    expect(accounts.secret(o.id)).toEqual(rotated);
    // A crash now (a new process over the same file): the previous record, whole, decryptable, still signed in.
    const crashed = (await restart(dir)).accounts;
    expect(crashed.secret(o.id)).toEqual(oauth);
    expect(crashed.summary(o.id)).toMatchObject({ status: 'ok', secretStorage: 'encrypted' });
    expect(allBytes(dir)).not.toContain(rotated.refreshToken);

    gate.open();
    await written;
    expect(settled).toBe(true);
    // From the moment it resolved, a crash restarts with the rotated token.
    expect((await restart(dir)).accounts.secret(o.id)).toEqual(rotated);
    for (const str of [rotated.refreshToken, rotated.accessToken]) expect(allBytes(dir)).not.toContain(str);
  });

  it('writes land in order: an older rotation that encrypts slower never overwrites a newer one', async () => {
    const gate = gatedSecretBox(createAesSecretBox(KEY));
    const { dir, accounts } = setup({ secretBox: gate.box });
    const o = await accounts.add(boris);
    gate.hold();
    const third: AccountSecret = { ...rotated, refreshToken: 'REFRESH3zzzzzzzzzzzzzzz' };
    const both = Promise.all([accounts.setSecret(o.id, rotated), accounts.setSecret(o.id, third)]);
    await turn();
    gate.open({ lastFirst: true });
    await both;
    expect((await restart(dir)).accounts.secret(o.id)).toEqual(third);
  });

  it('a sign-out while the rotated token is encrypting: nothing of the account comes back', async () => {
    const gate = gatedSecretBox(createAesSecretBox(KEY));
    const { dir, accounts } = setup({ secretBox: gate.box });
    const o = await accounts.add(boris);
    gate.hold();
    const written = accounts.setSecret(o.id, rotated);
    await turn();
    accounts.remove(o.id);
    gate.open();
    await written;
    expect(accounts.list()).toEqual([]);
    expect(accounts.secret(o.id)).toBeNull();
    expect(readFileSync(join(dir, 'config.json'), 'utf8')).not.toContain('cipher');
  });

  it('open() re-encrypts what safeStorage asks to (shouldReEncrypt after a key rotation)', async () => {
    const oldKey = Buffer.alloc(32, 9);
    const { dir, accounts, store } = setup({ secretBox: createAesSecretBox(oldKey) });
    const o = await accounts.add(boris);
    const before = readFileSync(store.path, 'utf8');
    const after = await restart(dir, { secretBox: createAesSecretBox(KEY, [oldKey]) });
    expect(after.accounts.secret(o.id)).toEqual(oauth);
    expect(readFileSync(store.path, 'utf8')).not.toBe(before);
    // The stored ciphertext is now under the new key alone.
    const newKeyOnly = (await restart(dir, { secretBox: createAesSecretBox(KEY) })).accounts;
    expect(newKeyOnly.secret(o.id)).toEqual(oauth);
    expect(newKeyOnly.summary(o.id).status).toBe('ok');
  });

  it('a run without real encryption reads the stored secret but keeps its ciphertext when asked to re-encrypt', async () => {
    // Linux with the keyring locked at start: safeStorage reads keyring data (through the sync
    // fallback) and says shouldReEncrypt, but new data would go under the built-in key, so the
    // store keeps the secret in memory and must not trade the ciphertext for `memory`.
    const oldKey = Buffer.alloc(32, 9);
    const { dir, accounts, store } = setup({ secretBox: createAesSecretBox(oldKey) });
    const o = await accounts.add(boris);
    const before = readFileSync(store.path, 'utf8');
    const rotatedButUnsafe: SecretBox = { ...createAesSecretBox(KEY, [oldKey]), encryptionAvailable: false };
    const locked = await restart(dir, { secretBox: rotatedButUnsafe });
    expect(locked.accounts.secret(o.id)).toEqual(oauth);
    expect(readFileSync(store.path, 'utf8')).toBe(before);
    // The next run, keyring open, still has the account.
    expect((await restart(dir, { secretBox: createAesSecretBox(oldKey) })).accounts.secret(o.id)).toEqual(oauth);
  });

  it('before open() nothing is decrypted and nothing is marked; open() marks an undecryptable account at once', async () => {
    const { dir, accounts } = setup();
    const o = await accounts.add(boris);
    const foreign = setup({ secretBox: createAesSecretBox(Buffer.alloc(32, 1)) }, dir).accounts;
    expect(foreign.secret(o.id)).toBeNull();
    expect(foreign.get(o.id)?.status).toBe('ok');
    await foreign.open();
    expect(foreign.get(o.id)?.status).toBe('needs-sign-in');
  });
});

describe('memory-only secrets', () => {
  for (const [name, over] of [
    ['the user chose memory only', { memoryOnly: () => true }],
    ['the OS has no keyring', { secretBox: memorySecretBox() }],
  ] as const) {
    it(`${name}: writes nothing secret and loses the secret on restart, leaving needs-sign-in`, async () => {
      const { dir, accounts } = setup(over);
      const w = await accounts.add(anna);
      const o = await accounts.add(boris);
      expect(w.secret).toEqual({ storage: 'memory' });
      expect(accounts.secret(o.id)).toEqual(oauth);
      expect(accounts.summary(w.id)).toMatchObject({ status: 'ok', secretStorage: 'memory' });
      await accounts.setSecret(o.id, { ...oauth, refreshToken: 'REFRESH3qqqqqqqqqqqqqq' });
      expect(accounts.secret(o.id)).toMatchObject({ refreshToken: 'REFRESH3qqqqqqqqqqqqqq' });
      const bytes = allBytes(dir);
      for (const s of [...SECRET_STRINGS, 'REFRESH3qqqqqqqqqqqqqq']) expect(bytes).not.toContain(s);
      expect(bytes).not.toContain('cipher');

      const later = (await restart(dir, over)).accounts;
      expect(later.list().map((a) => a.status)).toEqual(['needs-sign-in', 'needs-sign-in']);
      expect(later.secret(w.id)).toBeNull();
      expect(later.summary(o.id)).toMatchObject({ status: 'needs-sign-in', secretStorage: 'memory' });
      // Signing in again brings the account back under the same id.
      const back = await later.add(anna);
      expect(back).toMatchObject({ id: w.id, status: 'ok' });
      expect(later.secret(w.id)).toEqual(webhook);
    });
  }

  it('moves secrets into memory (wiping the ciphertext) and back when the setting changes', async () => {
    let memoryOnly = false;
    const { dir, accounts, store } = setup({ memoryOnly: () => memoryOnly });
    const o = await accounts.add(boris);
    expect(readFileSync(store.path, 'utf8')).toContain('cipher');
    memoryOnly = true;
    await accounts.reconcileStorage();
    expect(readFileSync(store.path, 'utf8')).not.toContain('cipher');
    expect(accounts.summary(o.id).secretStorage).toBe('memory');
    expect(accounts.secret(o.id)).toEqual(oauth);
    memoryOnly = false;
    await accounts.reconcileStorage();
    expect(accounts.summary(o.id).secretStorage).toBe('encrypted');
    expect((await restart(dir)).accounts.secret(o.id)).toEqual(oauth);
  });
});

describe('bad input', () => {
  const base = {
    kind: 'webhook' as const,
    origin: 'https://acme.bitrix24.ru',
    userId: 7,
    userName: 'Anna',
    secret: webhook,
  };
  const cases: [string, unknown, string, RegExp][] = [
    ['a non-URL origin', { ...base, origin: 'acme' }, 'INVALID_PORTAL_URL', /not a portal address/],
    ['an ftp origin', { ...base, origin: 'ftp://acme.bitrix24.ru' }, 'INVALID_PORTAL_URL', /not a portal address/],
    [
      'an origin with credentials',
      { ...base, origin: 'https://u:p@acme.bitrix24.ru' },
      'INVALID_PORTAL_URL',
      /not a portal address/,
    ],
    ['a zero user id', { ...base, userId: 0 }, 'INVALID_ARGUMENT', /user id must be a positive whole number/],
    ['a text user id', { ...base, userId: '7' }, 'INVALID_ARGUMENT', /user id/],
    ['no user name', { ...base, userName: undefined }, 'INVALID_ARGUMENT', /user name/],
    ['an unknown kind', { ...base, kind: 'password' }, 'INVALID_ARGUMENT', /kind must be/],
    ['no secret', { ...base, secret: undefined }, 'INVALID_ARGUMENT', /secret is missing/],
    [
      'an empty webhook URL',
      { ...base, secret: { kind: 'webhook', url: '' } },
      'INVALID_ARGUMENT',
      /webhook URL is missing/,
    ],
    ['a mismatched kind', { ...base, kind: 'oauth' }, 'INVALID_ARGUMENT', /an OAuth account needs an OAuth secret/],
    [
      'an OAuth secret without refresh token',
      { ...base, kind: 'oauth', secret: { ...oauth, refreshToken: '' } },
      'INVALID_ARGUMENT',
      /"refreshToken" is missing/,
    ],
    [
      'a webhook of another portal',
      { ...base, secret: { kind: 'webhook', url: `https://evil.example/rest/7/${WEBHOOK_CODE}/` } },
      'INVALID_ARGUMENT',
      /belongs to another portal/,
    ],
  ];

  it.each(cases)('rejects %s with a clear error that holds no secret', async (_n, input, code, message) => {
    const { accounts } = setup();
    let err: unknown;
    try {
      await accounts.add(input as never);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(BitrixError);
    expect((err as BitrixError).code).toBe(code);
    expect((err as BitrixError).message).toMatch(message);
    for (const s of SECRET_STRINGS) expect((err as BitrixError).message).not.toContain(s);
    expect(accounts.list()).toEqual([]);
  });

  it('refuses to change an unknown account, and tolerates garbage in the store', async () => {
    const store: KeyValueStore & { data: Map<string, unknown> } = {
      data: new Map<string, unknown>([['accounts', [{ id: 'x' }, 'junk', null]]]),
      get(k) {
        return this.data.get(k);
      },
      set(k, v) {
        this.data.set(k, structuredClone(v));
      },
      delete(k) {
        this.data.delete(k);
      },
      path: '/nowhere',
    };
    const accounts = createAccountStore({ store, secretBox: createAesSecretBox(KEY), memoryOnly: () => false });
    expect(accounts.list()).toEqual([]);
    expect(accounts.secret('x')).toBeNull();
    await expect(accounts.setSecret('x', webhook)).rejects.toThrow(
      expect.objectContaining({ code: 'UNKNOWN_ACCOUNT' }),
    );
    expect(() => accounts.setStatus('x', 'ok')).toThrow(expect.objectContaining({ code: 'UNKNOWN_ACCOUNT' }));
    expect(() => accounts.summary('x')).toThrow(expect.objectContaining({ code: 'UNKNOWN_ACCOUNT' }));
  });

  it('rejects a rotated secret of the wrong kind or shape', async () => {
    const { accounts } = setup();
    const o = await accounts.add(boris);
    await expect(accounts.setSecret(o.id, webhook)).rejects.toThrow(/an OAuth account needs an OAuth secret/);
    await expect(accounts.setSecret(o.id, { ...oauth, expiresAt: Number.NaN })).rejects.toThrow(
      /"expiresAt" is not a time/,
    );
    expect(accounts.secret(o.id)).toEqual(oauth);
  });
});
