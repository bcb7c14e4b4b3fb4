import { beforeEach, describe, expect, it, vi } from 'vitest';

vi.mock('electron', async () => (await import('../../../tests/mocks/electron')).electronModule);

import { fake, resetElectronMock } from '../../../tests/mocks/electron';
import { createSafeStorageSecretBox, isRealEncryptionAvailable } from './secret-box';

beforeEach(() => resetElectronMock());

const SECRET = 'https://acme.bitrix24.ru/rest/1/abc123def456ghij/';

describe('safeStorage secret box (the async API)', () => {
  it('round-trips through base64 ciphertext that does not contain the secret', async () => {
    const box = await createSafeStorageSecretBox('linux');
    expect(box.encryptionAvailable).toBe(true);
    const c = await box.encrypt(SECRET);
    expect(c).toMatch(/^[A-Za-z0-9+/]+=*$/);
    expect(Buffer.from(c, 'base64').toString('latin1')).not.toContain('abc123def456ghij');
    await expect(box.decrypt(c)).resolves.toEqual({ result: SECRET, shouldReEncrypt: false });
  });

  it.each(['basic_text', 'unknown'] as const)('Linux backend %s is not real encryption', async (backend) => {
    fake.safeStorage.backend = backend;
    await expect(isRealEncryptionAvailable('linux')).resolves.toBe(false);
    const box = await createSafeStorageSecretBox('linux');
    expect(box.encryptionAvailable).toBe(false);
    await expect(box.encrypt(SECRET)).rejects.toThrow(/not available/);
  });

  it('the Linux backend name does not matter on Windows and macOS', async () => {
    fake.safeStorage.backend = 'basic_text';
    await expect(isRealEncryptionAvailable('win32')).resolves.toBe(true);
    await expect(isRealEncryptionAvailable('darwin')).resolves.toBe(true);
  });

  it('no keyring at all: unavailable everywhere', async () => {
    fake.safeStorage.available = false;
    await expect(isRealEncryptionAvailable('darwin')).resolves.toBe(false);
    expect((await createSafeStorageSecretBox('win32')).encryptionAvailable).toBe(false);
  });

  it('tampered or foreign ciphertext rejects with a plain message without the bytes', async () => {
    const box = await createSafeStorageSecretBox('linux');
    await expect(box.decrypt(Buffer.from('garbage-without-prefix').toString('base64'))).rejects.toThrow(
      'The stored secret could not be decrypted (keyring changed or data tampered with).',
    );
    await expect(box.decrypt('not base64 !!')).rejects.toThrow('The stored secret is not valid ciphertext.');
    await expect(box.decrypt(42 as unknown as string)).rejects.toThrow('The stored secret is not valid ciphertext.');
  });

  it('works on an Electron without the deprecated sync calls (46 removes them)', async () => {
    fake.safeStorage.removeSyncApi();
    await expect(isRealEncryptionAvailable('linux')).resolves.toBe(true);
    const box = await createSafeStorageSecretBox('darwin');
    expect(box.encryptionAvailable).toBe(true);
    await expect(box.decrypt(await box.encrypt(SECRET))).resolves.toMatchObject({ result: SECRET });
  });

  it('decrypts what the sync API wrote (an existing store keeps working)', async () => {
    const old = fake.safeStorage.encryptString(SECRET).toString('base64');
    const box = await createSafeStorageSecretBox('linux');
    await expect(box.decrypt(old)).resolves.toEqual({ result: SECRET, shouldReEncrypt: false });
  });

  it("passes on safeStorage's shouldReEncrypt after a key rotation", async () => {
    const box = await createSafeStorageSecretBox('win32');
    const before = await box.encrypt(SECRET);
    fake.safeStorage.keyVersion = 'v11';
    await expect(box.decrypt(before)).resolves.toEqual({ result: SECRET, shouldReEncrypt: true });
    await expect(box.decrypt(await box.encrypt(SECRET))).resolves.toEqual({ result: SECRET, shouldReEncrypt: false });
  });
});
