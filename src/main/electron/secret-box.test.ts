import { beforeEach, describe, expect, it, vi } from 'vitest';

vi.mock('electron', async () => (await import('../../../tests/mocks/electron')).electronModule);

import { fake, resetElectronMock } from '../../../tests/mocks/electron';
import { createSafeStorageSecretBox, isRealEncryptionAvailable } from './secret-box';

beforeEach(() => resetElectronMock());

const SECRET = 'https://acme.bitrix24.ru/rest/1/abc123def456ghij/';

describe('safeStorage secret box', () => {
  it('round-trips through base64 ciphertext that does not contain the secret', () => {
    const box = createSafeStorageSecretBox('linux');
    expect(box.encryptionAvailable).toBe(true);
    const c = box.encrypt(SECRET);
    expect(c).toMatch(/^[A-Za-z0-9+/]+=*$/);
    expect(Buffer.from(c, 'base64').toString('latin1')).not.toContain('abc123def456ghij');
    expect(box.decrypt(c)).toBe(SECRET);
  });

  it.each(['basic_text', 'unknown'] as const)('Linux backend %s is not real encryption', (backend) => {
    fake.safeStorage.backend = backend;
    expect(isRealEncryptionAvailable('linux')).toBe(false);
    const box = createSafeStorageSecretBox('linux');
    expect(box.encryptionAvailable).toBe(false);
    expect(() => box.encrypt(SECRET)).toThrow(/not available/);
  });

  it('the Linux backend name does not matter on Windows and macOS', () => {
    fake.safeStorage.backend = 'basic_text';
    expect(isRealEncryptionAvailable('win32')).toBe(true);
    expect(isRealEncryptionAvailable('darwin')).toBe(true);
  });

  it('no keyring at all: unavailable everywhere', () => {
    fake.safeStorage.available = false;
    expect(isRealEncryptionAvailable('darwin')).toBe(false);
    expect(createSafeStorageSecretBox('win32').encryptionAvailable).toBe(false);
  });

  it('tampered or foreign ciphertext throws a plain message without the bytes', () => {
    const box = createSafeStorageSecretBox('linux');
    expect(() => box.decrypt(Buffer.from('garbage-without-prefix').toString('base64'))).toThrow(
      'The stored secret could not be decrypted (keyring changed or data tampered with).',
    );
    expect(() => box.decrypt('not base64 !!')).toThrow('The stored secret is not valid ciphertext.');
    expect(() => box.decrypt(42 as unknown as string)).toThrow('The stored secret is not valid ciphertext.');
  });

  it('an Electron without the deprecated sync calls: unavailable (secrets in memory), never a crash', () => {
    fake.safeStorage.removeSyncApi();
    expect(isRealEncryptionAvailable('linux')).toBe(false);
    const box = createSafeStorageSecretBox('darwin');
    expect(box.encryptionAvailable).toBe(false);
    expect(() => box.encrypt(SECRET)).toThrow(/not available/);
  });

  it('the double has Electron 45 async API, with the same cipher', async () => {
    await expect(fake.safeStorage.isAsyncEncryptionAvailable()).resolves.toBe(true);
    const c = await fake.safeStorage.encryptStringAsync(SECRET);
    await expect(fake.safeStorage.decryptStringAsync(c)).resolves.toEqual({ shouldReEncrypt: false, result: SECRET });
    expect(createSafeStorageSecretBox('linux').decrypt(c.toString('base64'))).toBe(SECRET);
  });
});
