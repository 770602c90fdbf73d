/** The servable item-item model and its artifact: item ids and each item's pruned neighbours. */
import { z } from 'zod';
import { rgError } from '../../../errors.js';
import type { Artifact } from '../../contract.js';
import { ITEM_ITEM_NAME } from './limits.js';
import type { NeighbourLists } from './neighbour-lists.js';

const ARTIFACT_FORMAT = 'item-item/1';

export interface ItemItemModel {
  readonly method: 'ease' | 'knn';
  readonly itemIds: readonly string[];
  readonly itemIndex: ReadonlyMap<string, number>;
  readonly neighbours: NeighbourLists;
}

const artifactJson = z.object({
  format: z.literal(ARTIFACT_FORMAT),
  method: z.enum(['ease', 'knn']),
  itemIds: z.array(z.string()),
});

export function itemItemArtifact(method: 'ease' | 'knn', itemIds: readonly string[], lists: NeighbourLists): Artifact {
  return {
    json: { format: ARTIFACT_FORMAT, method, itemIds: [...itemIds] },
    arrays: { neighbourStart: lists.start, neighbourItems: lists.items, neighbourWeights: lists.weights },
  };
}

function invalid(reason: string): Error {
  return rgError('RG_ERR_ARTIFACT_INVALID', { name: ITEM_ITEM_NAME, reason });
}

/** Validates an artifact (it may come from disk or another version) and builds the model. */
export function itemItemModelFromArtifact(artifact: Artifact): ItemItemModel {
  const parsed = artifactJson.safeParse(artifact.json);
  if (!parsed.success) throw invalid(`json: ${parsed.error.issues[0]?.message ?? 'invalid'}`);
  const { method, itemIds } = parsed.data;
  const { neighbourStart: start, neighbourItems: items, neighbourWeights: weights } = artifact.arrays;
  if (!(start instanceof Int32Array) || start.length !== itemIds.length + 1) throw invalid('neighbourStart must be an Int32Array of items + 1');
  if (!(items instanceof Int32Array) || !(weights instanceof Float32Array) || items.length !== weights.length) {
    throw invalid('neighbourItems (Int32Array) and neighbourWeights (Float32Array) must have the same length');
  }
  if (start[0] !== 0 || start[itemIds.length] !== items.length) throw invalid('neighbourStart does not span the lists');
  for (let i = 0; i < itemIds.length; i++) if (start[i + 1]! < start[i]!) throw invalid('neighbourStart is not ascending');
  for (const j of items) if (j < 0 || j >= itemIds.length) throw invalid('neighbourItems holds an item index out of range');
  return { method, itemIds, itemIndex: new Map(itemIds.map((id, i) => [id, i])), neighbours: { start, items, weights } };
}
