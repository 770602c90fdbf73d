/**
 * A context-free reward model: the mean reward of each (item, position) pair, shrunk towards
 * its position's mean. With clicks as rare as OBD's (46 in 10,000 random rounds) raw pair
 * means are mostly 0 and a few 1/n spikes, so the shrinkage matters:
 *
 *   q(a, k) = (sum of rewards of (a, k) + m_k * mu_k) / (n(a, k) + m_k)
 *
 * mu_k is position k's mean reward and m_k the prior's weight in rounds, set by empirical
 * Bayes (method of moments): m_k = sigma_k^2 / tau_k^2 - 1, where sigma_k^2 is the reward
 * variance at position k and tau_k^2 the part of the spread between pair means that binomial
 * noise does not explain. No spread beyond noise (tau = 0) gives every pair mu_k.
 */
import type { BanditRound, LoggedBanditFeedback } from './bandit-feedback.js';
import type { RewardModel } from './reward-model.js';

export function fitEmpiricalRewardModel(feedback: LoggedBanditFeedback, rounds: readonly BanditRound[]): RewardModel {
  const width = feedback.space.actions.length;
  const positions = feedback.space.positions;
  const counts = new Float64Array(positions * width);
  const sums = new Float64Array(positions * width);
  const squares = new Float64Array(positions);
  let total = 0;
  for (const round of rounds) {
    const cell = round.position * width + round.action;
    counts[cell]! += 1;
    sums[cell]! += round.reward;
    squares[round.position]! += round.reward * round.reward;
    total += round.reward;
  }
  const globalMean = rounds.length > 0 ? total / rounds.length : 0;

  const table = Array.from({ length: positions }, (_, k) => {
    let n = 0;
    let s = 0;
    let sumOfSquaredCounts = 0;
    let pairs = 0;
    for (let a = 0; a < width; a++) {
      const c = counts[k * width + a]!;
      n += c;
      s += sums[k * width + a]!;
      sumOfSquaredCounts += c * c;
      if (c > 0) pairs++;
    }
    const row = new Float64Array(width);
    if (n === 0) return row.fill(globalMean);
    const mu = s / n;
    const sigma2 = Math.max(squares[k]! / n - mu * mu, 0);
    let between = 0;
    for (let a = 0; a < width; a++) {
      const c = counts[k * width + a]!;
      if (c > 0) between += c * (sums[k * width + a]! / c - mu) ** 2;
    }
    const effective = n - sumOfSquaredCounts / n;
    const tau2 = effective > 0 ? Math.max(0, (between - (pairs - 1) * sigma2) / effective) : 0;
    const prior = tau2 > 0 ? Math.max(sigma2 / tau2 - 1, 1e-9) : Number.POSITIVE_INFINITY;
    for (let a = 0; a < width; a++) {
      const c = counts[k * width + a]!;
      row[a] = Number.isFinite(prior) ? (sums[k * width + a]! + prior * mu) / (c + prior) : mu;
    }
    return row;
  });

  return {
    predict(round, out) {
      out.set(table[round.position]!);
    },
  };
}
