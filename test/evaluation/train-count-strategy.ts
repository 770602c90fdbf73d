/**
 * A small real strategy for tests: ranks items by how many positive train interactions
 * they have (ties by item id), skipping excluded items. Not a fake: it trains, serialises,
 * loads and recommends through the contract like any strategy.
 */
import { z } from 'zod';
import { defineStrategy, type ScoredItem } from '../../src/strategies/contract.js';

export interface TrainCountModel {
  readonly ranked: readonly { readonly itemId: string; readonly count: number }[];
}

export const trainCountStrategy = defineStrategy<Record<string, never>, TrainCountModel>({
  name: 'train-count',
  version: '1.0.0',
  params: z.object({}).strict(),
  async train(ctx) {
    const counts = new Map<string, number>();
    for await (const batch of ctx.interactions.scan()) {
      for (const r of batch) if (r.weight > 0) counts.set(r.itemId, (counts.get(r.itemId) ?? 0) + 1);
    }
    for (const item of await ctx.catalog.items()) if (item.active && !counts.has(item.id)) counts.set(item.id, 0);
    const itemIds = [...counts.keys()].sort();
    ctx.progress({ phase: 'done', percent: 100 });
    return {
      artifact: { json: { itemIds }, arrays: { counts: Int32Array.from(itemIds, (id) => counts.get(id)!) } },
      metrics: { items: itemIds.length },
    };
  },
  load(artifact) {
    const itemIds = (artifact.json as { itemIds: string[] }).itemIds;
    const counts = artifact.arrays.counts!;
    const ranked = itemIds.map((itemId, i) => ({ itemId, count: counts[i]! }));
    ranked.sort((a, b) => b.count - a.count || (a.itemId < b.itemId ? -1 : 1));
    return { ranked };
  },
  recommend(model, request) {
    const out: ScoredItem[] = [];
    for (const { itemId, count } of model.ranked) {
      if (out.length >= request.k) break;
      if (request.exclude.has(itemId) || !request.catalog.matches(itemId, request.filter)) continue;
      out.push({ itemId, score: count, explanation: 'often chosen' });
    }
    return out;
  },
});
