import { describe, expect, it } from 'vitest';
import { evaluateStrategies, formatEvaluationTable, type EvaluationProgress } from '../../src/evaluation/offline/index.js';
import { loadDataset } from '../../src/import/index.js';
import { popularityStrategy } from '../../src/strategies/builtin/popularity.js';
import { defineStrategy } from '../../src/strategies/contract.js';
import { z } from 'zod';
import { ONLINE_RETAIL_DIR } from '../support/datasets.js';
import { catalog, catalogItem, interaction } from './fixtures.js';
import { trainCountStrategy } from './train-count-strategy.js';

describe('evaluateStrategies on a hand-computed case (temporal, k = 2)', () => {
  // u1: i1@1 i2@2 i3@10 -> test i3, history {i1, i2}
  // u2: i1@3 i3@4 i4@11 -> test i4, history {i1, i3}
  // u3: i2@5 i1@6 i5@12 -> test i5, history {i2, i1}
  // Train counts: i1 3, i2 2, i3 1, i4 0, i5 0; i6 is inactive.
  const interactions = [
    interaction('u1', 'i1', 1),
    interaction('u1', 'i2', 2),
    interaction('u1', 'i3', 10),
    interaction('u2', 'i1', 3),
    interaction('u2', 'i3', 4),
    interaction('u2', 'i4', 11),
    interaction('u3', 'i2', 5),
    interaction('u3', 'i1', 6),
    interaction('u3', 'i5', 12),
  ];
  const items = [...catalog('i1', 'i2', 'i3', 'i4', 'i5'), catalogItem('i6', { active: false })];

  it('trains on the train split, excludes seen items and scores every test user', async () => {
    const progress: EvaluationProgress[] = [];
    const result = await evaluateStrategies({
      strategies: [trainCountStrategy, { definition: popularityStrategy, label: 'popularity' }],
      interactions,
      items,
      protocol: 'temporal',
      k: 2,
      seed: 42,
      minInteractions: 2,
      onProgress: (p) => progress.push(p),
    });
    expect(result.split).toMatchObject({ testUsers: 3, trainInteractions: 6, testItems: 3, activeItems: 5 });
    // Top 2 per user (seen items excluded):
    //   u1 [i3 i4]: i3 @1 -> precision 1/2, recall 1, nDCG 1, AP 1/min(1,2) = 1, hit
    //   u2 [i2 i4]: i4 @2 -> precision 1/2, recall 1, nDCG (1/ln3)/(1/ln2) = 0.630930, AP (1/2)/1 = 0.5, hit
    //   u3 [i3 i4]: i5 missing -> all 0
    // Means: precision (0.5+0.5+0)/3 = 0.333333, recall 2/3, nDCG (1+0.630930)/3 = 0.543643,
    //        MAP (1+0.5)/3 = 0.5, HR 2/3.
    // Coverage |{i3, i4, i2}| / 5 active = 0.6.
    // Popularity (distinct train users): i2 2, i3 1, i4 0 -> lists 0.5, 1, 0.5 -> mean 0.666667; share / 3 users = 0.222222.
    // Popularity ranks the same way here: its decay over 12 ms is negligible and unscored items
    // (i4, i5, same createdAt) follow in id order.
    for (const s of result.strategies) {
      expect(s.users).toBe(3);
      expect(s.metrics.precisionAtK).toBeCloseTo(1 / 3, 9);
      expect(s.metrics.recallAtK).toBeCloseTo(2 / 3, 9);
      expect(s.metrics.ndcgAtK).toBeCloseTo(0.543643, 6);
      expect(s.metrics.mapAtK).toBeCloseTo(0.5, 9);
      expect(s.metrics.hitRateAtK).toBeCloseTo(2 / 3, 9);
      expect(s.metrics.coverage).toBeCloseTo(0.6, 9);
      expect(s.metrics.meanPopularity).toBeCloseTo(2 / 3, 9);
      expect(s.metrics.meanPopularityShare).toBeCloseTo(2 / 9, 9);
      expect(s.usersWithoutRecommendations).toBe(0);
      expect(s.excludedItemsReturned).toBe(0);
      expect(s.latency.p99Ms).toBeGreaterThanOrEqual(s.latency.p50Ms);
    }
    expect(result.strategies.map((s) => s.strategy)).toEqual(['train-count', 'popularity']);
    expect(progress.filter((p) => p.phase === 'scoring').at(-1)).toEqual({ strategy: 'popularity', phase: 'scoring', done: 3, total: 3 });
    expect(formatEvaluationTable(result)).toContain('| train-count | 0.3333 | 0.6667 | 0.5436 | 0.5000 | 0.6667 | 0.6000 |');
  });

  it("hands each request the user's train history, the clock at the end of train, and the seed", async () => {
    const seen: Array<{ user: string; history: number[]; now: number; known: boolean }> = [];
    let trainSeed = -1;
    let trainNow = -1;
    const probe = defineStrategy<Record<string, never>, null>({
      name: 'probe',
      version: '1.0.0',
      params: z.object({}).strict(),
      async train(ctx) {
        trainSeed = ctx.seed;
        trainNow = ctx.clock.now();
        return { artifact: { json: null, arrays: {} }, metrics: {} };
      },
      load: () => null,
      recommend(_model, request) {
        seen.push({ user: request.user.id, history: request.user.history.map((r) => r.occurredAt), now: request.now, known: request.user.known });
        return [];
      },
    });
    const result = await evaluateStrategies({ strategies: [probe], interactions, items, protocol: 'temporal', k: 2, seed: 7, minInteractions: 2 });
    expect(trainSeed).toBe(7);
    expect(trainNow).toBe(6); // the newest train interaction (u3 i1 @6)
    expect(seen).toEqual([
      { user: 'u1', history: [1, 2], now: 6, known: true },
      { user: 'u2', history: [3, 4], now: 6, known: true },
      { user: 'u3', history: [5, 6], now: 6, known: true },
    ]);
    // empty lists score 0 and are counted
    expect(result.strategies[0]!.usersWithoutRecommendations).toBe(3);
    expect(result.strategies[0]!.metrics.ndcgAtK).toBe(0);
  });

  it('rejects bad input before doing any work', async () => {
    const base = { interactions, items, protocol: 'temporal' as const, seed: 1, minInteractions: 2 };
    await expect(evaluateStrategies({ ...base, strategies: [trainCountStrategy], k: 0 })).rejects.toMatchObject({ code: 'RG_ERR_INVALID_INPUT' });
    await expect(evaluateStrategies({ ...base, strategies: [] })).rejects.toMatchObject({ code: 'RG_ERR_INVALID_INPUT' });
    await expect(evaluateStrategies({ ...base, strategies: [{ definition: popularityStrategy, params: { halfLifeHours: -1 } }] })).rejects.toMatchObject({
      code: 'RG_ERR_STRATEGY_PARAMS',
    });
    await expect(evaluateStrategies({ ...base, strategies: [trainCountStrategy, trainCountStrategy] })).rejects.toMatchObject({
      code: 'RG_ERR_INVALID_INPUT',
    });
    await expect(evaluateStrategies({ ...base, strategies: [trainCountStrategy], minInteractions: 10 })).rejects.toMatchObject({
      code: 'RG_ERR_EVAL_NO_DATA',
    });
  });
});

