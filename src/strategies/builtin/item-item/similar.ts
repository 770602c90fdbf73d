/** `similar` for item-item: the asked-for items are the sources, each with weight 1. */
import type { ScoredItem, SimilarFilter } from '../../contract.js';
import type { ItemItemModel } from './item-item-model.js';
import { scoreFromSources, type SourceItem } from './neighbour-scores.js';

export function similarItemItem(model: ItemItemModel, itemIds: readonly string[], k: number, filter: SimilarFilter): ScoredItem[] {
  const asked = new Set(itemIds);
  const sources: SourceItem[] = [];
  for (const id of asked) {
    const index = model.itemIndex.get(id);
    if (index !== undefined) sources.push({ index, weight: 1 });
  }
  const eligible = (i: number): boolean => {
    const id = model.itemIds[i]!;
    return !asked.has(id) && !filter.exclude.has(id) && filter.catalog.matches(id, filter);
  };
  return scoreFromSources(model, sources, Math.floor(k), eligible).map(({ index, score, reason }) => {
    const reasonId = model.itemIds[reason]!;
    return { itemId: model.itemIds[index]!, score, explanation: `often liked with ${filter.catalog.get(reasonId)?.title ?? reasonId}` };
  });
}
