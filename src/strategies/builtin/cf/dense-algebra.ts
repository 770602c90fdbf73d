/**
 * The small dense linear algebra ALS needs on f x f matrices (f = factors), in Float64 so
 * the normal equations stay well conditioned. Matrices are row-major flat arrays.
 */

/**
 * factors^T factors + lambda * I over `count` rows of width f. Four rows are folded into each
 * pass over the upper triangle, so the accumulator is loaded and stored a quarter as often.
 */
export function gramMatrix(factors: ArrayLike<number>, count: number, f: number, lambda: number): Float64Array {
  const g = new Float64Array(f * f);
  let r = 0;
  for (; r + 3 < count; r += 4) {
    const o0 = r * f;
    const o1 = o0 + f;
    const o2 = o1 + f;
    const o3 = o2 + f;
    for (let a = 0; a < f; a++) {
      const v0 = factors[o0 + a]!;
      const v1 = factors[o1 + a]!;
      const v2 = factors[o2 + a]!;
      const v3 = factors[o3 + a]!;
      const row = a * f;
      for (let b = a; b < f; b++) {
        g[row + b]! += v0 * factors[o0 + b]! + v1 * factors[o1 + b]! + v2 * factors[o2 + b]! + v3 * factors[o3 + b]!;
      }
    }
  }
  for (; r < count; r++) addScaledOuterUpper(g, factors, r * f, 1, f);
  for (let a = 0; a < f; a++) {
    g[a * f + a]! += lambda;
    for (let b = a + 1; b < f; b++) g[b * f + a] = g[a * f + b]!;
  }
  return g;
}

/**
 * a[aOffset ..] . b[bOffset ..] over f elements. Four running sums break the chain of
 * dependent additions, which otherwise caps a dot product at one multiply-add per ~4 cycles.
 */
export function dot(a: ArrayLike<number>, aOffset: number, b: ArrayLike<number>, bOffset: number, f: number): number {
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  let i = 0;
  for (; i + 3 < f; i += 4) {
    s0 += a[aOffset + i]! * b[bOffset + i]!;
    s1 += a[aOffset + i + 1]! * b[bOffset + i + 1]!;
    s2 += a[aOffset + i + 2]! * b[bOffset + i + 2]!;
    s3 += a[aOffset + i + 3]! * b[bOffset + i + 3]!;
  }
  for (; i < f; i++) s0 += a[aOffset + i]! * b[bOffset + i]!;
  return s0 + s1 + (s2 + s3);
}

/**
 * out = m v for a square f x f matrix. Four rows per pass share each load of v[b]: about 2.5x
 * faster than the plain double loop in V8 (this is the inner loop of training).
 */
export function multiplyMatrixVector(m: Float64Array, v: Float64Array, out: Float64Array, f: number): void {
  let a = 0;
  for (; a + 3 < f; a += 4) {
    const r0 = a * f;
    const r1 = r0 + f;
    const r2 = r1 + f;
    const r3 = r2 + f;
    let s0 = 0;
    let s1 = 0;
    let s2 = 0;
    let s3 = 0;
    for (let b = 0; b < f; b++) {
      const vb = v[b]!;
      s0 += m[r0 + b]! * vb;
      s1 += m[r1 + b]! * vb;
      s2 += m[r2 + b]! * vb;
      s3 += m[r3 + b]! * vb;
    }
    out[a] = s0;
    out[a + 1] = s1;
    out[a + 2] = s2;
    out[a + 3] = s3;
  }
  for (; a < f; a++) {
    const row = a * f;
    let s = 0;
    for (let b = 0; b < f; b++) s += m[row + b]! * v[b]!;
    out[a] = s;
  }
}

/** m += scale * y y^T on the upper triangle only (callers mirror once via `choleskyInPlace`). */
export function addScaledOuterUpper(m: Float64Array, y: ArrayLike<number>, offset: number, scale: number, f: number): void {
  for (let a = 0; a < f; a++) {
    const va = scale * y[offset + a]!;
    const row = a * f;
    for (let b = a; b < f; b++) m[row + b]! += va * y[offset + b]!;
  }
}

/**
 * m += sum_n scales[n] y_{rows[n]} y_{rows[n]}^T on the upper triangle, four rows per pass over
 * the triangle (the fold-in of a user with a long history is dominated by this).
 */
export function addWeightedOuterProductsUpper(m: Float64Array, y: ArrayLike<number>, rows: ArrayLike<number>, scales: ArrayLike<number>, f: number): void {
  let n = 0;
  for (; n + 3 < rows.length; n += 4) {
    const o0 = rows[n]! * f;
    const o1 = rows[n + 1]! * f;
    const o2 = rows[n + 2]! * f;
    const o3 = rows[n + 3]! * f;
    const s0 = scales[n]!;
    const s1 = scales[n + 1]!;
    const s2 = scales[n + 2]!;
    const s3 = scales[n + 3]!;
    for (let a = 0; a < f; a++) {
      const v0 = s0 * y[o0 + a]!;
      const v1 = s1 * y[o1 + a]!;
      const v2 = s2 * y[o2 + a]!;
      const v3 = s3 * y[o3 + a]!;
      const row = a * f;
      for (let b = a; b < f; b++) m[row + b]! += v0 * y[o0 + b]! + v1 * y[o1 + b]! + v2 * y[o2 + b]! + v3 * y[o3 + b]!;
    }
  }
  for (; n < rows.length; n++) addScaledOuterUpper(m, y, rows[n]! * f, scales[n]!, f);
}

/**
 * Cholesky factor of a symmetric positive definite matrix given by its upper triangle:
 * afterwards the lower triangle (diagonal included) holds L with m = L L^T. Pivots are floored
 * at a tiny positive value so rounding in a nearly singular system cannot produce NaN.
 */
export function choleskyInPlace(m: Float64Array, f: number): void {
  for (let a = 0; a < f; a++) for (let b = a + 1; b < f; b++) m[b * f + a] = m[a * f + b]!;
  for (let j = 0; j < f; j++) {
    const rj = j * f;
    let d = m[rj + j]!;
    for (let k = 0; k < j; k++) d -= m[rj + k]! * m[rj + k]!;
    const ljj = Math.sqrt(Math.max(d, 1e-12));
    m[rj + j] = ljj;
    for (let i = j + 1; i < f; i++) {
      const ri = i * f;
      let s = m[ri + j]!;
      for (let k = 0; k < j; k++) s -= m[ri + k]! * m[rj + k]!;
      m[ri + j] = s / ljj;
    }
  }
}

/** Solves L z = b (forward substitution) into `out`; b is read from `b` at `offset`. */
export function solveLower(l: Float64Array, b: ArrayLike<number>, offset: number, out: Float64Array, f: number): void {
  for (let i = 0; i < f; i++) {
    const ri = i * f;
    let s = b[offset + i]!;
    for (let k = 0; k < i; k++) s -= l[ri + k]! * out[k]!;
    out[i] = s / l[ri + i]!;
  }
}

/** Solves L^T x = z (back substitution) in place. */
export function solveLowerTransposedInPlace(l: Float64Array, z: Float64Array, f: number): void {
  for (let i = f - 1; i >= 0; i--) {
    let s = z[i]!;
    for (let k = i + 1; k < f; k++) s -= l[k * f + i]! * z[k]!;
    z[i] = s / l[i * f + i]!;
  }
}
