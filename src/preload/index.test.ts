import { beforeEach, describe, expect, it, vi } from 'vitest';

vi.mock('electron', async () => (await import('../../tests/mocks/electron')).electronModule);

import { fake } from '../../tests/mocks/electron';
import { EVENT_NAMES, INVOKE_NAMES, channelOf, eventChannelOf, type Api } from '../shared/ipc';

// Importing the preload runs it, as Electron does: it exposes window.api once.
await import('./index');
const api = fake.contextBridge.exposed['api'] as Api;

beforeEach(() => {
  fake.ipcRenderer.invoked = [];
  fake.ipcRenderer.removeAllListeners();
});

describe('preload bridge', () => {
  it('exposes exactly one object, `api`, and nothing else', () => {
    expect(Object.keys(fake.contextBridge.exposed)).toEqual(['api']);
  });

  it('has one function per intent plus on(), nothing else (no ipcRenderer, no send, no channels)', () => {
    expect(Object.keys(api).sort()).toEqual([...INVOKE_NAMES, 'on'].sort());
    for (const v of Object.values(api)) expect(typeof v).toBe('function');
    expect(Object.isFrozen(api)).toBe(true);
  });

  it('each intent invokes its channel with the arguments given', async () => {
    fake.ipcRenderer.invokeImpl = async (channel) => ({ ok: true, data: channel });
    await expect(api.setUnread('a1', 'chat74', true)).resolves.toEqual({ ok: true, data: channelOf('setUnread') });
    await api.getState();
    expect(fake.ipcRenderer.invoked).toEqual([[channelOf('setUnread'), 'a1', 'chat74', true], [channelOf('getState')]]);
  });

  it('on() delivers the payload only, never the IpcRendererEvent', () => {
    const got: unknown[][] = [];
    api.on('state', (...args: unknown[]) => got.push(args));
    fake.ipcRenderer.deliver(eventChannelOf('state'), { status: 'ready' });
    expect(got).toEqual([[{ status: 'ready' }]]);
  });

  it('the returned function unsubscribes, once', () => {
    const got: unknown[] = [];
    const off = api.on('shown', (p) => got.push(p));
    off();
    off();
    fake.ipcRenderer.deliver(eventChannelOf('shown'), { focus: null });
    expect(got).toEqual([]);
    expect(fake.ipcRenderer.listenerCount(eventChannelOf('shown'))).toBe(0);
  });

  it('listens only on declared event channels', () => {
    expect(() => api.on('b24:invoke:signOut' as never, () => {})).toThrow(/Unknown event/);
    expect(() => api.on('state', 'not a function' as never)).toThrow(TypeError);
    for (const e of EVENT_NAMES) {
      const off = api.on(e, () => {});
      expect(fake.ipcRenderer.listenerCount(eventChannelOf(e))).toBe(1);
      off();
    }
  });
});
