import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';

vi.mock('electron', async () => (await import('../../../tests/mocks/electron')).electronModule);

import type { FakeBrowserWindow } from '../../../tests/mocks/electron';
import { FakeWebContents, FakeWebFrame, fake, resetElectronMock } from '../../../tests/mocks/electron';
import { INVOKE_NAMES, channelOf, eventChannelOf } from '../../shared/ipc';
import type { Result } from '../../shared/result';
import type { AppCore } from '../core/app-core-types';
import { createAppCore } from '../core/app-core';
import { systemClock } from '../core/ports';
import { silentLogger } from '../core/redact';
import { confFactory, openStore } from '../core/storage/store';
import { createAesSecretBox } from '../../../dev/aes-secret-box';
import { startFakePortal, type FakePortal } from '../../../dev/fake-portal/server';
import { registerIpc } from './ipc';
import { createPopupWindow } from './popup-window';
import { serveTestRenderer } from '../../../tests/support/app-scheme';

/** A core stand-in recording dispatches, with an event bus the test drives. */
function recordingCore() {
  const calls: { name: string; args: unknown[] }[] = [];
  const listeners = new Map<string, Set<(p: unknown) => void>>();
  const core: Pick<AppCore, 'dispatch' | 'on'> = {
    async dispatch(name, args) {
      calls.push({ name, args });
      return { ok: true, data: `handled ${name}` };
    },
    on(event, listener) {
      const set = listeners.get(event) ?? new Set();
      set.add(listener as (p: unknown) => void);
      listeners.set(event, set);
      return () => set.delete(listener as (p: unknown) => void);
    },
  };
  const emit = (event: string, payload: unknown) => listeners.get(event)?.forEach((l) => l(payload));
  return { core, calls, emit };
}

async function popupFixture() {
  const popup = createPopupWindow({
    preloadPath: '/opt/b24/out/preload/index.cjs',
    platform: 'linux',
    isPackaged: true,
    trayBounds: () => null,
  });
  await popup.ready;
  return popup;
}

beforeEach(() => {
  resetElectronMock();
  serveTestRenderer();
});

describe('registerIpc: the sender check', () => {
  it('registers exactly one handler per intent, on the shared channel names', () => {
    const { core } = recordingCore();
    registerIpc(core, { isTrustedSender: () => true, target: () => null });
    expect([...fake.ipcMain.handlers.keys()].sort()).toEqual(INVOKE_NAMES.map(channelOf).sort());
  });

  it('the popup page itself is served', async () => {
    const { core, calls } = recordingCore();
    const popup = await popupFixture();
    registerIpc(core, { isTrustedSender: (e) => popup.isTrustedSender(e), target: () => popup.webContents });
    const wc = popup.webContents as unknown as FakeWebContents;
    const res = await fake.ipcMain.invoke(channelOf('setUnread'), { sender: wc }, 'acc', 'chat74', true);
    expect(res).toEqual({ ok: true, data: 'handled setUnread' });
    expect(calls).toEqual([{ name: 'setUnread', args: ['acc', 'chat74', true] }]);
  });

  it.each([
    ['another webContents on the same page URL', 'other', null],
    ['the popup navigated elsewhere', 'popup-elsewhere', null],
    ['an iframe inside the popup, same file URL', 'iframe', null],
    ['a sibling file of the app', 'sibling', null],
    ['no sender frame (frame gone)', 'no-frame', null],
  ])('refuses %s with FORBIDDEN_SENDER and never reaches the core', async (_what, kind) => {
    const { core, calls } = recordingCore();
    const popup = await popupFixture();
    registerIpc(core, { isTrustedSender: (e) => popup.isTrustedSender(e), target: () => popup.webContents });
    const wc = popup.webContents as unknown as FakeWebContents;
    let from: { sender: FakeWebContents; frame?: FakeWebFrame | null };
    switch (kind) {
      case 'other': {
        const forged = new FakeWebContents();
        forged.mainFrame.url = wc.mainFrame.url;
        from = { sender: forged };
        break;
      }
      case 'popup-elsewhere':
        from = { sender: wc, frame: new FakeWebFrame('https://evil.example/') };
        break;
      case 'iframe':
        from = { sender: wc, frame: new FakeWebFrame(wc.mainFrame.url).childOf(wc.mainFrame) };
        break;
      case 'sibling':
        from = { sender: wc, frame: new FakeWebFrame('b24ut://popup/other.html') };
        break;
      default:
        from = { sender: wc, frame: null };
    }
    for (const name of ['getState', 'signOut', 'openInBitrix'] as const) {
      const res = (await fake.ipcMain.invoke(channelOf(name), from, 'acc', 'chat74')) as Result<unknown>;
      expect(res.ok).toBe(false);
      if (!res.ok) {
        expect(res.error.code).toBe('FORBIDDEN_SENDER');
        expect(res.error.message).toBe('Request refused.');
      }
    }
    expect(calls).toEqual([]);
  });

  it('a sender check that throws counts as untrusted', async () => {
    const { core, calls } = recordingCore();
    registerIpc(core, {
      isTrustedSender: () => {
        throw new Error('boom');
      },
      target: () => null,
    });
    const res = (await fake.ipcMain.invoke(channelOf('refresh'), { sender: new FakeWebContents() })) as Result<unknown>;
    expect(res).toMatchObject({ ok: false, error: { code: 'FORBIDDEN_SENDER' } });
    expect(calls).toEqual([]);
  });

  it('a core that throws (it must not) still answers with a code, not a stack', async () => {
    const { core } = recordingCore();
    core.dispatch = () => Promise.reject(new Error('secret-token-abc at /home/user/x.ts:12'));
    registerIpc(core, { isTrustedSender: () => true, target: () => null });
    const res = (await fake.ipcMain.invoke(channelOf('refresh'), { sender: new FakeWebContents() })) as Result<unknown>;
    expect(res).toEqual({ ok: false, error: { code: 'UNKNOWN_ERROR', message: 'Something went wrong.' } });
  });

  it('dispose removes every handler and stops forwarding', () => {
    const { core, emit } = recordingCore();
    const target = new FakeWebContents();
    const dispose = registerIpc(core, { isTrustedSender: () => true, target: () => target as never });
    dispose();
    expect(fake.ipcMain.handlers.size).toBe(0);
    emit('state', { status: 'ready' });
    expect(target.sent).toEqual([]);
  });
});

