import { mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeEach, describe, expect, it, vi } from 'vitest';

vi.mock('electron', async () => (await import('../../../tests/mocks/electron')).electronModule);

import { fake, resetElectronMock } from '../../../tests/mocks/electron';
import { SecretTemporarilyUnavailableError, type SecretBox } from '../core/ports';
import { createAccountStore } from '../core/storage/accounts';
import { createConfStore } from '../core/storage/store';
import { isRealEncryptionAvailable, openSafeStorageSecretBox } from './secret-box';

/** The box once its availability is decided. */
async function openedBox(platform?: NodeJS.Platform): Promise<SecretBox> {
  const box = openSafeStorageSecretBox(platform);
  await box.decided;
  return box;
}

beforeEach(() => resetElectronMock());

const SECRET = 'https://acme.bitrix24.ru/rest/1/abc123def456ghij/';
const prefix = (c: string): string => Buffer.from(c, 'base64').subarray(0, 3).toString('latin1');

describe('safeStorage secret box (the async API)', () => {
  it.each([
    ['linux', 'v11'],
    ['win32', 'v10'],
    ['darwin', 'v10'],
  ] as const)('%s: round-trips through base64 ciphertext that does not contain the secret', async (os, tag) => {
    fake.safeStorage.platform = os;
    const box = await openedBox(os);
    expect(box.encryptionAvailable).toBe(true);
    const c = await box.encrypt(SECRET);
    expect(c).toMatch(/^[A-Za-z0-9+/]+=*$/);
    expect(prefix(c)).toBe(tag);
    expect(Buffer.from(c, 'base64').toString('latin1')).not.toContain('abc123def456ghij');
    await expect(box.decrypt(c)).resolves.toEqual({ result: SECRET, shouldReEncrypt: false });
  });

  it.each(['none', 'locked'] as const)(
    'Linux, keyring %s while the desktop says gnome_libsecret: not real encryption, nothing is written',
    async (keyring) => {
      fake.safeStorage.keyring = keyring;
      fake.safeStorage.backend = 'gnome_libsecret';
      await expect(isRealEncryptionAvailable('linux')).resolves.toBe(false);
      const box = await openedBox('linux');
      expect(box.encryptionAvailable).toBe(false);
      await expect(box.encrypt(SECRET)).rejects.toThrow(/not available/);
    },
  );

  it('Linux, Sway or i3 (backend basic_text) with gnome-keyring running: real encryption under the keyring key', async () => {
    fake.safeStorage.backend = 'basic_text';
    fake.safeStorage.keyring = 'unlocked';
    const box = await openedBox('linux');
    expect(box.encryptionAvailable).toBe(true);
    expect(prefix(await box.encrypt(SECRET))).toBe('v11');
  });

  it('Linux without a keyring still reads what an older run wrote under the built-in key', async () => {
    // An earlier build trusted the backend name and wrote under v10; the account must not be lost.
    fake.safeStorage.keyring = 'none';
    const old = (await fake.safeStorage.encryptStringAsync(SECRET)).toString('base64');
    expect(prefix(old)).toBe('v10');
    const box = await openedBox('linux');
    expect(box.encryptionAvailable).toBe(false);
    await expect(box.decrypt(old)).resolves.toEqual({ result: SECRET, shouldReEncrypt: false });
  });

  it('Linux, keyring still locked at start: keyring data is "not yet", not "undecryptable"', async () => {
    const stored = await (await openedBox('linux')).encrypt(SECRET);
    resetElectronMock(); // the next run
    fake.safeStorage.keyring = 'locked';
    const box = await openedBox('linux');
    const err = await box.decrypt(stored).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SecretTemporarilyUnavailableError);
    expect(String((err as Error).message)).not.toContain(stored);
    // A run with the keyring open reads it.
    resetElectronMock();
    await expect((await openedBox('linux')).decrypt(stored)).resolves.toMatchObject({
      result: SECRET,
    });
  });

  it('the Linux keyring does not matter on Windows and macOS', async () => {
    fake.safeStorage.keyring = 'none';
    fake.safeStorage.backend = 'basic_text';
    fake.safeStorage.platform = 'win32';
    await expect(isRealEncryptionAvailable('win32')).resolves.toBe(true);
    resetElectronMock();
    fake.safeStorage.keyring = 'none';
    fake.safeStorage.platform = 'darwin';
    await expect(isRealEncryptionAvailable('darwin')).resolves.toBe(true);
  });

  it('before the app is ready: unavailable everywhere, and nothing decrypts', async () => {
    fake.safeStorage.ready = false;
    await expect(isRealEncryptionAvailable('darwin')).resolves.toBe(false);
    const box = await openedBox('win32');
    expect(box.encryptionAvailable).toBe(false);
    await expect(box.decrypt(Buffer.from('v10abc').toString('base64'))).rejects.toThrow(/not available/);
  });

  it('tampered or foreign ciphertext rejects with a plain message without the bytes', async () => {
    const box = await openedBox('linux');
    await expect(box.decrypt(Buffer.from('garbage-without-prefix').toString('base64'))).rejects.toThrow(
      'The stored secret could not be decrypted (keyring changed or data tampered with).',
    );
    await expect(box.decrypt('not base64 !!')).rejects.toThrow('The stored secret is not valid ciphertext.');
    await expect(box.decrypt(42 as unknown as string)).rejects.toThrow('The stored secret is not valid ciphertext.');
  });

  it('works on an Electron without the deprecated sync calls (46 removes them)', async () => {
    fake.safeStorage.removeSyncApi();
    await expect(isRealEncryptionAvailable('linux')).resolves.toBe(true);
    fake.safeStorage.platform = 'darwin';
    const box = await openedBox('darwin');
    expect(box.encryptionAvailable).toBe(true);
    await expect(box.decrypt(await box.encrypt(SECRET))).resolves.toMatchObject({ result: SECRET });
  });

  it('decrypts what the sync API wrote (an existing store keeps working)', async () => {
    const old = fake.safeStorage.encryptString(SECRET).toString('base64');
    const box = await openedBox('linux');
    await expect(box.decrypt(old)).resolves.toEqual({ result: SECRET, shouldReEncrypt: false });
  });

  it("passes on safeStorage's shouldReEncrypt: Linux data under the built-in key once a keyring key is there", async () => {
    const before = FakeBuiltInKey.encrypt(SECRET);
    const box = await openedBox('linux');
    await expect(box.decrypt(before)).resolves.toEqual({ result: SECRET, shouldReEncrypt: true });
    await expect(box.decrypt(await box.encrypt(SECRET))).resolves.toEqual({ result: SECRET, shouldReEncrypt: false });
  });
});

