/**
 * The trivial serving policy (`RECGATE_META_POLICY=off`): the serving chain in order, each
 * arm with propensity 1, learning nothing from outcomes. For `similarItems`, the loaded
 * strategies that define `similar` follow the chain's.
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
    // The chain's strategies first; for similar items, then whichever loaded ones can answer
    // (a chain of popularity alone names none), in name order.
    if (request.operation === 'similarItems') arms.push(...[...request.candidates].filter((s) => !arms.includes(s)).sort());
    let at = 0;
    return {
      features: null,
      variant: null,
      next: (): ServingChoice | null => (at < arms.length ? { arm: arms[at++]!, propensity: 1 } : null),
      report: () => {},
    };
  }
}
