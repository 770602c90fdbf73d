/**
 * Inserts interaction rows in multi-row statements, skipping those whose idempotency key is
 * already stored (`ON CONFLICT DO NOTHING`), and says which rows it stored. Shared by the
 * importer and feedback ingestion.
 */
import type { Provider } from './database-url.js';
import { chunksFor, valuesClause, type RawSql, type SqlValue } from './sql-batch.js';

/** One interaction, with internal user and item ids. */
export interface NewInteraction {
  readonly userId: number;
  readonly itemId: number;
  readonly type: string;
  readonly value: number | null;
  readonly occurredAt: Date;
  readonly impressionId: string | null;
  readonly idempotencyKey: string | null;
}

const COLUMNS = ['userId', 'itemId', 'type', 'value', 'occurredAt', 'impressionId', 'idempotencyKey', 'createdAt'] as const;
const COLUMN_LIST = COLUMNS.map((c) => `"${c}"`).join(', ');
const RETURNED = COLUMNS.filter((c) => c !== 'createdAt')
  .map((c) => `"${c}"`)
  .join(', ');

interface Returned {
  readonly id: number | bigint;
  readonly userId: number | bigint;
  readonly itemId: number | bigint;
  readonly type: string;
  readonly value: number | null;
  readonly occurredAt: Date;
  readonly impressionId: string | null;
  readonly idempotencyKey: string | null;
}

/** What identifies a row without an idempotency key (such rows, when equal, are interchangeable). */
const signature = (r: NewInteraction | Returned): string =>
  JSON.stringify([Number(r.userId), Number(r.itemId), r.type, r.value, r.occurredAt.getTime(), r.impressionId]);

/**
 * Inserts `rows`; returns, per row, the id it was stored under, or null when its idempotency
 * key was already stored (by an earlier call or an earlier row of this one). Rows are matched
 * to RETURNING by key, or by content for keyless rows, so the order the database returns them
 * in does not matter.
 */
export async function insertInteractions(sql: RawSql, provider: Provider, createdAt: Date, rows: readonly NewInteraction[]): Promise<Array<number | null>> {
  const byKey = new Map<string, number>();
  const bySignature = new Map<string, number[]>();
  for (const chunk of chunksFor(rows, COLUMNS.length)) {
    const values: SqlValue[] = [];
    for (const r of chunk) values.push(r.userId, r.itemId, r.type, r.value, r.occurredAt, r.impressionId, r.idempotencyKey, createdAt);
    const returned = await sql.$queryRawUnsafe<Returned[]>(
      `INSERT INTO "Interaction" (${COLUMN_LIST}) VALUES ${valuesClause(provider, chunk.length, COLUMNS.length)} ` +
        `ON CONFLICT ("idempotencyKey") DO NOTHING RETURNING "id", ${RETURNED}`,
      ...values,
    );
    for (const r of returned) {
      const id = Number(r.id);
      if (r.idempotencyKey !== null) byKey.set(r.idempotencyKey, id);
      else {
        const sig = signature(r);
        const ids = bySignature.get(sig);
        if (ids) ids.push(id);
        else bySignature.set(sig, [id]);
      }
    }
  }
  return rows.map((r) => {
    if (r.idempotencyKey === null) return bySignature.get(signature(r))!.shift()!;
    const id = byKey.get(r.idempotencyKey);
    if (id === undefined) return null;
    byKey.delete(r.idempotencyKey); // a later row with the same key was not stored
    return id;
  });
}
