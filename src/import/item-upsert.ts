/**
 * Writes catalogue rows: items upserted by external id (title and description from the
 * source, attributes merged into the stored ones), categories replaced when the source lists
 * them. Items that only interactions mention are created as placeholders and never overwrite
 * an existing item.
 */
import type { Provider } from '../db/index.js';
import { insertMissing, resolveKnownIds } from '../db/external-ids.js';
import type { ItemRow } from './rows.js';
import { placeholderItem } from './source-rows.js';
import { chunksFor, inList, jsonMerge, valuesClause, type RawSql, type SqlValue } from '../db/sql-batch.js';

/** Upserts catalogue rows (distinct external ids); returns how many items are new. */
export async function upsertItems(sql: RawSql, provider: Provider, rows: readonly ItemRow[], ids: Map<string, number>, now: Date): Promise<number> {
  const missing = await resolveKnownIds(
    sql,
    provider,
    'Item',
    rows.map((r) => r.externalId),
    ids,
  );
  const width = 5;
  for (const chunk of chunksFor(rows, width)) {
    const values: SqlValue[] = [];
    for (const r of chunk) values.push(r.externalId, r.title, r.description, JSON.stringify(r.attributes), now);
    const returned = await sql.$queryRawUnsafe<Array<{ id: number; externalId: string }>>(
      `INSERT INTO "Item" ("externalId", "title", "description", "attributes", "updatedAt") VALUES ${valuesClause(provider, chunk.length, width)} ` +
        `ON CONFLICT ("externalId") DO UPDATE SET "title" = excluded."title", "description" = excluded."description", ` +
        `"attributes" = ${jsonMerge(provider, '"Item"."attributes"', 'excluded."attributes"')}, "updatedAt" = excluded."updatedAt" ` +
        `RETURNING "id", "externalId"`,
      ...values,
    );
    for (const row of returned) ids.set(row.externalId, Number(row.id));
  }
  await replaceCategories(sql, provider, rows, ids);
  return missing.length;
}

async function replaceCategories(sql: RawSql, provider: Provider, rows: readonly ItemRow[], ids: Map<string, number>): Promise<void> {
  const listed = rows.filter((r) => r.categories !== null);
  const itemIds = listed.map((r) => ids.get(r.externalId)!);
  for (const chunk of chunksFor(itemIds, 1)) {
    await sql.$executeRawUnsafe(`DELETE FROM "ItemCategory" WHERE "itemId" IN ${inList(provider, chunk.length)}`, ...chunk);
  }
  const pairs: Array<[number, string]> = [];
  for (const r of listed) for (const name of r.categories!) pairs.push([ids.get(r.externalId)!, name]);
  for (const chunk of chunksFor(pairs, 2)) {
    await sql.$executeRawUnsafe(
      `INSERT INTO "ItemCategory" ("itemId", "name") VALUES ${valuesClause(provider, chunk.length, 2)} ON CONFLICT DO NOTHING`,
      ...chunk.flat(),
    );
  }
}

/** Creates placeholder items for external ids unknown to the database; returns how many. */
export async function ensureItems(sql: RawSql, provider: Provider, externalIds: Iterable<string>, ids: Map<string, number>, now: Date): Promise<number> {
  const missing = await resolveKnownIds(sql, provider, 'Item', externalIds, ids);
  if (missing.length === 0) return 0;
  const entities = missing.map((externalId) => {
    const item = placeholderItem(externalId);
    return { externalId, values: [item.title, item.description, JSON.stringify(item.attributes), now] };
  });
  return insertMissing(sql, provider, 'Item', ['title', 'description', 'attributes', 'updatedAt'], entities, ids);
}
