import { beforeEach, describe, expect, it, vi } from 'vitest';

vi.mock('electron', async () => (await import('../../../tests/mocks/electron')).electronModule);

import { fake, resetElectronMock } from '../../../tests/mocks/electron';
import { parseLaunchArgs } from '../core/cli-args';
import { handleLaunch, onSecondInstance, type LaunchTargets } from './launch';

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
    fake.app.emit('second-instance', {}, argv, '/home/u', {});
    await flush();
    return x;
  }

  it('--toggle chat74 toggles that dialog without opening the popup', async () => {
    const { did, notes } = await second([EXE, '--toggle', 'chat74', '--original-process-start-time=1']);
    expect(did).toEqual(['toggle chat74']);
    expect(notes).toEqual([]);
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
