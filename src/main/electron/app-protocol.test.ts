import { beforeEach, describe, expect, it, vi } from 'vitest';

vi.mock('electron', async () => (await import('../../../tests/mocks/electron')).electronModule);

import { fake, resetElectronMock } from '../../../tests/mocks/electron';
import { testRendererRoot } from '../../../tests/support/app-scheme';
import { registerAppScheme, serveAppScheme } from './app-protocol';
import { APP_INDEX_URL, createAppUrlMatcher, resolveAppFile } from './app-url';
import { CONTENT_SECURITY_POLICY } from './security';

beforeEach(() => resetElectronMock());

describe('the app scheme (the popup under the grantFileProtocolExtraPrivileges fuse)', () => {
  it('is registered privileged (standard + secure) before ready, and Electron refuses it after', () => {
    fake.app.ready = false;
    registerAppScheme();
    expect(fake.protocol.privileged).toEqual([
      { scheme: 'b24ut', privileges: { standard: true, secure: true, supportFetchAPI: true, codeCache: true } },
    ]);
    fake.app.becomeReady();
    expect(() => registerAppScheme()).toThrow(/before app is ready/);
  });

  it('serves the page and its module script with the right type and the popup CSP', async () => {
    serveAppScheme(testRendererRoot());
    const page = (await fake.protocol.fetch(APP_INDEX_URL))!;
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(page.headers.get('content-security-policy')).toBe(CONTENT_SECURITY_POLICY);
    expect(await page.text()).toContain('type="module"');
    const script = (await fake.protocol.fetch('b24ut://popup/assets/index.js'))!;
    // Chromium refuses a module script that is not served as JavaScript.
    expect(script.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect((await fake.protocol.fetch('b24ut://popup/'))!.status).toBe(200);
  });

  it.each([
    'b24ut://popup/../../../../etc/passwd',
    'b24ut://popup/%2e%2e/%2e%2e/etc/passwd',
    'b24ut://popup/assets/..%2f..%2f..%2fetc/passwd',
    'b24ut://popup/assets%5c..%5c..%5cetc/passwd',
    'b24ut://popup/index.html%00.js',
    'b24ut://other/index.html',
    'b24ut://popup/missing.html',
  ])('answers 404 for %s, never a file outside out/renderer', async (url) => {
    serveAppScheme(testRendererRoot());
    expect((await fake.protocol.fetch(url))!.status).toBe(404);
  });

  it('answers 405 to anything but GET/HEAD', async () => {
    serveAppScheme(testRendererRoot());
    expect((await fake.protocol.fetch(APP_INDEX_URL, { method: 'POST', body: 'x' }))!.status).toBe(405);
  });

  it('resolveAppFile stays inside the root', () => {
    expect(resolveAppFile('/r', 'b24ut://popup/index.html')).toBe('/r/index.html');
    expect(resolveAppFile('/r', 'b24ut://popup/a/b.js')).toBe('/r/a/b.js');
    expect(resolveAppFile('/r', 'file:///r/index.html')).toBeNull();
    expect(resolveAppFile('/r', 'b24ut://popup/%E0%A4%A')).toBeNull();
  });

  it('the sender matcher accepts exactly the index page on the app scheme (and a loopback dev server)', () => {
    const m = createAppUrlMatcher({ devUrl: 'http://localhost:5173/' });
    expect(m(APP_INDEX_URL)).toBe(true);
    expect(m(`${APP_INDEX_URL}#/settings?x=1`)).toBe(true);
    expect(m('b24ut://popup/assets/index.js')).toBe(false);
    expect(m('b24ut://evil/index.html')).toBe(false);
    expect(m('file:///opt/app.asar/out/renderer/index.html')).toBe(false);
    expect(m('http://localhost:5173/x')).toBe(true);
    expect(createAppUrlMatcher()('http://localhost:5173/')).toBe(false);
    expect(createAppUrlMatcher({ devUrl: 'http://evil.example:5173/' })('http://evil.example:5173/')).toBe(false);
  });
});
