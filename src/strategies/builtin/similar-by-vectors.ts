/**
 * `similar` for strategies with one vector per item (ALS item factors, two-tower item
 * vectors): an item's score is the sum of its cosine similarities to the asked-for items, and
 * its explanation names the asked-for item it is closest to. One pass over the item matrix
 * with the sum of the asked-for unit vectors, then per-item reasons for the k kept only.
 */
import type { ScoredItem, SimilarFilter } from '../contract.js';
import { topEligible } from './cf/top-k.js';

export interface ItemVectors {
  readonly ids: readonly string[];
  readonly indexOf: (itemId: string) => number | undefined;
  /** ids.length x dim, row-major. */
  readonly vectors: ArrayLike<number>;
  readonly dim: number;
}

function norm(v: ArrayLike<number>, offset: number, dim: number): number {
  let s = 0;
  for (let a = 0; a < dim; a++) s += v[offset + a]! * v[offset + a]!;
  return Math.sqrt(s);
}

function dotAt(v: ArrayLike<number>, offset: number, q: Float64Array, dim: number): number {
  let s = 0;
  for (let a = 0; a < dim; a++) s += v[offset + a]! * q[a]!;
  return s;
}

/** Items closest to `itemIds` by cosine; `phrase` starts the explanation ("similar to"). */
export function similarByVectors(space: ItemVectors, itemIds: readonly string[], k: number, filter: SimilarFilter, phrase: string): ScoredItem[] {
  const { ids, vectors, dim } = space;
  const asked = new Set(itemIds);
  const sources: number[] = [];
  for (const id of asked) {
    const index = space.indexOf(id);
    if (index !== undefined && norm(vectors, index * dim, dim) > 0) sources.push(index);
  }
  if (k <= 0 || sources.length === 0) return [];
  const unitSources = sources.map((s) => {
    const n = norm(vectors, s * dim, dim);
    return Float64Array.from({ length: dim }, (_, a) => vectors[s * dim + a]! / n);
  });
  const query = new Float64Array(dim);
  for (const u of unitSources) for (let a = 0; a < dim; a++) query[a]! += u[a]!;
  const scores = new Float64Array(ids.length);
  for (let j = 0; j < ids.length; j++) {
    const n = norm(vectors, j * dim, dim);
    scores[j] = n > 0 ? dotAt(vectors, j * dim, query, dim) / n : -Infinity;
  }
  const eligible = (j: number): boolean => {
    const id = ids[j]!;
    return !asked.has(id) && !filter.exclude.has(id) && filter.catalog.matches(id, filter);
  };
  return topEligible(scores, Math.floor(k), eligible).map(({ index, score }) => {
    let reason = 0;
    let best = -Infinity;
    unitSources.forEach((u, s) => {
      const cosine = dotAt(vectors, index * dim, u, dim);
      if (cosine > best) {
        best = cosine;
        reason = s;
      }
    });
    const reasonId = ids[sources[reason]!]!;
    return { itemId: ids[index]!, score, explanation: `${phrase} ${filter.catalog.get(reasonId)?.title ?? reasonId}` };
  });
}
