/**
 * Opens the configured database: applies pending migrations, then connects Prisma's client
 * through a driver adapter (no native engine at run time). SQLite and PostgreSQL share one
 * set of models; the SQLite client's type is the common API (PostgreSQL's is a superset).
 */
import { PrismaBetterSqlite3 } from '@prisma/adapter-better-sqlite3';
import { PrismaPg } from '@prisma/adapter-pg';
import { PrismaClient as PostgresClient } from './generated/postgres/client.js';
import { PrismaClient as SqliteClient } from './generated/sqlite/client.js';
import { parseDatabaseUrl, type Provider } from './database-url.js';
import { applyMigrations } from './migrate.js';

/** The Prisma client API recgate uses on both providers. */
export type Db = InstanceType<typeof SqliteClient>;

export interface Database {
  readonly prisma: Db;
  readonly provider: Provider;
  readonly url: string;
  /** Migrations applied while opening (empty when the schema was up to date). */
  readonly appliedMigrations: readonly string[];
  /** True when the database answers a trivial query (readiness); never throws. */
  ping(): Promise<boolean>;
  close(): Promise<void>;
}

export interface OpenDatabaseOptions {
  /** Apply pending migrations first. @default true */
  readonly migrate?: boolean;
  /** PostgreSQL pool size. @default 10 */
  readonly poolSize?: number;
}

export async function openDatabase(url: string, options: OpenDatabaseOptions = {}): Promise<Database> {
  const target = parseDatabaseUrl(url);
  const appliedMigrations = options.migrate === false ? [] : await applyMigrations(target);
  const prisma: Db =
    target.provider === 'sqlite'
      ? new SqliteClient({
          adapter: new PrismaBetterSqlite3({ url: target.file!, timeout: 10_000 }, { timestampFormat: 'unixepoch-ms' }),
        })
      : (new PostgresClient({
          adapter: new PrismaPg({ connectionString: url, max: options.poolSize ?? 10 }),
        }) as unknown as Db);
  await prisma.$connect();
  return {
    prisma,
    provider: target.provider,
    url,
    appliedMigrations,
    ping: () =>
      prisma.$queryRawUnsafe('SELECT 1').then(
        () => true,
        () => false,
      ),
    close: () => prisma.$disconnect(),
  };
}
