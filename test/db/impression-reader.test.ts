/**
 * The training context's impression reader over the Impression table (SQLite, and PostgreSQL
 * when it runs): each shown item's reward is its attributed feedback under the reward weights,
 * 0 when shown and ignored; slates come oldest first, in batches, within a time window.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dbImpressionReader } from '../../src/db/index.js';
import { readAllImpressions } from '../../src/strategies/in-memory-impression-reader.js';
import { createTestDatabase, TEST_PROVIDERS, type TestDatabase } from '../support/test-database.js';

const WEIGHTS = { view: 0, click: 1, add_to_cart: 2, purchase: 5, rating: 0, dismiss: -1 };
const T0 = Date.UTC(2026, 10, 1);

describe.each(TEST_PROVIDERS)('impression reader (%s)', (provider) => {
  let database: TestDatabase;

  beforeAll(async () => {
    database = await createTestDatabase(provider);
    const { prisma } = database.db;
    const user = await prisma.user.create({ data: { externalId: 'u1', attributes: {} } });
    const items = await Promise.all(['a', 'b', 'c'].map((externalId) => prisma.item.create({ data: { externalId, title: externalId, attributes: {} } })));
    await prisma.impression.createMany({
      data: [0, 1, 2].map((i) => ({
        id: `imp-${i}`,
        userExternalId: 'u1',
        surface: 'home',
        strategy: 'popularity',
        items: [
          { itemId: 'a', score: 2, position: 0 },
          { itemId: 'b', score: 1, position: 1 },
          { itemId: 'c', score: 0, position: 2 },
        ],
        propensity: 0.5,
        context: {},
        createdAt: new Date(T0 + i * 1000),
      })),
    });
    // Slate 0: b clicked then bought, c dismissed; slate 1: nothing; slate 2: a clicked.
    const feedback: [string, number, string][] = [
      ['imp-0', 1, 'click'],
      ['imp-0', 1, 'purchase'],
      ['imp-0', 2, 'dismiss'],
      ['imp-2', 0, 'click'],
    ];
    await prisma.interaction.createMany({
      data: feedback.map(([impressionId, item, type], i) => ({
        userId: user.id,
        itemId: items[item]!.id,
        type,
        occurredAt: new Date(T0 + 100 + i),
        impressionId,
      })),
    });
  });
  afterAll(async () => {
    await database?.drop();
  });

  it('reads every slate with per-item attributed rewards, 0 for shown and ignored', async () => {
    const all = await readAllImpressions(dbImpressionReader(database.db, WEIGHTS), { batchSize: 2 });
    expect(all.map((r) => r.id)).toEqual(['imp-0', 'imp-1', 'imp-2']);
    expect(all.map((r) => r.items.map((i) => i.reward))).toEqual([
      [0, 6, -1],
      [0, 0, 0],
      [1, 0, 0],
    ]);
    expect(all[0]).toMatchObject({ userId: 'u1', strategy: 'popularity', surface: 'home', propensity: 0.5, shownAt: T0 });
    expect(all[0]!.items.map((i) => [i.itemId, i.position])).toEqual([
      ['a', 0],
      ['b', 1],
      ['c', 2],
    ]);
  });

  it('honours the time window', async () => {
    const reader = dbImpressionReader(database.db, WEIGHTS);
    const window = { since: T0 + 500, until: T0 + 1500 };
    expect((await readAllImpressions(reader, window)).map((r) => r.id)).toEqual(['imp-1']);
    expect(await reader.count(window)).toBe(1);
  });
});
