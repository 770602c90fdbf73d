/**
 * EASE (Steck, "Embarrassingly Shallow Autoencoders for Sparse Data", WWW 2019): the item-item
 * weights B minimising ||X - XB||^2 + lambda ||B||^2 with diag(B) = 0 have the closed form
 * B = I - P diagMat(1 / diag(P)), P = (X^T X + lambda I)^-1, i.e. B[i][j] = -P[i][j] / P[j][j]
 * off the diagonal. X is the binarised user x item matrix (a positive net weight is a 1).
 *
 * Everything happens in one dense n x n Float64Array: the Gram matrix's upper triangle, its
 * Cholesky factor L (lower), L^-1 in place, then P = L^-T L^-1 in place (P's lower triangle;
 * P is symmetric). See limits.ts for the sizes this is run on.
 */
import { choleskyInPlace } from '../cf/dense-algebra.js';
import type { SparseRows } from '../cf/interaction-matrix.js';
import { NeighbourListsBuilder, type NeighbourLists } from './neighbour-lists.js';

export interface EaseInput {
  readonly byUser: SparseRows;
  readonly itemCount: number;
  readonly lambda: number;
  readonly neighbours: number;
  /** Called between rows of the long steps; returns false to stop (training was aborted). */
  readonly keepGoing: (fraction: number) => boolean;
}

/** X^T X + lambda I on the upper triangle, X binarised (positive net weights only). */
function gramUpper(byUser: SparseRows, n: number, lambda: number): Float64Array {
  const g = new Float64Array(n * n);
  const row: number[] = [];
  for (let u = 0; u + 1 < byUser.start.length; u++) {
    row.length = 0;
    for (let e = byUser.start[u]!; e < byUser.start[u + 1]!; e++) if (byUser.weights[e]! > 0) row.push(byUser.columns[e]!);
    // Columns are ascending within a row, so (a, b) with a <= b lands on the upper triangle.
    for (let x = 0; x < row.length; x++) {
      const base = row[x]! * n;
      for (let y = x; y < row.length; y++) g[base + row[y]!]! += 1;
    }
  }
  for (let i = 0; i < n; i++) g[i * n + i]! += lambda;
  return g;
}

/** L (lower triangle of m) -> L^-1 in place, row by row: row i only needs rows above it. */
function invertLowerInPlace(m: Float64Array, n: number, keepGoing: (fraction: number) => boolean): boolean {
  const acc = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const ri = i * n;
    const inverseDiagonal = 1 / m[ri + i]!;
    acc.fill(0, 0, i);
    // Row i of L^-1 is -(1 / L_ii) sum_{k < i} L_ik (row k of L^-1).
    for (let k = 0; k < i; k++) {
      const lik = m[ri + k]!;
      if (lik === 0) continue;
      const rk = k * n;
      for (let j = 0; j <= k; j++) acc[j]! += lik * m[rk + j]!;
    }
    for (let j = 0; j < i; j++) m[ri + j] = -acc[j]! * inverseDiagonal;
    m[ri + i] = inverseDiagonal;
    if ((i & 63) === 63 && !keepGoing(i / n)) return false;
  }
  return true;
}

/**
 * P = L^-T L^-1 from L^-1 (lower, in m), in place: P[a][b] (b <= a) = sum_{k >= a} M[k][a] M[k][b].
 * Row a of P needs rows k >= a of M only, so rows are overwritten top-down.
 */
function lowerTransposeTimesLowerInPlace(m: Float64Array, n: number, keepGoing: (fraction: number) => boolean): boolean {
  const acc = new Float64Array(n);
  for (let a = 0; a < n; a++) {
    acc.fill(0, 0, a + 1);
    for (let k = a; k < n; k++) {
      const rk = k * n;
      const mka = m[rk + a]!;
      if (mka === 0) continue;
      for (let b = 0; b <= a; b++) acc[b]! += mka * m[rk + b]!;
    }
    const ra = a * n;
    for (let b = 0; b <= a; b++) m[ra + b] = acc[b]!;
    if ((a & 63) === 63 && !keepGoing(a / n)) return false;
  }
  return true;
}

/** Each item's top neighbours under EASE; null when `keepGoing` said stop. */
export function easeNeighbours(input: EaseInput): NeighbourLists | null {
  const { byUser, itemCount: n, lambda, neighbours, keepGoing } = input;
  const m = gramUpper(byUser, n, lambda);
  choleskyInPlace(m, n);
  if (!keepGoing(0.4)) return null;
  if (!invertLowerInPlace(m, n, (f) => keepGoing(0.4 + 0.3 * f))) return null;
  if (!lowerTransposeTimesLowerInPlace(m, n, (f) => keepGoing(0.7 + 0.25 * f))) return null;
  // P's lower triangle now holds P[a][b] for b <= a; P is symmetric.
  const p = (a: number, b: number): number => (b <= a ? m[a * n + b]! : m[b * n + a]!);
  const candidates = new Int32Array(n);
  for (let j = 0; j < n; j++) candidates[j] = j;
  const row = new Float64Array(n);
  const lists = new NeighbourListsBuilder(n, neighbours);
  for (let i = 0; i < n; i++) {
    // Row i of B: how much history item i adds to item j's score.
    for (let j = 0; j < n; j++) row[j] = j === i ? 0 : -p(i, j) / p(j, j);
    lists.addRow(i, candidates, row);
  }
  return lists.build();
}
