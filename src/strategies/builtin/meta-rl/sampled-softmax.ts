/**
 * A softmax head over the catalogue, estimated on sampled candidates: logits o_i = uᵀe_i + b_i
 * with u = Wᵀs + c. The logged action keeps its logit; each of the S negatives, drawn from q,
 * has log(S·q_i) subtracted (the logQ correction), so Σ_neg exp(o_i)/(S·q_i) is an unbiased
 * estimate of the catalogue's partition sum and the candidate softmax's probability of the
 * action estimates the full softmax's π(a|s), which the off-policy correction needs.
 *
 * Gradients are written by hand (checked against finite differences in
 * test/strategies/meta-rl-gradients.test.ts).
 */
import type { PolicyHead } from './policy-weights.js';

/** Negatives shared by the actions of one step. */
export interface NegativeSample {
  /** S item rows. */
  readonly rows: Int32Array;
  /** log(S·q_i) per negative. */
  readonly logCorrection: Float64Array;
}

/** Item rows and representations: row r's vector is vectors[r·dim .. (r+1)·dim). */
export interface ItemSpace {
  readonly dim: number;
  readonly vectors: Float32Array;
}

/** u = Wᵀs + c for the state at states[offset .. offset + H). */
export function projectState(head: PolicyHead, states: Float32Array, offset: number, hidden: number, dim: number): Float64Array {
  const u = new Float64Array(dim);
  for (let k = 0; k < dim; k++) u[k] = head.b[k]!;
  for (let h = 0; h < hidden; h++) {
    const sh = states[offset + h]!;
    if (sh === 0) continue;
    const row = h * dim;
    for (let k = 0; k < dim; k++) u[k]! += sh * head.w[row + k]!;
  }
  return u;
}

function dot(u: Float64Array, vectors: Float32Array, row: number, dim: number): number {
  let sum = 0;
  const off = row * dim;
  for (let k = 0; k < dim; k++) sum += u[k]! * vectors[off + k]!;
  return sum;
}

/**
 * Probabilities over [action, negatives...] (length S + 1). A negative that is the action
 * itself (an accidental hit) gets probability zero. `offsets` (length S + 1), when given, are
 * added to the candidates' logits (the trend features' Σ θ_h φ_h).
 */
export function candidateProbabilities(
  u: Float64Array,
  action: number,
  sample: NegativeSample,
  items: ItemSpace,
  bias: Float32Array,
  offsets: Float64Array | null = null,
): Float64Array {
  const S = sample.rows.length;
  const logits = new Float64Array(S + 1);
  logits[0] = dot(u, items.vectors, action, items.dim) + bias[action]! + (offsets ? offsets[0]! : 0);
  let max = logits[0]!;
  for (let j = 0; j < S; j++) {
    const row = sample.rows[j]!;
    const value = row === action ? -Infinity : dot(u, items.vectors, row, items.dim) + bias[row]! - sample.logCorrection[j]! + (offsets ? offsets[j + 1]! : 0);
    logits[j + 1] = value;
    if (value > max) max = value;
  }
  let total = 0;
  for (let j = 0; j <= S; j++) {
    const e = Math.exp(logits[j]! - max);
    logits[j] = e;
    total += e;
  }
  for (let j = 0; j <= S; j++) logits[j]! /= total;
  return logits;
}

/** Where the gradient of a head goes. */
export interface HeadGradient {
  readonly w: Float32Array;
  readonly b: Float32Array;
  /** Per-item bias gradient; null: the biases are not trained here. */
  readonly bias: Float32Array | null;
}

/**
 * Adds coef · ∇(−log p_action) to `into`, for probabilities from `candidateProbabilities` at
 * the state states[offset ..]; when `dState` is given, also adds the gradient with respect to
 * the state (at dStateOffset).
 */
export function accumulateHeadGradient(
  coef: number,
  probs: Float64Array,
  action: number,
  sample: NegativeSample,
  items: ItemSpace,
  head: PolicyHead,
  states: Float32Array,
  offset: number,
  hidden: number,
  into: HeadGradient,
  dState: Float32Array | null = null,
  dStateOffset = 0,
): void {
  if (coef === 0) return;
  const dim = items.dim;
  const du = new Float64Array(dim);
  const add = (row: number, g: number): void => {
    if (g === 0) return;
    const off = row * dim;
    for (let k = 0; k < dim; k++) du[k]! += g * items.vectors[off + k]!;
    if (into.bias) into.bias[row]! += g;
  };
  add(action, coef * (probs[0]! - 1));
  for (let j = 0; j < sample.rows.length; j++) add(sample.rows[j]!, coef * probs[j + 1]!);
  for (let k = 0; k < dim; k++) into.b[k]! += du[k]!;
  for (let h = 0; h < hidden; h++) {
    const sh = states[offset + h]!;
    const row = h * dim;
    let back = 0;
    for (let k = 0; k < dim; k++) {
      into.w[row + k]! += sh * du[k]!;
      back += head.w[row + k]! * du[k]!;
    }
    if (dState) dState[dStateOffset + h]! += back;
  }
}
