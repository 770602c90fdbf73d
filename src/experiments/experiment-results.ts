/**
 * Results of one experiment phase: the per-variant sums from the database, then the
 * statistics (results.ts).
 */
import type { Database } from '../db/index.js';
import type { FeedbackType } from '../interactions/feedback-type.js';
import type { ExperimentRecord } from './experiment-record.js';
import { DEFAULT_PRE_EXPOSURE_LOOKBACK_MS, queryVariantSums } from './metrics-query.js';
import { computeResults, type ExperimentResults, type ResultsOptions } from './results.js';

/** How feedback becomes reward (the meta-policy's RECGATE_REWARD_* settings). */
export interface RewardSettings {
  readonly rewardWeights: Readonly<Record<FeedbackType, number>>;
  readonly rewardWindowMs: number;
  readonly defaultReward: number;
}

export interface PhaseResults extends ExperimentResults {
  readonly experiment: string;
  readonly phase: number;
  readonly phaseStartedAt: Date | null;
  readonly computedAt: Date;
}

export async function experimentResults(
  db: Database,
  experiment: ExperimentRecord,
  rewards: RewardSettings,
  options: ResultsOptions & { phase?: number } = {},
): Promise<PhaseResults> {
  const { spec } = experiment;
  const phase = options.phase ?? experiment.phase;
  const cuped = options.cuped === true && experiment.phaseStartedAt !== null;
  const sums = await queryVariantSums(db, {
    experiment: spec.key,
    phase,
    conversionType: spec.conversionType,
    ...rewards,
    preExposure: cuped ? { before: experiment.phaseStartedAt!, lookbackMs: DEFAULT_PRE_EXPOSURE_LOOKBACK_MS } : null,
  });
  const results = computeResults(
    { variants: spec.variants, control: spec.control, primaryMetric: spec.primaryMetric, guardrailMetrics: spec.guardrailMetrics },
    sums,
    { ...options, cuped },
  );
  return { ...results, experiment: spec.key, phase, phaseStartedAt: experiment.phaseStartedAt, computedAt: new Date() };
}
