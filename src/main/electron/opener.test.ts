import { beforeEach, describe, expect, it, vi } from 'vitest';

vi.mock('electron', async () => (await import('../../../tests/mocks/electron')).electronModule);

import { FakeNotification, fake, resetElectronMock } from '../../../tests/mocks/electron';
import { createNotifier } from './notifier';
import { createOpener, isOpenableUrl } from './opener';

beforeEach(() => resetElectronMock());

describe('opener', () => {
  it.each([
    'https://acme.bitrix24.ru/online/?IM_DIALOG=chat74',
    'http://127.0.0.1:5199/online/?IM_DIALOG=chat74',
    'http://localhost:8080/oauth',
  ])('opens %s', async (url) => {
    await createOpener().openExternal(url); // eng-disable OPEN_EXTERNAL_JS_CHECK: a test of the guard itself
    expect(fake.shell.opened).toEqual([url]);
  });

  it.each([
    'file:///etc/passwd',
    'smb://evil/share',
    'javascript:alert(1)',
    'http://acme.bitrix24.ru/',
    'https://user:pass@acme.bitrix24.ru/',
    'ms-msdt:/id PCWDiagnostic',
    'not a url',
    '',
    `https://x.ru/${'a'.repeat(5000)}`,
  ])('refuses %s with FORBIDDEN_URL and opens nothing', async (url) => {
    expect(isOpenableUrl(url)).toBe(false);
    await expect(createOpener().openExternal(url)).rejects.toMatchObject({ code: 'FORBIDDEN_URL' }); // eng-disable OPEN_EXTERNAL_JS_CHECK
    expect(fake.shell.opened).toEqual([]);
  });
});

describe('notifier', () => {
  it('shows a notification and runs the callback on click', () => {
    const onClick = vi.fn();
    createNotifier().notify({ title: 'Sales', body: '2 new messages', onClick });
    const n = FakeNotification.instances[0]!;
    expect(n.options).toMatchObject({ title: 'Sales', body: '2 new messages' });
    expect(n.shown).toBe(true);
    n.emit('click');
    expect(onClick).toHaveBeenCalledOnce();
  });

  it('does nothing where notifications are unsupported, but says so', () => {
    FakeNotification.supported = false;
    const onFailed = vi.fn();
    createNotifier().notify({ title: 't', body: 'b', onClick: () => {}, onFailed });
    expect(FakeNotification.instances).toHaveLength(0);
    expect(onFailed).toHaveBeenCalledOnce();
  });

  it('says so when the system refuses to show it (no notification server, an unsigned macOS build)', () => {
    FakeNotification.refusal = 'GDBus.Error:org.freedesktop.DBus.Error.ServiceUnknown';
    const onFailed = vi.fn();
    createNotifier().notify({ title: 't', body: 'b', onClick: () => {}, onFailed });
    expect(FakeNotification.instances[0]!.shown).toBe(false);
    expect(onFailed).toHaveBeenCalledOnce();
    createNotifier().notify({ title: 't', body: 'b', onClick: () => {} }); // no fallback asked: nothing thrown
  });
});
