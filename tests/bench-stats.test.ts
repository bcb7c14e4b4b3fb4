/**
 * The bench's reading of its own noise (bench/stats.ts `ratioInterval`, bench/report.ts
 * `intervalNote`): a ratio of medians is reported with the interval these samples allow, so a
 * verdict on a few per cent says whether the run could tell the sides apart at all.
 */
import { describe, expect, it } from 'vitest';
import { intervalNote } from '../bench/report';
import { median, ratioInterval } from '../bench/stats';

/** `n` samples around `center`, spread ±`spread` (evenly, then shuffled by a fixed stride). */
function samples(n: number, center: number, spread: number): number[] {
  const xs = Array.from({ length: n }, (_, i) => center - spread + (2 * spread * i) / (n - 1));
  return xs.map((_, i) => xs[(i * 17) % n]!);
}

describe('ratioInterval', () => {
  it('brackets the ratio of the medians, and narrows as the samples agree more closely', () => {
    const ours = samples(45, 2.1, 0.6);
    const peer = samples(45, 2.0, 0.6);
    const wide = ratioInterval(ours, peer);
    const ratio = median(ours) / median(peer);
    expect(wide.lo).toBeLessThan(ratio);
    expect(wide.hi).toBeGreaterThan(ratio);
    const narrow = ratioInterval(samples(45, 2.1, 0.05), samples(45, 2.0, 0.05));
    expect(narrow.hi - narrow.lo).toBeLessThan((wide.hi - wide.lo) / 5);
    expect(narrow.lo).toBeGreaterThan(1);
  });

  it('gives the same interval for the same samples (a seeded resampling: the report does not flicker)', () => {
    const ours = samples(15, 12, 3);
    const peer = samples(15, 14, 3);
    expect(ratioInterval(ours, peer)).toEqual(ratioInterval(ours, peer));
  });

  it('is undefined (NaN) without samples on either side', () => {
    expect(ratioInterval([], [1, 2, 3]).lo).toBeNaN();
    expect(ratioInterval([1, 2, 3], []).hi).toBeNaN();
  });
});

describe('intervalNote', () => {
  it('says "within this run’s noise" when the interval spans 1.00×', () => {
    expect(intervalNote(samples(45, 2.05, 0.6), samples(45, 2.0, 0.6))).toMatch(
      /^95% interval 0\.\d\d–1\.\d\d×: within this run’s noise of it$/,
    );
  });

  it('says "ahead" or "behind" only when the whole interval is on one side of 1.00×', () => {
    expect(intervalNote(samples(45, 1.8, 0.05), samples(45, 2.0, 0.05))).toMatch(/ahead beyond this run’s noise$/);
    expect(intervalNote(samples(45, 2.2, 0.05), samples(45, 2.0, 0.05))).toMatch(/behind beyond this run’s noise$/);
  });

  it('says nothing for a side timed fewer than 5 times (the naive Mark all read runs once)', () => {
    expect(intervalNote(samples(15, 20, 2), [175_000])).toBe('');
  });
});
