import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDirs } from '../tests/support/temp-dirs';
import { createAesSecretBox, loadOrCreateKeyFile, memorySecretBox } from './aes-secret-box';

const tempDir = tempDirs('b24-box-');

describe('createAesSecretBox', () => {
  const key = Buffer.alloc(32, 7);

  it('round-trips text and never shows the plaintext in the ciphertext', async () => {
    const box = createAesSecretBox(key);
    const secret = 'https://acme.bitrix24.ru/rest/1/s3cr3tc0de/ — юникод';
    const cipher = await box.encrypt(secret);
    expect(cipher).not.toContain('s3cr3tc0de');
    expect(Buffer.from(cipher, 'base64').toString('utf8')).not.toContain('s3cr3tc0de');
    await expect(box.decrypt(cipher)).resolves.toEqual({ result: secret, shouldReEncrypt: false });
  });

  it('uses a fresh IV each time', async () => {
    const box = createAesSecretBox(key);
    expect(await box.encrypt('same')).not.toBe(await box.encrypt('same'));
  });

  it('rejects tampered ciphertext, a foreign key or garbage, without echoing data', async () => {
    const box = createAesSecretBox(key);
    const raw = Buffer.from(await box.encrypt('token-123456'), 'base64');
    raw[raw.length - 1] = (raw[raw.length - 1] as number) ^ 1;
    await expect(box.decrypt(raw.toString('base64'))).rejects.toThrow(/altered or encrypted with another key/);
    const other = createAesSecretBox(Buffer.alloc(32, 8));
    await expect(other.decrypt(await box.encrypt('token-123456'))).rejects.toThrow(/another key/);
    await expect(box.decrypt('abc')).rejects.toThrow(/too short/);
  });

  it('decrypts data of a rotated-out key and asks for re-encryption, like safeStorage', async () => {
    const before = createAesSecretBox(Buffer.alloc(32, 8));
    const rotated = createAesSecretBox(key, [Buffer.alloc(32, 8)]);
    await expect(rotated.decrypt(await before.encrypt('tok'))).resolves.toEqual({
      result: 'tok',
      shouldReEncrypt: true,
    });
    await expect(rotated.decrypt(await rotated.encrypt('tok'))).resolves.toEqual({
      result: 'tok',
      shouldReEncrypt: false,
    });
  });

  it('rejects a key of the wrong size', () => {
    expect(() => createAesSecretBox(Buffer.alloc(16))).toThrow(/32 bytes/);
  });
});

describe('loadOrCreateKeyFile', () => {
  it('creates a 32-byte key with mode 0600 and returns the same key next time', () => {
    const path = join(tempDir(), 'nested', 'secret.key');
    const first = loadOrCreateKeyFile(path);
    expect(first.length).toBe(32);
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(loadOrCreateKeyFile(path).equals(first)).toBe(true);
  });

  it('tightens a key file that others can read', () => {
    const path = join(tempDir(), 'secret.key');
    writeFileSync(path, Buffer.alloc(32, 1), { mode: 0o644 });
    loadOrCreateKeyFile(path);
    expect(statSync(path).mode & 0o777).toBe(0o600);
  });

  it('refuses a damaged key file instead of replacing it', () => {
    const path = join(tempDir(), 'secret.key');
    writeFileSync(path, 'short');
    expect(() => loadOrCreateKeyFile(path)).toThrow(/damaged/);
    expect(readFileSync(path, 'utf8')).toBe('short');
  });
});

describe('memorySecretBox', () => {
  it('reports no encryption and refuses to encrypt', async () => {
    const box = memorySecretBox();
    expect(box.encryptionAvailable).toBe(false);
    await expect(box.encrypt('x')).rejects.toThrow(/no keyring/);
    await expect(box.decrypt('x')).rejects.toThrow(/no keyring/);
  });
});
