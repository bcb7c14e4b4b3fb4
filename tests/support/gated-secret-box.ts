/**
 * A {@link SecretBox} whose encryption can be held, to model a slow keyring
 * (safeStorage's `encryptStringAsync` may wait on a D-Bus keyring or a
 * Keychain prompt). While held, each `encrypt` waits until {@link GatedSecretBox.open}.
 */
import type { SecretBox } from '../../src/main/core/ports';

export interface GatedSecretBox {
  box: SecretBox;
  /** Encryptions waiting at the gate (their plaintexts are not kept). */
  readonly waiting: number;
  /** From now on, `encrypt` waits. */
  hold(): void;
  /**
   * Lets the waiting encryptions go (the last to arrive first when
   * `lastFirst`) and stops holding new ones.
   */
  open(opts?: { lastFirst?: boolean }): void;
}

export function gatedSecretBox(inner: SecretBox): GatedSecretBox {
  let held = false;
  const queue: (() => void)[] = [];
  return {
    box: {
      get encryptionAvailable() {
        return inner.encryptionAvailable;
      },
      async encrypt(plain) {
        if (held) await new Promise<void>((resolve) => queue.push(resolve));
        return inner.encrypt(plain);
      },
      decrypt: (cipher) => inner.decrypt(cipher),
    },
    get waiting() {
      return queue.length;
    },
    hold() {
      held = true;
    },
    open(opts = {}) {
      held = false;
      const go = queue.splice(0);
      if (opts.lastFirst) go.reverse();
      for (const resolve of go) resolve();
    },
  };
}
