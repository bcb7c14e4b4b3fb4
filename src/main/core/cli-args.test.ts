import { describe, expect, it } from 'vitest';
import { isEmptyLaunch, parseLaunchArgs } from './cli-args';

const EXE = '/opt/B24 Unread Tray/b24-unread-tray';

describe('parseLaunchArgs', () => {
  it('reads --show, --refresh and --toggle <id>', () => {
    expect(parseLaunchArgs([EXE, '--show', '--refresh', '--toggle', 'chat74'])).toEqual({
      show: true,
      refresh: true,
      toggle: 'chat74',
      errors: [],
    });
  });

  it.each([
    [['--toggle=chat74'], 'chat74'],
    [['--toggle', '123'], '123'],
    [['--toggle', 'sg17'], 'sg17'],
    [['--toggle= chat9 '], 'chat9'],
    [['--toggle', 'chat1', '--toggle=chat2'], 'chat2'],
  ])('%j toggles %s', (args, id) => {
    const a = parseLaunchArgs([EXE, ...args]);
    expect(a.toggle).toBe(id);
    expect(a.errors).toEqual([]);
  });

  it('ignores the executable, the dev app path and Chromium switches', () => {
    const a = parseLaunchArgs([
      '/usr/lib/electron/electron',
      'out/main/index.js',
      '--original-process-start-time=13380000000000000',
      '--allow-file-access-from-files',
      '--enable-features=GlobalShortcutsPortal',
    ]);
    expect(a).toEqual({ show: false, refresh: false, toggle: null, errors: [] });
    expect(isEmptyLaunch(a)).toBe(true);
  });

  it('reports a bad dialog id as a message a user can act on, without toggling', () => {
    const a = parseLaunchArgs([EXE, '--toggle', 'bad']);
    expect(a.toggle).toBeNull();
    expect(a.errors).toHaveLength(1);
    expect(a.errors[0]).toContain('--toggle');
    expect(a.errors[0]).toContain('"bad"');
    expect(a.errors[0]).toContain('chat74');
    expect(isEmptyLaunch(a)).toBe(false);
  });

  it.each([[['--toggle']], [['--toggle=']], [['--toggle', '--show']], [['--toggle', '   ']]])(
    '%j reports the missing id',
    (args) => {
      const a = parseLaunchArgs([EXE, ...args]);
      expect(a.toggle).toBeNull();
      expect(a.errors).toEqual(['--toggle needs a dialog id, for example: --toggle chat74']);
    },
  );

  it('still honours --show after a missing --toggle value', () => {
    expect(parseLaunchArgs([EXE, '--toggle', '--show']).show).toBe(true);
  });

  it.each(['chat0', 'chat74; rm -rf ~', '-5', 'x'.repeat(10_000)])('rejects %j without a crash', (bad) => {
    const a = parseLaunchArgs([EXE, '--toggle', bad]);
    expect(a.toggle).toBeNull();
    expect(a.errors).toHaveLength(1);
    // Long input is shortened in the message, not echoed whole.
    expect(a.errors[0]!.length).toBeLessThan(400);
  });

  it('survives argv that is not an array of strings', () => {
    expect(parseLaunchArgs(undefined as unknown as string[]).errors).toHaveLength(1);
    expect(parseLaunchArgs([EXE, 42 as unknown as string, '--show']).show).toBe(true);
  });
});
