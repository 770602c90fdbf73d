/**
 * Why an item was recommended: its score is exactly sum_j c_j y_i^T W^-1 y_j over the items j
 * the user liked, so the liked item with the largest term is the one "because of" which it
 * ranks (Hu, Koren, Volinsky 2008, section 5). Solving W v = y_i once per slate item and
 * taking c_j (v . y_j) costs O(k f^2 + k h f) for k slate items and h liked ones.
 */
import type { AlsModel } from './als-model.js';
import { extraConfidence } from './confidence.js';
import { dot, solveLower, solveLowerTransposedInPlace } from './dense-algebra.js';
import type { FoldedUser } from './fold-in.js';
import type { UserSignal } from './user-signal.js';

/** Index of the liked item contributing most to `item`'s score, or null if the user liked nothing. */
export type Explainer = (item: number) => number | null;

export function createExplainer(model: AlsModel, signal: UserSignal, user: FoldedUser): Explainer {
  const { factors: f, itemFactors: y } = model;
  const extra = extraConfidence(signal.weights, model.alpha, model.confidence);
  const liked: number[] = [];
  const confidence: number[] = [];
  for (let e = 0; e < signal.items.length; e++) {
    if (signal.weights[e]! <= 0) continue;
    liked.push(signal.items[e]!);
    confidence.push(1 + extra[e]!);
  }
  const v = new Float64Array(f);
  return (item) => {
    solveLower(user.cholesky, y, item * f, v, f);
    solveLowerTransposedInPlace(user.cholesky, v, f);
    let best: number | null = null;
    let bestTerm = -Infinity;
    for (let n = 0; n < liked.length; n++) {
      // An item is not its own reason, unless it is the only one.
      if (liked[n] === item && liked.length > 1) continue;
      const term = confidence[n]! * dot(v, 0, y, liked[n]! * f, f);
      if (term > bestTerm) {
        bestTerm = term;
        best = liked[n]!;
      }
    }
    return best;
  };
}
