/**
 * The implicit-ALS objective, computed without touching the dense users x items matrix:
 * every cell contributes c (p - s)^2 with s = x_u . y_i; unobserved cells have c = 1, p = 0,
 * so their total is x_u^T (Y^T Y) x_u minus the observed cells' s^2. Reported per unit of
 * confidence (cells plus the extra confidence of observed ones), like `implicit` does, so
 * numbers are comparable across dataset sizes.
 */
import { dot, multiplyMatrixVector } from './dense-algebra.js';
import type { SparseRows } from './interaction-matrix.js';

export interface LossInput {
  readonly byUser: SparseRows;
  /** c - 1 per entry of `byUser`. */
  readonly extra: Float64Array;
  readonly users: Float64Array;
  readonly items: Float64Array;
  /** items^T items + lambda I (the same matrix the user sweep used). */
  readonly itemGram: Float64Array;
  readonly userCount: number;
  readonly itemCount: number;
  readonly factors: number;
  readonly lambda: number;
}

export function implicitAlsLoss(input: LossInput): number {
  const { byUser, extra, users: x, items: y, itemGram, userCount, itemCount, factors: f, lambda } = input;
  let loss = 0;
  let confidence = userCount * itemCount;
  let userNorms = 0;
  const xu = new Float64Array(f);
  const gx = new Float64Array(f);
  for (let u = 0; u < userCount; u++) {
    const xo = u * f;
    for (let a = 0; a < f; a++) xu[a] = x[xo + a]!;
    multiplyMatrixVector(itemGram, xu, gx, f);
    // x^T (Y^T Y + lambda I) x, minus the lambda part which is counted with the norms below.
    let quadratic = 0;
    let norm = 0;
    for (let a = 0; a < f; a++) {
      quadratic += xu[a]! * gx[a]!;
      norm += xu[a]! * xu[a]!;
    }
    loss += quadratic - lambda * norm;
    userNorms += norm;
    for (let e = byUser.start[u]!; e < byUser.start[u + 1]!; e++) {
      const w = byUser.weights[e]!;
      const c = 1 + extra[e]!;
      const s = dot(x, xo, y, byUser.columns[e]! * f, f);
      const preference = w > 0 ? 1 : 0;
      loss += c * (preference - s) ** 2 - s * s;
      confidence += c - 1;
    }
  }
  let itemNorms = 0;
  for (let i = 0; i < itemCount * f; i++) itemNorms += y[i]! * y[i]!;
  loss += lambda * (userNorms + itemNorms);
  return confidence > 0 ? loss / confidence : 0;
}
