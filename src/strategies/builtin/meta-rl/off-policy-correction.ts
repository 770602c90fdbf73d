/**
 * The top-K off-policy correction of Chen et al., "Top-K Off-Policy Correction for a REINFORCE
 * Recommender System" (WSDM 2019), section 4.
 *
 * A logged action a in state s was chosen by the behaviour policy β, not by π; REINFORCE on
 * logged data weighs ∇ log π(a|s) by the importance ratio π/β, capped at c to bound the
 * variance. A slate shows K items, and an item is in a slate of K independent draws with
 * probability α(a|s) = 1 − (1 − π)^K, whose gradient is λ_K ∇ log π with
 * λ_K = K (1 − π)^(K−1): items π already ranks highly get less push, so the top of the list
 * diversifies instead of one item taking all the probability mass.
 */

/** λ_K = K (1 − π)^(K−1), the top-K multiplier. */
export function topKMultiplier(pi: number, k: number): number {
  return k * Math.pow(Math.max(0, 1 - pi), k - 1);
}

/** min(π/β, c): the capped importance ratio. A zero β (never observed) counts as capped. */
export function cappedImportanceRatio(pi: number, beta: number, cap: number): number {
  if (!(beta > 0)) return cap;
  return Math.min(pi / beta, cap);
}

export interface CorrectionInput {
  /** π(a|s) of the logged action under the policy being trained. */
  readonly pi: number;
  /** β(a|s), the behaviour policy's estimated probability of the logged action. */
  readonly beta: number;
  /** The return R of the action. */
  readonly reward: number;
  /** The baseline V(s). */
  readonly value: number;
  /** c, the cap of the importance ratio. */
  readonly cap: number;
  /** K, the slate size. */
  readonly slateSize: number;
  /** False: plain REINFORCE with a baseline (ratio and λ_K both 1), the ablation. */
  readonly corrected: boolean;
}

/**
 * The weight of ∇ log π(a|s) for one logged action: min(π/β, c) · λ_K · (R − V(s)); with the
 * correction off, R − V(s). A constant of the gradient (no gradient flows through it).
 */
export function correctionWeight(input: CorrectionInput): number {
  const advantage = input.reward - input.value;
  if (!input.corrected) return advantage;
  return cappedImportanceRatio(input.pi, input.beta, input.cap) * topKMultiplier(input.pi, input.slateSize) * advantage;
}

/**
 * Discounted returns over a user's rewards in time order: R_t = r_t + γ R_{t+1}. Returns a new
 * array the length of `rewards`.
 */
export function discountedReturns(rewards: ArrayLike<number>, gamma: number): Float32Array {
  const out = new Float32Array(rewards.length);
  let next = 0;
  for (let t = rewards.length - 1; t >= 0; t--) {
    next = rewards[t]! + gamma * next;
    out[t] = next;
  }
  return out;
}
