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

/** Bytes as KB (1024) with one decimal. */
export function kb(bytes: number): string {
  return `${(bytes / 1024).toFixed(1)} KB`;
}

/** Bytes as MB (1024²) with two decimals, signed. */
export function mb(bytes: number): string {
  const v = bytes / (1024 * 1024);
  return `${v >= 0 ? '+' : '−'}${Math.abs(v).toFixed(2)} MB`;
}
