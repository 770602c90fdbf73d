/**
 * After `npx recgate demo`, the README's other commands open the demo's data: the demo and
 * every command share one default database. A command about to train or evaluate on an
 * empty database says so (RG_ERR_DATABASE_EMPTY, naming the database) and stores nothing.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoDatabaseUrl } from '../../src/cli/run-demo.js';
import { loadConfig } from '../../src/config/index.js';
import { openDatabase } from '../../src/db/index.js';
import { runCli } from '../support/run-cli.js';
import { createTestDatabase, TEST_PROVIDERS, type TestDatabase } from '../support/test-database.js';

describe('one default database for the demo and every command', () => {
  it('the demo opens the file the other commands open when neither DATABASE_URL nor --db is given', () => {
    expect(demoDatabaseUrl({})).toBe(loadConfig({}).databaseUrl);
    expect(demoDatabaseUrl({}, 'mine.db')).toBe('file:mine.db');
    expect(demoDatabaseUrl({ DATABASE_URL: 'postgres://u@h/db' }, 'mine.db')).toBe('postgres://u@h/db');
  });
});

describe('commands on an empty database', () => {
  let cwd: string;
  beforeAll(() => {
    cwd = mkdtempSync(path.join(tmpdir(), 'recgate-empty-'));
  });
  afterAll(() => rmSync(cwd, { recursive: true, force: true }));

  it('eval says the default database is empty, naming its file', async () => {
    const run = await runCli(['eval', '--protocol', 'temporal'], { cwd });
    expect(run.status).toBe(1);
    expect(run.stderr).toMatch(/^RG_ERR_DATABASE_EMPTY: The database .*recgate\.db has no interactions/);
    expect(run.stderr).toContain(path.join(cwd, 'recgate.db'));
  }, 60_000);

  it('export says which database had no impressions', async () => {
    const run = await runCli(['export', 'impressions'], { cwd });
    expect(run.status).toBe(0);
    expect(run.stdout).toBe('');
    expect(run.stderr).toContain(`no impressions in ${path.join(cwd, 'recgate.db')}`);
  }, 60_000);

  describe.each(TEST_PROVIDERS)('train on %s', (provider) => {
    let database: TestDatabase;
    beforeAll(async () => {
      database = await createTestDatabase(provider);
    });
    afterAll(() => database.drop());

    it('refuses with RG_ERR_DATABASE_EMPTY and stores no model version', async () => {
      const run = await runCli(['train', 'als'], { cwd, env: { DATABASE_URL: database.url } });
      expect(run.status).toBe(1);
      expect(run.stderr).toMatch(/^RG_ERR_DATABASE_EMPTY: .* nothing to train als on/m);
      expect(run.stderr).not.toContain('    at ');
      expect(await database.db.prisma.modelVersion.count()).toBe(0);
    }, 60_000);
  });
});
