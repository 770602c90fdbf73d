/**
 * The strategy contract's impression reader over the `Impression` table: each logged slate
 * with, per shown item, the feedback that named the impression and that item, weighted by the
 * reward weights (`RECGATE_REWARD_WEIGHTS`); 0 for an item shown and ignored.
 */
import type { FeedbackType } from '../interactions/feedback-type.js';
import { isFeedbackType } from '../interactions/feedback-type.js';
import type { ImpressionItem, ImpressionReader, ImpressionRecord, ScanOptions } from '../strategies/contract.js';
import type { Database } from './open-database.js';

function shownItems(value: unknown): { itemId: string; position: number }[] {
  if (!Array.isArray(value)) return [];
  const out: { itemId: string; position: number }[] = [];
  value.forEach((entry: unknown, index) => {
    if (!entry || typeof entry !== 'object') return;
    const { itemId, position } = entry as { itemId?: unknown; position?: unknown };
    if (typeof itemId !== 'string') return;
    out.push({ itemId, position: typeof position === 'number' ? position : index });
  });
  return out;
}

function timeWindow(options: ScanOptions | undefined) {
  if (options?.since === undefined && options?.until === undefined) return {};
  return {
    createdAt: {
      ...(options.since !== undefined ? { gte: new Date(options.since) } : {}),
      ...(options.until !== undefined ? { lt: new Date(options.until) } : {}),
    },
  };
}

interface StoredImpression {
  readonly id: string;
  readonly userExternalId: string;
  readonly surface: string;
  readonly strategy: string;
  readonly items: unknown;
  readonly propensity: number;
  readonly createdAt: Date;
}

export function dbImpressionReader(db: Database, rewardWeights: Readonly<Record<FeedbackType, number>>): ImpressionReader {
  return {
    async *scan(options) {
      const size = options?.batchSize ?? 5_000;
      const window = timeWindow(options);
      let after: { createdAt: Date; id: string } | null = null;
      for (;;) {
        const rows: StoredImpression[] = await db.prisma.impression.findMany({
          where: {
            ...window,
            ...(after ? { OR: [{ createdAt: { gt: after.createdAt } }, { createdAt: after.createdAt, id: { gt: after.id } }] } : {}),
          },
          orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
          take: size,
          select: { id: true, userExternalId: true, surface: true, strategy: true, items: true, propensity: true, createdAt: true },
        });
        if (rows.length === 0) return;
        const feedback = await db.prisma.interaction.findMany({
          where: { impressionId: { in: rows.map((r) => r.id) } },
          select: { impressionId: true, type: true, item: { select: { externalId: true } } },
        });
        const rewardOf = new Map<string, number>();
        for (const f of feedback) {
          if (!isFeedbackType(f.type)) continue;
          const key = `${f.impressionId}\u0000${f.item.externalId}`;
          rewardOf.set(key, (rewardOf.get(key) ?? 0) + rewardWeights[f.type]);
        }
        const batch: ImpressionRecord[] = rows.map((r) => ({
          id: r.id,
          userId: r.userExternalId,
          shownAt: r.createdAt.getTime(),
          strategy: r.strategy,
          surface: r.surface,
          propensity: r.propensity,
          items: shownItems(r.items).map((shown): ImpressionItem => ({ ...shown, reward: rewardOf.get(`${r.id}\u0000${shown.itemId}`) ?? 0 })),
        }));
        const last = rows[rows.length - 1]!;
        after = { createdAt: last.createdAt, id: last.id };
        yield batch;
        if (rows.length < size) return;
      }
    },
    count: (options) => db.prisma.impression.count({ where: timeWindow(options) }),
  };
}
