/**
 * Bad input, property-based: every IPC intent with arbitrary arguments,
 * through the REAL dispatch of a real core signed in to the fake portal.
 * The renderer is untrusted; whatever it sends, the answer is a Result
 * (never a throw), a refusal carries a known code (never UNKNOWN_ERROR,
 * which would mean a handler crashed), a refused call sends nothing to the
 * portal and opens nothing, and afterwards the app still works.
 */
import { explain } from '../../src/shared/errors';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { INVOKE_NAMES, type InvokeName } from '../../src/shared/ipc';
import { isKnownErrorCode } from '../../src/shared/errors';
import type { Result } from '../../src/shared/result';
import { generateDialogs, startFakePortal, type FakePortal } from '../../dev/fake-portal/server';
import { openCore, signInWebhook, type CoreHandle } from '../fault/harness';
import { sleep, until } from '../support/wait';

let portal: FakePortal;
let h: CoreHandle;
let acc: string;
let code: string;

beforeAll(async () => {
  portal = await startFakePortal({ seed: generateDialogs(12, { pinned: 10, unread: 3 }), rateLimit: false });
  h = openCore({ browser: false });
  acc = await signInWebhook(h, portal);
  code = portal.webhookUrl.split('/').filter(Boolean).pop()!;
});
afterAll(async () => {
  await h.core.stop();
  await portal.close();
});

/** Intents that may reach the portal: wait past the batch window before counting requests. */
const NETWORKED = new Set<InvokeName>([
  'setUnread',
  'setUnreadMany',
  'snooze',
  'unsnooze',
  'unpin',
  'pin',
  'refresh',
  'signInWithWebhook',
  'signOut',
]);

const junk = fc.oneof(
  fc.anything(),
  fc.constantFrom(null, undefined, NaN, -0, Infinity, '', ' ', [], {}, [[]], { length: 3 }, '__proto__', 'constructor'),
  fc.string({ maxLength: 3000 }),
);

