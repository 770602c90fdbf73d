/**
 * Sample ratio mismatch: Pearson's chi-square test of the users exposed per variant against
 * the configured weights (Fabijan et al. 2019, "Diagnosing Sample Ratio Mismatch in Online
 * Controlled Experiments", KDD):  X^2 = sum (O_i - E_i)^2 / E_i  with E_i = N w_i, k - 1
 * degrees of freedom. A p-value below 0.001 means the split is broken (assignment,
 * eligibility or logging) and no other number of the experiment should be trusted.
 */
import { chiSquareUpperTail } from './chi-square.js';

/** p-value below which the split is flagged. @default 0.001 */
export const SRM_THRESHOLD = 0.001;

export interface SrmCheck {
  readonly chiSquare: number;
  readonly degreesOfFreedom: number;
  readonly pValue: number;
  readonly flagged: boolean;
  readonly observed: readonly number[];
  readonly expected: readonly number[];
}

export function srmCheck(observed: readonly number[], weights: readonly number[], threshold = SRM_THRESHOLD): SrmCheck {
  const total = observed.reduce((s, o) => s + o, 0);
  const weightSum = weights.reduce((s, w) => s + w, 0);
  const expected = weights.map((w) => (total * w) / weightSum);
  if (total === 0) return { chiSquare: 0, degreesOfFreedom: weights.length - 1, pValue: 1, flagged: false, observed, expected };
  const chiSquare = observed.reduce((s, o, i) => s + (o - expected[i]!) ** 2 / expected[i]!, 0);
  const degreesOfFreedom = weights.length - 1;
  const pValue = chiSquareUpperTail(chiSquare, degreesOfFreedom);
  return { chiSquare, degreesOfFreedom, pValue, flagged: pValue < threshold, observed, expected };
}
