/**
 * The database writer on real SQLite and PostgreSQL, each test with a database of its own:
 * every format on slices of the real files, idempotent re-runs, bad rows skipped and
 * reported, `strict` writing nothing, and upserts of items and users.
 */
import { appendFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { dbCatalogReader, dbInteractionReader, type Database } from '../../src/db/index.js';
import { isRecgateError } from '../../src/errors.js';
import { importIntoDatabase, loadDataset, type BadRow } from '../../src/import/index.js';
import { DEFAULT_SIGNAL_POLICY } from '../../src/interactions/index.js';
import { readAllInteractions } from '../../src/strategies/in-memory-readers.js';
import type { InteractionRecord } from '../../src/strategies/contract.js';
import { createTestDatabase, TEST_PROVIDERS, type TestDatabase } from '../support/test-database.js';
import { csvFiles, MOVIELENS_FIXTURE, movieTweetingsSlice, onlineRetailSlice, tempDirectory } from './dataset-slices.js';

async function counts(db: Database) {
  const p = db.prisma;
  return {
    interactions: await p.interaction.count(),
    users: await p.user.count(),
    items: await p.item.count(),
    categories: await p.itemCategory.count(),
  };
}

const byContent = (a: InteractionRecord, b: InteractionRecord): number =>
  a.occurredAt - b.occurredAt || a.userId.localeCompare(b.userId) || a.itemId.localeCompare(b.itemId) || (a.value ?? 0) - (b.value ?? 0);

/** What the database holds, as strategies read it, in a canonical order. */
async function storedInteractions(db: Database): Promise<InteractionRecord[]> {
  const all = await readAllInteractions(dbInteractionReader(db, DEFAULT_SIGNAL_POLICY));
  return all.map((r) => ({ ...r })).sort(byContent);
}

describe.each(TEST_PROVIDERS)('importIntoDatabase on %s', (provider) => {
  let test: TestDatabase;
  let temp: ReturnType<typeof tempDirectory>;
  beforeEach(async () => {
    test = await createTestDatabase(provider);
    temp = tempDirectory();
  });
  afterEach(async () => {
    await test.drop();
    temp.remove();
  });

  it('imports a MovieTweetings slice exactly, and a re-run inserts nothing', async () => {
    const slice = movieTweetingsSlice(temp.dir, 400);
    const first = await importIntoDatabase(test.db, 'movietweetings', temp.dir, { batchSize: 150 });
    const memory = await loadDataset('movietweetings', temp.dir);
    const users = new Set(memory.interactions.map((r) => r.userId)).size;
    const genres = memory.items.reduce((n, item) => n + item.categories.length, 0);
    expect(first).toMatchObject({
      rowsRead: 400,
      interactions: { inserted: 400, alreadyPresent: 0 },
      items: { upserted: slice.movies.length, created: slice.movies.length, placeholders: 0 },
      users: { seen: users, created: users },
      badRows: { count: 0, first: [] },
    });
    expect(await counts(test.db)).toEqual({ interactions: 400, users, items: slice.movies.length, categories: genres });
    expect(await storedInteractions(test.db)).toEqual(memory.interactions.map((r) => ({ ...r })).sort(byContent));
    const catalog = await dbCatalogReader(test.db).items();
    const stored = new Map(catalog.map((item) => [item.id, item]));
    for (const item of memory.items) {
      expect(stored.get(item.id)).toMatchObject({
        title: item.title,
        attributes: item.attributes,
        categories: expect.arrayContaining([...item.categories]),
      });
    }

    const again = await importIntoDatabase(test.db, 'movietweetings', temp.dir);
    expect(again).toMatchObject({
      interactions: { inserted: 0, alreadyPresent: 400 },
      items: { upserted: slice.movies.length, created: 0 },
      users: { seen: users, created: 0 },
    });
    expect(await counts(test.db)).toEqual({ interactions: 400, users, items: slice.movies.length, categories: genres });
  });

  it('imports an Online Retail slice with duplicate lines kept, countries on users, and is idempotent', async () => {
    const slice = onlineRetailSlice(temp.dir, 1500);
    const summary = await importIntoDatabase(test.db, 'online-retail', temp.dir, { batchSize: 400 });
    // The source repeats some lines verbatim (same invoice, item, time); each is a row of its own.
    expect(new Set(slice.purchases).size).toBeLessThan(slice.purchases.length);
    expect(summary.interactions).toEqual({ inserted: 1500, alreadyPresent: 0 });
    const memory = await loadDataset('online-retail', temp.dir);
    expect(await storedInteractions(test.db)).toEqual(memory.interactions.map((r) => ({ ...r })).sort(byContent));
    const [customer, , , , , , country] = slice.purchases[0]!.split(',');
    const user = await test.db.prisma.user.findUniqueOrThrow({ where: { externalId: customer } });
    expect(user.attributes).toEqual({ country });

    const again = await importIntoDatabase(test.db, 'online-retail', temp.dir, { batchSize: 1000 });
    expect(again.interactions).toEqual({ inserted: 0, alreadyPresent: 1500 });
    expect(await test.db.prisma.interaction.count()).toBe(1500);
  });

  it('imports the MovieLens fixture with latin1 titles and genres', async () => {
    const summary = await importIntoDatabase(test.db, 'movielens', MOVIELENS_FIXTURE);
    expect(summary.interactions.inserted).toBe(12);
    const item = await test.db.prisma.item.findUniqueOrThrow({ where: { externalId: '7' }, include: { categories: true } });
    expect(item.title).toBe('Cité des enfants perdus, La');
    expect(item.categories.map((c) => c.name).sort()).toEqual(['Adventure', 'Fantasy', 'Sci-Fi']);
    expect(await counts(test.db)).toMatchObject({ interactions: 12, users: 6, items: 8 });
  });

  it('skips bad rows, reporting file and line, and counts the rest of them', async () => {
    const bad = Array.from({ length: 25 }, (_, i) => `9${i}::0114709::x::1365029107`);
    movieTweetingsSlice(temp.dir, 60, bad);
    const seen: BadRow[] = [];
    const summary = await importIntoDatabase(test.db, 'movietweetings', temp.dir, { onBadRow: (b) => seen.push(b) });
    expect(summary.interactions.inserted).toBe(60);
    expect(summary.badRows.count).toBe(25);
    expect(summary.badRows.first).toHaveLength(20);
    expect(summary.badRows.first[0]).toEqual({
      file: path.join(temp.dir, 'ratings.dat'),
      line: 61,
      reason: 'rating is not a number ("x")',
    });
    expect(seen).toHaveLength(25);
    expect(await test.db.prisma.interaction.count()).toBe(60);
  });

  it('with strict, a bad row aborts the import and nothing is written', async () => {
    movieTweetingsSlice(temp.dir, 200, ['1::0114709::7::1365029107', '1::0114709::7::not-a-time']);
    const before = await counts(test.db);
    const error = await importIntoDatabase(test.db, 'movietweetings', temp.dir, { strict: true, batchSize: 50 }).catch((e: unknown) => e);
    expect(isRecgateError(error) && error.code).toBe('RG_ERR_IMPORT_BAD_ROWS');
    expect((error as Error).message).toContain(`${path.join(temp.dir, 'ratings.dat')}:202: ts is not unix seconds`);
    expect(await counts(test.db)).toEqual(before);
  });

  it('with strict, a clean source imports as usual; writes after a strict failure leave earlier data alone', async () => {
    movieTweetingsSlice(temp.dir, 80);
    await importIntoDatabase(test.db, 'movietweetings', temp.dir, { strict: true });
    const before = await counts(test.db);
    expect(before.interactions).toBe(80);
    appendFileSync(path.join(temp.dir, 'movies.dat'), 'broken line\n');
    const error = await importIntoDatabase(test.db, 'movietweetings', temp.dir, { strict: true }).catch((e: unknown) => e);
    expect(isRecgateError(error) && error.code).toBe('RG_ERR_IMPORT_BAD_ROWS');
    expect(await counts(test.db)).toEqual(before);
  });

  it('csv: creates placeholders for unknown items, then an items file updates them in place', async () => {
    const lines = ['user,item,type,value,ts', 'u1,i1,view,,1700000000', 'u1,i2,rating,4,1700000100', 'u2,i1,purchase,2,2023-11-14T22:20:00Z'];
    const { file } = csvFiles(temp.dir, lines);
    const first = await importIntoDatabase(test.db, 'csv', file);
    expect(first.items).toEqual({ upserted: 0, created: 2, placeholders: 2 });
    expect((await test.db.prisma.item.findUniqueOrThrow({ where: { externalId: 'i1' } })).title).toBe('i1');

    const itemsFile = path.join(temp.dir, 'items.csv');
    writeFileSync(itemsFile, 'item,title,categories\ni1,Red mug,kitchen|mugs\ni2,Blue mug,kitchen\n');
    const second = await importIntoDatabase(test.db, 'csv', file, { itemsFile });
    expect(second.items).toEqual({ upserted: 2, created: 0, placeholders: 0 });
    expect(second.interactions).toEqual({ inserted: 0, alreadyPresent: 3 });
    const mug = await test.db.prisma.item.findUniqueOrThrow({ where: { externalId: 'i1' }, include: { categories: true } });
    expect(mug.title).toBe('Red mug');
    expect(mug.categories.map((c) => c.name).sort()).toEqual(['kitchen', 'mugs']);

    writeFileSync(itemsFile, 'item,title,categories\ni1,Red mug,mugs\n');
    await importIntoDatabase(test.db, 'csv', file, { itemsFile });
    const recategorised = await test.db.prisma.itemCategory.findMany({ where: { item: { externalId: 'i1' } } });
    expect(recategorised.map((c) => c.name)).toEqual(['mugs']);
  });

  it('merges imported user attributes into stored ones', async () => {
    onlineRetailSlice(temp.dir, 20);
    await importIntoDatabase(test.db, 'online-retail', temp.dir, { limit: 1 });
    const first = await test.db.prisma.user.findFirstOrThrow();
    await test.db.prisma.user.update({ where: { id: first.id }, data: { attributes: { segment: 'gold', country: 'Nowhere' } } });
    await importIntoDatabase(test.db, 'online-retail', temp.dir);
    const after = await test.db.prisma.user.findUniqueOrThrow({ where: { id: first.id } });
    expect(after.attributes).toEqual({ segment: 'gold', country: (first.attributes as { country: string }).country });
  });

  it('a limited import followed by the full one inserts only the remaining rows', async () => {
    movieTweetingsSlice(temp.dir, 120);
    const part = await importIntoDatabase(test.db, 'movietweetings', temp.dir, { limit: 50 });
    expect(part.interactions.inserted).toBe(50);
    const rest = await importIntoDatabase(test.db, 'movietweetings', temp.dir, { batchSize: 7 });
    expect(rest.interactions).toEqual({ inserted: 70, alreadyPresent: 50 });
  });
});
