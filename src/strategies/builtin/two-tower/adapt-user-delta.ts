/**
 * Few-step fast adaptation of one user: an offset δ to the user tower's vector u0, fitted by
 * a few gradient steps so that the user's own positive items get more of a full softmax over
 * the item matrix, with an L2 pull on δ so that one or two items do not overfit it.
 *
 * With item rows v_i (unit), temperature T (the model's), positives p with weights w_p
 * (summing to 1) and logits s_i = (u0 + δ)·v_i / T:
 *
 *   L(δ) = Σ_p w_p (log Σ_i e^{s_i} − s_p) + λ/2 |δ|²
 *   ∇L  = (1/T) (Σ_i softmax(s)_i v_i − Σ_p w_p v_p) + λ δ
 *
 * Serving ranks by normalize(u + δ) for the current history's u: for the history adapted on
 * that is exactly the ranking of these logits (normalising does not change it), and newer
 * feedback still moves u.
 *
 * Every item competes in the softmax, the user's seen ones too. Leaving seen items out of the
 * denominator (they are never served) was measured while this was developed and did not rank
 * held-out items better (docs/strategies/two-tower.md, "Per-user adaptation").
 *
 * One step is two passes over the [n, dim] matrix (logits, then the softmax-weighted sum of
 * rows). Plain typed-array arithmetic: for a few thousand items x 64 dims, tensors would cost
 * more in dispatch and copies than they save, and this is deterministic on every backend.
 */

export interface AdaptPositives {
  /** Item-matrix rows of the user's positive items (distinct). */
  readonly rows: Int32Array;
  /** One weight per row, summing to 1. */
  readonly weights: Float64Array;
}

export interface AdaptOptions {
  /** Gradient steps; 0 returns δ = 0. */
  readonly steps: number;
  readonly learningRate: number;
  /** Strength λ of the pull of δ towards 0. */
  readonly l2: number;
  /** The model's softmax temperature. */
  readonly temperature: number;
}

export interface AdaptedDelta {
  readonly delta: Float32Array;
  readonly lossBefore: number;
  readonly lossAfter: number;
}

/** Σ_d a[d] · b[offset + d], four accumulators so the adds do not wait on each other. */
function dot(a: Float64Array, b: Float32Array, offset: number, dim: number): number {
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  let d = 0;
  for (; d + 3 < dim; d += 4) {
    s0 += a[d]! * b[offset + d]!;
    s1 += a[d + 1]! * b[offset + d + 1]!;
    s2 += a[d + 2]! * b[offset + d + 2]!;
    s3 += a[d + 3]! * b[offset + d + 3]!;
  }
  for (; d < dim; d++) s0 += a[d]! * b[offset + d]!;
  return s0 + s1 + (s2 + s3);
}

/** out[d] += scale · b[offset + d]. */
function addScaled(out: Float64Array, scale: number, b: Float32Array, offset: number, dim: number): void {
  let d = 0;
  for (; d + 3 < dim; d += 4) {
    out[d]! += scale * b[offset + d]!;
    out[d + 1]! += scale * b[offset + d + 1]!;
    out[d + 2]! += scale * b[offset + d + 2]!;
    out[d + 3]! += scale * b[offset + d + 3]!;
  }
  for (; d < dim; d++) out[d]! += scale * b[offset + d]!;
}

/**
 * Loss at δ (`u` holds u0 + δ); with `gradient`, also writes ∇L into it. `logits` is scratch
 * space of n values.
 */
function lossAt(
  items: Float32Array,
  dim: number,
  positives: AdaptPositives,
  options: AdaptOptions,
  u: Float64Array,
  delta: Float64Array,
  logits: Float64Array,
  gradient: Float64Array | null,
): number {
  const n = logits.length;
  const invT = 1 / options.temperature;
  let max = -Infinity;
  for (let r = 0; r < n; r++) {
    const s = dot(u, items, r * dim, dim) * invT;
    logits[r] = s;
    if (s > max) max = s;
  }
  let z = 0;
  for (let r = 0; r < n; r++) z += Math.exp(logits[r]! - max);
  const logZ = Math.log(z) + max;
  let loss = 0;
  for (let k = 0; k < positives.rows.length; k++) loss += positives.weights[k]! * (logZ - logits[positives.rows[k]!]!);
  let squared = 0;
  for (let d = 0; d < dim; d++) squared += delta[d]! * delta[d]!;
  loss += 0.5 * options.l2 * squared;
  if (gradient) {
    gradient.fill(0);
    for (let r = 0; r < n; r++) addScaled(gradient, Math.exp(logits[r]! - logZ), items, r * dim, dim);
    for (let k = 0; k < positives.rows.length; k++) addScaled(gradient, -positives.weights[k]!, items, positives.rows[k]! * dim, dim);
    for (let d = 0; d < dim; d++) gradient[d] = gradient[d]! * invT + options.l2 * delta[d]!;
  }
  return loss;
}

/**
 * `options.steps` steps of gradient descent on δ from 0, for the user vector `u0` over the
 * item matrix `items` ([n, dim], unit rows). Reads `items` and `u0`, never writes them.
 */
export function adaptUserDelta(items: Float32Array, dim: number, u0: Float32Array, positives: AdaptPositives, options: AdaptOptions): AdaptedDelta {
  const logits = new Float64Array(Math.floor(items.length / dim));
  const delta = new Float64Array(dim);
  const u = Float64Array.from(u0);
  const gradient = new Float64Array(dim);
  let lossBefore = Number.NaN;
  for (let step = 0; step < options.steps; step++) {
    const loss = lossAt(items, dim, positives, options, u, delta, logits, gradient);
    if (step === 0) lossBefore = loss;
    for (let d = 0; d < dim; d++) {
      delta[d]! -= options.learningRate * gradient[d]!;
      u[d] = u0[d]! + delta[d]!;
    }
  }
  const lossAfter = lossAt(items, dim, positives, options, u, delta, logits, null);
  return { delta: Float32Array.from(delta), lossBefore: options.steps > 0 ? lossBefore : lossAfter, lossAfter };
}

/** The adaptation loss of a given δ (for tests and reports). */
export function adaptationLoss(
  items: Float32Array,
  dim: number,
  u0: Float32Array,
  positives: AdaptPositives,
  options: AdaptOptions,
  delta: Float32Array,
): number {
  const u = Float64Array.from(u0, (x, d) => x + delta[d]!);
  return lossAt(items, dim, positives, options, u, Float64Array.from(delta), new Float64Array(Math.floor(items.length / dim)), null);
}
