/**
 * Sufficient statistics of one variant with the user as the unit: for every per-user
 * quantity its sum and sum of squares, and the cross products the delta method (ratio
 * metrics) and CUPED (the pre-exposure covariate) need. The database computes them in one
 * aggregate query (metrics-query.ts); tests and simulations add users one by one.
 */
import type { UserQuantity } from '../metric-names.js';

export const QUANTITIES: readonly UserQuantity[] = ['impressions', 'clicks', 'reward', 'conversions'];

/** One user's totals in the experiment phase, and their reward before it (CUPED covariate). */
export interface UserTotals {
  readonly impressions: number;
  readonly clicks: number;
  readonly reward: number;
  readonly conversions: number;
  /** Reward-weighted feedback before the user's exposure window; 0 when unknown. */
  readonly preReward: number;
}

type Quantities = Record<UserQuantity, number>;

export interface VariantSums {
  /** Users exposed (the unit of analysis). */
  readonly users: number;
  readonly sum: Quantities;
  readonly sumSquares: Quantities;
  /** Sum over users of quantity x impressions (ratio metrics' covariance). */
  readonly sumTimesImpressions: Quantities;
  readonly preSum: number;
  readonly preSumSquares: number;
  /** Sum over users of quantity x preReward (CUPED's covariance). */
  readonly sumTimesPre: Quantities;
}

const zeros = (): Quantities => ({ impressions: 0, clicks: 0, reward: 0, conversions: 0 });

export function emptySums(): VariantSums {
  return { users: 0, sum: zeros(), sumSquares: zeros(), sumTimesImpressions: zeros(), preSum: 0, preSumSquares: 0, sumTimesPre: zeros() };
}

/** Sums of a list of users (tests, simulations). */
export function sumUsers(users: Iterable<UserTotals>): VariantSums {
  const s = emptySums() as { -readonly [K in keyof VariantSums]: VariantSums[K] };
  for (const u of users) {
    s.users++;
    for (const q of QUANTITIES) {
      s.sum[q] += u[q];
      s.sumSquares[q] += u[q] * u[q];
      s.sumTimesImpressions[q] += u[q] * u.impressions;
      s.sumTimesPre[q] += u[q] * u.preReward;
    }
    s.preSum += u.preReward;
    s.preSumSquares += u.preReward * u.preReward;
  }
  return s;
}

/** Sums of two disjoint sets of users (a simulation adding a day of users). */
export function addSums(a: VariantSums, b: VariantSums): VariantSums {
  const add = (x: Quantities, y: Quantities): Quantities => ({
    impressions: x.impressions + y.impressions,
    clicks: x.clicks + y.clicks,
    reward: x.reward + y.reward,
    conversions: x.conversions + y.conversions,
  });
  return {
    users: a.users + b.users,
    sum: add(a.sum, b.sum),
    sumSquares: add(a.sumSquares, b.sumSquares),
    sumTimesImpressions: add(a.sumTimesImpressions, b.sumTimesImpressions),
    preSum: a.preSum + b.preSum,
    preSumSquares: a.preSumSquares + b.preSumSquares,
    sumTimesPre: add(a.sumTimesPre, b.sumTimesPre),
  };
}
