/**
 * The cold-start protocol: the split (test users out of training, supports as prefixes, the
 * same query for every support size, seeded), the metrics on hand-checkable strategies, and
 * `recgate eval --protocol cold-start` input checks.
 */
import { describe, expect, it } from 'vitest';
import { coldStartSplit, evaluateColdStart, recboleGain, supportHistory } from '../../src/evaluation/offline/index.js';
import { defineStrategy } from '../../src/strategies/contract.js';
import { popularityStrategy } from '../../src/strategies/builtin/popularity.js';
import { z } from 'zod';
import { catalogItem, interaction } from './fixtures.js';

const HOUR = 3_600_000;
/** 40 users; user u takes items (u + j) mod 30 at hour j, j = 0..14 (15 distinct positives each). */
const interactions = Array.from({ length: 40 }, (_, u) =>
  Array.from({ length: 15 }, (_, j) => interaction(`u${String(u).padStart(2, '0')}`, `i${(u + j) % 30}`, j * HOUR + u)),
).flat();
const items = Array.from({ length: 30 }, (_, i) => catalogItem(`i${i}`));

describe('cold-start split', () => {
  const split = coldStartSplit(interactions, items, { seed: 7, support: [0, 1, 3, 5], query: 4, testShare: 0.25 });

  it('removes every interaction of a seeded 25% of eligible users from training', () => {
    expect(split.users).toHaveLength(10);
    const test = new Set(split.users.map((u) => u.userId));
    expect(split.train.some((r) => test.has(r.userId))).toBe(false);
    expect(split.train).toHaveLength(30 * 15);
    expect(coldStartSplit(interactions, items, { seed: 7, support: [0, 1, 3, 5], query: 4, testShare: 0.25 }).users.map((u) => u.userId)).toEqual(
      split.users.map((u) => u.userId),
    );
  });

  it('uses the first n items as support and the same next items as the query for every n', () => {
    const user = split.users[0]!;
    const u = Number(user.userId.slice(1));
    expect([...user.query]).toEqual([5, 6, 7, 8].map((j) => `i${(u + j) % 30}`));
    expect(supportHistory(user, 0)).toEqual([]);
    expect(supportHistory(user, 3).map((r) => r.itemId)).toEqual([0, 1, 2].map((j) => `i${(u + j) % 30}`));
    // The RecBole query: 4 random positives outside the largest support, gain 1 each (clicks of weight 1).
    expect(user.randomQuery.size).toBe(4);
    for (const [id, weight] of user.randomQuery) {
      expect(user.positives.indexOf(id)).toBeGreaterThanOrEqual(5);
      expect(weight).toBe(1);
    }
  });

  it('grades the RecBole query by rating value, other feedback by its weight', () => {
    expect(recboleGain(interaction('u', 'i', 0, { type: 'rating', value: 8, weight: 1 }))).toBe(8);
    expect(recboleGain(interaction('u', 'i', 0, { type: 'purchase', weight: 3 }))).toBe(3);
  });

  it('refuses data where no user has enough positives with RG_ERR_EVAL_NO_DATA', () => {
    expect(() => coldStartSplit(interactions, items, { seed: 1, support: [0, 10], query: 10 })).toThrow(
      expect.objectContaining({ code: 'RG_ERR_EVAL_NO_DATA' }),
    );
  });
});

/** Recommends the items that follow the user's last history item in the i0..i29 cycle: perfect on this data once n >= 1. */
const successor = defineStrategy<Record<string, never>, null>({
  name: 'successor',
  version: '1.0.0',
  params: z.object({}).strict(),
  train: async () => ({ artifact: { json: null, arrays: {} }, metrics: {} }),
  load: () => null,
  recommend: (_, request) => {
    const last = request.user.history.at(-1);
    if (!last) return [];
    const start = Number(last.itemId.slice(1));
    const out = [];
    for (let j = 1; j < 30 && out.length < request.k; j++) {
      const id = `i${(start + j) % 30}`;
      if (!request.exclude.has(id)) out.push({ itemId: id, score: -j, explanation: 'next' });
    }
    return out;
  },
});

describe('evaluateColdStart', () => {
  it('reports nDCG@10, Recall@10 and the RecBole nDCG@5 per strategy and support size', async () => {
    const result = await evaluateColdStart({
      strategies: [popularityStrategy, successor],
      interactions,
      items,
      seed: 7,
      support: [0, 1, 5],
      query: 4,
      testShare: 0.25,
    });
    expect(Object.keys(result.coldStart)).toEqual(['popularity', 'successor']);
    expect(Object.keys(result.coldStart.successor!)).toEqual(['0', '1', '5']);
    // No history: nothing to follow. After the 5th item the next 4 are exactly the query, in order.
    expect(result.coldStart.successor!['0']!.ndcgAt10).toBe(0);
    expect(result.coldStart.successor!['5']!.ndcgAt10).toBeCloseTo(1, 10);
    expect(result.coldStart.successor!['5']!.recallAt10).toBeCloseTo(1, 10);
    // After only the 1st item, the query (items 5..8 of the cycle) sits at ranks 5..8 of 10.
    const ranks = [5, 6, 7, 8];
    const dcg = ranks.reduce((s, r) => s + 1 / Math.log(1 + r), 0);
    const idcg = [1, 2, 3, 4].reduce((s, r) => s + 1 / Math.log(1 + r), 0);
    expect(result.coldStart.successor!['1']!.ndcgAt10).toBeCloseTo(dcg / idcg, 10);
    for (const n of ['0', '1', '5']) {
      const m = result.coldStart.popularity![n]!;
      expect(m.users).toBe(10);
      for (const v of [m.ndcgAt10, m.recallAt10, m.recboleNdcgAt5]) expect(v).toBeGreaterThanOrEqual(0);
    }
  });

  it('trains once for entries that differ only in serving params', async () => {
    let trainings = 0;
    const counted = defineStrategy({
      ...successor,
      name: 'counted',
      train: async () => ((trainings += 1), { artifact: { json: null, arrays: {} }, metrics: {} }),
    });
    await evaluateColdStart({
      strategies: [{ definition: counted }, { definition: counted, label: 'counted-again', servingParams: {} }],
      interactions,
      items,
      seed: 7,
      support: [1],
      query: 4,
      testShare: 0.25,
    });
    expect(trainings).toBe(1);
  });

  it('rejects bad options with RG_ERR_INVALID_INPUT before training', async () => {
    await expect(evaluateColdStart({ strategies: [successor], interactions, items, seed: 7, support: [], query: 4 })).rejects.toMatchObject({
      code: 'RG_ERR_INVALID_INPUT',
    });
    await expect(evaluateColdStart({ strategies: [successor], interactions, items, seed: 7, query: 0 })).rejects.toMatchObject({
      code: 'RG_ERR_INVALID_INPUT',
    });
  });
});
