/**
 * The importer's externalId -> internal id map for users and items, kept in memory for the
 * whole run so each external id costs the database one lookup at most. Rows are created with
 * `INSERT ... ON CONFLICT DO NOTHING`, so a concurrent writer (the gateway taking feedback)
 * that creates the same user first is not an error.
 */
import type { Provider } from './database-url.js';
import { chunksFor, inList, quoted, valuesClause, type RawSql, type SqlValue } from './sql-batch.js';

export type EntityTable = 'User' | 'Item';

/** Looks up ids of external ids not yet in `ids`, adds what it finds, returns those still missing. */
export async function resolveKnownIds(
  sql: RawSql,
  provider: Provider,
  table: EntityTable,
  externalIds: Iterable<string>,
  ids: Map<string, number>,
): Promise<string[]> {
  const wanted = [...new Set(externalIds)].filter((id) => !ids.has(id));
  for (const chunk of chunksFor(wanted, 1)) {
    const rows = await sql.$queryRawUnsafe<Array<{ id: number; externalId: string }>>(
      `SELECT "id", "externalId" FROM ${quoted(table)} WHERE "externalId" IN ${inList(provider, chunk.length)}`,
      ...chunk,
    );
    for (const row of rows) ids.set(row.externalId, Number(row.id));
  }
  return wanted.filter((id) => !ids.has(id));
}

export interface NewEntity {
  readonly externalId: string;
  /** Values for `columns`, in order, after externalId. */
  readonly values: readonly SqlValue[];
}

/**
 * Inserts entities that do not exist yet and records their ids. Returns how many this call
 * created (rows another writer created meanwhile are looked up, not counted).
 */
export async function insertMissing(
  sql: RawSql,
  provider: Provider,
  table: EntityTable,
  columns: readonly string[],
  entities: readonly NewEntity[],
  ids: Map<string, number>,
): Promise<number> {
  let created = 0;
  const width = columns.length + 1;
  for (const chunk of chunksFor(entities, width)) {
    const values: SqlValue[] = [];
    for (const e of chunk) values.push(e.externalId, ...e.values);
    const rows = await sql.$queryRawUnsafe<Array<{ id: number; externalId: string }>>(
      `INSERT INTO ${quoted(table)} ("externalId", ${columns.map(quoted).join(', ')}) VALUES ${valuesClause(provider, chunk.length, width)} ` +
        `ON CONFLICT ("externalId") DO NOTHING RETURNING "id", "externalId"`,
      ...values,
    );
    for (const row of rows) ids.set(row.externalId, Number(row.id));
    created += rows.length;
  }
  const raced = entities.map((e) => e.externalId).filter((id) => !ids.has(id));
  if (raced.length > 0) await resolveKnownIds(sql, provider, table, raced, ids);
  return created;
}
