import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyMigrations, listMigrations, MIGRATIONS_ROOT, parseDatabaseUrl } from '../../src/db/index.js';
import { TEST_PROVIDERS, createTestDatabase, type TestDatabase } from '../support/test-database.js';

describe.each(TEST_PROVIDERS)('migrations on %s', (provider) => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await createTestDatabase(provider);
  });
  afterAll(() => t?.drop());

  it("records every migration in Prisma's table with Prisma's checksum", async () => {
    const rows = await t.db.prisma.$queryRawUnsafe<Array<{ migration_name: string; checksum: string; finished_at: unknown }>>(
      'SELECT migration_name, checksum, finished_at FROM "_prisma_migrations" ORDER BY migration_name',
    );
    const expected = listMigrations(provider).map((m) => ({
      name: m.name,
      checksum: createHash('sha256')
        .update(readFileSync(path.join(MIGRATIONS_ROOT, provider, 'migrations', m.name, 'migration.sql')))
        .digest('hex'),
    }));
    expect(rows.map((r) => ({ name: r.migration_name, checksum: r.checksum }))).toEqual(expected);
    expect(rows.every((r) => r.finished_at !== null)).toBe(true);
  });

  it('applies nothing the second time, even from several processes at once', async () => {
    const target = parseDatabaseUrl(t.url);
    const runs = await Promise.all([applyMigrations(target), applyMigrations(target), applyMigrations(target)]);
    expect(runs).toEqual([[], [], []]);
  });

  it('rolls a failing migration back and names it', async () => {
    const target = parseDatabaseUrl(t.url);
    const broken = [{ name: '99990101000000_broken', sql: 'CREATE TABLE "Half" ("id" INTEGER);\nTHIS IS NOT SQL;', checksum: 'x' }];
    await expect(applyMigrations(target, broken)).rejects.toMatchObject({ code: 'RG_ERR_MIGRATION_FAILED' });
    const tables = await t.db.prisma.$queryRawUnsafe<unknown[]>(
      provider === 'sqlite' ? `SELECT name FROM sqlite_master WHERE name = 'Half'` : `SELECT tablename FROM pg_tables WHERE tablename = 'Half'`,
    );
    expect(tables).toHaveLength(0);
  });
});

describe('DATABASE_URL', () => {
  it('selects the engine from the URL and refuses others with a coded error', () => {
    expect(parseDatabaseUrl('file:./x.db', '/srv').provider).toBe('sqlite');
    expect(parseDatabaseUrl('file:./x.db', '/srv').file).toBe('/srv/x.db');
    expect(parseDatabaseUrl('postgresql://u@h/db').provider).toBe('postgres');
    expect(() => parseDatabaseUrl('mysql://root:secret@h/db')).toThrow(expect.objectContaining({ code: 'RG_ERR_DATABASE_URL' }));
    try {
      parseDatabaseUrl('mysql://root:secret@h/db');
    } catch (error) {
      expect(String((error as Error).message)).not.toContain('secret');
    }
  });
});
