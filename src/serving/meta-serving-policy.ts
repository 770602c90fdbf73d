/**
 * The learned serving policy: the meta-policy bandit's draw (src/policy/), with its circuit
 * breakers told every failure and success, and its statistics told when an arm had nothing
 * for the request (a reward of 0, or the arm would keep its exploration bonus, and its
 * probability, for contexts it can never serve).
 */
import type { Logger } from '../strategies/contract.js';
import type { MetaPolicy } from '../policy/meta-policy.js';
import { META_POLICY_VARIANT } from '../policy/reward-attribution.js';
import type { ArmOutcome, ServingChoice, ServingDecision, ServingPolicy, ServingRequest } from './serving-policy.js';

export class MetaServingPolicy implements ServingPolicy {
  readonly name = META_POLICY_VARIANT;

  constructor(
    readonly policy: MetaPolicy,
    private readonly log: Logger,
  ) {}

  /** Every strategy with a loaded model is an arm. */
  servingArms(loaded: readonly string[]): readonly string[] {
    return loaded;
  }

  decide(request: ServingRequest): ServingDecision {
    const { policy, log } = this;
    const features = policy.features(request.context);
    const draw = policy.decide(request.impressionId, features, request.candidates);
    return {
      features,
      variant: META_POLICY_VARIANT,
      next: (): ServingChoice | null => draw.next(),
      report(choice: ServingChoice, outcome: ArmOutcome): void {
        if (outcome.kind === 'failed') {
          policy.breaker.failure(choice.arm, outcome.reason);
          return;
        }
        policy.breaker.success(choice.arm);
        if (outcome.kind === 'empty') {
          policy.reward(choice.arm, features, 0, true).catch((error: unknown) => log.warn('meta-policy update failed', { error: String(error) }));
        }
      },
    };
  }
}
