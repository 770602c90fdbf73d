/**
 * Item-kNN: cosine similarity of item columns of the binarised user x item matrix,
 * sim(i, j) = |users of i and j| / sqrt(|users of i| |users of j|), keeping each item's top
 * neighbours. One item at a time with a dense co-occurrence accumulator that is reset only
 * where it was touched, so memory is the sparse matrix plus O(items) and the pruned lists.
 */
import type { SparseRows } from '../cf/interaction-matrix.js';
import { NeighbourListsBuilder, type NeighbourLists } from './neighbour-lists.js';

export interface KnnInput {
  readonly byUser: SparseRows;
  readonly byItem: SparseRows;
  readonly itemCount: number;
  readonly neighbours: number;
  /** Called between items; returns false to stop (training was aborted). */
  readonly keepGoing: (fraction: number) => boolean;
}

/** Each item's top cosine neighbours; null when `keepGoing` said stop. */
export function knnNeighbours(input: KnnInput): NeighbourLists | null {
  const { byUser, byItem, itemCount: n, neighbours, keepGoing } = input;
  const liked = (w: number): boolean => w > 0;
  const norm = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let c = 0;
    for (let e = byItem.start[i]!; e < byItem.start[i + 1]!; e++) if (liked(byItem.weights[e]!)) c++;
    norm[i] = Math.sqrt(c);
  }
  const together = new Float64Array(n);
  const touched: number[] = [];
  const lists = new NeighbourListsBuilder(n, neighbours);
  for (let i = 0; i < n; i++) {
    touched.length = 0;
    for (let e = byItem.start[i]!; e < byItem.start[i + 1]!; e++) {
      if (!liked(byItem.weights[e]!)) continue;
      const u = byItem.columns[e]!;
      for (let f = byUser.start[u]!; f < byUser.start[u + 1]!; f++) {
        if (!liked(byUser.weights[f]!)) continue;
        const j = byUser.columns[f]!;
        if (together[j] === 0) touched.push(j);
        together[j]! += 1;
      }
    }
    const candidates = Int32Array.from(touched).sort();
    const similarity = new Float64Array(candidates.length);
    for (let c = 0; c < candidates.length; c++) {
      const j = candidates[c]!;
      similarity[c] = together[j]! / (norm[i]! * norm[j]!);
      together[j] = 0;
    }
    lists.addRow(i, candidates, similarity);
    if ((i & 255) === 255 && !keepGoing(i / n)) return null;
  }
  return lists.build();
}
