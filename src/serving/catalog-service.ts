/**
 * Catalogue writes: items and users upserted by external id, and a user forgotten on request
 * (their interactions, impressions and adapted state go with them). Each call is one
 * transaction.
 */
import {
  findItem,
  findUser,
  interactionCount,
  itemPage,
  recentInteractions,
  type Database,
  type ItemPageQuery,
  type StoredInteraction,
  type StoredItem,
  type StoredUser,
} from '../db/index.js';
import { embeddingToBytes } from '../db/item-mapping.js';
import { itemsInput, externalId, userInput } from './input-schemas.js';
import { parseInput } from './validation.js';
import type { ImpressionLog } from './impression-log.js';
import type { CatalogCache } from '../catalog/catalog-cache.js';
import type { AdaptedStateStore } from '../adaptation/adapted-state-store.js';

/**
 * A call may write 1,000 items; Prisma's default 5 s for an interactive transaction is not
 * enough on a busy database (it failed as an internal error under load), so the call gets the
 * time it needs and waits its turn for the write lock a while.
 */
const UPSERT_TRANSACTION = { maxWait: 10_000, timeout: 60_000 } as const;

/**
 * The catalogue and its users as the API reads and writes them: resolvers call this, never
 * the database.
 */
export class CatalogService {
  constructor(
    private readonly deps: {
      readonly db: Database;
      readonly cache: CatalogCache;
      readonly impressions: ImpressionLog;
      /** Where adapt jobs keep per-user state (Redis with REDIS_URL). */
      readonly adaptations?: AdaptedStateStore;
    },
  ) {}

  /** One item by external id (inactive ones included), or null. */
  item(id: string): Promise<StoredItem | null> {
    return findItem(this.deps.db, id);
  }

  /** A page of items in catalogue order. */
  items(query: ItemPageQuery): Promise<StoredItem[]> {
    return itemPage(this.deps.db, query);
  }

  user(id: string): Promise<StoredUser | null> {
    return findUser(this.deps.db, id);
  }

  interactionCount(user: StoredUser): Promise<number> {
    return interactionCount(this.deps.db, user.dbId);
  }

  /** The user's latest interactions, newest first. */
  recentInteractions(user: StoredUser, limit: number): Promise<StoredInteraction[]> {
    return recentInteractions(this.deps.db, user.dbId, limit);
  }

  /** Creates or replaces items (all fields, categories included); returns their external ids. */
  async upsertItems(rawItems: unknown): Promise<string[]> {
    const items = parseInput(itemsInput, rawItems, 'items');
    // An id given twice in one call is written once, with its last values.
    const latest = [...new Map(items.map((item) => [item.id, item])).values()];
    await this.deps.db.prisma.$transaction(async (tx) => {
      const categories: Array<{ itemId: number; name: string }> = [];
      const rowIds: number[] = [];
      for (const item of latest) {
        const data = {
          title: item.title,
          description: item.description,
          attributes: item.attributes as object,
          embedding: item.embedding ? embeddingToBytes(item.embedding) : null,
          active: item.active,
        };
        const row = await tx.item.upsert({
          where: { externalId: item.id },
          create: { externalId: item.id, ...data },
          update: data,
          select: { id: true },
        });
        rowIds.push(row.id);
        for (const name of new Set(item.categories)) categories.push({ itemId: row.id, name });
      }
      // Categories in two statements for the whole call rather than two per item: a call of
      // 1,000 items holds the write transaction (SQLite's one writer) a third as long.
      await tx.itemCategory.deleteMany({ where: { itemId: { in: rowIds } } });
      if (categories.length > 0) await tx.itemCategory.createMany({ data: categories });
    }, UPSERT_TRANSACTION);
    await this.deps.cache.refresh();
    return items.map((i) => i.id);
  }

  async upsertUser(rawUser: unknown): Promise<StoredUser & { attributes: Record<string, unknown> }> {
    const user = parseInput(userInput, rawUser, 'user');
    const row = await this.deps.db.prisma.user.upsert({
      where: { externalId: user.id },
      create: { externalId: user.id, attributes: user.attributes as object },
      update: { attributes: user.attributes as object },
    });
    return { id: row.externalId, dbId: row.id, attributes: user.attributes, createdAt: row.createdAt, updatedAt: row.updatedAt };
  }

  /**
   * Forgets a user: their adapted state, interactions and impressions are deleted. True if
   * anything was. The adapted state goes first: while Redis is unreachable the call fails
   * with RG_ERR_REDIS_UNAVAILABLE and the database is untouched, so a retry finishes the job.
   */
  async deleteUser(rawId: unknown): Promise<{ deleted: boolean; interactions: number; impressions: number }> {
    const id = parseInput(externalId, rawId, 'id');
    await this.deps.adaptations?.forget(id);
    // Impressions still buffered would otherwise be written after the delete.
    await this.deps.impressions.flush();
    return this.deps.db.prisma.$transaction(async (tx) => {
      const impressions = await tx.impression.deleteMany({ where: { userExternalId: id } });
      const user = await tx.user.findUnique({ where: { externalId: id }, select: { id: true } });
      let interactions = 0;
      if (user) {
        interactions = (await tx.interaction.deleteMany({ where: { userId: user.id } })).count;
        await tx.user.delete({ where: { id: user.id } });
      }
      return { deleted: user !== null || impressions.count > 0, interactions, impressions: impressions.count };
    });
  }
}
