/**
 * Nonparametric bootstrap over rounds: draw n rounds with replacement, re-estimate, repeat;
 * the interval is the percentile interval of the replicates. All estimators share each
 * resample (paired replicates). The reward model is not refitted per resample (OBP's
 * `estimate_interval` resamples fixed per-round values too), so the interval leaves out the
 * model's own fitting noise; for DM that makes it narrower than the truth deserves.
 */
import { createRandom } from '../../ml/random.js';

export interface BootstrapOptions {
  /** Number of resamples. */
  readonly resamples: number;
  /** Seeds the resampling: same seed, same interval. */
  readonly seed: number;
  /** Coverage of the interval, e.g. 0.95. */
  readonly confidence: number;
}

export interface BootstrapSummary {
  readonly ci: readonly [number, number];
  /** Standard deviation of the replicates: the bootstrap standard error. */
  readonly standardError: number;
}

/** A statistic that is a function of per-round term sums (see `EstimatorDefinition`). */
export interface SummedStatistic {
  readonly terms: readonly Float64Array[];
  combine(sums: Float64Array, count: number): number;
}

/** Linear-interpolation quantile of sorted values (numpy's default). */
export function quantile(sorted: Float64Array, q: number): number {
  if (sorted.length === 0) return Number.NaN;
  const position = (sorted.length - 1) * q;
  const low = Math.floor(position);
  const high = Math.min(low + 1, sorted.length - 1);
  return sorted[low]! + (sorted[high]! - sorted[low]!) * (position - low);
}

export function bootstrapSummedStatistics(rounds: number, statistics: readonly SummedStatistic[], options: BootstrapOptions): BootstrapSummary[] {
  const random = createRandom(options.seed);
  const replicates = statistics.map(() => new Float64Array(options.resamples));
  const multiplicity = new Float64Array(rounds);
  for (let b = 0; b < options.resamples; b++) {
    multiplicity.fill(0);
    for (let i = 0; i < rounds; i++) multiplicity[random.int(rounds)]! += 1;
    statistics.forEach((statistic, s) => {
      const sums = new Float64Array(statistic.terms.length);
      statistic.terms.forEach((term, t) => {
        let sum = 0;
        for (let i = 0; i < rounds; i++) sum += multiplicity[i]! * term[i]!;
        sums[t] = sum;
      });
      replicates[s]![b] = statistic.combine(sums, rounds);
    });
  }
  const alpha = 1 - options.confidence;
  return replicates.map((values) => {
    const finite = Float64Array.from(values.filter(Number.isFinite)).sort();
    const average = finite.reduce((s, v) => s + v, 0) / Math.max(finite.length, 1);
    const variance = finite.reduce((s, v) => s + (v - average) ** 2, 0) / Math.max(finite.length - 1, 1);
    return {
      ci: [quantile(finite, alpha / 2), quantile(finite, 1 - alpha / 2)] as const,
      standardError: Math.sqrt(variance),
    };
  });
}
