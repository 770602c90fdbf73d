/**
 * Seeded simulations of users in an experiment: each user gets 1 + Poisson(2) impressions
 * and clicks each with their own probability (heterogeneous users, so impressions of one
 * user are correlated, as in real traffic).
 */
import { createRandom, type Random } from '../../src/ml/random.js';
import type { UserTotals } from '../../src/experiments/statistics/index.js';

function poisson(random: Random, mean: number): number {
  const limit = Math.exp(-mean);
  let k = 0;
  for (let p = random.next(); p > limit; p *= random.next()) k++;
  return k;
}

export interface UserModel {
  /** Mean click probability per impression. */
  readonly ctr: number;
}

export function simulateUser(random: Random, model: UserModel): UserTotals {
  const impressions = 1 + poisson(random, 2);
  // Per-user probability spread around the mean (uniform on [0.2, 1.8] x ctr).
  const p = Math.min(1, model.ctr * (0.2 + 1.6 * random.next()));
  let clicks = 0;
  for (let i = 0; i < impressions; i++) if (random.next() < p) clicks++;
  const preReward = clicks + poisson(random, 1);
  return { impressions, clicks, reward: clicks, conversions: random.next() < 0.05 ? 1 : 0, preReward };
}

export function simulateUsers(random: Random, n: number, model: UserModel): UserTotals[] {
  return Array.from({ length: n }, () => simulateUser(random, model));
}

export { createRandom };
