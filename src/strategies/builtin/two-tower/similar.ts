/**
 * `similar` for two-tower: cosine between rows of the served item matrix (item-tower outputs,
 * so items nobody interacted with are placed by their text too).
 */
import type { ScoredItem, SimilarFilter } from '../../contract.js';
import { similarByVectors } from '../similar-by-vectors.js';
import type { TwoTowerModel } from './serving-model.js';

export function similarTwoTower(model: TwoTowerModel, itemIds: readonly string[], k: number, filter: SimilarFilter): ScoredItem[] {
  const { ids, rowOf, vectors } = model.items;
  if (ids.length === 0) return [];
  const space = { ids, indexOf: (id: string) => rowOf.get(id), vectors, dim: vectors.length / ids.length };
  return similarByVectors(space, itemIds, k, filter, 'similar to');
}
