import { describe, expect, it } from 'vitest';
import { isRecgateError } from '../../src/errors.js';
import type { CatalogItem, InteractionRecord, RecommendRequest } from '../../src/strategies/contract.js';
import { EASE_MAX_ITEMS, itemItemStrategy, type ItemItemParams } from '../../src/strategies/builtin/item-item/index.js';
import { createCatalogView } from '../../src/strategies/in-memory-readers.js';
import { parseStrategyParams } from '../../src/strategies/params.js';
import { createInMemoryTrainContext } from '../../src/testing/index.js';

const NOW = Date.UTC(2026, 0, 1);
const item = (id: string, title = id): CatalogItem => ({
  id,
  title,
  description: '',
  categories: [],
  attributes: {},
  embedding: null,
  active: true,
  createdAt: 0,
});
const liked = (userId: string, itemId: string, weight = 1): InteractionRecord => ({
  userId,
  itemId,
  type: 'purchase',
  value: null,
  weight,
  occurredAt: NOW - 1000,
});

async function train(records: InteractionRecord[], items: CatalogItem[], raw: Partial<ItemItemParams> = {}) {
  const params = parseStrategyParams(itemItemStrategy, raw);
  return itemItemStrategy.train(createInMemoryTrainContext({ params, interactions: records, items, now: NOW }));
}

/** Gauss-Jordan inverse, the slow obvious way, to check EASE's closed form against. */
function inverse(a: number[][]): number[][] {
  const n = a.length;
  const m = a.map((row, i) => [...row, ...Array.from({ length: n }, (_, j) => (i === j ? 1 : 0))]);
  for (let c = 0; c < n; c++) {
    const pivot = m[c]![c]!;
    for (let j = 0; j < 2 * n; j++) m[c]![j]! /= pivot;
    for (let r = 0; r < n; r++) {
      if (r === c) continue;
      const f = m[r]![c]!;
      for (let j = 0; j < 2 * n; j++) m[r]![j]! -= f * m[c]![j]!;
    }
  }
  return m.map((row) => row.slice(n));
}

// Baskets: mugs go with coasters, teapots with tea.
const baskets: Record<string, string[]> = {
  u1: ['mug', 'coaster'],
  u2: ['mug', 'coaster', 'tea'],
  u3: ['teapot', 'tea'],
  u4: ['teapot', 'tea', 'mug'],
  u5: ['mug', 'coaster'],
  u6: ['teapot', 'tea'],
};
const records = Object.entries(baskets).flatMap(([u, items]) => items.map((i) => liked(u, i)));
const catalogue = [item('coaster', 'Cork coaster'), item('mug', 'Blue mug'), item('tea', 'Green tea'), item('teapot', 'Iron teapot')];

describe('item-item strategy', () => {
  it("EASE's pruned neighbour weights are B = I - P diagMat(1/diag(P)) of the closed form", async () => {
    const lambda = 2;
    const { artifact } = await train(records, catalogue, { method: 'ease', lambda, neighbours: 10 });
    const ids = (artifact.json as { itemIds: string[] }).itemIds;
    const n = ids.length;
    const gram = ids.map((a) => ids.map((b) => Object.values(baskets).filter((s) => s.includes(a) && s.includes(b)).length));
    const p = inverse(gram.map((row, i) => row.map((v, j) => v + (i === j ? lambda : 0))));
    const { neighbourStart, neighbourItems, neighbourWeights } = artifact.arrays;
    for (let i = 0; i < n; i++) {
      const expected = new Map<number, number>();
      for (let j = 0; j < n; j++) if (j !== i && -p[i]![j]! / p[j]![j]! > 0) expected.set(j, -p[i]![j]! / p[j]![j]!);
      const got = new Map<number, number>();
      for (let e = neighbourStart![i]!; e < neighbourStart![i + 1]!; e++) got.set(neighbourItems![e]!, neighbourWeights![e]!);
      expect([...got.keys()].sort()).toEqual([...expected.keys()].sort());
      for (const [j, w] of expected) expect(got.get(j)).toBeCloseTo(w, 5);
    }
  });

  it.each(['ease', 'knn'] as const)('%s recommends the items that go with the history and names the liked item', async (method) => {
    const { artifact } = await train(records, catalogue, { method });
    const model = await itemItemStrategy.load(artifact, {
      params: parseStrategyParams(itemItemStrategy, { method }),
      catalog: createCatalogView(catalogue),
      log: { info() {}, warn() {} },
    });
    const request: RecommendRequest = {
      user: { id: 'visitor', known: false, attributes: {}, history: [liked('visitor', 'mug')] },
      k: 1,
      exclude: new Set(['mug']),
      filter: {},
      context: {},
      surface: 'test',
      catalog: createCatalogView(catalogue),
      now: NOW,
    };
    const slate = await itemItemStrategy.recommend(model, request);
    expect(slate.map((s) => [s.itemId, s.explanation])).toEqual([['coaster', 'because you liked Blue mug']]);
  });

  it('refuses a catalogue too large for the closed form with RG_ERR_CATALOG_TOO_LARGE, before allocating it', async () => {
    const many = Array.from({ length: EASE_MAX_ITEMS + 1 }, (_, i) => liked(`u${i % 50}`, `i${i}`));
    const outcome = await train(many, [], { method: 'ease' }).then(
      () => 'trained',
      (error: unknown) => (isRecgateError(error) ? error.code : String(error)),
    );
    expect(outcome).toBe('RG_ERR_CATALOG_TOO_LARGE');
    // auto takes the same catalogue with kNN instead.
    const { artifact } = await train(many, [], { method: 'auto' });
    expect((artifact.json as { method: string }).method).toBe('knn');
  });
});
