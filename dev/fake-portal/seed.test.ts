import { describe, expect, it } from 'vitest';
import { demoSeed, generateDialogs } from './seed';
import { startFakePortal } from './server';

describe('demoSeed', () => {
  it('holds a dozen believable dialogs: 6 pinned, marks, counters, one muted, a workgroup, two alphabets', () => {
    const now = Date.UTC(2026, 1, 25, 9, 0, 0);
    const list = demoSeed(now);
    expect(list).toHaveLength(12);
    expect(list.filter((d) => d.pinned)).toHaveLength(6);
    expect(list.filter((d) => d.unread).length).toBeGreaterThanOrEqual(2);
    expect(list.filter((d) => (d.counter ?? 0) > 0).length).toBeGreaterThanOrEqual(3);
    expect(list.filter((d) => d.muted)).toHaveLength(1);
    expect(list.some((d) => d.sonetGroupId !== undefined)).toBe(true);
    expect(list.some((d) => /[А-Яа-яЁё]/.test(d.title))).toBe(true);
    expect(list.some((d) => /^[A-Za-z0-9 .]+$/.test(d.title))).toBe(true);
    expect(new Set(list.map((d) => String(d.id))).size).toBe(12);
    for (const d of list) {
      const age = now - Date.parse(d.date!);
      expect(age).toBeGreaterThan(0);
      expect(age).toBeLessThan(7 * 86_400_000);
    }
  });
});

describe('generateDialogs', () => {
  it('makes n unique dialogs with exactly the pinned, unread and counter counts asked for', () => {
    const list = generateDialogs(300, { pinned: 40, unread: 7, withCounter: 30, startId: 5000 });
    expect(list).toHaveLength(300);
    expect(new Set(list.map((d) => String(d.id))).size).toBe(300);
    expect(list.filter((d) => d.pinned)).toHaveLength(40);
    expect(list.filter((d) => d.unread)).toHaveLength(7);
    expect(list.filter((d) => (d.counter ?? 0) > 0)).toHaveLength(30);
    expect(list[0]!.id).toBe(5000);
    expect(list.some((d) => typeof d.id === 'string' && d.id.startsWith('chat'))).toBe(true);
    expect(generateDialogs(250, { pinned: 250 }).every((d) => d.pinned)).toBe(true);
  });

  it('is accepted by the portal as a seed', async () => {
    const p = await startFakePortal({ seed: generateDialogs(30, { pinned: 5 }), rateLimit: false });
    try {
      expect(p.dialogs()).toHaveLength(30);
      expect(
        p
          .dialogs()
          .slice(0, 5)
          .every((d) => d.pinned),
      ).toBe(true);
    } finally {
      await p.close();
    }
  });

  it('refuses a seed with a malformed id, naming it', async () => {
    await expect(startFakePortal({ seed: [{ id: 'group7', title: 'x' }] })).rejects.toThrow(/group7/);
  });
});
