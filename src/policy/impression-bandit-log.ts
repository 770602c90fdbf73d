/**
 * recgate's impression log as logged bandit feedback for `recgate ope --log impressions`.
 * The meta-policy's decision is which strategy serves a slate, so one round is one slate:
 * the action is the strategy (arm), the only position is 0, the reward is the slate's
 * attributed reward (`Impression.reward`) and the propensity is the probability the policy
 * served that arm with (`Impression.propensity`). Only finalised slates the meta-policy chose
 * count (reward set, variant `meta-policy`); slates still inside their window are left out.
 * The context is the logged features, one categorical column per feature name.
 */
import { rgError } from '../errors.js';
import type { Database } from '../db/index.js';
import type { ActionSpace, BanditRound, LoggedBanditFeedback } from '../evaluation/off-policy/bandit-feedback.js';
import type { BanditFeedbackSource, FeedbackLoadOptions } from '../evaluation/off-policy/feedback-source.js';
import type { StrategyTargetFactory, TargetPolicy } from '../evaluation/off-policy/target-policy.js';
import { META_POLICY_VARIANT } from './reward-attribution.js';
import { jsonColumn } from '../json-value.js';

const PAGE = 5_000;

function featureMap(value: unknown): Record<string, string> {
  const parsed = jsonColumn(value);
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) return {};
  return Object.fromEntries(Object.entries(parsed).filter((e): e is [string, string] => typeof e[1] === 'string'));
}

export interface ImpressionLogSourceOptions {
  /** Every arm the target may choose (the registered strategies); logged arms are added. */
  readonly arms: readonly string[];
}

export function impressionFeedbackSource(db: Database, options: ImpressionLogSourceOptions): BanditFeedbackSource {
  return {
    spec: 'impressions',
    async load(loadOptions: FeedbackLoadOptions = {}): Promise<LoggedBanditFeedback> {
      const rows: Array<{ strategy: string; propensity: number; reward: number; features: Record<string, string>; createdAt: number }> = [];
      let cursor: { createdAt: Date; id: string } | null = null;
      const limit = loadOptions.limit ?? Infinity;
      while (rows.length < limit) {
        const page: Array<{ id: string; strategy: string; propensity: number; reward: number | null; features: unknown; createdAt: Date }> =
          await db.prisma.impression.findMany({
            where: {
              variant: META_POLICY_VARIANT,
              reward: { not: null },
              ...(cursor ? { OR: [{ createdAt: { gt: cursor.createdAt } }, { createdAt: cursor.createdAt, id: { gt: cursor.id } }] } : {}),
            },
            select: { id: true, strategy: true, propensity: true, reward: true, features: true, createdAt: true },
            orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
            take: Math.min(PAGE, limit - rows.length),
          });
        for (const r of page) {
          if (!(r.propensity > 0 && r.propensity <= 1)) {
            throw rgError('RG_ERR_OPE_LOG', { file: 'impressions', line: `impression ${r.id}`, reason: `propensity ${r.propensity} is not in (0, 1]` });
          }
          rows.push({ strategy: r.strategy, propensity: r.propensity, reward: r.reward!, features: featureMap(r.features), createdAt: r.createdAt.getTime() });
        }
        if (page.length === 0) break;
        const last = page[page.length - 1]!;
        cursor = { createdAt: last.createdAt, id: last.id };
        if (page.length < PAGE) break;
      }
      if (rows.length === 0) {
        throw rgError('RG_ERR_OPE_LOG', { file: 'impressions', line: 0, reason: 'no finalised meta-policy impressions (reward set) yet' });
      }
      const actions = [...new Set([...options.arms, ...rows.map((r) => r.strategy)])].sort();
      const index = new Map(actions.map((a, i) => [a, i]));
      const names = [...new Set(rows.flatMap((r) => Object.keys(r.features)))].sort();
      const space: ActionSpace = { actions, positions: 1, actionFeatures: null, featureNames: { categorical: [], numeric: [] } };
      const rounds: BanditRound[] = rows.map((r) => ({
        timestamp: r.createdAt,
        action: index.get(r.strategy)!,
        position: 0,
        reward: r.reward,
        propensity: r.propensity,
        context: { categories: names.map((n) => r.features[n] ?? ''), actionAffinity: null },
      }));
      return { source: 'impressions', space, contextNames: { categorical: names }, rounds };
    },
  };
}

/** `strategy:<name>` over an arm space: always serve that strategy. */
export const armTargetFactory: StrategyTargetFactory = async (name: string, space: ActionSpace): Promise<TargetPolicy> => {
  const index = space.actions.indexOf(name);
  if (index < 0) {
    throw rgError('RG_ERR_OPE_POLICY', { spec: `strategy:${name}`, reason: `no strategy "${name}" among the arms (${space.actions.join(', ')})`, supported: 'uniform, strategy:<name>' });
  }
  const distribution = new Float64Array(space.actions.length);
  distribution[index] = 1;
  return { spec: `strategy:${name}`, description: `always serve strategy "${name}" (one arm of ${space.actions.length})`, actionProbabilities: () => distribution };
};
