/**
 * LinUCB (Li et al. 2010, disjoint model) for one arm: ridge regression of the reward on the
 * context vector, score = theta . x + alpha * sqrt(x' A^-1 x). Deterministic given the
 * statistics, which is what lets a softmax over these scores give exact propensities.
 */
import type { ArmStatistics } from './sufficient-statistics.js';

export class LinUcbArm {
  readonly #inverse: Float64Array;
  readonly #theta: Float64Array;

  constructor(
    stats: ArmStatistics,
    private readonly dimension: number,
  ) {
    const d = dimension;
    const a = new Float64Array(d * d);
    for (let i = 0; i < d; i++) a[i * d + i] = 1; // ridge prior
    const b = new Float64Array(d);
    for (const [field, value] of Object.entries(stats.sums)) {
      const parts = field.split(':');
      if (parts[0] === 'A' && parts.length === 3) {
        const i = Number(parts[1]);
        const j = Number(parts[2]);
        if (i >= d || j >= d) continue;
        a[i * d + j]! += value;
        if (i !== j) a[j * d + i]! += value;
      } else if (parts[0] === 'b' && parts.length === 2) {
        const i = Number(parts[1]);
        if (i < d) b[i]! += value;
      }
    }
    this.#inverse = invertSymmetric(a, d);
    this.#theta = new Float64Array(d);
    for (let i = 0; i < d; i++) {
      let s = 0;
      for (let j = 0; j < d; j++) s += this.#inverse[i * d + j]! * b[j]!;
      this.#theta[i] = s;
    }
  }

  /** Expected reward of a binary context vector given by its active indices. */
  mean(indices: readonly number[]): number {
    let s = 0;
    for (const i of indices) s += this.#theta[i]!;
    return s;
  }

  /** sqrt(x' A^-1 x): how uncertain the arm still is about this context. */
  width(indices: readonly number[]): number {
    const d = this.dimension;
    let s = 0;
    for (const i of indices) for (const j of indices) s += this.#inverse[i * d + j]!;
    return Math.sqrt(Math.max(s, 0));
  }

  /**
   * How many pulls' worth of evidence the arm has about this context: with the ridge prior
   * A = I, x' A^-1 x is |x|^2 before any pull and 1 / (1/|x|^2 + n) after n pulls of exactly
   * this x, so n = 1 / (x' A^-1 x) - 1 / |x|^2. Pulls of similar contexts (sharing features)
   * count in part.
   */
  evidence(indices: readonly number[]): number {
    if (indices.length === 0) return 0;
    const width = this.width(indices);
    return width > 0 ? Math.max(0, 1 / (width * width) - 1 / indices.length) : Infinity;
  }

  score(indices: readonly number[], alpha: number): number {
    return this.mean(indices) + alpha * this.width(indices);
  }
}

/** Gauss-Jordan with partial pivoting; A = I + X'X is symmetric positive definite. */
function invertSymmetric(matrix: Float64Array, d: number): Float64Array {
  const a = Float64Array.from(matrix);
  const inv = new Float64Array(d * d);
  for (let i = 0; i < d; i++) inv[i * d + i] = 1;
  for (let col = 0; col < d; col++) {
    let pivot = col;
    for (let r = col + 1; r < d; r++) if (Math.abs(a[r * d + col]!) > Math.abs(a[pivot * d + col]!)) pivot = r;
    if (pivot !== col) {
      for (let c = 0; c < d; c++) {
        [a[col * d + c], a[pivot * d + c]] = [a[pivot * d + c]!, a[col * d + c]!];
        [inv[col * d + c], inv[pivot * d + c]] = [inv[pivot * d + c]!, inv[col * d + c]!];
      }
    }
    const p = a[col * d + col]!;
    for (let c = 0; c < d; c++) {
      a[col * d + c]! /= p;
      inv[col * d + c]! /= p;
    }
    for (let r = 0; r < d; r++) {
      if (r === col) continue;
      const f = a[r * d + col]!;
      if (f === 0) continue;
      for (let c = 0; c < d; c++) {
        a[r * d + c]! -= f * a[col * d + c]!;
        inv[r * d + c]! -= f * inv[col * d + c]!;
      }
    }
  }
  return inv;
}
