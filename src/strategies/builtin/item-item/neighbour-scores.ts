/**
 * Scores from neighbours: item j's score is sum over source items i of weight_i x B[i][j]
 * (B pruned to each source's top neighbours), and its reason is the source with the largest
 * term. Recommendations use the user's history as sources (weights: the history's signal
 * weights); similar items use the asked-for items (weight 1 each). Only the sources'
 * neighbour lists are touched, so the cost is sources x neighbours, whatever the catalogue size.
 */
import { topEligible } from '../cf/top-k.js';
import type { ItemItemModel } from './item-item-model.js';

export interface SourceItem {
  readonly index: number;
  readonly weight: number;
}

export interface NeighbourScore {
  readonly index: number;
  readonly score: number;
  /** The source item (index) contributing most to the score. */
  readonly reason: number;
}

/** The k best eligible items, best first (ties: lower index first). */
export function scoreFromSources(model: ItemItemModel, sources: readonly SourceItem[], k: number, eligible: (index: number) => boolean): NeighbourScore[] {
  if (k <= 0 || sources.length === 0) return [];
  const { start, items, weights } = model.neighbours;
  // Dense accumulators: a long history touches tens of thousands of entries, where a Map
  // costs far more than zeroing three arrays of the catalogue's size.
  const n = model.itemIds.length;
  const score = new Float64Array(n);
  const bestTerm = new Float64Array(n).fill(-Infinity);
  const reason = new Int32Array(n);
  const touched: number[] = [];
  for (const source of sources) {
    for (let e = start[source.index]!; e < start[source.index + 1]!; e++) {
      const j = items[e]!;
      const term = source.weight * weights[e]!;
      if (bestTerm[j] === -Infinity) touched.push(j);
      score[j]! += term;
      if (term > bestTerm[j]!) {
        bestTerm[j] = term;
        reason[j] = source.index;
      }
    }
  }
  touched.sort((a, b) => a - b);
  const compact = Float64Array.from(touched, (j) => (score[j]! > 0 ? score[j]! : -Infinity));
  return topEligible(compact, k, (c) => eligible(touched[c]!)).map(({ index, score: s }) => ({ index: touched[index]!, score: s, reason: reason[touched[index]!]! }));
}
