import { describe, expect, it } from 'vitest';
import type { Clock, KeyValueStore } from '../ports';
import { registerSecret } from '../redact';
import { MAX_NOTICES, createNotices } from './notices';

function memoryStore(init: Record<string, unknown> = {}): KeyValueStore {
  const data = new Map(Object.entries(init));
  return {
    get: (k: string) => data.get(k),
    set: (k: string, v: unknown) => void data.set(k, v),
    delete: (k: string) => void data.delete(k),
  } as unknown as KeyValueStore;
}
const clock = { now: () => 1_800_000_000_000 } as Clock;

describe('notices', () => {
  it('one per (code, account, dialog): a repeated failure replaces the older one; each change asks for a push', () => {
    let pushes = 0;
    const store = memoryStore();
    const n = createNotices({ store, clock, changed: () => pushes++ });
    n.add({ level: 'error', code: 'UNKNOWN_DIALOG', message: 'a', accountId: 'acc', dialogId: 'chat1' });
    n.add({ level: 'error', code: 'UNKNOWN_DIALOG', message: 'b', accountId: 'acc', dialogId: 'chat1' });
    n.add({ level: 'error', code: 'UNKNOWN_DIALOG', message: 'c', accountId: 'acc', dialogId: 'chat2' });
    expect(n.list().map((x) => x.message)).toEqual(['b', 'c']);
    expect(store.get('notices')).toEqual(n.list());
    expect(pushes).toBe(3);
  });

  it(`keeps at most ${MAX_NOTICES}, survives a restart, and redacts secrets`, () => {
    registerSecret('s3cr3t-token-value');
    const store = memoryStore();
    const n = createNotices({ store, clock, changed: () => {} });
    for (let i = 0; i < MAX_NOTICES + 5; i++) {
      n.add({ level: 'warning', code: 'NETWORK', message: `m${i} s3cr3t-token-value`, dialogId: `chat${i + 1}` });
    }
    const again = createNotices({ store, clock, changed: () => {} });
    expect(again.list()).toHaveLength(MAX_NOTICES);
    expect(JSON.stringify(again.list())).not.toContain('s3cr3t-token-value');
  });

  it("dismiss drops one (false if unknown); signing out drops the account's", () => {
    const n = createNotices({ store: memoryStore(), clock, changed: () => {} });
    const a = n.add({ level: 'error', code: 'NETWORK', message: 'x', accountId: 'a1' });
    n.add({ level: 'error', code: 'NETWORK', message: 'y', accountId: 'a2' });
    expect(n.dismiss('nope')).toBe(false);
    n.dropAccount('a2');
    expect(n.list().map((x) => x.id)).toEqual([a.id]);
    expect(n.dismiss(a.id)).toBe(true);
    expect(n.list()).toEqual([]);
  });
});
