import { describe, expect, it } from 'vitest';
import { avatarBackground, parseHex, whiteContrast } from './color';

describe('avatarBackground', () => {
  it('darkens light portal colours until white initials are readable (4.5:1)', () => {
    for (const c of ['#1ba39a', '#4ba984', '#e2ad00', '#ffffff', '#f76187', '#728f7a']) {
      const bg = avatarBackground(c);
      expect(whiteContrast(parseHex(bg)!), `${c} → ${bg}`).toBeGreaterThanOrEqual(4.5);
    }
  });

  it('keeps colours that are already dark enough, and falls back for junk', () => {
    expect(avatarBackground('#29619b')).toBe('#29619b');
    expect(avatarBackground('#abc')).not.toBe('#aabbcc');
    expect(avatarBackground('red; background:url(x)')).toBe('#5f6773');
  });
});

describe('avatarBackground memo', () => {
  it('answers a repeated colour the same, also after more distinct colours than it keeps', () => {
    const first = avatarBackground('#e2ad00');
    for (let i = 0; i < 600; i++) avatarBackground(`#${i.toString(16).padStart(6, '0')}`);
    expect(avatarBackground('#e2ad00')).toBe(first);
    expect(whiteContrast(parseHex(first)!)).toBeGreaterThanOrEqual(4.5);
  });
});
