import type { ActionSpace, BanditRound, ObservedValue } from './bandit-feedback.js';

/**
 * The policy being evaluated (pi_e). Bound to one action space when it is made; for every
 * logged round it gives its probability of each action at that round's position, which is
 * how the Open Bandit Pipeline evaluates slates: position by position.
 *
 * The gateway will implement this for `strategy:<name>` and the meta-policy (a strategy's
 * ranking turned into per-position probabilities); the estimators need nothing else.
 */
export interface TargetPolicy {
  /** The spec it was made from, e.g. `uniform`, `logged:bts/men/men.csv`. */
  readonly spec: string;
  /** One line for reports: how the probabilities are obtained. */
  readonly description: string;
  /**
   * pi_e(. | context, position) for `round`: one probability per action of the space (same
   * order), non-negative, summing to 1. Callers only read it, so a policy may return the
   * same array for many rounds.
   */
  actionProbabilities(round: BanditRound): Float64Array | Promise<Float64Array>;
  /** The target's own measured value, when its log is at hand (`logged:` targets); the ground truth. */
  readonly observed?: ObservedValue;
  /** Caveats of how the policy was built (e.g. action/position pairs its log never showed). */
  readonly notes?: readonly string[];
}

/**
 * Makes the target for `strategy:<name>`. The gateway supplies it (it owns the strategy
 * registry and the trained models); without it, `strategy:` specs are rejected.
 */
export type StrategyTargetFactory = (name: string, space: ActionSpace) => Promise<TargetPolicy>;
