/**
 * Folding a user into a trained model: the exact ALS user step against fixed item factors,
 * solved by Cholesky. It is what training would compute for this user, so known and new users
 * are scored the same way, and the factor L lets the explanation split a score into
 * per-history-item parts (Hu et al. 2008, section 5; `implicit`'s `explain`).
 */
import type { AlsModel } from './als-model.js';
import { extraConfidence } from './confidence.js';
import { addWeightedOuterProductsUpper, choleskyInPlace, solveLower, solveLowerTransposedInPlace } from './dense-algebra.js';
import type { UserSignal } from './user-signal.js';

export interface FoldedUser {
  /** The user factor x. */
  readonly factor: Float64Array;
  /** Cholesky factor of the user's system matrix W = L L^T (lower triangle, row-major). */
  readonly cholesky: Float64Array;
}

export function foldInUser(model: AlsModel, signal: UserSignal): FoldedUser {
  const { factors: f, itemFactors: y } = model;
  const w = model.itemGram.slice();
  const b = new Float64Array(f);
  const extra = extraConfidence(signal.weights, model.alpha, model.confidence);
  addWeightedOuterProductsUpper(w, y, signal.items, extra, f);
  for (let e = 0; e < signal.items.length; e++) {
    if (signal.weights[e]! <= 0) continue;
    const offset = signal.items[e]! * f;
    const c = 1 + extra[e]!;
    for (let a = 0; a < f; a++) b[a]! += c * y[offset + a]!;
  }
  choleskyInPlace(w, f);
  const factor = new Float64Array(f);
  solveLower(w, b, 0, factor, f);
  solveLowerTransposedInPlace(w, factor, f);
  return { factor, cholesky: w };
}