describe('registerIpc: pushed events', () => {
  it('forwards core events to the popup only, on the event channels, payload as is', async () => {
    const { core, emit } = recordingCore();
    const popup = await popupFixture();
    const bystander = new FakeWebContents();
    registerIpc(core, { isTrustedSender: () => true, target: () => popup.webContents });
    const wc = popup.webContents as unknown as FakeWebContents;
    wc.sent = [];
    emit('state', { status: 'offline' });
    emit('settings', { platform: 'linux' });
    emit('oauthDone', { account: null });
    expect(wc.sent).toEqual([
      [eventChannelOf('state'), { status: 'offline' }],
      [eventChannelOf('settings'), { platform: 'linux' }],
      [eventChannelOf('oauthDone'), { account: null }],
    ]);
    expect(bystander.sent).toEqual([]);
  });

  it('drops events while the popup is gone instead of throwing', async () => {
    const { core, emit } = recordingCore();
    const popup = await popupFixture();
    registerIpc(core, { isTrustedSender: () => true, target: () => popup.webContents });
    (popup.window as unknown as FakeBrowserWindow).destroy();
    expect(() => emit('state', { status: 'ready' })).not.toThrow();
  });

  it('drops events while there is no popup yet', () => {
    const { core, emit } = recordingCore();
    registerIpc(core, { isTrustedSender: () => true, target: () => null });
    expect(() => emit('shown', { focus: null })).not.toThrow();
  });
});

