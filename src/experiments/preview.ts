/**
 * `experimentPreview`: each variant's reward per impression estimated from the impression
 * log before any user sees it, with recgate's off-policy estimators
 * (src/evaluation/off-policy/): IPS, SNIPS and doubly robust, with bootstrap intervals.
 * The log is the meta-policy's finalised impressions (one round per slate: the action is the
 * strategy that served it, with the propensity the policy drew it with).
 *
 * A variant the log cannot support is said to be so instead of estimated: a strategy the
 * logging policy never served (its propensity was zero wherever it mattered), or a
 * meta-policy variant allowed arms the log never shows.
 */
import type { Database } from '../db/index.js';
import { evaluateOffPolicy, type EstimatorName } from '../evaluation/off-policy/index.js';
import type { LoggedBanditFeedback } from '../evaluation/off-policy/bandit-feedback.js';
import type { TargetPolicy } from '../evaluation/off-policy/target-policy.js';
import { armTargetFactory, impressionFeedbackSource } from '../policy/impression-bandit-log.js';
import { metaPolicyTarget } from '../policy/meta-policy-target.js';
import type { MetaPolicyConfig } from '../config/meta-policy-config.js';
import { latestSnapshot } from '../policy/policy-snapshots.js';
import { parseInput } from '../serving/validation.js';
import { z } from 'zod';
import { servingSchema, type VariantServing } from './spec.js';
import type { RewardSettings } from './experiment-results.js';

/** The estimators a preview reports. */
export const PREVIEW_ESTIMATORS: readonly EstimatorName[] = ['ips', 'snips', 'dr'];

export interface PreviewEstimate {
  readonly estimator: EstimatorName;
  readonly estimate: number;
  readonly interval: readonly [number, number];
  readonly standardError: number;
}

export interface VariantPreview {
  readonly variant: string;
  readonly supported: boolean;
  /** Why the log cannot support an estimate (null when supported). */
  readonly reason: string | null;
  readonly estimates: readonly PreviewEstimate[];
  /** Importance-weight effective sample size: small means a wide, fragile estimate. */
  readonly effectiveSampleSize: number | null;
  readonly notes: readonly string[];
}

export interface ExperimentPreview {
  /** Rounds (finalised meta-policy slates) in the log. */
  readonly rounds: number;
  /** The logging policy's own reward per impression. */
  readonly loggedReward: number;
  readonly variants: readonly VariantPreview[];
}

// A spec's variants may be passed as they are: their weights do not matter to the estimate.
const previewVariants = z
  .array(z.object({ key: z.string().min(1).max(64), weight: z.number().optional(), serving: servingSchema }).strict())
  .min(1)
  .max(20);

export interface PreviewOptions {
  /** Bootstrap resamples per interval. @default 200 */
  readonly bootstrap?: number;
  /** @default 12345 */
  readonly seed?: number;
  /** Read at most this many rounds (oldest first). */
  readonly limit?: number;
}

export interface PreviewDeps {
  readonly db: Database;
  /** Registered strategies: the arms of the log's action space. */
  readonly arms: readonly string[];
  /** The configured meta-policy (what meta-policy variants' unset settings default to); null when off. */
  readonly metaPolicy: MetaPolicyConfig | null;
  /** When a logged slate's reward is settled (its window closed) and what it is without feedback. */
  readonly rewards: Pick<RewardSettings, 'rewardWindowMs' | 'defaultReward'>;
}

export async function experimentPreview(input: unknown, deps: PreviewDeps, options: PreviewOptions = {}): Promise<ExperimentPreview> {
  const variants = parseInput(previewVariants, input, 'variants');
  const feedback = await impressionFeedbackSource(deps.db, {
    arms: deps.arms,
    rewardWindowMs: deps.rewards.rewardWindowMs,
    defaultReward: deps.rewards.defaultReward,
  }).load(options.limit === undefined ? {} : { limit: options.limit });
  const logged = new Set(feedback.rounds.map((r) => feedback.space.actions[r.action]!));
  const snapshot = variants.some((v) => v.serving.kind === 'meta-policy') ? await latestSnapshot(deps.db) : null;
  const out: VariantPreview[] = [];
  for (const v of variants) {
    const target = await targetFor(v.serving, feedback, logged, deps, snapshot);
    if ('unsupported' in target) {
      out.push({ variant: v.key, supported: false, reason: target.unsupported, estimates: [], effectiveSampleSize: null, notes: [] });
      continue;
    }
    // Rewards are weighted feedback (RECGATE_REWARD_WEIGHTS), not clicks in [0, 1]: the empirical reward model fits any scale.
    const report = await evaluateOffPolicy(feedback, target.policy, {
      bootstrap: options.bootstrap ?? 200,
      seed: options.seed ?? 12345,
      rewardModel: 'empirical',
    });
    out.push({
      variant: v.key,
      supported: true,
      reason: null,
      estimates: PREVIEW_ESTIMATORS.map((estimator) => {
        const r = report.estimators[estimator];
        return { estimator, estimate: r.estimate, interval: r.ci, standardError: r.standardError };
      }),
      effectiveSampleSize: report.weights.effectiveSampleSize,
      notes: [...target.notes, ...report.target.notes],
    });
  }
  const loggedReward = feedback.rounds.reduce((s, r) => s + r.reward, 0) / feedback.rounds.length;
  return { rounds: feedback.rounds.length, loggedReward, variants: out };
}

type Target = { policy: TargetPolicy; notes: string[] } | { unsupported: string };

async function targetFor(
  serving: VariantServing,
  feedback: LoggedBanditFeedback,
  logged: ReadonlySet<string>,
  deps: PreviewDeps,
  snapshot: Awaited<ReturnType<typeof latestSnapshot>>,
): Promise<Target> {
  const never = (arm: string) => `the logging policy never served "${arm}" (zero propensity): the log says nothing about it`;
  switch (serving.kind) {
    case 'strategy':
      if (!logged.has(serving.strategy)) return { unsupported: never(serving.strategy) };
      return { policy: await armTargetFactory(serving.strategy, feedback.space), notes: [] };
    case 'model-version':
      if (!logged.has(serving.strategy)) return { unsupported: never(serving.strategy) };
      return {
        policy: await armTargetFactory(serving.strategy, feedback.space),
        notes: [
          `the log's propensities are per strategy: this estimates "${serving.strategy}" as it served (its versions at the time), not version ${serving.modelVersion} alone`,
        ],
      };
    case 'meta-policy': {
      if (!deps.metaPolicy) return { unsupported: 'the meta-policy is off (RECGATE_META_POLICY=off)' };
      const missing = (serving.arms ?? []).find((a) => !logged.has(a));
      if (missing) return { unsupported: never(missing) };
      const settings = (['floor', 'temperature', 'alpha'] as const).flatMap((k) => (serving[k] === undefined ? [] : [`${k}=${serving[k]}`])).join(',');
      return { policy: await metaPolicyTarget(settings, feedback, deps.metaPolicy, snapshot, serving.arms), notes: [] };
    }
  }
}
