/**
 * The two symptoms of issue 11 as regression tests, at a small size: on a long-tailed catalogue
 * with one timestamp for every row, and on dense explicit ratings, two-tower with its default
 * params must rank better than popularity (it once ranked at a third of it). Data is generated
 * here, seeded (test/support/synthetic-datasets.ts); the full-size numbers are in
 * docs/strategies/two-tower.md (bench/two-tower-robustness.ts).
 */
import { describe, expect, it } from 'vitest';
import { evaluateStrategies } from '../../src/evaluation/offline/index.js';
import { popularityStrategy, twoTowerStrategy } from '../../src/strategies/builtin/index.js';
import { denseExplicitRatings, longTailTagged, type SyntheticDataset } from '../support/synthetic-datasets.js';

async function ndcgs(data: SyntheticDataset): Promise<{ popularity: number; twoTower: number; validationUsers: number }> {
  const result = await evaluateStrategies({
    strategies: [
      { definition: popularityStrategy, params: { halfLifeHours: 876_000 } },
      // Defaults but a smaller text table: the data has a few hundred distinct words.
      { definition: twoTowerStrategy, params: { textHashBuckets: 2048 } },
    ],
    interactions: data.interactions,
    items: data.items,
    protocol: 'stratified',
    k: 10,
    seed: 42,
    minInteractions: 5,
  });
  const [popularity, twoTower] = result.strategies;
  return { popularity: popularity!.metrics.ndcgAtK, twoTower: twoTower!.metrics.ndcgAtK, validationUsers: twoTower!.trainMetrics.validationUsers ?? 0 };
}

describe('two-tower on data unlike its tuning data (issue 11)', () => {
  it('beats popularity on a long-tailed catalogue with one timestamp for every row', async () => {
    const data = longTailTagged({ users: 300, items: 2000, itemsPerUser: 25, topics: 12, seed: 3 });
    const { popularity, twoTower, validationUsers } = await ndcgs(data);
    expect(validationUsers).toBeGreaterThan(0); // epochs chosen by early stopping, not the old fixed 3
    expect(twoTower).toBeGreaterThan(popularity);
  }, 120_000);

  it('beats popularity on dense explicit ratings', async () => {
    const data = denseExplicitRatings({ users: 200, items: 300, ratings: 8000, seed: 3 });
    const { popularity, twoTower } = await ndcgs(data);
    expect(twoTower).toBeGreaterThan(popularity);
  }, 120_000);
});
