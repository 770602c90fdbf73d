/**
 * Adds feedback rewards to impressions, a batch in one transaction of two statements.
 * `Impression.reward IS NULL` is the claim (see src/policy/reward-attribution.ts): the
 * impressions whose reward was still null are claimed by this call, and the caller counts
 * their pull; the rest only accumulate.
 */
import type { Database } from './open-database.js';
import { inList, valuesClause } from './sql-batch.js';

export interface ImpressionReward {
  readonly impressionId: string;
  /** Sum of the weights of this batch's feedback naming the impression. */
  readonly reward: number;
}

/**
 * Sets `reward = COALESCE(reward, 0) + reward` and `rewardedAt` on every impression claimed
 * here and on the others whose added reward is not 0; returns the ids claimed here. Locks the
 * rows first on PostgreSQL, so two gateways never both claim one impression (SQLite has one
 * writer at a time).
 */
export async function addImpressionRewards(db: Database, rewards: readonly ImpressionReward[], at: Date): Promise<Set<string>> {
  if (rewards.length === 0) return new Set();
  const { prisma, provider } = db;
  const ids = rewards.map((r) => r.impressionId);
  return prisma.$transaction(async (tx) => {
    const unclaimed = await tx.$queryRawUnsafe<Array<{ id: string }>>(
      `SELECT "id" FROM "Impression" WHERE "id" IN ${inList(provider, ids.length)} AND "reward" IS NULL${provider === 'postgres' ? ' FOR UPDATE' : ''}`,
      ...ids,
    );
    const claimed = new Set(unclaimed.map((r) => r.id));
    const changed = rewards.filter((r) => claimed.has(r.impressionId) || r.reward !== 0);
    if (changed.length > 0) {
      // VALUES columns are column1, column2 on both engines; the cast types the bound weight.
      const values = valuesClause(provider, changed.length, 2).replace(/\((\?|\$\d+),(\?|\$\d+)\)/g, '($1,CAST($2 AS DOUBLE PRECISION))');
      const pairs = changed.flatMap((r) => [r.impressionId, r.reward]);
      const atMark = provider === 'sqlite' ? '?' : `$${changed.length * 2 + 1}`;
      await tx.$executeRawUnsafe(
        `UPDATE "Impression" SET "reward" = COALESCE("Impression"."reward", 0) + v.column2, "rewardedAt" = ${atMark} ` +
          `FROM (VALUES ${values}) AS v WHERE "Impression"."id" = v.column1`,
        // `?` binds in text order (the time first), `$n` by number.
        ...(provider === 'sqlite' ? [at, ...pairs] : [...pairs, at]),
      );
    }
    return claimed;
  });
}
