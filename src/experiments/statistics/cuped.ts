/**
 * CUPED (Deng, Xu, Kohavi, Walker 2013, "Improving the Sensitivity of Online Controlled
 * Experiments by Utilizing Pre-Experiment Data", WSDM): with X each user's reward before the
 * experiment phase, a mean metric Y is replaced by Y - theta (X - mean X), where
 *   theta = Cov(Y, X) / Var(X)
 * is estimated on all variants pooled (so it is the same in every variant and the adjusted
 * difference stays unbiased). Variance of the adjusted mean in a variant:
 *   (s_Y^2 - 2 theta s_XY + theta^2 s_X^2) / N,  reduced by the factor 1 - rho^2 at best.
 * Ratio metrics are reported without adjustment.
 */
import { METRICS, type MetricName } from '../metric-names.js';
import { estimateMetric, quantityVariance, type MetricEstimate } from './metric-estimate.js';
import { addSums, emptySums, type VariantSums } from './variant-sums.js';

export interface CupedAdjustment {
  readonly theta: number;
  readonly preMean: number;
}

/** theta and the pooled pre-exposure mean for a mean metric; null when it cannot help. */
export function cupedAdjustment(all: readonly VariantSums[], metric: MetricName): CupedAdjustment | null {
  const definition = METRICS[metric];
  if (definition.kind !== 'mean') return null;
  const pooled = all.reduce(addSums, emptySums());
  const n = pooled.users;
  if (n < 3) return null;
  const varX = (pooled.preSumSquares - pooled.preSum ** 2 / n) / (n - 1);
  if (!(varX > 0)) return null;
  const q = definition.value;
  const covXY = (pooled.sumTimesPre[q] - (pooled.preSum * pooled.sum[q]) / n) / (n - 1);
  return { theta: covXY / varX, preMean: pooled.preSum / n };
}

export function cupedEstimate(s: VariantSums, metric: MetricName, adjustment: CupedAdjustment): MetricEstimate {
  const definition = METRICS[metric];
  const plain = estimateMetric(s, metric);
  if (definition.kind !== 'mean' || s.users < 2) return plain;
  const q = definition.value;
  const n = s.users;
  const { theta, preMean } = adjustment;
  const varX = (s.preSumSquares - s.preSum ** 2 / n) / (n - 1);
  const covXY = (s.sumTimesPre[q] - (s.preSum * s.sum[q]) / n) / (n - 1);
  const varY = quantityVariance(s, q);
  return {
    value: plain.value - theta * (s.preSum / n - preMean),
    variance: Math.max(0, (varY - 2 * theta * covXY + theta ** 2 * varX) / n),
    users: n,
  };
}
