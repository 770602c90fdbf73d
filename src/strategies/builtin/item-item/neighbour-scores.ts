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
  // costs far more. They belong to the model and are reset where touched before returning:
  // the call is synchronous, so requests never share them midway.
  const { score, bestTerm, reason } = scratchOf(model);
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
  const reasons = Int32Array.from(touched, (j) => reason[j]!);
  for (const j of touched) {
    score[j] = 0;
    bestTerm[j] = -Infinity;
  }
  return topEligible(compact, k, (c) => eligible(touched[c]!)).map(({ index, score: s }) => ({ index: touched[index]!, score: s, reason: reasons[index]! }));
}

interface Scratch {
  readonly score: Float64Array;
  readonly bestTerm: Float64Array;
  readonly reason: Int32Array;
}

const scratches = new WeakMap<ItemItemModel, Scratch>();

function scratchOf(model: ItemItemModel): Scratch {
  let scratch = scratches.get(model);
  if (!scratch) {
    const n = model.itemIds.length;
    scratch = { score: new Float64Array(n), bestTerm: new Float64Array(n).fill(-Infinity), reason: new Int32Array(n) };
    scratches.set(model, scratch);
  }
  return scratch;
}