describe('evaluateStrategies on a real slice (Online Retail, first 6000 purchase lines)', async () => {
  const data = await loadDataset('online-retail', ONLINE_RETAIL_DIR, { limit: 6000 });

  it('gives the same numbers for the same seed, under both protocols', async () => {
    for (const protocol of ['stratified', 'temporal'] as const) {
      const run = () =>
        evaluateStrategies({
          strategies: [trainCountStrategy, popularityStrategy],
          interactions: data.interactions,
          items: data.items,
          protocol,
          k: 10,
          seed: 42,
        });
      const [a, b] = [await run(), await run()];
      expect(a.split.testUsers).toBeGreaterThan(20);
      expect(b.strategies.map((s) => s.metrics)).toEqual(a.strategies.map((s) => s.metrics));
      for (const s of a.strategies) {
        expect(s.users).toBe(a.split.testUsers);
        expect(s.usersWithoutRecommendations).toBe(0);
        expect(s.excludedItemsReturned).toBe(0);
        // Every list has k items, so precision is hits / 10 and coverage at least 10 items.
        expect(s.metrics.coverage * a.split.activeItems).toBeGreaterThanOrEqual(10);
        for (const value of [s.metrics.precisionAtK, s.metrics.recallAtK, s.metrics.ndcgAtK, s.metrics.mapAtK, s.metrics.hitRateAtK]) {
          expect(value).toBeGreaterThanOrEqual(0);
          expect(value).toBeLessThanOrEqual(1);
        }
        expect(s.metrics.hitRateAtK).toBeGreaterThanOrEqual(s.metrics.recallAtK - 1e-12);
      }
    }
  });
});