/** Right arity, each slot a good value or a near miss: the validators' edges get exercised, not only the arity check. */
function nearArgs(name: InvokeName, accountId: string, pinned: string[]): fc.Arbitrary<unknown[]> {
  // Valid values weigh more, so that fully valid calls (which must succeed) are reached too.
  const account = fc.oneof(
    { arbitrary: fc.constant(accountId), weight: 4 },
    { arbitrary: fc.constantFrom('nobody', '', ` ${accountId}`, accountId.toUpperCase()), weight: 1 },
    { arbitrary: junk, weight: 1 },
  );
  const missDialog = fc.constantFrom('chat0', '01', 'chat74x', 'chat9999', ' 1000', 'sg1', '../1000', 'chat1002\u0000');
  const dialog = fc.oneof(
    { arbitrary: fc.constantFrom(...pinned), weight: 4 },
    { arbitrary: missDialog, weight: 1 },
    { arbitrary: junk, weight: 1 },
  );
  const bool = fc.oneof(
    { arbitrary: fc.boolean(), weight: 4 },
    { arbitrary: fc.constantFrom('true', 1, 0, 'Y', null), weight: 1 },
    { arbitrary: junk, weight: 1 },
  );
  const until = fc.oneof(
    fc.constant(0).map(() => Date.now() + 3_600_000),
    fc.constantFrom(-1, 0, NaN, Infinity, 1e20, '2030-01-01', Date.now() + 500 * 24 * 3600_000),
    junk,
  );
  const url = fc.oneof(
    fc.constantFrom(
      'http://127.0.0.1:1/rest/1/abcdefgh12/',
      'http://evil.example/rest/1/abcdefgh12/',
      'https://acme.bitrix24.ru/rest/1/short/',
      'javascript:alert(1)',
      `${'https://a.b/rest/1/abcdefgh12/'.repeat(100)}`,
    ),
    fc.webUrl(),
    junk,
  );
  const oauth = fc.oneof(
    fc.record({
      portal: fc.oneof(fc.constantFrom('acme', 'http://evil.example', 'https://', ''), junk),
      clientId: fc.oneof(fc.constantFrom('local.x', ''), junk),
      clientSecret: fc.oneof(fc.constantFrom('s3cr3t-value'), junk),
    }),
    fc.dictionary(fc.string({ maxLength: 12 }), junk, { maxKeys: 4 }),
    junk,
  );
  const patch = fc.oneof(
    fc.constantFrom(
      {},
      { theme: 'dark' },
      { theme: 'neon' },
      { pollIntervalSec: 5 },
      { pollIntervalSec: 60 },
      { language: 'ru' },
      { hotkeys: { togglePopup: 'Ctrl+Alt+B', slots: [] } },
      { hotkeys: { togglePopup: 'CommandOrControl+Shift+U' } },
      { notifyDialogs: ['x'.repeat(200)] },
      { oauthRedirectPort: 80 },
      { launchAtLogin: 'yes' },
      { schemaVersion: 2 },
    ),
    fc.dictionary(
      fc.constantFrom('theme', 'language', 'pollIntervalSec', 'hotkeys', 'notifications', 'x', '__proto__'),
      junk,
      { maxKeys: 3 },
    ),
    junk,
  );
  const id = fc.oneof(fc.string({ maxLength: 200 }), junk);
  const table: Record<InvokeName, fc.Arbitrary<unknown[]>> = {
    getState: fc.constant([]),
    refresh: fc.constant([]),
    setUnread: fc.tuple(account, dialog, bool),
    setUnreadMany: fc.tuple(
      fc.oneof(
        {
          arbitrary: fc.array(fc.record({ accountId: account, dialogId: dialog }), { minLength: 1, maxLength: 5 }),
          weight: 4,
        },
        {
          arbitrary: fc.array(fc.dictionary(fc.constantFrom('accountId', 'dialogId', 'unread'), junk), {
            maxLength: 3,
          }),
          weight: 1,
        },
        { arbitrary: junk, weight: 1 },
      ),
      bool,
    ),
    openInBitrix: fc.tuple(account, dialog),
    snooze: fc.tuple(account, dialog, until),
    unsnooze: fc.tuple(account, dialog),
    // A valid unpin takes the dialog off the list for good: only the last three may go, so that
    // most of the list stays for the other intents and the checks after the run.
    unpin: fc.tuple(
      account,
      fc.oneof(
        { arbitrary: fc.constantFrom(...pinned.slice(-3)), weight: 2 },
        { arbitrary: missDialog, weight: 1 },
        { arbitrary: junk, weight: 1 },
      ),
    ),
    // Pinning again a dialog that is pinned changes nothing on the portal; an unknown one it refuses.
    pin: fc.tuple(
      account,
      fc.oneof(
        { arbitrary: fc.constantFrom(...pinned.slice(0, 3)), weight: 2 },
        { arbitrary: missDialog, weight: 1 },
        { arbitrary: junk, weight: 1 },
      ),
    ),
    signInWithWebhook: fc.tuple(url),
    startOAuth: fc.tuple(oauth),
    cancelOAuth: fc.constant([]),
    // Signing the one account out is valid but would end the run early; it is exercised elsewhere.
    signOut: fc.tuple(fc.oneof(fc.constantFrom('nobody', ''), junk)),
    getSettings: fc.constant([]),
    updateSettings: fc.tuple(patch),
    dismissNotice: fc.tuple(id),
    hidePopup: fc.constant([]),
  };
  return table[name];
}

