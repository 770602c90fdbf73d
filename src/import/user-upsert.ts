/**
 * Users seen in interaction rows: created when new; when a row carries user attributes (the
 * customer's country), they are merged into the stored ones, once per change rather than
 * once per row.
 */
import type { Provider } from '../db/index.js';
import { insertMissing, resolveKnownIds } from '../db/external-ids.js';
import type { JsonObject } from './rows.js';
import { chunksFor, jsonMerge, valuesClause, type RawSql, type SqlValue } from '../db/sql-batch.js';

export interface UserState {
  /** externalId -> internal id. */
  readonly ids: Map<string, number>;
  /** externalId -> the attributes JSON this run last wrote, to skip unchanged rewrites. */
  readonly writtenAttributes: Map<string, string>;
}

/**
 * Makes sure every user of a batch exists and carries its latest attributes.
 * `users` maps external id -> the batch's last attributes for it (null: none known).
 * Returns how many users are new.
 */
export async function ensureUsers(
  sql: RawSql,
  provider: Provider,
  users: ReadonlyMap<string, JsonObject | null>,
  state: UserState,
  now: Date,
): Promise<number> {
  const missing = await resolveKnownIds(sql, provider, 'User', users.keys(), state.ids);
  const entities = missing.map((externalId) => {
    const attributes = JSON.stringify(users.get(externalId) ?? {});
    if (users.get(externalId)) state.writtenAttributes.set(externalId, attributes);
    return { externalId, values: [attributes, now] };
  });
  const created = await insertMissing(sql, provider, 'User', ['attributes', 'updatedAt'], entities, state.ids);

  const changed: Array<[string, string]> = [];
  for (const [externalId, attributes] of users) {
    if (attributes === null) continue;
    const json = JSON.stringify(attributes);
    if (state.writtenAttributes.get(externalId) === json) continue;
    state.writtenAttributes.set(externalId, json);
    changed.push([externalId, json]);
  }
  for (const chunk of chunksFor(changed, 3)) {
    const values: SqlValue[] = [];
    for (const [externalId, json] of chunk) values.push(externalId, json, now);
    await sql.$executeRawUnsafe(
      `INSERT INTO "User" ("externalId", "attributes", "updatedAt") VALUES ${valuesClause(provider, chunk.length, 3)} ` +
        `ON CONFLICT ("externalId") DO UPDATE SET "attributes" = ${jsonMerge(provider, '"User"."attributes"', 'excluded."attributes"')}, ` +
        `"updatedAt" = excluded."updatedAt"`,
      ...values,
    );
  }
  return created;
}
