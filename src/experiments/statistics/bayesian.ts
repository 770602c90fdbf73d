/**
 * Bayesian read-out with a normal approximation and a flat prior (as in Stucchio 2015 and
 * GrowthBook's default engine before priors): the posterior of the true difference is
 * N(d, se_d^2) and that of the relative lift N(L, se_L^2), so
 *
 *   chance to beat control = P(delta > 0 | data) = Phi(d / se_d)
 *   95% credible interval of the lift = L -/+ 1.96 se_L
 *
 * With a flat prior these intervals coincide numerically with the fixed-horizon ones; the
 * reading differs (a probability statement about the effect).
 */
import { normalCdf, normalQuantile } from './normal.js';
import type { Comparison, Interval } from './fixed-horizon.js';

export interface BayesianResult {
  readonly chanceToBeatControl: number;
  readonly liftCredibleInterval: Interval;
  /** Expected loss of choosing the treatment, in metric units: E[max(0, -delta)]. */
  readonly risk: number;
}

export function bayesian(comparison: Comparison, alpha: number): BayesianResult {
  const { difference: d, differenceStandardError: se, lift, liftStandardError: seLift } = comparison;
  const zc = normalQuantile(1 - alpha / 2);
  if (!(se > 0)) return { chanceToBeatControl: Number.NaN, liftCredibleInterval: [Number.NaN, Number.NaN], risk: Number.NaN };
  // E[max(0, -X)] for X ~ N(d, se^2) = se phi(d/se) - d Phi(-d/se).
  const k = d / se;
  const phi = Math.exp(-(k * k) / 2) / Math.sqrt(2 * Math.PI);
  return {
    chanceToBeatControl: normalCdf(k),
    liftCredibleInterval: [lift - zc * seLift, lift + zc * seLift],
    risk: se * phi - d * normalCdf(-k),
  };
}
