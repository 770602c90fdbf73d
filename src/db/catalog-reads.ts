/**
 * The API's reads of the catalogue and of users: one function per thing read, so resolvers
 * never hold a query (they call `CatalogService`, which calls these).
 */
import type { CatalogItem } from '../strategies/contract.js';
import type { FeedbackType } from '../interactions/feedback-type.js';
import type { Database } from './open-database.js';
import { toCatalogItem } from './item-mapping.js';
import { collectTitleMatches, titleContains, titleContainsFilter } from './title-search.js';

const WITH_CATEGORIES = { categories: { select: { name: true }, orderBy: { name: 'asc' } } } as const;

export interface StoredItem extends CatalogItem {
  /** Internal key, the cursor of item pages. */
  readonly dbId: number;
  readonly updatedAt: Date;
}

export interface ItemPageQuery {
  /** Items in at least one of these categories. */
  readonly categories?: readonly string[] | null;
  readonly active?: boolean | null;
  readonly titleContains?: string | null;
  /** Exclusive bounds on the internal key. */
  readonly before?: number;
  readonly after?: number;
  readonly limit: number;
  /** Newest keys first (a page read backwards). */
  readonly inverted: boolean;
}

export interface StoredUser {
  readonly id: string;
  readonly dbId: number;
  readonly attributes: unknown;
  readonly createdAt: Date;
  readonly updatedAt: Date;
}

export interface StoredInteraction {
  readonly type: FeedbackType;
  readonly value: number | null;
  readonly occurredAt: Date;
  readonly impressionId: string | null;
  readonly item: CatalogItem;
}

export async function findItem(db: Database, externalId: string): Promise<StoredItem | null> {
  const row = await db.prisma.item.findUnique({ where: { externalId }, include: WITH_CATEGORIES });
  return row ? { ...toCatalogItem(row), dbId: row.id, updatedAt: row.updatedAt } : null;
}

export async function itemPage(db: Database, q: ItemPageQuery): Promise<StoredItem[]> {
  const text = q.titleContains ?? undefined;
  const where = {
    ...(q.categories?.length ? { categories: { some: { name: { in: [...q.categories] } } } } : {}),
    ...(q.active !== undefined && q.active !== null ? { active: q.active } : {}),
    ...(text ? { title: titleContainsFilter(db.provider, text) } : {}),
  };
  // Rows after `lastId` in page order (ascending keys, descending when read backwards).
  const readBatch = async (lastId: number | undefined, take: number): Promise<StoredItem[]> => {
    const rows = await db.prisma.item.findMany({
      where: { ...where, id: q.inverted ? { lt: lastId ?? q.before, gt: q.after } : { lt: q.before, gt: lastId ?? q.after } },
      orderBy: { id: q.inverted ? 'desc' : 'asc' },
      take,
      include: WITH_CATEGORIES,
    });
    return rows.map((row) => ({ ...toCatalogItem(row), dbId: row.id, updatedAt: row.updatedAt }));
  };
  if (!text) return readBatch(undefined, q.limit);
  return collectTitleMatches(readBatch, (item) => titleContains(item.title, text), q.limit);
}

export async function findUser(db: Database, externalId: string): Promise<StoredUser | null> {
  const row = await db.prisma.user.findUnique({ where: { externalId } });
  return row ? { id: row.externalId, dbId: row.id, attributes: row.attributes, createdAt: row.createdAt, updatedAt: row.updatedAt } : null;
}

export function interactionCount(db: Database, userDbId: number): Promise<number> {
  return db.prisma.interaction.count({ where: { userId: userDbId } });
}

/** The user's latest interactions, newest first. */
export async function recentInteractions(db: Database, userDbId: number, take: number): Promise<StoredInteraction[]> {
  const rows = await db.prisma.interaction.findMany({
    where: { userId: userDbId },
    orderBy: [{ occurredAt: 'desc' }, { id: 'desc' }],
    take,
    include: { item: { include: WITH_CATEGORIES } },
  });
  // Stored types are feedback types: every writer validates them.
  return rows.map((r) => ({
    type: r.type as FeedbackType,
    value: r.value,
    occurredAt: r.occurredAt,
    impressionId: r.impressionId,
    item: toCatalogItem(r.item),
  }));
}
