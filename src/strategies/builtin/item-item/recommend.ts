/**
 * Serving: the user's history (net signal weight per item, as in training) is the set of
 * sources; each recommended item is explained by the history item contributing most. A user
 * with no usable history gets an empty slate, so the next strategy of the serving policy
 * (popularity, in the end) answers.
 */
import type { RecommendRequest, ScoredItem } from '../../contract.js';
import type { ItemItemModel } from './item-item-model.js';
import { scoreFromSources, type SourceItem } from './neighbour-scores.js';

function historySources(model: ItemItemModel, request: RecommendRequest): SourceItem[] {
  const net = new Map<number, number>();
  for (const record of request.user.history) {
    if (!Number.isFinite(record.weight) || record.weight === 0) continue;
    const index = model.itemIndex.get(record.itemId);
    if (index !== undefined) net.set(index, (net.get(index) ?? 0) + record.weight);
  }
  return [...net.entries()].filter(([, w]) => w !== 0).map(([index, weight]) => ({ index, weight }));
}

export function recommendItemItem(model: ItemItemModel, request: RecommendRequest): ScoredItem[] {
  const eligible = (i: number): boolean => {
    const id = model.itemIds[i]!;
    return !request.exclude.has(id) && request.catalog.matches(id, request.filter);
  };
  return scoreFromSources(model, historySources(model, request), Math.floor(request.k), eligible).map(({ index, score, reason }) => {
    const reasonId = model.itemIds[reason]!;
    return { itemId: model.itemIds[index]!, score, explanation: `because you liked ${request.catalog.get(reasonId)?.title ?? reasonId}` };
  });
}
