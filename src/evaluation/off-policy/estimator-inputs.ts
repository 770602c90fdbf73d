/**
 * What every estimator needs from a round, computed once: the importance weight
 * w_i = pi_e(a_i | x_i, k_i) / pi_b(a_i | x_i, k_i), the reward, and the reward model's
 * prediction for the logged action and its expectation under the target policy
 * (q(x_i, pi_e) = sum_a pi_e(a | x_i, k_i) q(x_i, a, k_i), OBP's `np.average(q, weights=pi_e)`).
 */
import { rgError } from '../../errors.js';
import type { LoggedBanditFeedback } from './bandit-feedback.js';
import type { TargetPolicy } from './target-policy.js';

export interface EstimatorInputs {
  readonly rounds: number;
  readonly positions: number;
  readonly position: Int32Array;
  readonly reward: Float64Array;
  readonly weight: Float64Array;
  /** q(x_i, a_i, k_i) */
  readonly qLogged: Float64Array;
  /** q(x_i, pi_e) at position k_i */
  readonly qTarget: Float64Array;
}

const SUM_TOLERANCE = 1e-6;

/**
 * @param rewardPredictions row-major (#rounds x #actions) q at each round's position, e.g.
 *   from `crossFitRewards`, or the true reward function in a simulation.
 */
export async function buildEstimatorInputs(feedback: LoggedBanditFeedback, target: TargetPolicy, rewardPredictions: Float64Array): Promise<EstimatorInputs> {
  const n = feedback.rounds.length;
  const width = feedback.space.actions.length;
  const inputs = {
    rounds: n,
    positions: feedback.space.positions,
    position: new Int32Array(n),
    reward: new Float64Array(n),
    weight: new Float64Array(n),
    qLogged: new Float64Array(n),
    qTarget: new Float64Array(n),
  };
  for (let i = 0; i < n; i++) {
    const round = feedback.rounds[i]!;
    const distribution = await target.actionProbabilities(round);
    let sum = 0;
    let expected = 0;
    let valid = distribution.length === width;
    for (let a = 0; valid && a < width; a++) {
      const p = distribution[a]!;
      if (!(p >= 0 && p <= 1 + SUM_TOLERANCE)) valid = false;
      sum += p;
      expected += p * rewardPredictions[i * width + a]!;
    }
    if (!valid || Math.abs(sum - 1) > SUM_TOLERANCE) {
      throw rgError('RG_ERR_OPE_POLICY', {
        spec: target.spec,
        reason: `for round ${i + 1} it returned ${distribution.length} values summing to ${sum}, not a distribution over the ${width} actions`,
        supported: 'a TargetPolicy returning one probability per action, summing to 1',
      });
    }
    inputs.position[i] = round.position;
    inputs.reward[i] = round.reward;
    inputs.weight[i] = distribution[round.action]! / round.propensity;
    inputs.qLogged[i] = rewardPredictions[i * width + round.action]!;
    inputs.qTarget[i] = expected;
  }
  return inputs;
}
