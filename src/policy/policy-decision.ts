/**
 * One request's draw from the meta-policy's distribution, with failure isolation: when the
 * drawn arm throws, blows its time budget or has nothing for the user, `next()` draws again
 * from the arms not tried yet, renormalised.
 *
 * Propensity of the arm finally served: drawing without replacement in proportion to p, the
 * first arm outside the failed set F is distributed as p restricted to the complement of F,
 * so P(served = b | F failed) = p(b) / (1 - sum over F of p). That is the probability of the
 * policy that actually applied to this request (the configured one with F taken out), and it
 * is what is logged. It assumes an arm that failed would have failed whenever it was drawn
 * for this request, which holds for throws and budgets that depend on the request.
 */
import type { Random } from '../ml/random.js';
import { drawArm } from './arm-distribution.js';
import type { ContextFeatures } from './context-features.js';

export interface ArmChoice {
  readonly arm: string;
  /** Probability of serving this arm given the arms that failed before it. */
  readonly propensity: number;
  /** The arm's probability before any failure. */
  readonly probability: number;
}

export class PolicyDecision {
  readonly #tried = new Set<string>();
  #failedMass = 0;
  #last: ArmChoice | null = null;

  constructor(
    readonly features: ContextFeatures,
    readonly probabilities: ReadonlyMap<string, number>,
    private readonly random: Random,
  ) {}

  /** The next arm to ask; null when every eligible arm was tried. */
  next(): ArmChoice | null {
    if (this.#last) {
      this.#failedMass += this.#last.probability;
      this.#last = null;
    }
    const remaining = new Map([...this.probabilities].filter(([arm, p]) => !this.#tried.has(arm) && p > 0));
    const arm = drawArm(remaining, this.random.next());
    if (arm === null) return null;
    this.#tried.add(arm);
    const probability = this.probabilities.get(arm)!;
    const rest = 1 - this.#failedMass;
    // Guards rounding: once all other mass failed, the last arm is certain.
    const propensity = remaining.size === 1 ? 1 : Math.min(1, probability / rest);
    this.#last = { arm, propensity, probability };
    return this.#last;
  }
}
