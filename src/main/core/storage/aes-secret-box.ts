/**
 * Secret boxes for places without Electron's safeStorage: the browser
 * preview (dev only) and tests, so files they write hold ciphertext exactly
 * like the app's; and the in-memory box for systems without a keyring.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { chmodSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { SecretBox } from '../ports';

const KEY_BYTES = 32;
const IV_BYTES = 12;
const TAG_BYTES = 16;

/**
 * AES-256-GCM with a random IV per message. Ciphertext is base64 of
 * `iv (12) | tag (16) | data`. `decrypt` throws on tampered data or a
 * different key; its error never includes any of the data.
 */
export function createAesSecretBox(key: Buffer): SecretBox {
  if (!Buffer.isBuffer(key) || key.length !== KEY_BYTES) {
    throw new Error(`The secret key must be ${KEY_BYTES} bytes.`);
  }
  // A private copy: the caller may reuse or wipe its buffer.
  const k = Buffer.from(key);
  return {
    encryptionAvailable: true,
    encrypt(plain: string): string {
      const iv = randomBytes(IV_BYTES);
      const cipher = createCipheriv('aes-256-gcm', k, iv);
      const data = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
      return Buffer.concat([iv, cipher.getAuthTag(), data]).toString('base64');
    },
    decrypt(cipherBase64: string): string {
      const raw = typeof cipherBase64 === 'string' ? Buffer.from(cipherBase64, 'base64') : Buffer.alloc(0);
      if (raw.length < IV_BYTES + TAG_BYTES) throw new Error('Cannot decrypt: the data is too short to be a secret.');
      const decipher = createDecipheriv('aes-256-gcm', k, raw.subarray(0, IV_BYTES));
      decipher.setAuthTag(raw.subarray(IV_BYTES, IV_BYTES + TAG_BYTES));
      try {
        return Buffer.concat([decipher.update(raw.subarray(IV_BYTES + TAG_BYTES)), decipher.final()]).toString('utf8');
      } catch {
        throw new Error('Cannot decrypt: the data was altered or encrypted with another key.');
      }
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
    encrypt(): string {
      throw new Error('This system offers no keyring to encrypt secrets.');
    },
    decrypt(): string {
      throw new Error('This system offers no keyring to decrypt secrets.');
    },
  };
}
