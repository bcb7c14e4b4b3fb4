import { afterAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

vi.mock('electron', async () => (await import('../../../tests/mocks/electron')).electronModule);

import { FakeEvent, fake, resetElectronMock } from '../../../tests/mocks/electron';
import { parseLaunchArgs } from '../core/cli-args';
import {
  acquireSingleInstanceLock,
  handleLaunch,
  launchArgvOf,
  onActivate,
  onSecondInstance,
  showFirstRunHint,
  type LaunchTargets,
} from './launch';

function targets() {
  const did: string[] = [];
  const notes: { title: string; body: string; onClick: () => void }[] = [];
  const t: LaunchTargets = {
    core: {
      toggleDialog: async (id) => void did.push(`toggle ${id}`),
      refresh: async () => void did.push('refresh'),
    },
    popup: { show: (focus) => void did.push(`show ${focus ?? ''}`.trim()) },
    notifier: { notify: (n) => void notes.push(n) },
    logger: { warn: vi.fn(), error: vi.fn() },
  };
  return { t, did, notes };
}

const EXE = '/opt/B24 Unread Tray/b24-unread-tray';
const flush = () => new Promise((r) => setImmediate(r));

beforeEach(() => resetElectronMock());

describe('second-instance arguments', () => {
  async function second(argv: string[]) {
    const x = targets();
    onSecondInstance(x.t);
    // As Electron delivers it: Chromium's reordered argv, and the sender's own argv as additionalData.
    fake.app.launchSecond(argv);
    await flush();
    return x;
  }

  it('--toggle chat74 toggles that dialog without opening the popup', async () => {
    const { did, notes } = await second([EXE, '--toggle', 'chat74']);
    expect(did).toEqual(['toggle chat74']);
    expect(notes).toEqual([]);
  });

  it("Chromium's reordered argv would split --toggle from its id: the sender's argv is used", async () => {
    const x = targets();
    onSecondInstance(x.t);
    let received: string[] = [];
    fake.app.on('second-instance', (_e, argv: string[]) => (received = argv));
    fake.app.launchSecond([EXE, '--toggle', 'chat74']);
    await flush();
    expect(received[1]).toBe('--toggle');
    expect(received[2]).not.toBe('chat74'); // the double is faithful: Chromium's switches come in between
    expect(x.did).toEqual(['toggle chat74']);
    expect(x.notes).toEqual([]);
  });

  it('a sender that sent no argv (an older version) falls back to what Chromium passed', async () => {
    const x = targets();
    onSecondInstance(x.t);
    fake.app.launchSecond([EXE, '--toggle=chat74'], undefined);
    await flush();
    expect(x.did).toEqual(['toggle chat74']);
    expect(launchArgvOf(['a', 1, 'b'], { argv: ['x', 2] })).toEqual(['a', 'b']);
  });

  it('--toggle bad reports the problem as a notification and toggles nothing', async () => {
    const { did, notes, t } = await second([EXE, '--toggle', 'bad']);
    expect(did).toEqual([]);
    expect(notes).toHaveLength(1);
    expect(notes[0]!.body).toContain('Not a Bitrix24 dialog id: "bad"');
    notes[0]!.onClick();
    expect(did).toEqual(['show']);
    expect(t.logger.warn).toHaveBeenCalled();
  });

  it('--show shows the popup', async () => {
    expect((await second([EXE, '--show'])).did).toEqual(['show']);
  });

  it('--refresh reloads without showing', async () => {
    expect((await second([EXE, '--refresh'])).did).toEqual(['refresh']);
  });

  it('a plain second launch shows the popup', async () => {
    expect((await second([EXE])).did).toEqual(['show']);
  });

  it('flags combine', async () => {
    const { did } = await second([EXE, '--refresh', '--toggle=sg17', '--show']);
    expect(did.sort()).toEqual(['refresh', 'show', 'toggle sg17']);
  });

  it('a failing toggle is logged, not thrown', async () => {
    const x = targets();
    x.t.core.toggleDialog = () => Promise.reject(Object.assign(new Error('x'), { code: 'UNKNOWN_DIALOG' }));
    await expect(handleLaunch(parseLaunchArgs([EXE, '--toggle', 'chat5']), 'second', x.t)).resolves.toBeUndefined();
    expect(x.t.logger.error).toHaveBeenCalledWith('--toggle failed', { error: 'UNKNOWN_DIALOG' });
  });

  it('survives a malformed argv', async () => {
    const x = targets();
    onSecondInstance(x.t);
    expect(() => fake.app.emit('second-instance', {}, undefined, '', null)).not.toThrow();
    await flush();
    expect(x.did).toEqual(['show']);
  });
});

describe('the single-instance lock', () => {
  const manual = () => {
    const waits: number[] = [];
    return { waits, wait: async (ms: number) => void waits.push(ms) };
  };

  it('an ordinary second launch does not wait: it hands over its argv and exits', async () => {
    const sent: unknown[] = [];
    const w = manual();
    const got = await acquireSingleInstanceLock({
      request: (d) => (sent.push(d), false),
      argv: [EXE, '--show'],
      env: {},
      wait: w.wait,
    });
    expect(got).toBe(false);
    expect(sent).toEqual([{ argv: [EXE, '--show'] }]);
    expect(w.waits).toEqual([]);
  });

  it('the AppImage the updater started waits for the old instance to quit, then runs', async () => {
    let held = 3; // the old instance quits after three more asks
    const sent: unknown[] = [];
    const w = manual();
    const got = await acquireSingleInstanceLock({
      request: (d) => (sent.push(d), held-- <= 0),
      argv: [EXE],
      env: { APPIMAGE: '/home/u/Apps/b24.AppImage', APPIMAGE_SILENT_INSTALL: 'true' },
      wait: w.wait,
      intervalMs: 250,
    });
    expect(got).toBe(true);
    expect(w.waits).toEqual([250, 250, 250]);
    expect(sent.every((d) => (d as { relaunch?: boolean }).relaunch === true)).toBe(true);
  });

  it('gives up after the timeout', async () => {
    const w = manual();
    const got = await acquireSingleInstanceLock({
      request: () => false,
      argv: [EXE],
      env: { APPIMAGE: '/a.AppImage', APPIMAGE_SILENT_INSTALL: 'true' },
      wait: w.wait,
      timeoutMs: 1000,
      intervalMs: 250,
    });
    expect(got).toBe(false);
    expect(w.waits).toHaveLength(4);
  });

  it("the quitting instance ignores the relaunch's notifications (no popup flash)", async () => {
    const x = targets();
    onSecondInstance(x.t);
    fake.app.launchSecond([EXE], { argv: [EXE], relaunch: true });
    await flush();
    expect(x.did).toEqual([]);
  });
});

describe('macOS activate (Finder, Spotlight, Dock)', () => {
  it('shows the popup, as a plain second launch does', () => {
    const x = targets();
    const off = onActivate(x.t);
    fake.app.emit('activate', new FakeEvent(), false);
    expect(x.did).toEqual(['show']);
    off();
    fake.app.emit('activate', new FakeEvent(), false);
    expect(x.did).toEqual(['show']);
  });
});

describe('first run on GNOME (no tray host without the AppIndicator extension)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'b24ut-first-run-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('opens the popup once and says how to get the tray or use --show', () => {
    const x = targets();
    const env = { platform: 'linux-wayland', desktop: 'ubuntu:GNOME', markerPath: join(dir, 'a') };
    expect(showFirstRunHint(x.t, env)).toBe(true);
    expect(x.did).toEqual(['show']);
    expect(x.notes).toHaveLength(1);
    expect(x.notes[0]!.body).toContain('AppIndicator');
    expect(x.notes[0]!.body).toContain('--show');
    expect(showFirstRunHint(x.t, env)).toBe(false);
    expect(x.did).toEqual(['show']);
  });

  it('says it in the app language', () => {
    const x = targets();
    const env = { platform: 'linux', desktop: 'GNOME', markerPath: join(dir, 'ru') };
    expect(showFirstRunHint({ ...x.t, lang: () => 'ru' }, env)).toBe(true);
    expect(x.notes[0]!.body).toMatch(/^GNOME показывает значки в трее только с расширением/);
    expect(x.notes[0]!.body).toContain('--show');
  });

  it.each([
    ['KDE', 'linux'],
    ['GNOME', 'win32'],
    ['', 'linux'],
  ])('stays in the tray on %s / %s', (desktop, platform) => {
    const x = targets();
    expect(showFirstRunHint(x.t, { platform, desktop, markerPath: join(dir, `m-${desktop}-${platform}`) })).toBe(false);
    expect(x.did).toEqual([]);
  });
});

describe('first launch arguments', () => {
  it('a plain first launch stays in the tray', async () => {
    const x = targets();
    await handleLaunch(parseLaunchArgs([EXE]), 'first', x.t);
    expect(x.did).toEqual([]);
  });

  it('--show at first launch shows', async () => {
    const x = targets();
    await handleLaunch(parseLaunchArgs([EXE, '--show']), 'first', x.t);
    expect(x.did).toEqual(['show']);
  });
});
