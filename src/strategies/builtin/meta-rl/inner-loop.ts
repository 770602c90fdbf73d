/**
 * The inner loop of meta-learning, shared by meta-training and `adapt`: a few SGD steps on the
 * policy head (the fast weights) from its meta-learned initial values, minimising the
 * signal-weighted cross-entropy of the user's support interactions given the states that
 * preceded them. The states are fixed (the encoder is shared, not adapted), so each step costs
 * one pass over support × candidates.
 */
import { accumulateHeadGradient, candidateProbabilities, projectState, type ItemSpace, type NegativeSample } from './sampled-softmax.js';
import type { PolicyHead } from './policy-weights.js';

export interface SupportSet {
  /** States [*, H]; support action j was taken in the state at stateOffsets[j]. */
  readonly states: Float32Array;
  readonly stateOffsets: readonly number[];
  /** Item row of each support action. */
  readonly actions: readonly number[];
  /** Positive learning weight of each action (the host's signal weight). */
  readonly weights: readonly number[];
  /** Per action, the candidates' trend logit offsets (the slow part of the logit the head does not own). */
  readonly offsets: readonly Float64Array[];
}

export interface InnerLoopOptions {
  readonly steps: number;
  readonly learningRate: number;
  readonly hidden: number;
}

export function copyHead(head: PolicyHead): PolicyHead {
  return { w: Float32Array.from(head.w), b: Float32Array.from(head.b) };
}

/**
 * The adapted head after `steps` SGD steps on the weighted mean cross-entropy of the support
 * (a copy; `start` is not changed). No support or no steps: a copy of `start`.
 */
export function adaptHead(
  start: PolicyHead,
  support: SupportSet,
  sample: NegativeSample,
  items: ItemSpace,
  itemBias: Float32Array,
  options: InnerLoopOptions,
  /** When given, each step's candidate probabilities per support action are pushed here (for innerLoopBackward). */
  trace: Float64Array[][] | null = null,
): PolicyHead {
  const head = copyHead(start);
  let total = 0;
  for (const w of support.weights) total += w;
  if (options.steps === 0 || support.actions.length === 0 || !(total > 0)) return head;
  const grad = { w: new Float32Array(head.w.length), b: new Float32Array(head.b.length), bias: null };
  for (let step = 0; step < options.steps; step++) {
    grad.w.fill(0);
    grad.b.fill(0);
    const stepProbs: Float64Array[] = [];
    trace?.push(stepProbs);
    for (let j = 0; j < support.actions.length; j++) {
      const offset = support.stateOffsets[j]!;
      const u = projectState(head, support.states, offset, options.hidden, items.dim);
      const probs = candidateProbabilities(u, support.actions[j]!, sample, items, itemBias, support.offsets[j]);
      stepProbs.push(probs);
      accumulateHeadGradient(support.weights[j]! / total, probs, support.actions[j]!, sample, items, head, support.states, offset, options.hidden, grad);
    }
    for (let i = 0; i < head.w.length; i++) head.w[i]! -= options.learningRate * grad.w[i]!;
    for (let i = 0; i < head.b.length; i++) head.b[i]! -= options.learningRate * grad.b[i]!;
  }
  return head;
}

/**
 * Second-order MAML for the fast weights: turns g = ∂L_query/∂θ_K at the adapted head into
 * ∂L_query/∂θ_0 at its initial values, through the K SGD steps θ_{k+1} = θ_k − α∇L_s(θ_k):
 * g ← (I − α ∇²L_s(θ_k)) g for k = K−1 … 0. The Hessian-vector product of the support's
 * weighted cross-entropy (weights ω_j), with u_j = Wᵀs_j + c, candidates e_i and their
 * probabilities p_i at θ_k (from `trace`), for a direction V = (V_W, V_c):
 *   δu_j = V_Wᵀ s_j + V_c,   ē_j = Σ_i p_i e_i,   δg_j = Σ_i p_i e_i (e_i·δu_j) − ē_j (ē_j·δu_j),
 *   (∇²L_s V)_W = Σ_j ω_j s_j ⊗ δg_j,   (∇²L_s V)_c = Σ_j ω_j δg_j.
 * The states, item vectors, biases and logit offsets are constants of the inner loop (first
 * order for them). First-order MAML drops this product (g passes unchanged) and so never learns
 * what the inner steps themselves do to the query; this is what makes the start one from which
 * a few steps on a user's first items help on their next ones. Changes `g` in place.
 */
export function innerLoopBackward(
  g: PolicyHead,
  support: SupportSet,
  sample: NegativeSample,
  items: ItemSpace,
  trace: readonly (readonly Float64Array[])[],
  options: InnerLoopOptions,
): void {
  const dim = items.dim;
  const H = options.hidden;
  let total = 0;
  for (const w of support.weights) total += w;
  if (trace.length === 0 || !(total > 0)) return;
  const C = sample.rows.length + 1;
  const du = new Float64Array(dim);
  const mean = new Float64Array(dim);
  const dg = new Float64Array(dim);
  const hvpW = new Float64Array(g.w.length);
  const hvpB = new Float64Array(dim);
  for (let k = trace.length - 1; k >= 0; k--) {
    hvpW.fill(0);
    hvpB.fill(0);
    for (let j = 0; j < support.actions.length; j++) {
      const probs = trace[k]![j]!;
      const offset = support.stateOffsets[j]!;
      const rowOf = (i: number): number => (i === 0 ? support.actions[j]! : sample.rows[i - 1]!);
      for (let d = 0; d < dim; d++) du[d] = g.b[d]!;
      for (let h = 0; h < H; h++) {
        const sh = support.states[offset + h]!;
        if (sh === 0) continue;
        for (let d = 0; d < dim; d++) du[d]! += sh * g.w[h * dim + d]!;
      }
      mean.fill(0);
      dg.fill(0);
      for (let i = 0; i < C; i++) {
        const p = probs[i]!;
        if (p === 0) continue;
        const off = rowOf(i) * dim;
        let dot = 0;
        for (let d = 0; d < dim; d++) {
          const e = items.vectors[off + d]!;
          mean[d]! += p * e;
          dot += e * du[d]!;
        }
        for (let d = 0; d < dim; d++) dg[d]! += p * dot * items.vectors[off + d]!;
      }
      let meanDot = 0;
      for (let d = 0; d < dim; d++) meanDot += mean[d]! * du[d]!;
      const omega = support.weights[j]! / total;
      for (let d = 0; d < dim; d++) {
        const v = omega * (dg[d]! - mean[d]! * meanDot);
        dg[d] = v;
        hvpB[d]! += v;
      }
      for (let h = 0; h < H; h++) {
        const sh = support.states[offset + h]!;
        if (sh === 0) continue;
        for (let d = 0; d < dim; d++) hvpW[h * dim + d]! += sh * dg[d]!;
      }
    }
    for (let i = 0; i < g.w.length; i++) g.w[i]! -= options.learningRate * hvpW[i]!;
    for (let d = 0; d < dim; d++) g.b[d]! -= options.learningRate * hvpB[d]!;
  }
}
