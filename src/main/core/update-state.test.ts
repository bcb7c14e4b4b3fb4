import { describe, expect, it } from 'vitest';
import { fakeClock as createFakeClock } from '../../../tests/support/fake-clock';
import {
  checkFeedUrl,
  createUpdateScheduler,
  initialUpdateState,
  parseBakedFeedUrl,
  reduceUpdateState,
  resolveUpdateFeed,
  shouldCheck,
  UPDATE_CHECK_INTERVAL_MS,
  updateMenuItem,
  type UpdateState,
} from './update-state';

const packaged = { isPackaged: true, install: 'nsis' as const };

describe('resolveUpdateFeed', () => {
  it('is off in dev runs, deb installs and unknown installs, whatever the feed', () => {
    const url = 'https://updates.example.com/';
    expect(resolveUpdateFeed({ isPackaged: false, install: 'nsis', bakedUrl: url })).toEqual({
      enabled: false,
      reason: 'not a packaged build',
    });
    expect(resolveUpdateFeed({ isPackaged: true, install: 'deb', bakedUrl: url })).toMatchObject({
      enabled: false,
      reason: expect.stringMatching(/package manager/),
    });
    expect(resolveUpdateFeed({ isPackaged: true, install: 'other', bakedUrl: url })).toMatchObject({ enabled: false });
  });

  it('is on for AppImage, macOS and NSIS with a feed', () => {
    for (const install of ['appimage', 'mac', 'nsis'] as const) {
      expect(resolveUpdateFeed({ isPackaged: true, install, bakedUrl: 'https://u.example.com/feed' })).toEqual({
        enabled: true,
        url: 'https://u.example.com/feed',
        source: 'baked',
      });
    }
  });

  it('prefers the option, then the baked URL', () => {
    const all = { ...packaged, optionUrl: 'https://a.example.com/', bakedUrl: 'https://c.example.com/' };
    expect(resolveUpdateFeed(all)).toMatchObject({ url: 'https://a.example.com/', source: 'option' });
    expect(resolveUpdateFeed({ ...all, optionUrl: '  ' })).toMatchObject({
      url: 'https://c.example.com/',
      source: 'baked',
    });
  });

  // Issue 12 (security review): the environment used to override the feed of packaged builds too.
  it('B24UT_UPDATE_URL only in unpackaged runs: a packaged build ignores it', () => {
    const env = { envUrl: 'https://attacker.example.com/', bakedUrl: 'https://c.example.com/' };
    expect(resolveUpdateFeed({ ...packaged, ...env })).toEqual({
      enabled: true,
      url: 'https://c.example.com/',
      source: 'baked',
    });
    expect(resolveUpdateFeed({ ...packaged, envUrl: 'https://attacker.example.com/' })).toEqual({
      enabled: false,
      reason: 'no update feed is configured',
    });
    expect(resolveUpdateFeed({ isPackaged: false, install: 'other', ...env })).toEqual({
      enabled: true,
      url: 'https://attacker.example.com/',
      source: 'env',
    });
  });

  it('treats the unconfigured default and a missing feed as "no updates"', () => {
    expect(resolveUpdateFeed({ ...packaged, bakedUrl: 'https://updates.b24-unread-tray.invalid/' })).toEqual({
      enabled: false,
      reason: 'no update feed is configured',
    });
    expect(resolveUpdateFeed(packaged)).toEqual({ enabled: false, reason: 'no update feed is configured' });
  });

  it('refuses an insecure or malformed override instead of falling back to another feed', () => {
    const r = resolveUpdateFeed({
      ...packaged,
      optionUrl: 'http://updates.example.com/',
      bakedUrl: 'https://ok.example.com/',
    });
    expect(r).toEqual({ enabled: false, reason: 'the update feed must use https' });
    expect(resolveUpdateFeed({ isPackaged: false, install: 'nsis', envUrl: 'not a url' })).toMatchObject({
      enabled: false,
      reason: expect.stringMatching(/not a valid URL/),
    });
  });
});

describe('checkFeedUrl', () => {
  it('accepts https and loopback http, rejects the rest with a reason', () => {
    expect(checkFeedUrl('https://updates.example.com/x/')).toEqual({ ok: true, url: 'https://updates.example.com/x/' });
    expect(checkFeedUrl('http://127.0.0.1:8080/feed/')).toMatchObject({ ok: true });
    expect(checkFeedUrl('http://localhost:8080/feed/')).toMatchObject({ ok: true });
    expect(checkFeedUrl('ftp://updates.example.com/')).toEqual({ ok: false, reason: 'the update feed must use https' });
    expect(checkFeedUrl('file:///etc/passwd')).toEqual({ ok: false, reason: 'the update feed must use https' });
  });

  it('rejects credentials in the URL without echoing them', () => {
    const r = checkFeedUrl('https://user:hunter2@updates.example.com/');
    expect(r).toEqual({ ok: false, reason: 'the update feed URL must not contain credentials' });
    expect(JSON.stringify(r)).not.toContain('hunter2');
  });
});

