/**
 * The {@link SecretBox} port over Electron's `safeStorage` (DPAPI on
 * Windows, Keychain on macOS, the Secret Service — gnome-keyring, KWallet —
 * on Linux), through the asynchronous API: `isAsyncEncryptionAvailable`,
 * `encryptStringAsync`, `decryptStringAsync` (node_modules/electron/electron.d.ts,
 * `SafeStorage`; added by electron/electron#49054). The synchronous calls are
 * deprecated in Electron 45 and removed in 46
 * (electronjs.org/docs/latest/api/safe-storage; electron/electron#53662); data
 * the sync API encrypted decrypts with `decryptStringAsync`, so existing
 * stores keep working.
 */
import { safeStorage } from 'electron';
import { SecretTemporarilyUnavailableError, type SecretBox } from '../core/ports';

/**
 * Linux ciphertext prefixes of keys the OS keeps: `v11` the Secret Service
 * (chromium components/os_crypt/async/browser/freedesktop_secret_key_provider.cc,
 * kEncryptionTag), `v12` the xdg-desktop-portal secret (secret_portal_key_provider.h,
 * kKeyTag; Electron adds that provider only behind a feature flag). Not here: `v10`,
 * the key every Linux machine shares, derived from the hard-coded password
 * "peanuts" (posix_key_provider.cc) — obfuscation, not protection.
 */
const LINUX_KEYRING_PREFIXES: readonly string[] = ['v11', 'v12'];

/** What the probe encrypts: nothing secret, never stored. */
const PROBE = 'b24-unread-tray: which key?';

/** The async API is there and its encryptor is made (the app is ready). */
async function asyncApiReady(): Promise<boolean> {
  const s = safeStorage as Partial<Electron.SafeStorage>;
  if (
    typeof s.isAsyncEncryptionAvailable !== 'function' ||
    typeof s.encryptStringAsync !== 'function' ||
    typeof s.decryptStringAsync !== 'function'
  ) {
    return false;
  }
  try {
    return await safeStorage.isAsyncEncryptionAvailable();
  } catch {
    return false;
  }
}

/**
 * Whether safeStorage really encrypts: whether a secret written now is
 * protected by a key the OS keeps.
 *
 * `isAsyncEncryptionAvailable` alone does not say so: it resolves true once
 * the async encryptor is made, whichever key it got (electron/electron@96f3996d8d
 * shell/browser/api/electron_api_safe_storage.cc, OnOsCryptReady sets
 * `is_available_`). On Windows (DPAPI) and macOS (Keychain) that key is the
 * OS's. On Linux the encryptor asks the Secret Service for a key and falls
 * back to the built-in one, `v10` (shell/browser/browser_process_impl.cc
 * CreateOSCryptAsync: FreedesktopSecretKeyProvider at precedence 10 over
 * PosixKeyProvider at 5; chromium os_crypt_async.cc HandleKey encrypts with the
 * highest provider that gave a key). And `getSelectedStorageBackend()` does
 * not tell which: it reports the sync backend guessed from the desktop
 * environment at start-up (electron_browser_main_parts.cc,
 * os_crypt::SelectBackend), which the async encryptor does not consult — GNOME
 * without a running keyring says `gnome_libsecret` while secrets go under
 * `v10`; Sway or i3 with gnome-keyring running says `basic_text` while they go
 * under `v11`. So on Linux this encrypts a probe and looks at the prefix of
 * what comes back: only a keyring key's prefix counts.
 *
 * A keyring that is locked when the encryptor is made (autostart before
 * login unlocks it) counts as unavailable for this run: the encryptor keeps
 * the key it got for the whole process (SafeStorage::EnsureAsyncEncryptorRequested
 * asks once), so new secrets would go under `v10`.
 */
export async function isRealEncryptionAvailable(platform: NodeJS.Platform = process.platform): Promise<boolean> {
  return (await asyncApiReady()) && (await writesUnderAnOsKey(platform));
}

