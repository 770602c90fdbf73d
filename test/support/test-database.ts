/**
 * A fresh, migrated database per test file: a temporary SQLite file, or a PostgreSQL database
 * created for the test and dropped after. Runs never see each other's data.
 *
 * PostgreSQL is used when reachable at RECGATE_TEST_POSTGRES_URL (default
 * postgres://root@127.0.0.1:5432/postgres). When it is not, its suites are skipped with a
 * loud warning, except under CI=true, where an unreachable PostgreSQL fails the run.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { openDatabase, type Database, type Provider } from '../../src/db/index.js';

export const POSTGRES_ADMIN_URL = process.env.RECGATE_TEST_POSTGRES_URL ?? 'postgres://root@127.0.0.1:5432/postgres';

async function postgresReachable(): Promise<boolean> {
  const client = new pg.Client({ connectionString: POSTGRES_ADMIN_URL, connectionTimeoutMillis: 2000 });
  try {
    await client.connect();
    await client.query('SELECT 1');
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => {});
  }
}

const pgUp = await postgresReachable();
if (!pgUp) {
  const message = `PostgreSQL is not reachable at ${POSTGRES_ADMIN_URL}: PostgreSQL suites are SKIPPED.`;
  if (process.env.CI === 'true') throw new Error(`${message} Under CI this is a failure.`);
  console.warn(`\n!!! ${message}\n`);
}

/** The providers every database-backed suite runs against. */
export const TEST_PROVIDERS: readonly Provider[] = pgUp ? ['sqlite', 'postgres'] : ['sqlite'];

export interface TestDatabase {
  readonly db: Database;
  readonly url: string;
  drop(): Promise<void>;
}

function withDatabase(url: string, name: string): string {
  const u = new URL(url);
  u.pathname = `/${name}`;
  return u.toString();
}

export async function createTestDatabase(provider: Provider): Promise<TestDatabase> {
  if (provider === 'sqlite') {
    const dir = mkdtempSync(path.join(tmpdir(), 'recgate-test-'));
    const url = `file:${path.join(dir, 'test.db')}`;
    const db = await openDatabase(url);
    return {
      db,
      url,
      async drop() {
        await db.close();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  }
  const name = `recgate_test_${Date.now().toString(36)}_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: POSTGRES_ADMIN_URL });
  await admin.connect();
  await admin.query(`CREATE DATABASE "${name}"`);
  await admin.end();
  const url = withDatabase(POSTGRES_ADMIN_URL, name);
  const db = await openDatabase(url, { poolSize: 4 });
  return {
    db,
    url,
    async drop() {
      await db.close();
      const c = new pg.Client({ connectionString: POSTGRES_ADMIN_URL });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      await c.end();
    },
  };
}
