/**
 * `recgate import` through commander, against DATABASE_URL: the summary on stdout, bad rows
 * with file:line on stderr, coded errors for bad input before the database is opened.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { Command } from 'commander';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { registerImportCommand } from '../../src/cli/commands/import.js';
import { createTestDatabase, TEST_PROVIDERS, type TestDatabase } from '../support/test-database.js';
import { csvFiles, movieTweetingsSlice, tempDirectory } from './dataset-slices.js';

const previousUrl = process.env.DATABASE_URL;

async function run(...args: string[]): Promise<{ stdout: string; stderr: string }> {
  const program = new Command('recgate').exitOverride().configureOutput({ writeErr: () => {}, writeOut: () => {} });
  registerImportCommand(program);
  let stdout = '';
  let stderr = '';
  const out = vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
    stdout += String(chunk);
    return true;
  });
  const err = vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => {
    stderr += String(chunk);
    return true;
  });
  try {
    await program.parseAsync(['node', 'recgate', 'import', ...args]);
    return { stdout, stderr };
  } catch (error) {
    Object.assign(error as object, { stdout, stderr });
    throw error;
  } finally {
    out.mockRestore();
    err.mockRestore();
  }
}

let temp: ReturnType<typeof tempDirectory>;
beforeEach(() => {
  temp = tempDirectory();
});
afterEach(() => {
  temp.remove();
  if (previousUrl === undefined) delete process.env.DATABASE_URL;
  else process.env.DATABASE_URL = previousUrl;
});

describe('recgate import: bad input changes nothing', () => {
  it('rejects an unknown format, a missing path and bad numbers before creating the database', async () => {
    const file = path.join(temp.dir, 'never-created.db');
    process.env.DATABASE_URL = `file:${file}`;
    movieTweetingsSlice(temp.dir, 5);
    await expect(run('netflix', temp.dir)).rejects.toMatchObject({ code: 'RG_ERR_IMPORT_FORMAT' });
    await expect(run('movielens', temp.dir)).rejects.toMatchObject({ code: 'RG_ERR_IMPORT_FILE', message: expect.stringContaining('u.data') });
    await expect(run('movietweetings', temp.dir, '--batch-size', 'many')).rejects.toMatchObject({
      code: 'RG_ERR_INVALID_INPUT',
      message: expect.stringContaining('--batch-size'),
    });
    await expect(run('movietweetings', temp.dir, '--limit', '-3')).rejects.toMatchObject({ code: 'RG_ERR_INVALID_INPUT' });
    expect(existsSync(file)).toBe(false);
  });
});

describe.each(TEST_PROVIDERS)('recgate import on %s', (provider) => {
  let test: TestDatabase;
  beforeEach(async () => {
    test = await createTestDatabase(provider);
    process.env.DATABASE_URL = test.url;
  });
  afterEach(() => test.drop());

  it('prints bad rows with file:line and a summary; a re-run says nothing new was inserted', async () => {
    movieTweetingsSlice(temp.dir, 100, ['1::0114709::7', '2::0114709::12::1365029107']);
    const first = await run('movietweetings', temp.dir, '--batch-size', '40');
    const ratings = path.join(temp.dir, 'ratings.dat');
    expect(first.stderr).toContain(`bad row ${ratings}:101: has 3 "::"-separated fields, expected 4`);
    expect(first.stderr).toContain(`bad row ${ratings}:102: rating is above 10`);
    expect(first.stdout).toMatch(/interactions: 100 inserted, 0 already present/);
    expect(first.stdout).toMatch(/bad rows: +2 skipped/);
    expect(first.stdout).toMatch(/rows\/s/);

    const again = await run('movietweetings', temp.dir);
    expect(again.stdout).toMatch(/interactions: 0 inserted, 100 already present \(nothing new: an earlier import has them\)/);
    expect(await test.db.prisma.interaction.count()).toBe(100);
  });

  it('--strict aborts with RG_ERR_IMPORT_BAD_ROWS and writes nothing', async () => {
    movieTweetingsSlice(temp.dir, 100, ['1::0114709::7']);
    const error = await run('movietweetings', temp.dir, '--strict').catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'RG_ERR_IMPORT_BAD_ROWS', message: expect.stringContaining('nothing was written') });
    expect((error as { stderr: string }).stderr).toContain(`${path.join(temp.dir, 'ratings.dat')}:101`);
    expect(await test.db.prisma.interaction.count()).toBe(0);
    expect(await test.db.prisma.item.count()).toBe(0);
    expect(await test.db.prisma.user.count()).toBe(0);
  });

  describe('feedback bounds: the future, ratings off the scale, no rating value, purchases of no quantity', () => {
    const soon = Math.floor(Date.now() / 1000) + 60; // inside the 300 s clock-skew allowance
    const lines = [
      'user,item,type,value,ts',
      'u1,i1,click,,1365029107',
      `u1,i2,purchase,2,${soon}`,
      'u2,i1,click,,2999-01-01T00:00:00Z',
      'u2,i1,rating,11,1365029107',
      'u2,i2,rating,,1365029107',
      'u2,i2,purchase,-1,1365029107',
      'u2,i2,purchase,0,1365029107',
      'u2,i2,click,,1969-12-31T23:59:59Z',
    ];

    it('skips and reports each bad row with its code, and writes only the good ones', async () => {
      const { file } = csvFiles(temp.dir, lines);
      const { stdout, stderr } = await run('csv', file);
      expect(stderr).toMatch(new RegExp(`${file}:4: .*2999-01-01T00:00:00.000Z is \\d+ s in the future.*RG_ERR_FEEDBACK_TIME`));
      expect(stderr).toContain(`${file}:5: rating 11 is outside the rating scale 0..10 (RECGATE_RATING_SCALE) (RG_ERR_FEEDBACK_VALUE)`);
      expect(stderr).toContain(`${file}:6: a rating needs a value between 0 and 10 (RG_ERR_FEEDBACK_VALUE)`);
      expect(stderr).toMatch(new RegExp(`${file}:7: purchase quantity -1 is not positive.*RG_ERR_FEEDBACK_VALUE`));
      expect(stderr).toMatch(new RegExp(`${file}:8: purchase quantity 0 is not positive.*RG_ERR_FEEDBACK_VALUE`));
      expect(stderr).toMatch(new RegExp(`${file}:9: .*before 1970.*RG_ERR_FEEDBACK_TIME`));
      expect(stdout).toMatch(/interactions: 2 inserted/);
      const stored = await test.db.prisma.interaction.findMany({ select: { type: true, value: true } });
      expect(stored.map((r) => r.type).sort()).toEqual(['click', 'purchase']);
      expect(await test.db.prisma.interaction.count({ where: { occurredAt: { gt: new Date(Date.now() + 3_600_000) } } })).toBe(0);
    });

    it('--strict refuses the whole file, writing nothing; RECGATE_RATING_SCALE narrows the scale', async () => {
      const { file } = csvFiles(temp.dir, lines);
      await expect(run('csv', file, '--strict')).rejects.toMatchObject({ code: 'RG_ERR_IMPORT_BAD_ROWS', message: expect.stringContaining('6 bad row(s)') });
      expect(await test.db.prisma.interaction.count()).toBe(0);

      const ratings = csvFiles(temp.dir, ['user,item,type,value,ts', 'u1,i1,rating,4,1365029107', 'u1,i2,rating,8,1365029107']).file;
      process.env.RECGATE_RATING_SCALE = '1..5';
      try {
        const { stderr, stdout } = await run('csv', ratings);
        expect(stderr).toContain(`${ratings}:3: rating 8 is outside the rating scale 1..5`);
        expect(stdout).toMatch(/interactions: 1 inserted/);
      } finally {
        delete process.env.RECGATE_RATING_SCALE;
      }
    });
  });

  it('--limit reads only the first lines', async () => {
    movieTweetingsSlice(temp.dir, 100);
    const { stdout } = await run('movietweetings', temp.dir, '--limit', '30');
    expect(stdout).toMatch(/interactions: 30 inserted/);
    expect(await test.db.prisma.interaction.count()).toBe(30);
  });
});
