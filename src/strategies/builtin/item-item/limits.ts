/**
 * How large a catalogue each method takes, and the choice between them. The limits keep
 * training inside memory on a small server instead of crashing it:
 *
 * - EASE holds one dense items x items Float64Array (8 n^2 bytes: 200 MB at 5,000 items) and
 *   costs about n^3 multiply-adds to invert (Cholesky, triangular inverse, product);
 * - item-kNN holds the sparse matrix, one dense accumulator per item being scored and the
 *   pruned neighbour lists (items x neighbours x 8 bytes: 160 MB at 200,000 items and 100).
 */
import { rgError } from '../../../errors.js';
import type { ItemItemMethod } from './params.js';

export const ITEM_ITEM_NAME = 'item-item';
/** Largest catalogue EASE's closed form is computed for. */
export const EASE_MAX_ITEMS = 5_000;
/** Largest catalogue item-kNN is computed for. */
export const KNN_MAX_ITEMS = 200_000;

/** The method that fits `items` (auto picks EASE when it fits), or RG_ERR_CATALOG_TOO_LARGE. */
export function chooseMethod(method: ItemItemMethod, items: number): 'ease' | 'knn' {
  if (method === 'ease' && items > EASE_MAX_ITEMS) {
    throw rgError('RG_ERR_CATALOG_TOO_LARGE', {
      name: ITEM_ITEM_NAME,
      items,
      method: 'EASE',
      limit: EASE_MAX_ITEMS,
      hint: 'use method "knn" or "auto"',
    });
  }
  if (items > KNN_MAX_ITEMS) {
    throw rgError('RG_ERR_CATALOG_TOO_LARGE', {
      name: ITEM_ITEM_NAME,
      items,
      method: method === 'ease' ? 'EASE' : 'item-kNN',
      limit: KNN_MAX_ITEMS,
      hint: 'use a factor model (als, two-tower) for a catalogue this large',
    });
  }
  if (method === 'auto') return items <= EASE_MAX_ITEMS ? 'ease' : 'knn';
  return method;
}
