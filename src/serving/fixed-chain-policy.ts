/**
 * The trivial serving policy (`RECGATE_META_POLICY=off`): the serving chain in order, each
 * arm with propensity 1, learning nothing from outcomes.
 */
import type { ServingChain } from './serving-chain.js';
import type { ServingChoice, ServingDecision, ServingPolicy, ServingRequest } from './serving-policy.js';

export class FixedChainPolicy implements ServingPolicy {
  readonly name: string;

  constructor(readonly chain: ServingChain) {
    this.name = `fixed:${chain.strategies[0]}`;
  }

  /** The first strategy of the chain with a loaded model serves. */
  servingArms(loaded: readonly string[]): readonly string[] {
    const first = this.chain.strategies.find((s) => loaded.includes(s));
    return first === undefined ? [] : [first];
  }

  decide(request: ServingRequest): ServingDecision {
    const arms = this.chain.strategies.filter((s) => request.candidates.includes(s));
    let at = 0;
    return {
      features: null,
      variant: null,
      next: (): ServingChoice | null => (at < arms.length ? { arm: arms[at++]!, propensity: 1 } : null),
      report: () => {},
    };
  }
}
