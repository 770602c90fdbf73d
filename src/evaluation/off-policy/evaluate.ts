/**
 * Off-policy evaluation of one target policy on one log: fit the reward model (cross-fitted),
 * weigh every round, run every estimator, bootstrap their intervals.
 */
import { z } from 'zod';
import { rgError } from '../../errors.js';
import { observedValue, type LeftOutRounds, type LoggedBanditFeedback, type ObservedValue } from './bandit-feedback.js';
import { bootstrapSummedStatistics } from './bootstrap.js';
import { buildEstimatorInputs, type EstimatorInputs } from './estimator-inputs.js';
import { byEstimator, ESTIMATOR_NAMES, ESTIMATORS, type EstimatorName, type EstimatorParams } from './estimators.js';
import { chooseRewardModel, crossFitRewards, REWARD_MODEL_CHOICES, type RewardModelKind } from './reward-model.js';
import type { TargetPolicy } from './target-policy.js';

export const offPolicyOptionsSchema = z.object({
  /** Bootstrap resamples per interval. @default 1000 */
  bootstrap: z.number().int().min(10).max(1_000_000).default(1000),
  /** Seeds the bootstrap and the cross-fitting folds. @default 12345 */
  seed: z.number().int().min(0).default(12345),
  /** Coverage of the bootstrap interval. @default 0.95 */
  confidence: z.number().gt(0).lt(1).default(0.95),
  /** W for ips-clipped and dr-clipped. @default 50 */
  clip: z.number().positive().default(50),
  /** tau for switch-dr (OBP's lambda_ of SwitchDoublyRobust). @default 100 */
  switchThreshold: z.number().positive().default(100),
  /** lambda for dr-os (OBP's lambda_ of DoublyRobustWithShrinkage). @default 100 */
  shrinkage: z.number().min(0).default(100),
  /** Reward model of DM and the DR family; `auto` picks by the log's rewards (chooseRewardModel). @default 'auto' */
  rewardModel: z.enum(REWARD_MODEL_CHOICES).default('auto'),
  /** Cross-fitting folds of the reward model (1: fit and predict on the whole log). @default 3 */
  folds: z.number().int().min(1).max(20).default(3),
});

export type OffPolicyOptions = z.input<typeof offPolicyOptionsSchema>;
/** The options as used: `rewardModel` is the kind fitted, and `rewardModelReason` says why. */
export type ResolvedOffPolicyOptions = Omit<z.output<typeof offPolicyOptionsSchema>, 'rewardModel'> & {
  readonly rewardModel: RewardModelKind;
  readonly rewardModelReason: string;
};

export function parseOffPolicyOptions(options: OffPolicyOptions): z.output<typeof offPolicyOptionsSchema> {
  const parsed = offPolicyOptionsSchema.safeParse(options);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw rgError('RG_ERR_INVALID_INPUT', { path: issue.path.join('.') || 'options', reason: issue.message });
  }
  return parsed.data;
}

export interface EstimatorResult {
  readonly estimate: number;
  readonly ci: readonly [number, number];
  readonly standardError: number;
  /** |estimate - observed| / observed, when the target's own log gives its observed value. */
  readonly relativeError: number | null;
  /** Point estimates over the rounds at each position (index = 0-based position). */
  readonly byPosition: readonly number[];
}

export interface OffPolicyReport {
  /** Rounds in the evaluated log. */
  readonly logSize: number;
  /** The target's observed (on-policy) value, e.g. the mean click of a `logged:` target's own log. */
  readonly onPolicyValue: number | null;
  readonly log: {
    readonly source: string;
    readonly actions: number;
    readonly positions: number;
    /** The logging policy's own mean reward. */
    readonly observed: ObservedValue;
    /** Rows of the log that are not rounds here, by reason (empty when the source leaves nothing out). */
    readonly leftOut: readonly LeftOutRounds[];
    /** How the source made its rounds, when a reader needs to know. */
    readonly notes: readonly string[];
  };
  readonly target: {
    readonly spec: string;
    readonly description: string;
    readonly observed: ObservedValue | null;
    readonly notes: readonly string[];
  };
  /** Importance weight diagnostics: a small effective sample size warns of a high-variance estimate. */
  readonly weights: { readonly mean: number; readonly max: number; readonly effectiveSampleSize: number };
  readonly options: ResolvedOffPolicyOptions;
  readonly estimators: Readonly<Record<EstimatorName, EstimatorResult>>;
}

