/**
 * A keyring that is still locked when the app starts (autostart before login unlocks it):
 * Electron's decryptStringAsync rejects with "temporarily unavailable" (modelled by the secret
 * box below). The core keeps the account signed in, says what is wrong, and reads the secret
 * again later — it never asks to sign in again and never drops the ciphertext.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createAesSecretBox } from '../../dev/aes-secret-box';
import { startFakePortal, type FakePortal } from '../../dev/fake-portal/server';
import type { SeedDialog } from '../../dev/fake-portal/types';
import { SecretTemporarilyUnavailableError, type SecretBox } from '../../src/main/core/ports';
import { deliveredUnread, makeCore, type Harness } from './harness';
import { until } from '../support/wait';

const portals: FakePortal[] = [];
const cores: Harness[] = [];
afterEach(async () => {
  for (const h of cores.splice(0)) await h.core.stop();
  for (const p of portals.splice(0)) await p.close();
});

const seed: SeedDialog[] = [
  { id: 'chat74', title: 'Отдел продаж', pinned: true, counter: 2, date: '2026-02-25T12:07:10+03:00' },
  { id: 'chat80', title: 'Release 2.4', pinned: true, date: '2026-02-24T12:07:10+03:00' },
];

/** The AES box behind a keyring that can be locked: while locked, decrypt rejects as Electron's does. */
interface LockableBox {
  box: SecretBox;
  locked: boolean;
  reads: number;
}
function lockableBox(key: Buffer): LockableBox {
  const inner = createAesSecretBox(key);
  const state: LockableBox = {
    locked: true,
    reads: 0,
    box: {
      encryptionAvailable: true,
      encrypt: (plain) => inner.encrypt(plain),
      decrypt: (cipher) => {
        state.reads += 1;
        return state.locked ? Promise.reject(new SecretTemporarilyUnavailableError()) : inner.decrypt(cipher);
      },
    },
  };
  return state;
}

const storedCipher = (dir: string): string =>
  (JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8')) as { accounts: { secret: { cipher?: string } }[] })
    .accounts[0]!.secret.cipher ?? '';

describe('a keyring still locked at start', () => {
  it('keeps the account signed in, says the keyring is locked, and loads once the keyring opens', async () => {
    const p = await startFakePortal({ seed, rateLimit: false });
    portals.push(p);
    const first = makeCore();
    cores.push(first);
    const r = await first.core.dispatch('signInWithWebhook', [p.webhookUrl]);
    expect(r.ok).toBe(true);
    const acc = (r as { ok: true; data: { id: string } }).data.id;
    await first.core.stop();
    const cipher = storedCipher(first.dir);
    expect(cipher).not.toBe('');

    const keyring = lockableBox(first.key);
    const second = makeCore({ dir: first.dir, key: first.key, secretBox: keyring.box });
    cores.push(second);
    p.resetCalls();
    await second.core.start();
    await until(() => second.core.state().error?.code === 'SECRET_STORAGE_LOCKED', 5_000, 'the locked keyring shown');
    const s = second.core.state();
    expect(s.accounts).toMatchObject([{ id: acc, status: 'ok' }]);
    expect(s.error?.message).toMatch(/keyring/i);
    expect(s.notices.some((n) => n.code === 'SIGN_IN_EXPIRED' || n.code === 'NOT_SIGNED_IN')).toBe(false);
    expect(storedCipher(second.dir)).toBe(cipher);
    // A toggle made meanwhile waits (nothing can be sent without the secret) and is not dropped.
    await second.core.dispatch('setUnread', [acc, 'chat80', true]);
    expect(second.core.state().pendingActions).toBe(1);
    expect(p.calls.length).toBe(0);

    // Still locked at the next poll: still waiting, still no sign-in asked for.
    const readsBefore = keyring.reads;
    await second.core.refresh();
    expect(keyring.reads).toBeGreaterThan(readsBefore);
    expect(second.core.state().accounts[0]!.status).toBe('ok');

    keyring.locked = false;
    await second.core.refresh();
    await until(() => second.core.state().status === 'ready' && second.core.state().error === null, 5_000, 'ready');
    expect(second.core.state().dialogs.map((d) => d.dialogId)).toEqual(['chat74', 'chat80']);
    await until(() => second.core.state().pendingActions === 0, 5_000, 'the queued toggle sent');
    expect(deliveredUnread(p)).toEqual(['chat80:Y']);
    expect(storedCipher(second.dir)).toBe(cipher);
  });

  it('a secret that really cannot be decrypted still asks to sign in again', async () => {
    const p = await startFakePortal({ seed, rateLimit: false });
    portals.push(p);
    const first = makeCore();
    cores.push(first);
    await first.core.dispatch('signInWithWebhook', [p.webhookUrl]);
    await first.core.stop();
    const foreign = makeCore({ dir: first.dir, secretBox: createAesSecretBox(Buffer.alloc(32, 3)) });
    cores.push(foreign);
    await foreign.core.start();
    await until(() => foreign.core.state().accounts[0]?.status === 'needs-sign-in', 5_000, 'needs-sign-in');
  });
});
