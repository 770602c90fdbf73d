/**
 * `recgate eval` through commander: bad inputs give coded errors before the database is
 * touched, and a run on a real slice in a fresh SQLite database prints the table and writes
 * JSON equal to evaluating the same rows in memory.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Command } from 'commander';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { registerEvalCommand } from '../../src/cli/commands/eval.js';
import { dbCatalogReader, dbInteractionReader } from '../../src/db/index.js';
import { evaluateColdStart, evaluateStrategies } from '../../src/evaluation/offline/index.js';
import { loadDataset } from '../../src/import/index.js';
import { DEFAULT_SIGNAL_POLICY } from '../../src/interactions/index.js';
import { popularityStrategy } from '../../src/strategies/builtin/popularity.js';
import { readAllInteractions } from '../../src/strategies/in-memory-readers.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';
import { MOVIETWEETINGS_DIR } from '../support/datasets.js';

const run = (...args: string[]) => {
  const program = new Command('recgate').exitOverride().configureOutput({ writeErr: () => {}, writeOut: () => {} });
  registerEvalCommand(program);
  return program.parseAsync(['node', 'recgate', 'eval', ...args]);
};

let database: TestDatabase;
let outDir: string;
const previousUrl = process.env.DATABASE_URL;

beforeAll(async () => {
  database = await createTestDatabase('sqlite');
  process.env.DATABASE_URL = database.url;
  outDir = mkdtempSync(path.join(tmpdir(), 'recgate-eval-'));
});

afterAll(async () => {
  if (previousUrl === undefined) delete process.env.DATABASE_URL;
  else process.env.DATABASE_URL = previousUrl;
  await database.drop();
  rmSync(outDir, { recursive: true, force: true });
});

describe('recgate eval: bad input', () => {
  it('rejects an unknown protocol with RG_ERR_EVAL_PROTOCOL, without creating the database', async () => {
    const file = path.join(outDir, 'never-created.db');
    process.env.DATABASE_URL = `file:${file}`;
    try {
      await expect(run('--strategy', 'popularity', '--protocol', 'leave-one-out')).rejects.toMatchObject({
        code: 'RG_ERR_EVAL_PROTOCOL',
        message: expect.stringContaining('stratified, temporal'),
      });
      await expect(run('--strategy', 'nope', '--protocol', 'temporal')).rejects.toMatchObject({ code: 'RG_ERR_STRATEGY_UNKNOWN' });
    } finally {
      process.env.DATABASE_URL = database.url;
    }
    expect(existsSync(file)).toBe(false);
  });

  it('rejects an unknown strategy with RG_ERR_STRATEGY_UNKNOWN', async () => {
    await expect(run('--strategy', 'popularity,nope', '--protocol', 'temporal')).rejects.toMatchObject({
      code: 'RG_ERR_STRATEGY_UNKNOWN',
      message: expect.stringContaining('"nope"'),
    });
  });

  it('rejects bad numbers with RG_ERR_INVALID_INPUT naming the flag', async () => {
    await expect(run('--strategy', 'popularity', '--protocol', 'temporal', '--k', '0')).rejects.toMatchObject({
      code: 'RG_ERR_INVALID_INPUT',
      message: expect.stringContaining('--k'),
    });
    await expect(run('--strategy', 'popularity', '--protocol', 'temporal', '--min-interactions', 'two')).rejects.toMatchObject({
      code: 'RG_ERR_INVALID_INPUT',
      message: expect.stringContaining('--min-interactions'),
    });
  });

  it('rejects a bad --support or --query with RG_ERR_INVALID_INPUT naming the flag', async () => {
    await expect(run('--strategy', 'popularity', '--protocol', 'cold-start', '--support', '1,x')).rejects.toMatchObject({
      code: 'RG_ERR_INVALID_INPUT',
      message: expect.stringContaining('--support'),
    });
    await expect(run('--strategy', 'popularity', '--protocol', 'cold-start', '--query', '0')).rejects.toMatchObject({
      code: 'RG_ERR_INVALID_INPUT',
      message: expect.stringContaining('--query'),
    });
  });

  it('reports RG_ERR_DATABASE_EMPTY on an empty database', async () => {
    await expect(run('--strategy', 'popularity', '--protocol', 'stratified')).rejects.toMatchObject({ code: 'RG_ERR_DATABASE_EMPTY' });
  });
});

describe('recgate eval on a real slice', () => {
  it('prints the table and writes JSON equal to an in-memory evaluation of the same rows', async () => {
    const data = await loadDataset('movietweetings', MOVIETWEETINGS_DIR, { limit: 3000 });
    const { prisma } = database.db;
    const itemIds = new Set(data.interactions.map((r) => r.itemId));
    await prisma.item.createMany({
      data: data.items.filter((i) => itemIds.has(i.id)).map((i) => ({ externalId: i.id, title: i.title, attributes: {} })),
    });
    const userIds = [...new Set(data.interactions.map((r) => r.userId))];
    await prisma.user.createMany({ data: userIds.map((externalId) => ({ externalId, attributes: {} })) });
    const items = new Map((await prisma.item.findMany({ select: { id: true, externalId: true } })).map((i) => [i.externalId, i.id]));
    const users = new Map((await prisma.user.findMany({ select: { id: true, externalId: true } })).map((u) => [u.externalId, u.id]));
    await prisma.interaction.createMany({
      data: data.interactions.map((r) => ({
        userId: users.get(r.userId)!,
        itemId: items.get(r.itemId)!,
        type: r.type,
        value: r.value,
        occurredAt: new Date(r.occurredAt),
      })),
    });

    const out = path.join(outDir, 'nested', 'eval.json');
    const printed: string[] = [];
    const write = vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => (printed.push(String(chunk)), true));
    try {
      await run('--strategy', 'popularity', '--protocol', 'temporal', '--k', '5', '--seed', '3', '--min-interactions', '3', '--json', out);
    } finally {
      write.mockRestore();
    }
    const json = JSON.parse(readFileSync(out, 'utf8'));
    expect(printed.join('')).toContain('| popularity |');
    expect(json).toMatchObject({ protocol: 'temporal', k: 5, seed: 3, minInteractions: 3 });

    const expected = await evaluateStrategies({
      strategies: [{ definition: popularityStrategy, params: { halfLifeHours: 168 } }],
      interactions: await readAllInteractions(dbInteractionReader(database.db, DEFAULT_SIGNAL_POLICY)),
      items: await dbCatalogReader(database.db).items(),
      protocol: 'temporal',
      k: 5,
      seed: 3,
      minInteractions: 3,
    });
    expect(json.split).toEqual(expected.split);
    expect(json.strategies[0].metrics).toEqual(expected.strategies[0]!.metrics);
    expect(json.split.testUsers).toBeGreaterThan(100);
  });

  it('runs the cold-start protocol and writes coldStart[strategy][n] equal to an in-memory run', async () => {
    const out = path.join(outDir, 'cold-start.json');
    const printed: string[] = [];
    const write = vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => (printed.push(String(chunk)), true));
    try {
      await run('--strategy', 'popularity', '--protocol', 'cold-start', '--support', '0,1,3', '--query', '5', '--seed', '3', '--json', out);
    } finally {
      write.mockRestore();
    }
    const json = JSON.parse(readFileSync(out, 'utf8'));
    expect(printed.join('')).toContain('| popularity |');
    const expected = await evaluateColdStart({
      strategies: [{ definition: popularityStrategy, params: { halfLifeHours: 168 } }],
      interactions: await readAllInteractions(dbInteractionReader(database.db, DEFAULT_SIGNAL_POLICY)),
      items: await dbCatalogReader(database.db).items(),
      seed: 3,
      support: [0, 1, 3],
      query: 5,
    });
    expect(json.coldStart.popularity['3'].ndcgAt10).toBe(expected.coldStart.popularity!['3']!.ndcgAt10);
    expect(json.coldStart.popularity['1']).toEqual(expected.coldStart.popularity!['1']);
    expect(json.split.testUsers).toBeGreaterThan(0);
  });
});
