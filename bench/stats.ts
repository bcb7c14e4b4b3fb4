/** Small statistics and formatting helpers for the bench. */

/** The p-th percentile (0–100) of `xs` by linear interpolation; NaN for an empty list. */
export function percentile(xs: readonly number[], p: number): number {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  const rank = (Math.min(100, Math.max(0, p)) / 100) * (s.length - 1);
  const lo = Math.floor(rank);
  const hi = Math.ceil(rank);
  return s[lo]! + (s[hi]! - s[lo]!) * (rank - lo);
}

/** The median of `xs`. */
export function median(xs: readonly number[]): number {
  return percentile(xs, 50);
}

/** `1234.5` → `1.23 s`, `12.3` → `12.3 ms`, `0.42` → `0.42 ms`. */
export function ms(v: number): string {
  if (!Number.isFinite(v)) return '—';
  if (v >= 1000) return `${(v / 1000).toFixed(v >= 10_000 ? 1 : 2)} s`;
  if (v >= 10) return `${v.toFixed(1)} ms`;
  return `${v.toFixed(2)} ms`;
}

/** A difference of milliseconds, signed ({@link ms} otherwise). */
export function signedMs(v: number): string {
  return `${v >= 0 ? '+' : '−'}${ms(Math.abs(v))}`;
}

/** Bytes as KB (1024) with one decimal. */
export function kb(bytes: number): string {
  return `${(bytes / 1024).toFixed(1)} KB`;
}

/** Bytes as MB (1024²) with two decimals, signed. */
export function mb(bytes: number): string {
  const v = bytes / (1024 * 1024);
  return `${v >= 0 ? '+' : '−'}${Math.abs(v).toFixed(2)} MB`;
}

/** A small seeded generator (mulberry32): the same samples give the same interval in every run of the report. */
function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * How far the ratio median(`a`) / median(`b`) could move with the noise of these very samples: the
 * percentile bootstrap (each side resampled with replacement, `iterations` times), the central
 * `level` of the resampled ratios. A verdict on a few per cent means little when this interval is
 * wider than that: on this shared 2-core machine the toggle's ratio read 1.02–1.11× over full runs
 * whose medians each came from 45 runs a side (issue 14, twelfth round).
 */
export function ratioInterval(
  a: readonly number[],
  b: readonly number[],
  opts: { iterations?: number; level?: number; seed?: number } = {},
): { lo: number; hi: number } {
  if (a.length === 0 || b.length === 0) return { lo: NaN, hi: NaN };
  const iterations = opts.iterations ?? 2000;
  const level = opts.level ?? 0.95;
  const random = seeded(opts.seed ?? 14);
  const resampledMedian = (xs: readonly number[]): number =>
    median(Array.from({ length: xs.length }, () => xs[Math.floor(random() * xs.length)]!));
  const ratios = Array.from({ length: iterations }, () => resampledMedian(a) / resampledMedian(b));
  const tail = ((1 - level) / 2) * 100;
  return { lo: percentile(ratios, tail), hi: percentile(ratios, 100 - tail) };
}
