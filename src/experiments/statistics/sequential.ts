/**
 * Always-valid inference: asymptotic confidence sequences (Waudby-Smith, Arbour, Sinha,
 * Kennedy, Ramdas 2024, "Time-uniform central limit theory and asymptotic confidence
 * sequences", Annals of Statistics; eq. (9) and the rho choice of their section B.2). It is
 * the method GrowthBook's sequential testing implements. With N users in total so far, an
 * estimate d with standard error se, and a tuning time N* (where the sequence is tightest):
 *
 *   rho^2 = ( -2 ln alpha + ln(-2 ln alpha + 1) ) / N*
 *   half-width = se * sqrt(N) * sqrt( 2 (N rho^2 + 1) / (N^2 rho^2) * ln( sqrt(N rho^2 + 1) / alpha ) )
 *
 * The interval d -/+ half-width covers the true effect at every N simultaneously with
 * probability >= 1 - alpha (asymptotically), so a product owner may look every day and stop
 * when it excludes 0 without inflating false positives. The always-valid p-value is the
 * smallest alpha whose sequence excludes 0 (found by bisection).
 */
import type { Interval } from './fixed-horizon.js';

/** Users in total at which the sequence is tightest. @default 5000 (GrowthBook's default) */
export const DEFAULT_SEQUENTIAL_TUNING = 5000;

function rhoSquared(alpha: number, tuning: number): number {
  const l = -2 * Math.log(alpha);
  return (l + Math.log(l + 1)) / tuning;
}

/** The half-width multiplier of se: se * multiplier is the half-width. */
export function sequentialMultiplier(totalUsers: number, alpha: number, tuning = DEFAULT_SEQUENTIAL_TUNING): number {
  const n = totalUsers;
  const r2 = rhoSquared(alpha, tuning);
  return Math.sqrt(n) * Math.sqrt(((2 * (n * r2 + 1)) / (n * n * r2)) * Math.log(Math.sqrt(n * r2 + 1) / alpha));
}

export interface SequentialResult {
  readonly interval: Interval;
  readonly pValue: number;
}

export function sequentialInterval(
  estimate: number,
  standardError: number,
  totalUsers: number,
  alpha: number,
  tuning = DEFAULT_SEQUENTIAL_TUNING,
): SequentialResult {
  if (!(standardError > 0) || totalUsers < 2 || !Number.isFinite(estimate)) {
    return { interval: [Number.NaN, Number.NaN], pValue: Number.NaN };
  }
  const h = standardError * sequentialMultiplier(totalUsers, alpha, tuning);
  return { interval: [estimate - h, estimate + h], pValue: alwaysValidP(Math.abs(estimate) / standardError, totalUsers, tuning) };
}

/** Smallest alpha in (0, 1] whose sequence excludes 0, for |estimate| / se = k. */
function alwaysValidP(k: number, totalUsers: number, tuning: number): number {
  if (sequentialMultiplier(totalUsers, 1 - 1e-12, tuning) >= k) return 1;
  let lo = 1e-300;
  let hi = 1 - 1e-12;
  for (let i = 0; i < 200 && hi / lo > 1 + 1e-9; i++) {
    const mid = Math.sqrt(lo * hi);
    // The multiplier shrinks as alpha grows: excluded at mid means the p-value is <= mid.
    if (sequentialMultiplier(totalUsers, mid, tuning) < k) hi = mid;
    else lo = mid;
  }
  return hi;
}
