/**
 * Applies the committed Prisma migrations at start-up, without Prisma's CLI or its
 * downloadable schema engine. It keeps Prisma's own bookkeeping table (`_prisma_migrations`,
 * same columns, same SHA-256 checksums), so `prisma migrate status` and `migrate dev` agree
 * with what the gateway applied.
 *
 * Several gateways may start at once against one PostgreSQL: an advisory lock (the key
 * Prisma's engine uses) serialises them. SQLite takes a write lock per migration.
 */
import { createHash, randomUUID } from 'node:crypto';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import Sqlite from 'better-sqlite3';
import pg from 'pg';
import { rgError } from '../errors.js';
import type { DatabaseTarget, Provider } from './database-url.js';
import { postgresConnectError, sqliteOpenError } from './connection-errors.js';

const PRISMA_ADVISORY_LOCK = 72707369;

export interface Migration {
  readonly name: string;
  readonly sql: string;
  readonly checksum: string;
}

export const MIGRATIONS_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../prisma');

export function listMigrations(provider: Provider, root = MIGRATIONS_ROOT): Migration[] {
  const dir = path.join(root, provider, 'migrations');
  return readdirSync(dir, { withFileTypes: true })
    .filter((d) => d.isDirectory() && existsSync(path.join(dir, d.name, 'migration.sql')))
    .map((d) => d.name)
    .sort()
    .map((name) => {
      const sql = readFileSync(path.join(dir, name, 'migration.sql'), 'utf8');
      return { name, sql, checksum: createHash('sha256').update(sql).digest('hex') };
    });
}

const SQLITE_TABLE = `CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
    "id"                    TEXT PRIMARY KEY NOT NULL,
    "checksum"              TEXT NOT NULL,
    "finished_at"           DATETIME,
    "migration_name"        TEXT NOT NULL,
    "logs"                  TEXT,
    "rolled_back_at"        DATETIME,
    "started_at"            DATETIME NOT NULL DEFAULT current_timestamp,
    "applied_steps_count"   INTEGER UNSIGNED NOT NULL DEFAULT 0
)`;

const POSTGRES_TABLE = `CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
    "id"                    VARCHAR(36) PRIMARY KEY NOT NULL,
    "checksum"              VARCHAR(64) NOT NULL,
    "finished_at"           TIMESTAMPTZ,
    "migration_name"        VARCHAR(255) NOT NULL,
    "logs"                  TEXT,
    "rolled_back_at"        TIMESTAMPTZ,
    "started_at"            TIMESTAMPTZ NOT NULL DEFAULT now(),
    "applied_steps_count"   INTEGER NOT NULL DEFAULT 0
)`;

/** Applies pending migrations; returns the names applied now (empty when up to date). */
export async function applyMigrations(target: DatabaseTarget, migrations = listMigrations(target.provider)): Promise<string[]> {
  return target.provider === 'sqlite' ? migrateSqlite(target.file!, migrations) : migratePostgres(target.url, migrations);
}

function openSqlite(file: string): Sqlite.Database {
  try {
    return new Sqlite(file);
  } catch (error) {
    throw sqliteOpenError(error, file);
  }
}

function migrateSqlite(file: string, migrations: readonly Migration[]): string[] {
  const db = openSqlite(file);
  try {
    // WAL lets readers (the gateway) run while an importer or worker writes.
    db.pragma('journal_mode = WAL');
    db.pragma('busy_timeout = 10000');
    db.exec(SQLITE_TABLE);
    const applied: string[] = [];
    for (const m of migrations) {
      const done = db.prepare('SELECT 1 FROM "_prisma_migrations" WHERE migration_name = ? AND finished_at IS NOT NULL AND rolled_back_at IS NULL').get(m.name);
      if (done) continue;
      const started = new Date().toISOString();
      try {
        db.transaction(() => {
          db.exec(m.sql);
          db.prepare(
            'INSERT INTO "_prisma_migrations" (id, checksum, finished_at, migration_name, started_at, applied_steps_count) VALUES (?, ?, ?, ?, ?, 1)',
          ).run(randomUUID(), m.checksum, new Date().toISOString(), m.name, started);
        }).immediate();
      } catch (error) {
        throw rgError('RG_ERR_MIGRATION_FAILED', { migration: m.name, reason: (error as Error).message }, { cause: error });
      }
      applied.push(m.name);
    }
    return applied;
  } finally {
    db.close();
  }
}

async function migratePostgres(url: string, migrations: readonly Migration[]): Promise<string[]> {
  const client = new pg.Client({ connectionString: url });
  try {
    await client.connect();
  } catch (error) {
    throw postgresConnectError(error, url) ?? error;
  }
  try {
    await client.query('SELECT pg_advisory_lock($1)', [PRISMA_ADVISORY_LOCK]);
    await client.query(POSTGRES_TABLE);
    const applied: string[] = [];
    for (const m of migrations) {
      const done = await client.query('SELECT 1 FROM "_prisma_migrations" WHERE migration_name = $1 AND finished_at IS NOT NULL AND rolled_back_at IS NULL', [
        m.name,
      ]);
      if (done.rowCount) continue;
      const started = new Date();
      try {
        await client.query('BEGIN');
        await client.query(m.sql);
        await client.query(
          'INSERT INTO "_prisma_migrations" (id, checksum, finished_at, migration_name, started_at, applied_steps_count) VALUES ($1, $2, now(), $3, $4, 1)',
          [randomUUID(), m.checksum, m.name, started],
        );
        await client.query('COMMIT');
      } catch (error) {
        await client.query('ROLLBACK').catch(() => {});
        throw rgError('RG_ERR_MIGRATION_FAILED', { migration: m.name, reason: (error as Error).message }, { cause: error });
      }
      applied.push(m.name);
    }
    return applied;
  } finally {
    await client.query('SELECT pg_advisory_unlock($1)', [PRISMA_ADVISORY_LOCK]).catch(() => {});
    await client.end();
  }
}
