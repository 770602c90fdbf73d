/**
 * One half-step of implicit ALS (Hu, Koren, Volinsky 2008) solved with a few warm-started
 * conjugate-gradient steps per row instead of an exact solve (Takács, Pilászy, Tikk 2011; the
 * `implicit` library's default). For row u with entries j of weight w_j it approaches
 *
 *   (F^T F + lambda I + sum_j (c_j - 1) f_j f_j^T) x_u = sum_{j: w_j > 0} c_j f_j,
 *   c_j = 1 + extra_j (see confidence.ts),
 *
 * where F is the fixed side. Negative weights (a dismissal) keep preference 0 but add
 * confidence that it is 0. Each step costs O(f^2 + nnz_u f) instead of O(f^3 + nnz_u f^2).
 */
import { dot, multiplyMatrixVector } from './dense-algebra.js';
import type { SparseRows } from './interaction-matrix.js';

/** Rows between two looks at the abort signal: frequent enough to stop within milliseconds. */
const ABORT_CHECK_ROWS = 256;
const CONVERGED = 1e-20;

export interface SweepInput {
  readonly rows: SparseRows;
  /** c - 1 for every entry of `rows`, aligned with `rows.columns`. */
  readonly extra: Float64Array;
  /** Solved in place: rows x f, row-major. */
  readonly target: Float64Array;
  /** Held fixed: columns x f, row-major. */
  readonly fixed: Float64Array;
  /** fixed^T fixed + lambda I. */
  readonly gram: Float64Array;
  readonly factors: number;
  readonly steps: number;
  readonly signal: AbortSignal;
}

/** Returns false when the signal aborted part-way (the target is then partly updated). */
export function conjugateGradientSweep(input: SweepInput): boolean {
  const { rows, extra: extraOf, target: x, fixed: y, gram, factors: f, steps, signal } = input;
  const r = new Float64Array(f);
  const p = new Float64Array(f);
  const ap = new Float64Array(f);
  const xu = new Float64Array(f);
  const rowCount = rows.start.length - 1;

  for (let u = 0; u < rowCount; u++) {
    if (u % ABORT_CHECK_ROWS === 0 && signal.aborted) return false;
    const xo = u * f;
    const begin = rows.start[u]!;
    const end = rows.start[u + 1]!;
    for (let a = 0; a < f; a++) xu[a] = x[xo + a]!;

    // r = b - A x
    multiplyMatrixVector(gram, xu, r, f);
    for (let a = 0; a < f; a++) r[a] = -r[a]!;
    for (let e = begin; e < end; e++) {
      const w = rows.weights[e]!;
      const extra = extraOf[e]!;
      const yo = rows.columns[e]! * f;
      const d = dot(y, yo, xu, 0, f);
      const coef = w > 0 ? 1 + extra - extra * d : -extra * d;
      for (let a = 0; a < f; a++) r[a]! += coef * y[yo + a]!;
    }
    let rsOld = 0;
    for (let a = 0; a < f; a++) {
      p[a] = r[a]!;
      rsOld += r[a]! * r[a]!;
    }
    if (rsOld < CONVERGED) continue;

    for (let step = 0; step < steps; step++) {
      multiplyMatrixVector(gram, p, ap, f);
      for (let e = begin; e < end; e++) {
        const extra = extraOf[e]!;
        const yo = rows.columns[e]! * f;
        const d = extra * dot(y, yo, p, 0, f);
        for (let a = 0; a < f; a++) ap[a]! += d * y[yo + a]!;
      }
      let pAp = 0;
      for (let a = 0; a < f; a++) pAp += p[a]! * ap[a]!;
      const stepSize = rsOld / pAp;
      let rsNew = 0;
      for (let a = 0; a < f; a++) {
        xu[a]! += stepSize * p[a]!;
        r[a]! -= stepSize * ap[a]!;
        rsNew += r[a]! * r[a]!;
      }
      if (rsNew < CONVERGED) break;
      const beta = rsNew / rsOld;
      for (let a = 0; a < f; a++) p[a] = r[a]! + beta * p[a]!;
      rsOld = rsNew;
    }
    for (let a = 0; a < f; a++) x[xo + a] = xu[a]!;
  }
  return true;
}