/** Point estimates of every estimator over the given inputs (no interval). */
export function pointEstimates(inputs: EstimatorInputs, params: EstimatorParams): Record<EstimatorName, number> {
  return byEstimator((name) => {
    const definition = ESTIMATORS[name];
    const terms = definition.terms(inputs, params);
    const sums = Float64Array.from(terms, (term) => term.reduce((s, v) => s + v, 0));
    return definition.combine(sums, inputs.rounds);
  });
}

function byPosition(inputs: EstimatorInputs, name: EstimatorName, params: EstimatorParams): number[] {
  const definition = ESTIMATORS[name];
  const terms = definition.terms(inputs, params);
  return Array.from({ length: inputs.positions }, (_, k) => {
    const sums = new Float64Array(terms.length);
    let count = 0;
    for (let i = 0; i < inputs.rounds; i++) {
      if (inputs.position[i] !== k) continue;
      count++;
      terms.forEach((term, t) => (sums[t]! += term[i]!));
    }
    return count > 0 ? definition.combine(sums, count) : Number.NaN;
  });
}

/** Every estimator's value on `feedback`, without intervals: what the benchmark repeats. */
export async function estimateOffPolicy(
  feedback: LoggedBanditFeedback,
  target: TargetPolicy,
  options: OffPolicyOptions = {},
): Promise<{ inputs: EstimatorInputs; estimates: Record<EstimatorName, number>; options: ResolvedOffPolicyOptions }> {
  const parsed = parseOffPolicyOptions(options);
  const model = chooseRewardModel(parsed.rewardModel, feedback);
  const resolved: ResolvedOffPolicyOptions = { ...parsed, rewardModel: model.kind, rewardModelReason: model.reason };
  const predictions = crossFitRewards(feedback, { kind: resolved.rewardModel, folds: resolved.folds, seed: resolved.seed });
  const inputs = await buildEstimatorInputs(feedback, target, predictions);
  return { inputs, estimates: pointEstimates(inputs, resolved), options: resolved };
}

export async function evaluateOffPolicy(feedback: LoggedBanditFeedback, target: TargetPolicy, options: OffPolicyOptions = {}): Promise<OffPolicyReport> {
  const { inputs, estimates, options: resolved } = await estimateOffPolicy(feedback, target, options);
  const statistics = ESTIMATOR_NAMES.map((name) => ({
    terms: ESTIMATORS[name].terms(inputs, resolved),
    combine: ESTIMATORS[name].combine,
  }));
  const intervals = bootstrapSummedStatistics(inputs.rounds, statistics, {
    resamples: resolved.bootstrap,
    seed: resolved.seed,
    confidence: resolved.confidence,
  });
  const truth = target.observed?.value ?? null;
  const estimators = byEstimator((name, s): EstimatorResult => ({
    estimate: estimates[name],
    ci: intervals[s]!.ci,
    standardError: intervals[s]!.standardError,
    relativeError: truth !== null && truth !== 0 ? Math.abs(estimates[name] - truth) / truth : null,
    byPosition: byPosition(inputs, name, resolved),
  }));

  let sum = 0;
  let squares = 0;
  let max = 0;
  for (const w of inputs.weight) {
    sum += w;
    squares += w * w;
    max = Math.max(max, w);
  }
  return {
    logSize: inputs.rounds,
    onPolicyValue: truth,
    log: {
      source: feedback.source,
      actions: feedback.space.actions.length,
      positions: feedback.space.positions,
      observed: observedValue(feedback),
      leftOut: feedback.leftOut ?? [],
      notes: feedback.notes ?? [],
    },
    target: {
      spec: target.spec,
      description: target.description,
      observed: target.observed ?? null,
      notes: target.notes ?? [],
    },
    weights: { mean: sum / inputs.rounds, max, effectiveSampleSize: squares > 0 ? (sum * sum) / squares : 0 },
    options: resolved,
    estimators,
  };
}
