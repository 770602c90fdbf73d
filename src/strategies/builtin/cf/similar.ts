/** `similar` for ALS: cosine between item factors. */
import type { ScoredItem, SimilarFilter } from '../../contract.js';
import { similarByVectors } from '../similar-by-vectors.js';
import type { AlsModel } from './als-model.js';

export function similarAls(model: AlsModel, itemIds: readonly string[], k: number, filter: SimilarFilter): ScoredItem[] {
  const space = { ids: model.itemIds, indexOf: (id: string) => model.itemIndex.get(id), vectors: model.itemFactors, dim: model.factors };
  return similarByVectors(space, itemIds, k, filter, 'similar to');
}