describe('every IPC argument (property)', () => {
  it('arbitrary arguments: a Result with a known code, nothing sent when refused, the app keeps working', async () => {
    const outcomes = new Set<string>();
    const pinned = h.core.state().dialogs.map((d) => d.dialogId);
    expect(pinned.length).toBeGreaterThan(3);
    const call = fc
      .constantFrom(...INVOKE_NAMES)
      .chain((name) =>
        fc.tuple(
          fc.constant(name),
          fc.oneof(
            { arbitrary: fc.array(junk, { maxLength: 4 }), weight: 1 },
            { arbitrary: nearArgs(name, acc, pinned), weight: 3 },
          ),
        ),
      );
    /** A pin delivered reloads the account's list after it: its requests are not the next call's. */
    let reloading = false;
    await fc.assert(
      fc.asyncProperty(call, async ([name, args]) => {
        await until(() => h.core.state().pendingActions === 0, 5_000, 'the queue to drain');
        for (let n = -1; reloading && n !== portal.calls.length;) {
          n = portal.calls.length;
          await sleep(30);
        }
        const before = portal.calls.length;
        const opened = h.opened.length;
        const r: Result<unknown> = await h.core.dispatch(name, args);
        // What goes back over the bridge must survive structured cloning and hold no secret.
        expect(() => structuredClone(r)).not.toThrow();
        expect(JSON.stringify(r) ?? '').not.toContain(code);
        outcomes.add(`${name}:${r.ok ? 'ok' : r.error.code}`);
        reloading = name === 'pin' && r.ok;
        if (r.ok) return;
        expect(isKnownErrorCode(r.error.code), r.error.code).toBe(true);
        expect(r.error.code, `${name}(${JSON.stringify(args)?.slice(0, 200)}) crashed`).not.toBe('UNKNOWN_ERROR');
        expect(typeof r.error.message).toBe('string');
        expect(r.error.message.length).toBeGreaterThan(0);
        expect(r.error.message.length).toBeLessThanOrEqual(500);
        expect(r.error.message).not.toMatch(/\n\s+at /);
        if (NETWORKED.has(name)) await sleep(15);
        // Refused: nothing reached the portal and nothing was opened.
        expect(portal.calls.slice(before)).toEqual([]);
        expect(h.opened.length).toBe(opened);
      }),
      {
        numRuns: 200,
        // Always run these too, so the checks below never depend on what the generator happened to pick.
        examples: [
          [['setUnread', [acc, pinned[0], true]]],
          [['setUnread', [acc, 'chat0', true]]],
          [['setUnreadMany', [pinned.slice(0, 3).map((dialogId) => ({ accountId: acc, dialogId })), false]]],
          [['setUnreadMany', [[{ accountId: acc, dialogId: 'chat0' }], false]]],
          [['unpin', [acc, pinned[pinned.length - 1]]]],
          [['unpin', [acc, 'chat0']]],
          [['unpin', [acc, 'chat9999']]],
          [['updateSettings', [{ theme: 'dark' }]]],
          [['updateSettings', [{ theme: 'neon' }]]],
        ],
      },
    );
    // The run reached refusals AND successes (the property did not pass by refusing everything).
    expect(outcomes).toContain('setUnread:ok');
    expect(outcomes).toContain('setUnread:INVALID_DIALOG_ID');
    expect(outcomes).toContain('setUnreadMany:ok');
    expect(outcomes).toContain('setUnreadMany:INVALID_DIALOG_ID');
    expect(outcomes).toContain('unpin:ok');
    expect(outcomes).toContain('unpin:UNKNOWN_DIALOG');
    expect(outcomes).toContain('unpin:INVALID_DIALOG_ID');
    expect(outcomes).toContain('updateSettings:ok');
    expect(outcomes).toContain('updateSettings:INVALID_ARGUMENT');

    // The app still works: a valid toggle is delivered, the state is sane, the account is signed in.
    await h.core.dispatch('cancelOAuth', []);
    const d = h.core.state().dialogs.find((x) => x.accountId === acc)!;
    portal.resetCalls();
    const r = await h.core.dispatch('setUnread', [acc, d.dialogId, !d.unread]);
    expect(r.ok).toBe(true);
    await until(() => h.core.state().pendingActions === 0, 5_000, 'the toggle');
    expect(portal.dialog(d.dialogId)?.unread).toBe(!d.unread);
    expect(h.core.state().accounts).toMatchObject([{ id: acc, status: 'ok' }]);
    expect((await h.core.dispatch('getState', [])).ok).toBe(true);
  }, 60_000);

  it('an unknown intent name or a non-list argument is refused, never dispatched', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(fc.string(), fc.constantFrom('__proto__', 'constructor', 'toString', 'handlers')),
        junk,
        async (name, args) => {
          fc.pre(!(INVOKE_NAMES as readonly string[]).includes(name));
          const r = await h.core.dispatch(name, Array.isArray(args) ? args : [args]);
          expect(r).toMatchObject({ ok: false, error: { code: 'UNKNOWN_CHANNEL' } });
          // In the catalogue's words, in the language an earlier property may have set.
          expect([explain('UNKNOWN_CHANNEL', 'en'), explain('UNKNOWN_CHANNEL', 'ru')]).toContain(
            !r.ok && r.error.message,
          );
        },
      ),
      { numRuns: 100 },
    );
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...INVOKE_NAMES), junk, async (name, args) => {
        fc.pre(!Array.isArray(args));
        const r = await h.core.dispatch(name, args as unknown[]);
        expect(r).toMatchObject({ ok: false, error: { code: 'INVALID_ARGUMENT' } });
      }),
      { numRuns: 100 },
    );
  });
});
