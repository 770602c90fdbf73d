/**
 * The strategy contract's readers over the database. Strategies see external ids and
 * signal weights only; the internal integer ids stay here.
 */
import type { CatalogItem, CatalogReader, InteractionReader, InteractionRecord, ScanOptions } from '../strategies/contract.js';
import { isFeedbackType } from '../interactions/feedback-type.js';
import { signalWeight, type SignalPolicy } from '../interactions/signal-policy.js';
import type { Database } from './open-database.js';
import { toCatalogItem } from './item-mapping.js';

async function externalIds(db: Database): Promise<{ users: Map<number, string>; items: Map<number, string> }> {
  const [users, items] = await Promise.all([
    db.prisma.user.findMany({ select: { id: true, externalId: true } }),
    db.prisma.item.findMany({ select: { id: true, externalId: true } }),
  ]);
  return {
    users: new Map(users.map((u) => [u.id, u.externalId])),
    items: new Map(items.map((i) => [i.id, i.externalId])),
  };
}

function timeWindow(options: ScanOptions | undefined) {
  if (options?.since === undefined && options?.until === undefined) return {};
  return {
    occurredAt: {
      ...(options.since !== undefined ? { gte: new Date(options.since) } : {}),
      ...(options.until !== undefined ? { lt: new Date(options.until) } : {}),
    },
  };
}

export function dbInteractionReader(db: Database, policy: SignalPolicy): InteractionReader {
  return {
    async *scan(options) {
      const size = options?.batchSize ?? 10_000;
      const ids = await externalIds(db);
      const window = timeWindow(options);
      // Keyset pagination on (occurredAt, id): stable under concurrent inserts, no OFFSET scans.
      let after: { occurredAt: Date; id: number } | null = null;
      for (;;) {
        const rows: Array<{ id: number; userId: number; itemId: number; type: string; value: number | null; occurredAt: Date }> =
          await db.prisma.interaction.findMany({
            where: {
              ...window,
              ...(after ? { OR: [{ occurredAt: { gt: after.occurredAt } }, { occurredAt: after.occurredAt, id: { gt: after.id } }] } : {}),
            },
            orderBy: [{ occurredAt: 'asc' }, { id: 'asc' }],
            take: size,
            select: { id: true, userId: true, itemId: true, type: true, value: true, occurredAt: true },
          });
        if (rows.length === 0) return;
        const batch: InteractionRecord[] = [];
        for (const r of rows) {
          const userId = ids.users.get(r.userId);
          const itemId = ids.items.get(r.itemId);
          // Rows written after the id maps were read belong to the next scan.
          if (userId === undefined || itemId === undefined || !isFeedbackType(r.type)) continue;
          batch.push({
            userId,
            itemId,
            type: r.type,
            value: r.value,
            weight: signalWeight(policy, r.type, r.value),
            occurredAt: r.occurredAt.getTime(),
          });
        }
        const last = rows[rows.length - 1]!;
        after = { occurredAt: last.occurredAt, id: last.id };
        if (batch.length > 0) yield batch;
        if (rows.length < size) return;
      }
    },
    count: (options) => db.prisma.interaction.count({ where: timeWindow(options) }),
  };
}

/** Every item with its internal id. Categories are read in one pass, not per item: an
 * `include` would send one bound parameter per item, past SQLite's limit on big catalogues. */
export async function loadCatalog(db: Database): Promise<Array<{ dbId: number; item: CatalogItem }>> {
  const [rows, categories] = await Promise.all([
    db.prisma.item.findMany({ orderBy: { id: 'asc' } }),
    db.prisma.itemCategory.findMany({ orderBy: [{ itemId: 'asc' }, { name: 'asc' }] }),
  ]);
  const byItem = new Map<number, Array<{ name: string }>>();
  for (const c of categories) {
    let list = byItem.get(c.itemId);
    if (!list) byItem.set(c.itemId, (list = []));
    list.push({ name: c.name });
  }
  return rows.map((row) => ({ dbId: row.id, item: toCatalogItem({ ...row, categories: byItem.get(row.id) ?? [] }) }));
}

export function dbCatalogReader(db: Database): CatalogReader {
  return {
    async items(): Promise<readonly CatalogItem[]> {
      return (await loadCatalog(db)).map((r) => r.item);
    },
  };
}