describe('update state', () => {
  const on = initialUpdateState({ enabled: true, url: 'https://x.example.com/', source: 'baked' });

  it('walks check → download → ready, and offers "Restart to update" only when ready', () => {
    let s: UpdateState = on;
    expect(updateMenuItem(s)).toBeNull();
    s = reduceUpdateState(s, { type: 'checking' }, 1);
    expect(s.phase).toBe('checking');
    expect(shouldCheck(s)).toBe(false);
    s = reduceUpdateState(s, { type: 'available', version: '1.2.0' }, 2);
    expect(s).toMatchObject({ phase: 'downloading', version: '1.2.0', lastCheckedAt: 2 });
    expect(updateMenuItem(s)).toBeNull();
    s = reduceUpdateState(s, { type: 'downloaded', version: '1.2.0' }, 3);
    expect(s.phase).toBe('ready');
    expect(updateMenuItem(s)).toEqual({ label: 'Restart to update (1.2.0)', version: '1.2.0' });
    expect(shouldCheck(s)).toBe(false);
  });

  it('returns to idle when there is nothing new, and retries after an error', () => {
    let s = reduceUpdateState(reduceUpdateState(on, { type: 'checking' }, 1), { type: 'not-available' }, 5);
    expect(s).toMatchObject({ phase: 'idle', lastCheckedAt: 5 });
    expect(shouldCheck(s)).toBe(true);
    s = reduceUpdateState(s, { type: 'error', message: 'net::ERR_INTERNET_DISCONNECTED' }, 6);
    expect(s).toMatchObject({ phase: 'error', detail: 'net::ERR_INTERNET_DISCONNECTED' });
    expect(shouldCheck(s)).toBe(true);
    expect(updateMenuItem(s)).toBeNull();
  });

  it('keeps a downloaded update installable through later errors and checks', () => {
    let s = reduceUpdateState(on, { type: 'downloaded', version: '2.0.0' }, 1);
    s = reduceUpdateState(s, { type: 'error', message: 'offline' }, 2);
    s = reduceUpdateState(s, { type: 'checking' }, 3);
    s = reduceUpdateState(s, { type: 'not-available' }, 4);
    expect(updateMenuItem(s)).toEqual({ label: 'Restart to update (2.0.0)', version: '2.0.0' });
  });

  it('ignores everything when disabled', () => {
    const off = initialUpdateState({ enabled: false, reason: 'not a packaged build' });
    expect(reduceUpdateState(off, { type: 'downloaded', version: '9.9.9' }, 1)).toBe(off);
    expect(shouldCheck(off)).toBe(false);
  });
});

describe('createUpdateScheduler', () => {
  it('checks after the initial delay and then every interval', async () => {
    const clock = createFakeClock();
    let ticks = 0;
    const s = createUpdateScheduler({ clock, tick: () => void ticks++, initialDelayMs: 60_000 });
    s.start();
    await clock.advance(59_999);
    expect(ticks).toBe(0);
    await clock.advance(1);
    expect(ticks).toBe(1);
    await clock.advance(UPDATE_CHECK_INTERVAL_MS);
    expect(ticks).toBe(2);
    await clock.advance(UPDATE_CHECK_INTERVAL_MS * 3);
    expect(ticks).toBe(5);
    s.stop();
    await clock.advance(UPDATE_CHECK_INTERVAL_MS * 3);
    expect(ticks).toBe(5);
    expect(clock.pending()).toBe(0);
  });

  it('keeps going after a failing tick and never runs two at once', async () => {
    const clock = createFakeClock();
    let calls = 0;
    let release: () => void = () => undefined;
    const s = createUpdateScheduler({
      clock,
      initialDelayMs: 10,
      intervalMs: 100,
      tick: () => {
        calls++;
        if (calls === 1) throw new Error('boom');
        return new Promise<void>((r) => (release = r));
      },
    });
    s.start();
    s.start(); // idempotent
    await clock.advance(10);
    expect(calls).toBe(1);
    await clock.advance(100);
    expect(calls).toBe(2);
    // The second tick hangs: no third one however long we wait.
    await clock.advance(1000);
    expect(calls).toBe(2);
    release();
    await clock.advance(100);
    expect(calls).toBe(3);
    s.stop();
  });
});

describe('parseBakedFeedUrl', () => {
  it('reads the url electron-builder writes to app-update.yml', () => {
    const yml =
      'provider: generic\nurl: https://updates.example.com/b24/\nchannel: latest\nupdaterCacheDirName: b24-unread-tray-updater\n';
    expect(parseBakedFeedUrl(yml)).toBe('https://updates.example.com/b24/');
    expect(parseBakedFeedUrl("url: 'https://q.example.com/'\n")).toBe('https://q.example.com/');
    expect(parseBakedFeedUrl('provider: github\nowner: x\n')).toBeNull();
  });
});
