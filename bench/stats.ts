/** Small statistics for the figure lines. */
export const mean = (xs: readonly number[]): number => xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);

/** Nearest-rank percentile (p in 0..100). */
export function percentile(xs: readonly number[], p: number): number {
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] ?? 0;
}

/** Rounds for printing: figures are noisy well above 0.01. */
export const r2 = (x: number): number => Math.round(x * 100) / 100;

export const MB = 1e6;
export const MIB = 1024 * 1024;
