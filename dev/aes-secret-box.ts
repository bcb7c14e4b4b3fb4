/**
 * Secret boxes for places without Electron's safeStorage: the browser
 * preview, the bench and the tests (never the app, which uses safeStorage:
 * src/main/electron/), so files they write hold ciphertext exactly like the
 * app's; and the in-memory box of a system without a keyring.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { chmodSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { DecryptedSecret, SecretBox } from '../src/main/core/ports';

const KEY_BYTES = 32;
const IV_BYTES = 12;
const TAG_BYTES = 16;

/**
 * AES-256-GCM with a random IV per message. Ciphertext is base64 of
 * `iv (12) | tag (16) | data`. `decrypt` rejects tampered data or a foreign
 * key; its error never includes any of the data. Asynchronous like
 * Electron's `encryptStringAsync`/`decryptStringAsync`. Data encrypted with
 * one of `previousKeys` still decrypts, with `shouldReEncrypt: true` — the
 * way safeStorage reports a rotated key.
 */
export function createAesSecretBox(key: Buffer, previousKeys: readonly Buffer[] = []): SecretBox {
  for (const k of [key, ...previousKeys]) {
    if (!Buffer.isBuffer(k) || k.length !== KEY_BYTES) throw new Error(`The secret key must be ${KEY_BYTES} bytes.`);
  }
  // Private copies: the caller may reuse or wipe its buffers.
  const k = Buffer.from(key);
  const old = previousKeys.map((b) => Buffer.from(b));
  const open = (raw: Buffer, with_: Buffer): string | null => {
    const decipher = createDecipheriv('aes-256-gcm', with_, raw.subarray(0, IV_BYTES));
    decipher.setAuthTag(raw.subarray(IV_BYTES, IV_BYTES + TAG_BYTES));
    try {
      return Buffer.concat([decipher.update(raw.subarray(IV_BYTES + TAG_BYTES)), decipher.final()]).toString('utf8');
    } catch {
      return null;
    }
  };
  return {
    encryptionAvailable: true,
    encrypt(plain: string): Promise<string> {
      const iv = randomBytes(IV_BYTES);
      const cipher = createCipheriv('aes-256-gcm', k, iv);
      const data = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
      return Promise.resolve(Buffer.concat([iv, cipher.getAuthTag(), data]).toString('base64'));
    },
    decrypt(cipherBase64: string): Promise<DecryptedSecret> {
      const raw = typeof cipherBase64 === 'string' ? Buffer.from(cipherBase64, 'base64') : Buffer.alloc(0);
      if (raw.length < IV_BYTES + TAG_BYTES) {
        return Promise.reject(new Error('Cannot decrypt: the data is too short to be a secret.'));
      }
      const current = open(raw, k);
      if (current !== null) return Promise.resolve({ result: current, shouldReEncrypt: false });
      for (const o of old) {
        const result = open(raw, o);
        if (result !== null) return Promise.resolve({ result, shouldReEncrypt: true });
      }
      return Promise.reject(new Error('Cannot decrypt: the data was altered or encrypted with another key.'));
    },
  };
}

/**
 * Reads the 32-byte key at `path`, or creates it (random, mode 0600, parent
 * folder created 0700). Tightens the mode of an existing key file. Throws
 * when the file exists but is not a 32-byte key (it is never overwritten:
 * that would make every stored secret unreadable).
 */
export function loadOrCreateKeyFile(path: string): Buffer {
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  try {
    // 'wx': never replace a key another process created a moment ago.
    writeFileSync(path, randomBytes(KEY_BYTES), { mode: 0o600, flag: 'wx' });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
  const key = readFileSync(path);
  if (key.length !== KEY_BYTES) {
    throw new Error(`The key file ${path} is damaged (expected ${KEY_BYTES} bytes). Move it away to start over.`);
  }
  if (process.platform !== 'win32' && (statSync(path).mode & 0o077) !== 0) chmodSync(path, 0o600);
  return key;
}

/**
 * The box of a system without a keyring (Linux `basic_text`): nothing can
 * be encrypted, so the account store keeps secrets in memory only.
 */
export function memorySecretBox(): SecretBox {
  return {
    encryptionAvailable: false,
    encrypt(): Promise<string> {
      return Promise.reject(new Error('This system offers no keyring to encrypt secrets.'));
    },
    decrypt(): Promise<DecryptedSecret> {
      return Promise.reject(new Error('This system offers no keyring to decrypt secrets.'));
    },
  };
}
