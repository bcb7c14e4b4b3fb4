/**
 * The {@link SecretBox} port over Electron's `safeStorage` (DPAPI on
 * Windows, Keychain on macOS, libsecret/KWallet on Linux), through the
 * asynchronous API: `isAsyncEncryptionAvailable`, `encryptStringAsync`,
 * `decryptStringAsync` (node_modules/electron/electron.d.ts, `SafeStorage`;
 * added by electron/electron#49054). The synchronous calls are deprecated in
 * Electron 45 and removed in 46 (electronjs.org/docs/latest/api/safe-storage;
 * electron/electron#53662); data the sync API encrypted decrypts with
 * `decryptStringAsync`, so existing stores keep working.
 */
import { safeStorage } from 'electron';
import type { SecretBox } from '../core/ports';

/**
 * Whether safeStorage really encrypts. Resolves after the async encryptor is
 * initialised (electron.d.ts: it is initialised lazily by the first async
 * call after `ready`, and `isAsyncEncryptionAvailable` resolves once that
 * completes). On Linux the `basic_text` backend (no keyring found)
 * "encrypts" with a hard-coded key, which is no protection at all, and
 * `unknown` means the backend is not chosen yet (before `ready`): both count
 * as unavailable, so the core keeps secrets in memory and Settings says so.
 * The backend is read after the async initialisation. Not checked here (no
 * Electron binary, no Linux desktop): whether the async encryptor on Linux
 * ever picks a different provider than `getSelectedStorageBackend` reports;
 * the docs list more Linux providers for the async API (the portal secret)
 * — if so this errs on the side of "unavailable" only for `basic_text`.
 */
export async function isRealEncryptionAvailable(platform: NodeJS.Platform = process.platform): Promise<boolean> {
  const s = safeStorage as Partial<Electron.SafeStorage>;
  if (
    typeof s.isAsyncEncryptionAvailable !== 'function' ||
    typeof s.encryptStringAsync !== 'function' ||
    typeof s.decryptStringAsync !== 'function'
  ) {
    return false;
  }
  try {
    if (!(await safeStorage.isAsyncEncryptionAvailable())) return false;
  } catch {
    return false;
  }
  if (platform === 'linux') {
    const backend = typeof s.getSelectedStorageBackend === 'function' ? safeStorage.getSelectedStorageBackend() : null;
    if (backend === null || backend === 'basic_text' || backend === 'unknown') return false;
  }
  return true;
}

/**
 * Creates the secret box; availability is decided once, here. Await it after
 * `app` is ready (the async encryptor and the Linux backend are set up then).
 */
export async function createSafeStorageSecretBox(platform: NodeJS.Platform = process.platform): Promise<SecretBox> {
  const available = await isRealEncryptionAvailable(platform);
  const unavailable = (): Error => new Error('Secret storage is not available on this system.');
  return {
    encryptionAvailable: available,
    async encrypt(plain) {
      if (!available) throw unavailable();
      return (await safeStorage.encryptStringAsync(plain)).toString('base64');
    },
    async decrypt(cipherBase64) {
      if (!available) throw unavailable();
      if (typeof cipherBase64 !== 'string' || !/^[A-Za-z0-9+/]*={0,2}$/.test(cipherBase64)) {
        throw new Error('The stored secret is not valid ciphertext.');
      }
      try {
        // shouldReEncrypt: the key was rotated (or a better one is available); the account store re-encrypts.
        const { result, shouldReEncrypt } = await safeStorage.decryptStringAsync(Buffer.from(cipherBase64, 'base64'));
        return { result, shouldReEncrypt };
      } catch {
        // Chromium's message may quote bytes; say what it means instead.
        throw new Error('The stored secret could not be decrypted (keyring changed or data tampered with).');
      }
    },
  };
}
