/**
 * The meta-policy: a contextual bandit whose arms are the registered strategies. Per request
 * it computes the declared context features, scores every eligible arm with LinUCB, turns
 * the scores into a floored softmax (exact probabilities) and draws one arm with a seed
 * derived from the policy seed and the impression id. Rewards update the arm's statistics.
 */
import { createRandom } from '../ml/random.js';
import { armProbabilities } from './arm-distribution.js';
import { CircuitBreaker } from './circuit-breaker.js';
import { computeContextFeatures, type ContextFeatures, type DecisionContext } from './context-features.js';
import { FeatureLayout, fnv1a } from './feature-encoding.js';
import { shrinkTowardPooledMean } from './evidence-shrinkage.js';
import { LinUcbArm } from './lin-ucb.js';
import type { MetaPolicyConfig } from '../config/meta-policy-config.js';
import { PolicyDecision } from './policy-decision.js';
import { SegmentProbabilities, segmentOf } from './policy-segments.js';
import type { StatisticsStore } from './statistics-store.js';
import { EMPTY_ARM, observationIncrements, type ArmStatistics } from './sufficient-statistics.js';

export interface MetaPolicyOptions {
  readonly now?: () => number;
}

export class MetaPolicy {
  readonly breaker: CircuitBreaker;
  readonly layout: FeatureLayout;
  /** What this process decided recently, per user segment (the admin API shows it). */
  readonly segments = new SegmentProbabilities();
  readonly #now: () => number;
  readonly #models = new WeakMap<ArmStatistics, LinUcbArm>();

  constructor(
    readonly config: MetaPolicyConfig,
    readonly statistics: StatisticsStore,
    options: MetaPolicyOptions = {},
  ) {
    this.#now = options.now ?? Date.now;
    this.layout = new FeatureLayout(config.features, config.hashBuckets);
    this.breaker = new CircuitBreaker(config.breakerFailures, config.breakerCooldownMs, this.#now);
  }

  /** The exploration floor in force (set through the API, else configured). */
  get floor(): number {
    return this.statistics.current().floor ?? this.config.floor;
  }

  features(input: DecisionContext): ContextFeatures {
    return computeContextFeatures(this.config.features, input);
  }

  #model(arm: string): LinUcbArm {
    // Keyed by the statistics object: a store replaces an arm's object when (and only when)
    // that arm changes, so an update rebuilds one arm, not all.
    const stats = this.statistics.current().arms[arm] ?? EMPTY_ARM;
    let model = this.#models.get(stats);
    if (!model) {
      model = new LinUcbArm(stats, this.layout.dimension);
      this.#models.set(stats, model);
    }
    return model;
  }

  /**
   * LinUCB score per arm for these features, its mean shrunk toward the arms' pooled mean by
   * the prior (`priorPulls`, evidence-shrinkage.ts).
   */
  scores(features: ContextFeatures, arms: readonly string[]): Map<string, number> {
    const x = this.layout.encode(features);
    const sorted = [...arms].sort();
    const models = sorted.map((arm) => this.#model(arm));
    const means = shrinkTowardPooledMean(
      models.map((model) => model.mean(x)),
      models.map((model) => model.evidence(x)),
      this.config.priorPulls,
    );
    return new Map(sorted.map((arm, i) => [arm, means[i]! + this.config.alpha * models[i]!.width(x)]));
  }

  /**
   * The distribution over `candidates` (arms with a loaded model): arms whose breaker is
   * open get 0 and the floor is applied over the rest.
   */
  probabilities(features: ContextFeatures, candidates: readonly string[]): Map<string, number> {
    const eligible = candidates.filter((arm) => this.breaker.allows(arm));
    const probabilities = armProbabilities(this.scores(features, eligible), this.config.temperature, this.floor);
    const out = new Map<string, number>();
    for (const arm of [...candidates].sort()) out.set(arm, probabilities.get(arm) ?? 0);
    return out;
  }

  /** Draws this request's arm (and, on failures, the next ones); deterministic per impression id. */
  decide(impressionId: string, features: ContextFeatures, candidates: readonly string[]): PolicyDecision {
    const seed = fnv1a(impressionId, fnv1a(`recgate-meta-policy:${this.config.seed}`));
    const probabilities = this.probabilities(features, candidates);
    this.segments.record(segmentOf(features), probabilities);
    return new PolicyDecision(features, probabilities, createRandom(seed));
  }

  /**
   * Adds one reward to an arm. `pull` is true for the first reward of an impression (it
   * counts the impression), false for further feedback on the same impression.
   */
  async reward(arm: string, features: ContextFeatures, reward: number, pull: boolean): Promise<void> {
    const increments = observationIncrements(this.layout.encode(features), reward, pull);
    if (Object.keys(increments).length === 0) return;
    await this.statistics.add(arm, increments, this.#now());
  }

  async setFloor(floor: number | null): Promise<void> {
    await this.statistics.setFloor(floor);
  }

  async reset(): Promise<void> {
    await this.statistics.reset();
    this.segments.clear();
  }
}
