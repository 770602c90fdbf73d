/**
 * Fixed-horizon comparison of a treatment with the control (Welch-style z test on the two
 * metric estimates, which is what large-sample A/B platforms use):
 *
 *   difference  d = m_t - m_c,          se_d = sqrt(V_t + V_c)
 *   z = d / se_d,  p = 2 (1 - Phi(|z|)),  CI = d -/+ z_{1-alpha/2} se_d
 *   relative lift  L = m_t / m_c - 1, by the delta method
 *   se_L = sqrt( V_t / m_c^2 + m_t^2 V_c / m_c^4 ),  CI = L -/+ z_{1-alpha/2} se_L
 *
 * (Kohavi, Tang, Xu 2020, "Trustworthy Online Controlled Experiments", ch. 17-18.)
 */
import { normalCdf, normalQuantile, twoSidedP } from './normal.js';
import type { MetricEstimate } from './metric-estimate.js';

export type Interval = readonly [number, number];

export interface Comparison {
  readonly difference: number;
  readonly differenceStandardError: number;
  readonly differenceInterval: Interval;
  /** Relative lift m_t / m_c - 1; NaN when the control's value is 0. */
  readonly lift: number;
  readonly liftStandardError: number;
  readonly liftInterval: Interval;
  readonly z: number;
  readonly pValue: number;
}

export function compare(treatment: MetricEstimate, control: MetricEstimate, alpha: number): Comparison {
  const d = treatment.value - control.value;
  const se = Math.sqrt(treatment.variance + control.variance);
  const zc = normalQuantile(1 - alpha / 2);
  const mc = control.value;
  const lift = mc !== 0 ? treatment.value / mc - 1 : Number.NaN;
  const seLift = mc !== 0 ? Math.sqrt(treatment.variance / mc ** 2 + (treatment.value ** 2 * control.variance) / mc ** 4) : Number.NaN;
  const z = se > 0 ? d / se : Number.NaN;
  return {
    difference: d,
    differenceStandardError: se,
    differenceInterval: [d - zc * se, d + zc * se],
    lift,
    liftStandardError: seLift,
    liftInterval: [lift - zc * seLift, lift + zc * seLift],
    z,
    pValue: Number.isFinite(z) ? twoSidedP(z) : Number.NaN,
  };
}

/**
 * Power of the two-sided z test at level alpha to detect a true difference `effect` when the
 * difference's standard error is `standardError`: Phi(|e|/se - z) + Phi(-|e|/se - z).
 */
export function power(effect: number, standardError: number, alpha: number): number {
  const zc = normalQuantile(1 - alpha / 2);
  const k = Math.abs(effect) / standardError;
  return normalCdf(k - zc) + normalCdf(-k - zc);
}
