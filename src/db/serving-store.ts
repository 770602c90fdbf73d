/**
 * The two queries of the request path, on the database driver directly with prepared
 * statements: a user's recent interactions, and batched impression inserts. Through the ORM
 * these cost more than everything else a request does together (measured with
 * bench/serving.ts); everything else keeps using Prisma.
 */
import Sqlite from 'better-sqlite3';
import pg from 'pg';
import { parseDatabaseUrl } from './database-url.js';
import { jsonColumn } from '../json-value.js';

export interface StoredUserInteractions {
  readonly attributes: unknown;
  /** Newest first. */
  readonly interactions: ReadonlyArray<{ itemId: number; type: string; value: number | null; occurredAt: number }>;
}

export interface ImpressionRow {
  readonly id: string;
  readonly userExternalId: string;
  readonly surface: string;
  readonly strategy: string;
  readonly modelVersion: string | null;
  readonly items: unknown;
  readonly propensity: number;
  readonly context: unknown;
  /** Meta-policy context features, or null. */
  readonly features: unknown;
  readonly variant: string | null;
  /** The experiment (key, variant, phase) the slate was served under, or null. */
  readonly experiment: { readonly key: string; readonly variant: string; readonly phase: number } | null;
  readonly createdAt: Date;
}

export interface ServingStore {
  /** The user's attributes and newest interactions, or null for an unknown user. */
  userInteractions(externalId: string, limit: number): Promise<StoredUserInteractions | null>;
  /** Inserts the impressions in one transaction. */
  insertImpressions(rows: readonly ImpressionRow[]): Promise<void>;
  close(): Promise<void>;
}

function sqliteStore(file: string): ServingStore {
  const db = new Sqlite(file);
  db.pragma('busy_timeout = 10000');
  // With WAL, NORMAL syncs at checkpoints instead of at every commit: the database cannot be
  // corrupted, and a power cut loses at most the last impression batches. Commits here run
  // on the event loop, so a per-commit fsync would stall every request.
  db.pragma('synchronous = NORMAL');
  const user = db.prepare<[string], { id: number; attributes: string }>('SELECT "id", "attributes" FROM "User" WHERE "externalId" = ?');
  const interactions = db.prepare<[number, number], { itemId: number; type: string; value: number | null; occurredAt: number }>(
    'SELECT "itemId", "type", "value", "occurredAt" FROM "Interaction" WHERE "userId" = ? ORDER BY "occurredAt" DESC, "id" DESC LIMIT ?',
  );
  const insert = db.prepare(
    'INSERT INTO "Impression" ("id", "userExternalId", "surface", "strategy", "modelVersion", "items", "propensity", "context", "features", "variant", "experimentKey", "experimentVariant", "experimentPhase", "createdAt") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
  );
  const insertAll = db.transaction((rows: readonly ImpressionRow[]) => {
    for (const r of rows) {
      insert.run(
        r.id,
        r.userExternalId,
        r.surface,
        r.strategy,
        r.modelVersion,
        JSON.stringify(r.items),
        r.propensity,
        JSON.stringify(r.context),
        r.features === null ? null : JSON.stringify(r.features),
        r.variant,
        r.experiment?.key ?? null,
        r.experiment?.variant ?? null,
        r.experiment?.phase ?? null,
        r.createdAt.getTime(),
      );
    }
  });
  return {
    async userInteractions(externalId, limit) {
      const u = user.get(externalId);
      if (!u) return null;
      return { attributes: jsonColumn(u.attributes), interactions: interactions.all(u.id, limit) };
    },
    async insertImpressions(rows) {
      insertAll.immediate(rows);
    },
    async close() {
      db.close();
    },
  };
}

function postgresStore(url: string, poolSize: number): ServingStore {
  // TIMESTAMP(3) columns hold UTC (as Prisma writes them); pg would read them as local time.
  const types = {
    getTypeParser: ((oid: number, format?: string) =>
      oid === pg.types.builtins.TIMESTAMP
        ? (text: string) => new Date(`${text.replace(' ', 'T')}Z`)
        : pg.types.getTypeParser(oid, format as 'text')) as typeof pg.types.getTypeParser,
  };
  const pool = new pg.Pool({ connectionString: url, max: poolSize, types });
  return {
    async userInteractions(externalId, limit) {
      const u = await pool.query<{ id: number; attributes: unknown }>({
        name: 'rg_user',
        text: 'SELECT "id", "attributes" FROM "User" WHERE "externalId" = $1',
        values: [externalId],
      });
      const row = u.rows[0];
      if (!row) return null;
      const r = await pool.query<{ itemId: number; type: string; value: number | null; occurredAt: Date }>({
        name: 'rg_user_interactions',
        text: 'SELECT "itemId", "type", "value", "occurredAt" FROM "Interaction" WHERE "userId" = $1 ORDER BY "occurredAt" DESC, "id" DESC LIMIT $2',
        values: [row.id, limit],
      });
      return { attributes: row.attributes, interactions: r.rows.map((i) => ({ ...i, occurredAt: i.occurredAt.getTime() })) };
    },
    async insertImpressions(rows) {
      // One statement for the batch: arrays unnested server-side.
      await pool.query(
        `INSERT INTO "Impression" ("id", "userExternalId", "surface", "strategy", "modelVersion", "items", "propensity", "context", "features", "variant", "experimentKey", "experimentVariant", "experimentPhase", "createdAt")
         SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::jsonb[], $7::float8[], $8::jsonb[], $9::jsonb[], $10::text[], $11::text[], $12::text[], $13::int[], $14::timestamp(3)[])`,
        [
          rows.map((r) => r.id),
          rows.map((r) => r.userExternalId),
          rows.map((r) => r.surface),
          rows.map((r) => r.strategy),
          rows.map((r) => r.modelVersion),
          rows.map((r) => JSON.stringify(r.items)),
          rows.map((r) => r.propensity),
          rows.map((r) => JSON.stringify(r.context)),
          rows.map((r) => (r.features === null ? null : JSON.stringify(r.features))),
          rows.map((r) => r.variant),
          rows.map((r) => r.experiment?.key ?? null),
          rows.map((r) => r.experiment?.variant ?? null),
          rows.map((r) => r.experiment?.phase ?? null),
          rows.map((r) => r.createdAt.toISOString().replace('Z', '')),
        ],
      );
    },
    close: () => pool.end(),
  };
}

export function openServingStore(url: string, options: { poolSize?: number } = {}): ServingStore {
  const target = parseDatabaseUrl(url);
  return target.provider === 'sqlite' ? sqliteStore(target.file!) : postgresStore(url, options.poolSize ?? 10);
}