describe("an older build's secret under the built-in key (Linux)", () => {
  const clock = { now: () => 1_700_000_000_000, setTimeout: () => 0, clearTimeout: () => {} };
  const CODE = 'abc123def456ghij';
  /** The prefix of every account cipher in every file of `dir` (the store and its journal). */
  const prefixes = (dir: string): string[] =>
    readdirSync(dir).flatMap((f) =>
      [...readFileSync(join(dir, f), 'utf8').matchAll(/"cipher":\s*"([^"]+)"/g)].map((m) => `${f} ${prefix(m[1]!)}`),
    );
  /** One run of the app over `dir`: the account store opened (its secrets read) as the core's start does. */
  const run = async (dir: string, box: SecretBox) => {
    const accounts = createAccountStore({
      store: createConfStore(dir),
      secretBox: box,
      memoryOnly: () => false,
      clock,
    });
    await accounts.open();
    return accounts;
  };
  /** What a build before 4be7846 left with no keyring working: the secret under `v10` ("peanuts"). */
  const olderBuild = async (dir: string): Promise<string> => {
    const box: SecretBox = {
      encryptionAvailable: true,
      encrypt: async (plain) => FakeBuiltInKey.encrypt(plain),
      decrypt: () => Promise.reject(new Error('not used')),
    };
    const accounts = await run(dir, box);
    const { id } = await accounts.add({
      kind: 'webhook',
      origin: 'https://acme.bitrix24.ru',
      userId: 1,
      userName: 'Anna',
      secret: { kind: 'webhook', url: SECRET },
    });
    expect(prefixes(dir)).toEqual(['config.journal.json v10', 'config.json v10']);
    return id;
  };

  it('is stored under the keyring at its first read once a keyring key is there (shouldReEncrypt)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'b24-v10-'));
    const id = await olderBuild(dir);
    const accounts = await run(dir, await openedBox('linux'));
    expect(accounts.secret(id)).toEqual({ kind: 'webhook', url: SECRET });
    // Chromium's encryptor says should_reencrypt for data under a key other than the one new data
    // goes under (components/os_crypt/async/common/encryptor.cc DecryptData: `provider !=
    // provider_for_encryption_`); the account store writes it again, main file and journal.
    expect(prefixes(dir)).toEqual(['config.journal.json v11', 'config.json v11']);
    for (const f of readdirSync(dir)) expect(readFileSync(join(dir, f), 'latin1')).not.toContain(CODE);
  });

  it('stays as it is while no keyring key is there: read, used, and left for a run that has one', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'b24-v10-'));
    const id = await olderBuild(dir);
    fake.safeStorage.keyring = 'locked';
    const box = await openedBox('linux');
    expect(box.encryptionAvailable).toBe(false); // Settings say so (secretEncryption 'unavailable')
    expect((await run(dir, box)).secret(id)).toEqual({ kind: 'webhook', url: SECRET });
    expect(prefixes(dir)).toEqual(['config.journal.json v10', 'config.json v10']);
    resetElectronMock(); // the next run, keyring open
    await run(dir, await openedBox('linux'));
    expect(prefixes(dir)).toEqual(['config.journal.json v11', 'config.json v11']);
  });
});

/** Ciphertext a run without a keyring wrote (the built-in `v10` key), made by a second fake process. */
const FakeBuiltInKey = {
  encrypt(plain: string): string {
    const keep = { keyring: fake.safeStorage.keyring };
    fake.safeStorage.keyring = 'none';
    const c = fake.safeStorage.encryptString(plain).toString('base64');
    fake.safeStorage.keyring = keep.keyring;
    return c;
  },
};
