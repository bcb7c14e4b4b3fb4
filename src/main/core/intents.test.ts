/**
 * The channel map is the single source: a handler table that misses an
 * intent or takes the wrong argument types does not compile. Checked with
 * the TypeScript compiler API on a small fixture that imports the real
 * HandlerTable type (so the test fails if the derivation stops binding).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import ts from 'typescript';
import { afterAll, describe, expect, it } from 'vitest';
import { INTENTS, INVOKE_NAMES } from '../../shared/intents';
import { validateArgs } from './validate';

const dir = mkdtempSync(join(tmpdir(), 'b24ut-intents-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const ipcPath = resolve(import.meta.dirname, '../../shared/ipc.ts').replace(/\.ts$/, '');

/** A fixture declaring a full handler table; `override` replaces or removes (null) one entry. */
function fixture(override: string): string {
  const ok = `
    getState: () => ({}) as never,
    refresh: () => ({}) as never,
    setUnread: (accountId, dialogId, unread) => { const d: string = dialogId; void [accountId, d, unread]; return {} as never; },
    setUnreadMany: (targets, unread) => ({ queued: targets.length + (unread ? 0 : 0) }),
    openInBitrix: () => null,
    snooze: () => ({}) as never,
    unsnooze: () => ({}) as never,
    unpin: () => null,
    pin: () => null,
    signInWithWebhook: () => ({}) as never,
    startOAuth: () => ({}) as never,
    cancelOAuth: () => null,
    signOut: () => null,
    getSettings: () => ({}) as never,
    updateSettings: () => ({}) as never,
    dismissNotice: () => null,
    hidePopup: () => null,`;
  return `import type { HandlerTable } from ${JSON.stringify(ipcPath)};
export const table: HandlerTable = {${override ? ok.replace(/\n\s*setUnread:.*$/m, override) : ok}
};
`;
}

function diagnostics(source: string): string[] {
  const file = join(dir, `fixture-${Math.random().toString(36).slice(2)}.ts`);
  writeFileSync(file, source);
  const program = ts.createProgram([file], {
    strict: true,
    noEmit: true,
    target: ts.ScriptTarget.ES2023,
    module: ts.ModuleKind.ESNext,
    moduleResolution: ts.ModuleResolutionKind.Bundler,
    skipLibCheck: true,
    types: [],
  });
  return ts
    .getPreEmitDiagnostics(program)
    .filter((d) => d.file?.fileName === file)
    .map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'));
}

describe('the handler table is typed from the intents', () => {
  it('a complete, well-typed table compiles (the control)', () => {
    expect(diagnostics(fixture(''))).toEqual([]);
  }, 60_000);

  it('a handler with a mistyped argument fails the type check', () => {
    const d = diagnostics(
      fixture('\n    setUnread: (accountId: string, dialogId: string, unread: string) => ({}) as never,'),
    );
    expect(d.join('\n')).toMatch(/setUnread[\s\S]*boolean[\s\S]*string|not assignable/);
    expect(d.length).toBeGreaterThan(0);
  }, 60_000);

  it('a handler returning the wrong result fails the type check', () => {
    const d = diagnostics(fixture("\n    setUnread: () => 'done',"));
    expect(d.length).toBeGreaterThan(0);
  }, 60_000);

  it('a missing handler fails the type check', () => {
    const d = diagnostics(fixture('\n'));
    expect(d.join('\n')).toMatch(/setUnread/);
  }, 60_000);
});

describe('validateArgs (the schemas as runtime validators)', () => {
  it('covers every intent, in the table order', () => {
    expect(INVOKE_NAMES).toEqual(Object.keys(INTENTS));
  });

  it.each([
    [
      'setUnread',
      ['acc1', 'chat74', 'true'],
      'INVALID_ARGUMENT',
      'setUnread: unread must be true or false (got "true").',
    ],
    ['setUnread', [42, 'chat74', true], 'INVALID_ARGUMENT', /^setUnread: accountId must be a non-empty string/],
    ['setUnread', ['acc1', ' chat74', true], 'INVALID_DIALOG_ID', /Not a Bitrix24 dialog id: " chat74"/],
    ['setUnread', ['acc1', 'chat74'], 'INVALID_ARGUMENT', 'setUnread takes 3 arguments, got 2.'],
    [
      'setUnreadMany',
      [[{ accountId: 'acc1', dialogId: 'chat74', unread: true }], false],
      'INVALID_ARGUMENT',
      'setUnreadMany: targets[0] must be an object with exactly the fields accountId and dialogId (got an object).',
    ],
    [
      'setUnreadMany',
      [
        [
          { accountId: 'acc1', dialogId: 'chat74' },
          { accountId: 42, dialogId: 'x' },
        ],
        false,
      ],
      'INVALID_DIALOG_ID',
      /"x"/,
    ],
    ['setUnreadMany', [[], false], 'INVALID_ARGUMENT', /^setUnreadMany: targets must be a list of 1 to 1000 dialogs/],
    [
      'signInWithWebhook',
      ['   '],
      'INVALID_ARGUMENT',
      /^signInWithWebhook: The webhook URL must be a non-empty string/,
    ],
    [
      'startOAuth',
      [{ portal: 'a', clientId: 'b' }],
      'INVALID_ARGUMENT',
      /exactly the fields portal, clientId and clientSecret/,
    ],
  ] as const)('%s %j → %s saying which argument and why', (name, args, code, message) => {
    let thrown: unknown = null;
    try {
      validateArgs(name, args);
    } catch (e) {
      thrown = e;
    }
    expect(thrown).toMatchObject({ code });
    expect((thrown as Error).message).toMatch(message);
  });

  it('returns the arguments untouched when they match', () => {
    const targets = [{ accountId: 'acc1', dialogId: 'sg17' }];
    expect(validateArgs('setUnreadMany', [targets, true])).toEqual([targets, true]);
  });
});