/** With the async API ready: whether new ciphertext is under a key the OS keeps (see above). */
async function writesUnderAnOsKey(platform: NodeJS.Platform): Promise<boolean> {
  if (platform !== 'linux') return true;
  try {
    const probe = await safeStorage.encryptStringAsync(PROBE);
    return LINUX_KEYRING_PREFIXES.includes(probe.subarray(0, 3).toString('latin1'));
  } catch {
    return false;
  }
}

/** A {@link SecretBox} whose availability is decided in the background ({@link openSafeStorageSecretBox}). */
export interface SafeStorageSecretBox extends SecretBox {
  /** Settles once availability is decided (the async encryptor is made and the probe is read). */
  readonly decided: Promise<void>;
}

/**
 * Opens the secret box at once and decides its availability in the background, once. Call it
 * after `app` is ready (the async encryptor is made then).
 *
 * Nothing waits for that decision but the box's own calls. On Linux the encryptor is made only
 * once the Secret Service has given its key, and a keyring that is locked, or does not exist yet,
 * is unlocked or created through a prompt first: the key provider waits for the prompt's answer
 * (chromium components/os_crypt/async/browser/freedesktop_secret_key_provider.cc,
 * UnlockDefaultCollection and CreateCollection through `Prompter`, finished by the prompt's
 * `Completed` signal), and `isAsyncEncryptionAvailable` resolves only then
 * (electron_api_safe_storage.cc keeps the promise in `pending_availability_checks_`). The app's
 * start must not wait for the user to answer it: the tray and the cached list appear at once,
 * and a stored sign-in is read when the keyring answers.
 *
 * Until it is decided, {@link SecretBox.encryptionAvailable} reads true, and `encrypt` waits for
 * the decision: a sign-in in that time is encrypted, or kept in memory when encryption turns
 * out to be unavailable, as the account store does whenever `encrypt` refuses.
 *
 * `encrypt` needs real encryption ({@link isRealEncryptionAvailable}). `decrypt`
 * needs only the async API: ciphertext already on disk is read back even on a
 * run where new secrets stay in memory (a keyring locked at start-up must not
 * cost the stored sign-ins; safeStorage says whether it can read them).
 */
export function openSafeStorageSecretBox(platform: NodeJS.Platform = process.platform): SafeStorageSecretBox {
  const decision = (async () => {
    const ready = await asyncApiReady();
    return { ready, available: ready && (await writesUnderAnOsKey(platform)) };
  })();
  let known: { ready: boolean; available: boolean } | null = null;
  const decided = decision.then((d) => void (known = d));
  const unavailable = (): Error => new Error('Secret storage is not available on this system.');
  return {
    decided,
    get encryptionAvailable() {
      return known?.available ?? true;
    },
    async encrypt(plain) {
      if (!(await decision).available) throw unavailable();
      return (await safeStorage.encryptStringAsync(plain)).toString('base64');
    },
    async decrypt(cipherBase64) {
      if (!(await decision).ready) throw unavailable();
      if (typeof cipherBase64 !== 'string' || !/^[A-Za-z0-9+/]*={0,2}$/.test(cipherBase64)) {
        throw new Error('The stored secret is not valid ciphertext.');
      }
      let notYet: boolean;
      try {
        // shouldReEncrypt: the key was rotated (or a better one is available); the account store re-encrypts.
        const { result, shouldReEncrypt } = await safeStorage.decryptStringAsync(Buffer.from(cipherBase64, 'base64'));
        return { result, shouldReEncrypt };
      } catch (err) {
        // The key is not there yet (a keyring still locked: chromium os_crypt/async/common/encryptor.cc
        // DecryptData sets `temporarily_unavailable`, and electron/electron@96f3996d8d
        // shell/browser/api/electron_api_safe_storage.cc rejects with this text). Not a verdict on the data.
        notYet = err instanceof Error && /decryptStringAsync is temporarily unavailable/.test(err.message);
      }
      // Chromium's message is not passed on (not even as `cause`): say what it means instead.
      if (notYet) throw new SecretTemporarilyUnavailableError();
      throw new Error('The stored secret could not be decrypted (keyring changed or data tampered with).');
    },
  };
}
