/**
 * A metric's value in one variant and the variance of that value.
 *
 * Mean metric (per-user value y):  m = mean(y),  Var(m) = s_y^2 / N.
 * Ratio metric (sum y / sum x over users), by the delta method (Deng, Knoblich, Lu 2018,
 * "Applying the Delta Method in Metric Analytics", KDD):
 *   m = mean(y) / mean(x),
 *   Var(m) = (1/N) * ( s_y^2 / mx^2  -  2 my s_xy / mx^3  +  my^2 s_x^2 / mx^4 ).
 * Sample variances use N - 1.
 */
import { METRICS, type MetricName, type UserQuantity } from '../metric-names.js';
import type { VariantSums } from './variant-sums.js';

export interface MetricEstimate {
  /** Point estimate; NaN when the variant has no users (or no denominator). */
  readonly value: number;
  /** Variance of the point estimate (not of one user's value). */
  readonly variance: number;
  readonly users: number;
}

function variance(n: number, sum: number, sumSquares: number): number {
  if (n < 2) return Number.NaN;
  return Math.max(0, (sumSquares - (sum * sum) / n) / (n - 1));
}

function covariance(n: number, sumX: number, sumY: number, sumXY: number): number {
  if (n < 2) return Number.NaN;
  return (sumXY - (sumX * sumY) / n) / (n - 1);
}

/** Sample variance of one per-user quantity. */
export function quantityVariance(s: VariantSums, q: UserQuantity): number {
  return variance(s.users, s.sum[q], s.sumSquares[q]);
}

export function estimateMetric(s: VariantSums, metric: MetricName): MetricEstimate {
  const n = s.users;
  const definition = METRICS[metric];
  if (n === 0) return { value: Number.NaN, variance: Number.NaN, users: 0 };
  if (definition.kind === 'mean') {
    const q = definition.value;
    return { value: s.sum[q] / n, variance: quantityVariance(s, q) / n, users: n };
  }
  const { numerator: y, denominator: x } = definition;
  // The only denominator the metrics use is impressions, so the cross product is at hand.
  if (x !== 'impressions') throw new Error(`ratio metrics divide by impressions, not ${x}`);
  const my = s.sum[y] / n;
  const mx = s.sum[x] / n;
  if (mx === 0) return { value: Number.NaN, variance: Number.NaN, users: n };
  const vy = quantityVariance(s, y);
  const vx = quantityVariance(s, x);
  const cxy = covariance(n, s.sum[x], s.sum[y], s.sumTimesImpressions[y]);
  const v = (vy / mx ** 2 - (2 * my * cxy) / mx ** 3 + (my ** 2 * vx) / mx ** 4) / n;
  return { value: my / mx, variance: Math.max(0, v), users: n };
}