describe('registerIpc with the real core: argument rejection', () => {
  let portal: FakePortal;
  let dir: string;
  let requests: string[];
  let core: ReturnType<typeof createAppCore>;
  let wc: FakeWebContents;

  beforeAll(async () => {
    portal = await startFakePortal({ seed: 'demo', rateLimit: false });
  });
  afterAll(async () => {
    await portal.close();
  });

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'b24-ipc-'));
    requests = [];
    const { store } = openStore(confFactory, { cwd: dir });
    core = createAppCore(
      {
        store,
        secretBox: createAesSecretBox(randomBytes(32)),
        fetch: (input, init) => {
          requests.push(String(input));
          return globalThis.fetch(input, init);
        },
        clock: systemClock,
        logger: silentLogger,
        shortcuts: { register: () => true, unregister: () => {} },
        autostart: { isEnabled: async () => false, setEnabled: async () => {} },
        popup: { show() {}, hide() {}, toggle() {}, isVisible: () => false },
        opener: { openExternal: async () => {} },
        notifier: { notify() {} },
        platform: 'linux',
        version: '0.1.0',
        locale: 'en-US',
      },
      { batchWindowMs: 10 },
    );
    const popup = await popupFixture();
    wc = popup.webContents as unknown as FakeWebContents;
    registerIpc(core, { isTrustedSender: (e) => popup.isTrustedSender(e), target: () => popup.webContents });
    const signIn = (await fake.ipcMain.invoke(
      channelOf('signInWithWebhook'),
      { sender: wc },
      portal.webhookUrl,
    )) as Result<{
      id: string;
    }>;
    expect(signIn.ok).toBe(true);
    await until(() => core.state().dialogs.length > 0);
    requests = [];
    portal.resetCalls();
    return async () => {
      await core.stop();
      rmSync(dir, { recursive: true, force: true });
    };
  });

  async function call(name: (typeof INVOKE_NAMES)[number], ...args: unknown[]): Promise<Result<unknown>> {
    return (await fake.ipcMain.invoke(channelOf(name), { sender: wc }, ...args)) as Result<unknown>;
  }

  it.each([
    ['setUnread', ['ACCOUNT', 'chat0', true], 'INVALID_DIALOG_ID'],
    ['setUnread', ['ACCOUNT', 'chat74', 'yes'], 'INVALID_ARGUMENT'],
    ['setUnread', ['ACCOUNT', { toString: 'chat74' }, true], 'INVALID_DIALOG_ID'],
    ['setUnread', ['ACCOUNT'], 'INVALID_ARGUMENT'],
    ['setUnread', ['nobody', 'chat74', true], 'UNKNOWN_ACCOUNT'],
    ['openInBitrix', ['ACCOUNT', 'javascript:alert(1)'], 'INVALID_DIALOG_ID'],
    ['signInWithWebhook', ['http://evil.example/rest/1/abc/'], 'INSECURE_URL'],
    ['signInWithWebhook', [42], 'INVALID_ARGUMENT'],
    ['updateSettings', [{ pollIntervalSec: 1 }], 'INVALID_ARGUMENT'],
    ['snooze', ['ACCOUNT', 'chat74', -1], 'INVALID_ARGUMENT'],
  ])('%s(%j) → %s, and nothing reaches the portal', async (name, rawArgs, code) => {
    const account = core.state().accounts[0]!.id;
    const args = (rawArgs as unknown[]).map((a) => (a === 'ACCOUNT' ? account : a));
    const res = await call(name as (typeof INVOKE_NAMES)[number], ...args);
    expect(res.ok).toBe(false);
    if (!res.ok) {
      expect(res.error.code).toBe(code);
      // A sentence a user can act on, not a stack trace.
      expect(res.error.message).toMatch(/^[A-Z"a-z].{10,}/);
      expect(res.error.message).not.toMatch(/\bat .*\.ts:\d+/);
    }
    // Exact, not a sleep: a call that got through would be queued by now (dispatch has resolved),
    // and the portal has nothing in flight.
    expect(core.state().pendingActions).toBe(0);
    await portal.idle();
    expect(requests).toEqual([]);
    expect(portal.calls).toEqual([]);
  });

  it('a valid toggle through the bridge reaches the portal as exactly one im.recent.unread', async () => {
    const d = core.state().dialogs[0]!;
    const res = await call('setUnread', d.accountId, d.dialogId, !d.unread);
    expect(res.ok).toBe(true);
    await until(() => portal.callsTo('im.recent.unread').length > 0 || portal.callsTo('batch').length > 0);
    const sent = portal.callsTo('im.recent.unread');
    expect(sent).toHaveLength(1);
    expect(sent[0]!.params).toMatchObject({ DIALOG_ID: d.dialogId, ACTION: d.unread ? 'N' : 'Y' });
  });

  it('a forged sender cannot toggle even with valid arguments', async () => {
    const d = core.state().dialogs[0]!;
    const forged = new FakeWebContents();
    forged.mainFrame.url = wc.mainFrame.url;
    const res = (await fake.ipcMain.invoke(
      channelOf('setUnread'),
      { sender: forged },
      d.accountId,
      d.dialogId,
      true,
    )) as Result<unknown>;
    expect(res).toMatchObject({ ok: false, error: { code: 'FORBIDDEN_SENDER' } });
    expect(core.state().pendingActions).toBe(0);
    await portal.idle();
    expect(portal.calls).toEqual([]);
  });
});

async function until(cond: () => boolean, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 10));
  }
}
