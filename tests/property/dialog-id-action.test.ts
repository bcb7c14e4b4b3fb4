/**
 * Bad input, property-based: DIALOG_ID parsing and the ACTION a toggle
 * sends. The oracle is the documented grammar (bitrix24-api.md §1):
 * `123` (a user), `chat74` (a chat), `sg17` (a workgroup), a positive number
 * with no leading zero, at most a safe integer; surrounding whitespace is
 * trimmed; a positive safe integer is a user dialog.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { InvalidDialogIdError, parseDialogId, toDialogId } from '../../src/shared/dialog-id';
import { unreadCall } from '../../src/main/core/dialogs';
import { encodeBatchCommand } from '../../src/main/core/bitrix/client';
import { validateArgs } from '../../src/main/core/validate';

const RUNS = { numRuns: 400 };

/** The documented grammar, written independently of the parser. */
function oracle(input: unknown): { id: string; kind: string; num: number } | null {
  let text: string;
  if (typeof input === 'number') {
    if (!Number.isSafeInteger(input) || input <= 0) return null;
    text = String(input);
  } else if (typeof input === 'string') {
    text = input.trim();
  } else return null;
  let kind = 'user';
  let digits = text;
  if (text.startsWith('chat')) [kind, digits] = ['chat', text.slice(4)];
  else if (text.startsWith('sg')) [kind, digits] = ['sonet', text.slice(2)];
  if (digits.length === 0 || digits.length > 16 || digits[0] === '0') return null;
  for (const c of digits) if (c < '0' || c > '9') return null;
  const num = Number(digits);
  if (!Number.isSafeInteger(num)) return null;
  return { id: text, kind, num };
}

/** Strings near the grammar: prefixes, digits, signs, spaces, case and unicode look-alikes. */
const nearDialogId = fc
  .tuple(
    fc.constantFrom('', 'chat', 'sg', 'CHAT', 'Chat', 'sG', 'chat ', 'сhat', 'ch', 'chatchat', 'user', '#'),
    fc.oneof(
      fc.bigInt({ min: 0n, max: 99_999_999_999_999_999n }).map(String),
      fc.stringMatching(/^[0-9]{0,18}$/),
      fc.constantFrom('0', '00', '01', '-1', '+1', '1e3', '1.0', '١٢٣', '１２３', '0x1f', ' 1', '1 '),
    ),
    fc.constantFrom('', ' ', '\t', '\n', '\u00a0', '\ufeff', 'x', '/', '%00'),
    fc.constantFrom('', ' ', '\t', '\u2003'),
  )
  .map(([prefix, digits, suffix, lead]) => `${lead}${prefix}${digits}${suffix}`);

const anyInput = fc.oneof(
  nearDialogId,
  fc.string(),
  fc.string({ unit: 'binary', maxLength: 60 }),
  fc.integer(),
  fc.double(),
  fc.anything(),
);

describe('DIALOG_ID (property)', () => {
  it('parseDialogId never throws and accepts exactly the documented forms', () => {
    fc.assert(
      fc.property(anyInput, (input) => {
        const got = parseDialogId(input);
        expect(got).toEqual(oracle(input));
      }),
      RUNS,
    );
  });

  it('every valid id round-trips: parse(parse(x).id) is the same id', () => {
    const valid = fc
      .tuple(fc.constantFrom('', 'chat', 'sg'), fc.bigInt({ min: 1n, max: BigInt(Number.MAX_SAFE_INTEGER) }))
      .map(([p, n]) => `${p}${n}`);
    fc.assert(
      fc.property(valid, fc.constantFrom('', ' ', '\t\n'), (id, pad) => {
        const first = parseDialogId(`${pad}${id}${pad}`);
        expect(first?.id).toBe(id);
        expect(parseDialogId(first!.id)).toEqual(first);
        // The IPC validator (the intent's schema) takes the same canonical id as it is.
        expect(validateArgs('openInBitrix', ['acc1', id])).toEqual(['acc1', id]);
      }),
      RUNS,
    );
  });

  it('toDialogId throws only its typed error, which never repeats a long input whole', () => {
    fc.assert(
      fc.property(anyInput, (input) => {
        try {
          toDialogId(input);
          expect(oracle(input)).not.toBeNull();
        } catch (e) {
          expect(e).toBeInstanceOf(InvalidDialogIdError);
          expect((e as InvalidDialogIdError).code).toBe('INVALID_DIALOG_ID');
          expect((e as Error).message.length).toBeLessThan(300);
          if (typeof input === 'string' && input.length > 60) expect((e as Error).message).not.toContain(input);
        }
      }),
      RUNS,
    );
  });
});

describe('ACTION (property)', () => {
  it('a toggle sends ACTION Y or N and nothing else, in a call and inside a batch', () => {
    fc.assert(
      fc.property(fc.constantFrom('chat74', '547', 'sg17'), fc.boolean(), (dialogId, unread) => {
        const c = unreadCall(dialogId, unread);
        expect(c).toEqual({ method: 'im.recent.unread', params: { DIALOG_ID: dialogId, ACTION: unread ? 'Y' : 'N' } });
        expect(encodeBatchCommand(c.method, c.params)).toBe(
          `im.recent.unread?DIALOG_ID=${dialogId}&ACTION=${unread ? 'Y' : 'N'}`,
        );
      }),
    );
  });

  it('the IPC layer takes only a real boolean for "unread" (no 1, "true", "Y" or null)', () => {
    fc.assert(
      fc.property(fc.anything(), (v) => {
        const args = ['acc1', 'chat74', v];
        if (typeof v === 'boolean') expect(validateArgs('setUnread', args)[2]).toBe(v);
        else
          expect(() => validateArgs('setUnread', args)).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
      }),
      RUNS,
    );
  });
});
