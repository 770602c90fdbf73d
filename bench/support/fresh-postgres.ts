/** A PostgreSQL database of a bench's own, created empty and dropped after. */
import { randomBytes } from 'node:crypto';
import pg from 'pg';

/** Where benches create their databases: RECGATE_BENCH_POSTGRES_URL, a role that may create databases. */
export const POSTGRES_ADMIN_URL = process.env.RECGATE_BENCH_POSTGRES_URL ?? 'postgres://root@127.0.0.1:5432/postgres';

export interface FreshPostgres {
  readonly url: string;
  drop(): Promise<void>;
}

async function adminQuery(sql: string): Promise<void> {
  const admin = new pg.Client({ connectionString: POSTGRES_ADMIN_URL });
  await admin.connect();
  try {
    await admin.query(sql);
  } finally {
    await admin.end();
  }
}

/** Creates `<prefix>_<random>`; `drop` removes it even while connections remain. */
export async function freshPostgres(prefix: string): Promise<FreshPostgres> {
  const name = `${prefix}_${randomBytes(4).toString('hex')}`;
  await adminQuery(`CREATE DATABASE "${name}"`);
  const url = new URL(POSTGRES_ADMIN_URL);
  url.pathname = `/${name}`;
  return { url: url.toString(), drop: () => adminQuery(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`) };
}
