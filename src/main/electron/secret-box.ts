/**
 * The {@link SecretBox} port over Electron's `safeStorage` (DPAPI on
 * Windows, Keychain on macOS, libsecret/KWallet on Linux).
 */
import { safeStorage } from 'electron';
import type { SecretBox } from '../core/ports';

/**
 * Whether safeStorage really encrypts. On Linux the `basic_text` backend
 * (no keyring found) "encrypts" with a hard-coded key, which is no
 * protection at all, and `unknown` means the backend is not chosen yet
 * (called before `ready`): both count as unavailable, so the core keeps
 * secrets in memory and Settings says so.
 */
export function isRealEncryptionAvailable(platform: NodeJS.Platform = process.platform): boolean {
  // The synchronous calls are deprecated in Electron 45 in favour of isAsyncEncryptionAvailable /
  // encryptStringAsync / decryptStringAsync (electron.d.ts). Our SecretBox port is synchronous
  // (accounts.ts persists a rotated token before it is used again). Should an Electron without the
  // sync calls run this code, say "unavailable" — secrets then stay in memory and Settings says so —
  // rather than throw at the first sign-in.
  if (!hasSyncApi()) return false;
  if (!safeStorage.isEncryptionAvailable()) return false;
  if (platform === 'linux') {
    const backend = safeStorage.getSelectedStorageBackend();
    if (backend === 'basic_text' || backend === 'unknown') return false;
  }
  return true;
}

function hasSyncApi(): boolean {
  const s = safeStorage as unknown as Record<string, unknown>;
  return (
    typeof s.isEncryptionAvailable === 'function' &&
    typeof s.encryptString === 'function' &&
    typeof s.decryptString === 'function'
  );
}

/**
 * Creates the secret box. Call after `app` is ready (the Linux backend is
 * chosen then). Uses the synchronous safeStorage calls because the port is
 * synchronous: the account store persists a rotated token before it is
 * used again (issue 2), which an async encryptor would make racy.
 */
export function createSafeStorageSecretBox(platform: NodeJS.Platform = process.platform): SecretBox {
  const available = isRealEncryptionAvailable(platform);
  return {
    encryptionAvailable: available,
    encrypt(plain) {
      if (!available) throw new Error('Secret storage is not available on this system.');
      return safeStorage.encryptString(plain).toString('base64');
    },
    decrypt(cipherBase64) {
      if (!available) throw new Error('Secret storage is not available on this system.');
      if (typeof cipherBase64 !== 'string' || !/^[A-Za-z0-9+/]*={0,2}$/.test(cipherBase64)) {
        throw new Error('The stored secret is not valid ciphertext.');
      }
      try {
        return safeStorage.decryptString(Buffer.from(cipherBase64, 'base64'));
      } catch {
        // Chromium's message may quote bytes; say what it means instead.
        throw new Error('The stored secret could not be decrypted (keyring changed or data tampered with).');
      }
    },
  };
}
