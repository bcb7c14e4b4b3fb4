import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  INTENT_VALIDATORS_FILE,
  VALIDATORS_FILE,
  intentValidatorsSource,
  validatorsSource,
} from '../../../../scripts/gen-validators';
import type { InvokeName } from '../../../shared/intents';
import { argCheck, validateArgs } from '../validate';
import { queuedAction } from '../../../../tests/support/store-records';
import { defaultStoreData } from './store-defaults';
import { describeSchemaErrors, isQueuedAction, validateStoreData } from './validators';

describe('the generated validators', () => {
  it('are what the schemas of schema.ts and this ajv generate (else: npm run gen:validators)', () => {
    expect(readFileSync(VALIDATORS_FILE, 'utf8') === validatorsSource(), 'run npm run gen:validators').toBe(true);
  });

  it('check what the schemas say, naming every wrong field', () => {
    expect(validateStoreData(defaultStoreData())).toBe(true);
    expect(isQueuedAction(queuedAction())).toBe(true);
    const bad = {
      ...defaultStoreData(),
      schemaVersion: 'two',
      settings: { ...defaultStoreData().settings, theme: 'plaid' },
    };
    expect(validateStoreData(bad)).toBe(false);
    const said = describeSchemaErrors(validateStoreData);
    expect(said).toContain('`/schemaVersion` must be integer');
    expect(said).toContain('`/settings/theme` must be equal to one of the allowed values');
  });

  it('count a maximum length in characters, as the cache cuts text (ucs2length, imported, not required)', () => {
    // An intent's id holds at most 100 characters: 100 emoji (200 UTF-16 units) pass, 101 do not.
    expect(isQueuedAction(queuedAction({ id: '😀'.repeat(100) }))).toBe(true);
    expect(isQueuedAction(queuedAction({ id: '😀'.repeat(101) }))).toBe(false);
  });

  it("for the intents' arguments too, with the DIALOG_ID grammar's own check as the format", () => {
    expect(
      readFileSync(INTENT_VALIDATORS_FILE, 'utf8') === intentValidatorsSource(),
      'run npm run gen:validators',
    ).toBe(true);
    const dialogId = argCheck('setUnread', 1);
    expect(dialogId('chat74')).toBe(true);
    expect(dialogId('123')).toBe(true);
    // Strings the schema's own keywords let through (short, not blank): only the grammar refuses them.
    for (const bad of ['chat074', 'chat 74', '-5', 'chat']) expect(dialogId(bad), bad).toBe(false);
    expect(dialogId.errors?.[0]?.keyword).toBe('format');
  });

  it('an intent the generator has not seen yet is refused with what to run, not a TypeError', () => {
    // As after a new entry in intents.ts without `npm run gen:validators` (the test above fails then too).
    expect(() => validateArgs('newIntent' as InvokeName, [])).toThrow(
      /No generated schemas for newIntent: run npm run gen:validators/,
    );
    expect(() => validateArgs('toString' as InvokeName, [])).toThrow(/run npm run gen:validators/);
    expect(() => argCheck('setUnread', 3)).toThrow(/No generated check for setUnread argument 4/);
  });
});
