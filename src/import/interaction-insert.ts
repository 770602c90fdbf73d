/** Inserts interaction rows, skipping those whose idempotency key is already stored. */
import type { Provider } from '../db/index.js';
import { chunksFor, valuesClause, type RawSql, type SqlValue } from './sql-batch.js';
import type { InteractionRow } from './rows.js';

export interface KeyedInteraction {
  readonly row: InteractionRow;
  readonly idempotencyKey: string;
}

const COLUMNS = '"userId", "itemId", "type", "value", "occurredAt", "idempotencyKey"';

/** Returns how many rows were inserted; the rest were already present. */
export async function insertInteractions(
  sql: RawSql,
  provider: Provider,
  rows: readonly KeyedInteraction[],
  userIds: ReadonlyMap<string, number>,
  itemIds: ReadonlyMap<string, number>,
): Promise<number> {
  let inserted = 0;
  for (const chunk of chunksFor(rows, 6)) {
    const values: SqlValue[] = [];
    for (const { row, idempotencyKey } of chunk) {
      values.push(
        userIds.get(row.userId)!,
        itemIds.get(row.itemId)!,
        row.type,
        row.value,
        new Date(row.occurredAt),
        idempotencyKey,
      );
    }
    inserted += await sql.$executeRawUnsafe(
      `INSERT INTO "Interaction" (${COLUMNS}) VALUES ${valuesClause(provider, chunk.length, 6)} ON CONFLICT ("idempotencyKey") DO NOTHING`,
      ...values,
    );
  }
  return inserted;
}
