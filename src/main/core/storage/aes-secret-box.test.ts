import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createAesSecretBox, loadOrCreateKeyFile, memorySecretBox } from './aes-secret-box';

const dirs: string[] = [];
function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'b24-box-'));
  dirs.push(d);
  return d;
}
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe('createAesSecretBox', () => {
  const key = Buffer.alloc(32, 7);

  it('round-trips text and never shows the plaintext in the ciphertext', () => {
    const box = createAesSecretBox(key);
    const secret = 'https://acme.bitrix24.ru/rest/1/s3cr3tc0de/ — юникод';
    const cipher = box.encrypt(secret);
    expect(cipher).not.toContain('s3cr3tc0de');
    expect(Buffer.from(cipher, 'base64').toString('utf8')).not.toContain('s3cr3tc0de');
    expect(box.decrypt(cipher)).toBe(secret);
  });

  it('uses a fresh IV each time', () => {
    const box = createAesSecretBox(key);
    expect(box.encrypt('same')).not.toBe(box.encrypt('same'));
  });

  it('throws on tampered ciphertext, a foreign key or garbage, without echoing data', () => {
    const box = createAesSecretBox(key);
    const raw = Buffer.from(box.encrypt('token-123456'), 'base64');
    raw[raw.length - 1] = (raw[raw.length - 1] as number) ^ 1;
    expect(() => box.decrypt(raw.toString('base64'))).toThrow(/altered or encrypted with another key/);
    const other = createAesSecretBox(Buffer.alloc(32, 8));
    expect(() => other.decrypt(box.encrypt('token-123456'))).toThrow(/another key/);
    expect(() => box.decrypt('abc')).toThrow(/too short/);
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
  it('reports no encryption and refuses to encrypt', () => {
    const box = memorySecretBox();
    expect(box.encryptionAvailable).toBe(false);
    expect(() => box.encrypt('x')).toThrow(/no keyring/);
    expect(() => box.decrypt('x')).toThrow(/no keyring/);
  });
});
