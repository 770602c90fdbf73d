/**
 * The demo's preparation: the sample is imported once and moved in time so that its newest
 * rating is now (order and gaps kept), and each run has exactly one unrevoked demo key.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiKeyVerifier } from '../../src/auth/api-keys.js';
import { DEMO_DATA, DEMO_KEY_LABEL, demoQuery, describeTimeShift, prepareDemo, type DemoPreparation } from '../../src/cli/run-demo.js';
import { createTestDatabase, TEST_PROVIDERS, type TestDatabase } from '../support/test-database.js';

const LIMIT = 1500;
/** The sample's first LIMIT ratings' times, ms, from the file the demo imports. */
const SOURCE_TIMES = readFileSync(path.join(DEMO_DATA, 'ratings.dat'), 'utf8')
  .split('\n')
  .slice(0, LIMIT)
  .map((line) => Number(line.split('::')[3]) * 1000);

describe.each(TEST_PROVIDERS)('prepareDemo on %s', (provider) => {
  let database: TestDatabase;
  let first: DemoPreparation;
  const now = new Date(Date.UTC(2026, 11, 7, 12, 0, 0));
  const said: string[] = [];
  beforeAll(async () => {
    database = await createTestDatabase(provider);
    first = await prepareDemo(database.db, { now, limit: LIMIT, say: (line) => said.push(line) });
  }, 120_000);
  afterAll(() => database.drop());

  it('imports the sample and moves it so that the newest rating is now, keeping order and gaps', async () => {
    expect(first.imported?.interactions.inserted).toBe(LIMIT);
    const times = (await database.db.prisma.interaction.findMany({ select: { occurredAt: true } })).map((r) => r.occurredAt.getTime()).sort((a, b) => a - b);
    const source = [...SOURCE_TIMES].sort((a, b) => a - b);
    expect(times.at(-1)).toBe(now.getTime());
    expect(first.shift?.shiftMs).toBe(now.getTime() - source.at(-1)!);
    expect(times).toEqual(source.map((t) => t + first.shift!.shiftMs));
    expect(said.join('\n')).toContain(describeTimeShift(first.shift!));
    expect(describeTimeShift(first.shift!)).toMatch(
      /^Moved the sample's times forward by [\d,]+ days so that its newest rating is now \(2013-\d\d-\d\d -> 2026-12-07/,
    );
  });

  it('a restart imports nothing, moves nothing, and replaces the previous demo key instead of adding one', async () => {
    const verifier = new ApiKeyVerifier(database.db);
    expect(await verifier.verify(first.key)).not.toBeNull();
    const second = await prepareDemo(database.db, { now: new Date(now.getTime() + 3600_000), limit: LIMIT });
    expect(second.imported).toBeNull();
    expect(second.shift).toBeNull();
    expect(second.revokedKeys).toBe(1);
    const keys = await database.db.prisma.apiKey.findMany({ where: { label: DEMO_KEY_LABEL } });
    expect(keys.filter((k) => k.revokedAt === null)).toHaveLength(1);
    expect(await new ApiKeyVerifier(database.db).verify(first.key)).toBeNull();
    expect(await new ApiKeyVerifier(database.db).verify(second.key)).not.toBeNull();
    const times = (await database.db.prisma.interaction.findMany({ select: { occurredAt: true } })).map((r) => r.occurredAt.getTime());
    expect(Math.max(...times)).toBe(now.getTime());
  });

  it('pre-fills a named query for a user of the sample', () => {
    expect(first.sampleUserId).not.toBe('new-user');
    expect(demoQuery(first.sampleUserId)).toMatch(/^query DemoRecommendations \{\n {2}recommendations\(userId: "\d+"/);
  });
});
