/**
 * Feedback at the data boundary. A batch costs a handful of statements whatever its size:
 * items resolved through a cache (one SELECT for the ids not seen yet), impressions in one
 * SELECT, then one transaction that looks up the batch's users (one SELECT), creates the
 * missing ones (one INSERT ... ON CONFLICT DO NOTHING), inserts every interaction in one
 * multi-row INSERT ... ON CONFLICT ("idempotencyKey") DO NOTHING RETURNING, and reads back
 * only the rows whose key was already stored. The unique index on the idempotency key is
 * what makes feedback exactly once, also between gateways: a concurrent transaction holding
 * the same key makes ours wait for its outcome, never store it twice.
 */
import type { Database } from './open-database.js';
import { insertMissing, resolveKnownIds } from './external-ids.js';
import { insertInteractions } from './interaction-insert.js';

/** One feedback entry to store, its item already resolved. */
export interface FeedbackRow {
  readonly userId: string;
  readonly itemId: string;
  /** Internal id of `itemId` (from `itemIds`). */
  readonly itemDbId: number;
  readonly type: string;
  readonly value: number | null;
  readonly occurredAt: Date;
  readonly impressionId: string | null;
  readonly idempotencyKey: string | null;
}

/** A stored interaction, with external user and item ids. */
export interface StoredInteraction {
  readonly id: number;
  readonly userId: string;
  readonly itemId: string;
  readonly type: string;
  readonly value: number | null;
  readonly occurredAt: Date;
  readonly impressionId: string | null;
  readonly idempotencyKey: string | null;
}

export interface FeedbackOutcome {
  readonly stored: StoredInteraction;
  /** False when the row's idempotency key was already stored and `stored` is that row. */
  readonly created: boolean;
}

/** Items are never deleted (only deactivated), so a resolved id stays right; bounded anyway. */
const MAX_CACHED_ITEMS = 1_000_000;
// Waiting for SQLite's single writer under load must not fail feedback (Prisma's default
// maxWait is 2 s).
const TRANSACTION = { maxWait: 10_000, timeout: 30_000 } as const;

export class FeedbackStore {
  readonly #itemIds = new Map<string, number>();

  constructor(private readonly db: Database) {}

  /** Internal ids of the items that exist, by external id. */
  async itemIds(externalIds: Iterable<string>): Promise<ReadonlyMap<string, number>> {
    if (this.#itemIds.size > MAX_CACHED_ITEMS) this.#itemIds.clear();
    await resolveKnownIds(this.db.prisma, this.db.provider, 'Item', externalIds, this.#itemIds);
    return this.#itemIds;
  }

  /** The user each existing impression was served to, by impression id. */
  async impressionOwners(impressionIds: readonly string[]): Promise<ReadonlyMap<string, string>> {
    if (impressionIds.length === 0) return new Map();
    const rows = await this.db.prisma.impression.findMany({ where: { id: { in: [...impressionIds] } }, select: { id: true, userExternalId: true } });
    return new Map(rows.map((i) => [i.id, i.userExternalId]));
  }

  /**
   * Stores the rows in one transaction, creating users seen for the first time. A row whose
   * idempotency key is already stored is answered by the stored row, after `accept(row,
   * stored)` has seen it: throwing there (a key reused for other feedback) rolls the whole
   * batch back. Rows must carry distinct idempotency keys.
   */
  async store(rows: readonly FeedbackRow[], accept: (row: FeedbackRow, stored: StoredInteraction) => void): Promise<FeedbackOutcome[]> {
    const { prisma, provider } = this.db;
    return prisma.$transaction(async (tx) => {
      const now = new Date();
      // Sorted keys, users before interactions: concurrent batches take the unique-index
      // locks in one order, so PostgreSQL never has to break a deadlock between them.
      const userIds = new Map<string, number>();
      const missing = await resolveKnownIds(tx, provider, 'User', [...new Set(rows.map((r) => r.userId))].sort(), userIds);
      const newUsers = missing.map((externalId) => ({ externalId, values: ['{}', now, now] }));
      await insertMissing(tx, provider, 'User', ['attributes', 'createdAt', 'updatedAt'], newUsers, userIds);

      const order = rows.map((_, i) => i).sort((a, b) => compareKeys(rows[a]!.idempotencyKey, rows[b]!.idempotencyKey));
      const ids = await insertInteractions(
        tx,
        provider,
        now,
        order.map((i) => {
          const r = rows[i]!;
          return { ...r, userId: userIds.get(r.userId)!, itemId: r.itemDbId };
        }),
      );
      const idOf = new Array<number | null>(rows.length);
      order.forEach((rowIndex, position) => (idOf[rowIndex] = ids[position]!));

      const existingKeys = rows.filter((r, i) => idOf[i] === null).map((r) => r.idempotencyKey!);
      const existing = new Map<string, StoredInteraction>();
      if (existingKeys.length > 0) {
        const stored = await tx.interaction.findMany({
          where: { idempotencyKey: { in: existingKeys } },
          include: { user: { select: { externalId: true } }, item: { select: { externalId: true } } },
        });
        for (const s of stored) {
          const { id, type, value, occurredAt, impressionId, idempotencyKey } = s;
          existing.set(idempotencyKey!, { id, userId: s.user.externalId, itemId: s.item.externalId, type, value, occurredAt, impressionId, idempotencyKey });
        }
      }
      return rows.map((r, i): FeedbackOutcome => {
        const id = idOf[i];
        if (id !== null && id !== undefined) {
          const { itemDbId: _, ...stored } = r;
          return { stored: { ...stored, id }, created: true };
        }
        const stored = existing.get(r.idempotencyKey!)!;
        accept(r, stored);
        return { stored, created: false };
      });
    }, TRANSACTION);
  }
}

/** Keyless rows last; keys in code-unit order (the same order on every gateway). */
function compareKeys(a: string | null, b: string | null): number {
  if (a === b) return 0;
  if (a === null) return 1;
  if (b === null) return -1;
  return a < b ? -1 : 1;
}
