import type { ActionSpace } from './bandit-feedback.js';
import type { TargetPolicy } from './target-policy.js';

/** Every action equally likely at every position: the OBD "random" policy. */
export function uniformPolicy(space: ActionSpace): TargetPolicy {
  const distribution = new Float64Array(space.actions.length).fill(1 / space.actions.length);
  return {
    spec: 'uniform',
    description: `uniform over ${space.actions.length} actions at each of ${space.positions} positions`,
    actionProbabilities: () => distribution,
  };
}
