/**
 * Which strategy serves a request. A serving policy turns one request into a decision: a
 * distribution over the candidate arms (the strategies with a loaded model), drawn in order,
 * each draw with its exact propensity. The service asks the drawn arm, then tells the
 * decision what happened (served, empty, failed) and draws again while nothing was served.
 * The decision owns what the outcome means to the policy (a circuit breaker, a reward).
 *
 * The service takes one policy per request (`RecommendService`'s `resolvePolicy` hook): the
 * configured one by default, an experiment's variant when one applies.
 */
import type { ContextFeatures, DecisionContext } from '../policy/context-features.js';
import type { LiveModel } from '../models/live-models.js';

/** What serving knows when the policy decides. */
export interface ServingRequest {
  readonly impressionId: string;
  readonly userId: string;
  /** The user and request context the meta-policy's features are computed from. */
  readonly context: DecisionContext;
  /** Strategies with a loaded model, the arms a decision may draw. */
  readonly candidates: readonly string[];
  /**
   * The API operation asking: `similarItems` draws only among strategies that define
   * `similar` (the candidates), which a fixed chain may not name. @default 'recommendations'
   */
  readonly operation?: 'recommendations' | 'similarItems';
}

export interface ServingChoice {
  readonly arm: string;
  /** Probability of serving this arm given the arms that were drawn before it and did not serve. */
  readonly propensity: number;
  /** The model to ask (a pinned model version); absent: the arm's live model. */
  readonly model?: LiveModel;
}

/** The experiment variant a request was assigned to; logged with the impression, returned with the slate. */
export interface ExperimentExposure {
  readonly key: string;
  readonly variant: string;
  readonly phase: number;
}

export type ArmOutcome =
  | { readonly kind: 'served' }
  /** Answered with no item for this user (the next draw serves). */
  | { readonly kind: 'empty' }
  /** Threw or blew its time budget. */
  | { readonly kind: 'failed'; readonly reason: string };

export interface ServingDecision {
  /** The context features logged with the impression; null when the policy uses none. */
  readonly features: ContextFeatures | null;
  /**
   * Logged as the impression's variant when an arm of this decision served; a policy learns
   * from the impressions carrying its variant. Null: the impression teaches nothing.
   */
  readonly variant: string | null;
  /** Set when the request is served under an experiment's variant. */
  readonly experiment?: ExperimentExposure | null;
  /** The next arm to ask; null when every arm was drawn. */
  next(): ServingChoice | null;
  /** What the arm just drawn did. */
  report(choice: ServingChoice, outcome: ArmOutcome): void;
}

export interface ServingPolicy {
  /** Names the policy in logs and the API (`fixed:<strategy>`, `meta-policy`). */
  readonly name: string;
  /** The arms that serve requests given the loaded ones (the `strategies` query's SERVING). */
  servingArms(loaded: readonly string[]): readonly string[];
  decide(request: ServingRequest): ServingDecision;
}
