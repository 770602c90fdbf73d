/**
 * recgate's impression log as logged bandit feedback for `recgate ope --log impressions`.
 * The meta-policy's decision is which strategy serves a slate, so one round is one slate:
 * the action is the strategy (arm), the only position is 0, the reward is the slate's
 * attributed reward (`Impression.reward`) and the propensity is the probability the policy
 * served that arm with (`Impression.propensity`). The context is the logged features, one
 * categorical column per feature name.
 *
 * Which slates enter is decided by time alone, never by the outcome: a slate enters once its
 * reward window (RECGATE_REWARD_WINDOW_SECONDS from its impression) has closed, because only
 * then is its reward final. Taking "reward is set" instead selects on the outcome: the first
 * feedback sets a reward at once while a slate without feedback gets the default only when the
 * sweep reaches it after the window, so the fresh part of such a sample is all rewarded slates
 * (one run: 1 round, mean reward 6). A closed slate the sweep has not reached yet enters with
 * the default reward it is about to get. Slates still inside their window, and slates another
 * variant served (no meta-policy propensity), are left out and counted in the report.
 */
import { rgError } from '../errors.js';
import type { Database } from '../db/index.js';
import type { ActionSpace, BanditRound, LoggedBanditFeedback } from '../evaluation/off-policy/bandit-feedback.js';
import type { BanditFeedbackSource, FeedbackLoadOptions } from '../evaluation/off-policy/feedback-source.js';
import type { LeftOutRounds } from '../evaluation/off-policy/bandit-feedback.js';
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
  /** How long feedback counts towards a slate's reward (RECGATE_REWARD_WINDOW_SECONDS), ms. */
  readonly rewardWindowMs: number;
  /** The reward of a slate whose window closed without feedback (RECGATE_REWARD_DEFAULT). */
  readonly defaultReward: number;
  /** The clock windows close by, ms epoch. @default Date.now */
  readonly now?: () => number;
}

export function impressionFeedbackSource(db: Database, options: ImpressionLogSourceOptions): BanditFeedbackSource {
  return {
    spec: 'impressions',
    async load(loadOptions: FeedbackLoadOptions = {}): Promise<LoggedBanditFeedback> {
      const rows: Array<{ strategy: string; propensity: number; reward: number; features: Record<string, string>; createdAt: number }> = [];
      let cursor: { createdAt: Date; id: string } | null = null;
      const limit = loadOptions.limit ?? Infinity;
      // A slate's window is closed when it was created before this instant (as the sweep decides).
      const closedBefore = new Date((options.now?.() ?? Date.now()) - options.rewardWindowMs);
      let defaulted = 0;
      while (rows.length < limit) {
        const page: Array<{ id: string; strategy: string; propensity: number; reward: number | null; features: unknown; createdAt: Date }> =
          await db.prisma.impression.findMany({
            where: {
              variant: META_POLICY_VARIANT,
              createdAt: { lt: closedBefore },
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
          if (r.reward === null) defaulted++;
          const reward = r.reward ?? options.defaultReward;
          rows.push({ strategy: r.strategy, propensity: r.propensity, reward, features: featureMap(r.features), createdAt: r.createdAt.getTime() });
        }
        if (page.length === 0) break;
        const last = page[page.length - 1]!;
        cursor = { createdAt: last.createdAt, id: last.id };
        if (page.length < PAGE) break;
      }
      const leftOut = await leftOutImpressions(db, closedBefore, options.rewardWindowMs);
      if (rows.length === 0) {
        const why = leftOut.filter((l) => l.count > 0).map((l) => `${l.count} ${l.reason}`);
        throw rgError('RG_ERR_OPE_LOG', {
          file: 'impressions',
          line: 0,
          reason: `no finalised meta-policy impressions (reward window closed) yet${why.length > 0 ? `; left out: ${why.join('; ')}` : ''}`,
        });
      }
      const notes =
        defaulted === 0
          ? []
          : [
              `${defaulted} slate(s) whose window closed without feedback enter with the default reward ${options.defaultReward} (RECGATE_REWARD_DEFAULT); the reward sweep had not reached them yet`,
            ];
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
      return { source: 'impressions', space, contextNames: { categorical: names }, rounds, leftOut, notes };
    },
  };
}

/** The slates that do not enter, counted by reason (every reason listed, zero or not). */
async function leftOutImpressions(db: Database, closedBefore: Date, windowMs: number): Promise<LeftOutRounds[]> {
  const open = { variant: META_POLICY_VARIANT, createdAt: { gte: closedBefore } };
  const [stillOpen, openWithFeedback, otherVariants] = await Promise.all([
    db.prisma.impression.count({ where: open }),
    db.prisma.impression.count({ where: { ...open, reward: { not: null } } }),
    db.prisma.impression.count({ where: { OR: [{ variant: null }, { variant: { not: META_POLICY_VARIANT } }] } }),
  ]);
  return [
    {
      count: stillOpen,
      reason:
        `inside their reward window (created in the last ${windowMs / 1000} s, RECGATE_REWARD_WINDOW_SECONDS; ${openWithFeedback} of them already have feedback): ` +
        'their rewards are not final, and taking only those with feedback would favour rewarded slates',
    },
    { count: otherVariants, reason: 'served outside the meta-policy (another variant, or the meta-policy off): no propensity to weigh them by' },
  ];
}

/** `strategy:<name>` over an arm space: always serve that strategy. */
export const armTargetFactory: StrategyTargetFactory = async (name: string, space: ActionSpace): Promise<TargetPolicy> => {
  const index = space.actions.indexOf(name);
  if (index < 0) {
    throw rgError('RG_ERR_OPE_POLICY', {
      spec: `strategy:${name}`,
      reason: `no strategy "${name}" among the arms (${space.actions.join(', ')})`,
      supported: 'uniform, strategy:<name>',
    });
  }
  const distribution = new Float64Array(space.actions.length);
  distribution[index] = 1;
  return {
    spec: `strategy:${name}`,
    description: `always serve strategy "${name}" (one arm of ${space.actions.length})`,
    actionProbabilities: () => distribution,
  };
};
