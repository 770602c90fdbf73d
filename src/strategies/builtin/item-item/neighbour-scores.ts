/**
 * Scores from neighbours: item j's score is sum over source items i of weight_i x B[i][j]
 * (B pruned to each source's top neighbours), and its reason is the source with the largest
 * term. Recommendations use the user's history as sources (weights: the history's signal
 * weights); similar items use the asked-for items (weight 1 each). Only the sources'
 * neighbour lists are touched, so the cost is sources x neighbours, whatever the catalogue size.
 */
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
  const score = new Map<number, number>();
  const bestTerm = new Map<number, number>();
  const reason = new Map<number, number>();
  for (const source of sources) {
    for (let e = start[source.index]!; e < start[source.index + 1]!; e++) {
      const j = items[e]!;
      const term = source.weight * weights[e]!;
      score.set(j, (score.get(j) ?? 0) + term);
      if (term > (bestTerm.get(j) ?? -Infinity)) {
        bestTerm.set(j, term);
        reason.set(j, source.index);
      }
    }
  }
  const ranked = [...score.entries()].filter(([, s]) => s > 0 && Number.isFinite(s)).sort((a, b) => b[1] - a[1] || a[0] - b[0]);
  const out: NeighbourScore[] = [];
  for (const [index, s] of ranked) {
    if (out.length >= k) break;
    if (!eligible(index)) continue;
    out.push({ index, score: s, reason: reason.get(index)! });
  }
  return out;
}
