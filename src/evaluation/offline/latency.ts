/** Latency summaries of per-request timings (milliseconds). */
export interface LatencySummary {
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly meanMs: number;
}

/** Nearest-rank percentile (p in 0..100) of values sorted ascending. */
export function percentileOfSorted(sorted: ArrayLike<number>, p: number): number {
  if (sorted.length === 0) return 0;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1]!;
}

export function summariseLatency(samples: Float64Array): LatencySummary {
  if (samples.length === 0) return { p50Ms: 0, p99Ms: 0, meanMs: 0 };
  const sorted = Float64Array.from(samples).sort();
  let sum = 0;
  for (const v of sorted) sum += v;
  return { p50Ms: percentileOfSorted(sorted, 50), p99Ms: percentileOfSorted(sorted, 99), meanMs: sum / sorted.length };
}
