/**
 * The queue cannot be written (disk full, no permission, a read-only disk) while the portal is
 * unreachable: the toggle must not be reported safe in silence and then vanish at quit. The user
 * is told at once, the queue is written again until it succeeds, and then the notice goes.
 */
import { afterEach, expect, it } from 'vitest';
import { startFakePortal, type FakePortal } from '../../dev/fake-portal/server';
import { createAesSecretBox } from '../../dev/aes-secret-box';
import { createNodeCore } from '../../src/main/core/create-node-core';
import type { KeyValueStore } from '../../src/main/core/ports';
import { silentLogger } from '../../src/main/core/redact';
import { confFactory, openStore } from '../../src/main/core/storage/store';
import { fakeRegistrar } from './helpers';
import { tempDirs } from '../support/temp-dirs';
import { until } from '../support/wait';
import { randomBytes } from 'node:crypto';

const tempDir = tempDirs('b24-full-');
let portal: FakePortal | null = null;
afterEach(async () => {
  await portal?.close();
  portal = null;
});

const ports = (notified: string[] = []) => ({
  logger: silentLogger,
  shortcuts: fakeRegistrar({}),
  autostart: { isEnabled: async () => false, setEnabled: async () => {} },
  popup: { show: () => {}, hide: () => {}, toggle: () => {}, isVisible: () => false },
  opener: { openExternal: async () => {} },
  notifier: { notify: (n: { title: string; body: string }) => void notified.push(`${n.title}: ${n.body}`) },
});

/** The real store, every write of which fails with ENOSPC while `full.on`. */
function fillable(inner: KeyValueStore, full: { on: boolean }): KeyValueStore {
  const enospc = () => Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
  return {
    get: (k) => inner.get(k),
    set: (k, v) => {
      if (full.on) throw enospc();
      inner.set(k, v);
    },
    delete: (k) => inner.delete(k),
    setAsync: (k, v) => (full.on ? Promise.reject(enospc()) : inner.setAsync!(k, v)),
    idle: () => inner.idle?.() ?? Promise.resolve(),
    get path() {
      return inner.path;
    },
  };
}

it('a toggle the disk could not take is shown as not saved, written once there is space, and kept across a restart', async () => {
  portal = await startFakePortal({ seed: [{ id: 'chat74', title: 'Sales', pinned: true }], rateLimit: false });
  const dir = tempDir();
  const key = randomBytes(32);
  const full = { on: false };
  const store = fillable(openStore(confFactory, { cwd: dir }).store, full);
  // Retries far apart: nothing but the rewrite writes the queue again during the test.
  const options = { rewriteAfterMs: 50, backoff: { baseMs: 120_000, capMs: 120_000 } };
  const { core } = createNodeCore({
    ports: ports(),
    dir,
    store,
    secretBox: createAesSecretBox(key),
    platform: 'linux',
    options,
  });
  await core.start();
  const r = await core.dispatch('signInWithWebhook', [portal.webhookUrl]);
  if (!r.ok) throw new Error(r.error.message);
  const acc = (r.data as { id: string }).id;

  // The portal goes away and the disk fills up.
  portal.inject({ kind: 'reset', times: 1000 });
  full.on = true;
  expect((await core.dispatch('setUnread', [acc, 'chat74', true])).ok).toBe(true);
  const notice = () => core.state().notices.find((n) => n.code === 'STORE_WRITE_FAILED');
  await until(() => notice() !== undefined, 5_000, 'the not-saved notice');
  expect(notice()).toMatchObject({ level: 'error' });
  expect(notice()!.message).toContain('could not be saved to disk');
  expect(notice()!.message).toContain('ENOSPC');

  // The send failed (offline) and its backoff is far off: nothing else writes the queue now.
  await until(() => core.queue.all().some((a) => a.attempts === 1), 5_000, 'the failed send');
  await core.queue.persisted(); // its write failed too
  // Space again: the next try writes the queue (not only the stop below), and the notice goes.
  full.on = false;
  await until(() => notice() === undefined, 5_000, 'the notice gone after the rewrite');
  await core.stop();

  const next = createNodeCore({ ports: ports(), dir, secretBox: createAesSecretBox(key), platform: 'linux' });
  expect(next.core.queue.all().filter((a) => a.dialogId === 'chat74')).toHaveLength(1);
}, 30_000);

it('with the disk full the list still updates, and a new message notifies once', async () => {
  portal = await startFakePortal({
    seed: [{ id: 'chat74', title: 'Sales', pinned: true, messageId: 100 }],
    rateLimit: false,
  });
  const dir = tempDir();
  const full = { on: false };
  const store = fillable(openStore(confFactory, { cwd: dir }).store, full);
  const notified: string[] = [];
  const { core } = createNodeCore({
    ports: ports(notified),
    dir,
    store,
    secretBox: createAesSecretBox(randomBytes(32)),
    platform: 'win32',
  });
  await core.start();
  const r = await core.dispatch('signInWithWebhook', [portal.webhookUrl]);
  if (!r.ok) throw new Error(r.error.message);
  await until(() => core.state().dialogs.length === 1, 5_000, 'the first load');

  full.on = true;
  portal.setDialog('chat74', { counter: 1, messageId: 101, messageText: 'Ping' });
  await core.refresh();
  expect(core.state().dialogs[0]).toMatchObject({ unread: true, counter: 1 });
  expect(notified).toEqual(['Sales: Ping']);
  await core.refresh(); // the same message: not news again, though `seen` could not be written
  expect(notified).toEqual(['Sales: Ping']);
  await core.stop();
}, 30_000);
