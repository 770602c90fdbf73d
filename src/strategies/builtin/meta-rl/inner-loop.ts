/**
 * The inner loop of meta-learning, shared by meta-training and `adapt`: a few gradient steps on
 * the policy head (the fast weights) from its meta-learned initial values, each weight with its
 * meta-learned step size (Meta-SGD), minimising the
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
  /** Per-weight step-size multipliers r (Meta-SGD); null: 1 for every weight (plain SGD). */
  readonly rates: PolicyHead | null;
}

/** What the forward inner loop leaves for innerLoopBackward. */
export interface InnerTrace {
  /** Per step k, per support action j: the candidate probabilities at θ_k. */
  readonly probs: Float64Array[][];
  /** Per step k: ∇L_s(θ_k), the support loss's gradient the step took. */
  readonly grads: PolicyHead[];
}

export const emptyInnerTrace = (): InnerTrace => ({ probs: [], grads: [] });

export function copyHead(head: PolicyHead): PolicyHead {
  return { w: Float32Array.from(head.w), b: Float32Array.from(head.b) };
}

/**
 * The adapted head after `steps` steps θ_{k+1} = θ_k − α·r⊙∇L_s(θ_k) on the weighted mean
 * cross-entropy of the support (a copy; `start` is not changed). No support or no steps: a
 * copy of `start`.
 */
export function adaptHead(
  start: PolicyHead,
  support: SupportSet,
  sample: NegativeSample,
  items: ItemSpace,
  itemBias: Float32Array,
  options: InnerLoopOptions,
  /** When given, each step's probabilities and gradient are recorded here (for innerLoopBackward). */
  trace: InnerTrace | null = null,
): PolicyHead {
  const head = copyHead(start);
  let total = 0;
  for (const w of support.weights) total += w;
  if (options.steps === 0 || support.actions.length === 0 || !(total > 0)) return head;
  const rates = options.rates;
  const alpha = options.learningRate;
  for (let step = 0; step < options.steps; step++) {
    const grad = { w: new Float32Array(head.w.length), b: new Float32Array(head.b.length), bias: null };
    const stepProbs: Float64Array[] = [];
    trace?.probs.push(stepProbs);
    trace?.grads.push(grad);
    for (let j = 0; j < support.actions.length; j++) {
      const offset = support.stateOffsets[j]!;
      const u = projectState(head, support.states, offset, options.hidden, items.dim);
      const probs = candidateProbabilities(u, support.actions[j]!, sample, items, itemBias, support.offsets[j]);
      stepProbs.push(probs);
      accumulateHeadGradient(support.weights[j]! / total, probs, support.actions[j]!, sample, items, head, support.states, offset, options.hidden, grad);
    }
    for (let i = 0; i < head.w.length; i++) head.w[i]! -= alpha * (rates ? rates.w[i]! : 1) * grad.w[i]!;
    for (let i = 0; i < head.b.length; i++) head.b[i]! -= alpha * (rates ? rates.b[i]! : 1) * grad.b[i]!;
  }
  return head;
}

/** Where innerLoopBackward puts what it computes besides the initial head's gradient. */
export interface InnerBackwardOptions {
  /** Take g through the steps' Jacobians (second-order MAML); false: g passes unchanged (first order). */
  readonly secondOrder: boolean;
  /** When given, ∂L_query/∂r (the step-size multipliers' gradient) is added here. */
  readonly rateGradient: PolicyHead | null;
}

/**
 * MAML for the fast weights: turns g = ∂L_query/∂θ_K at the adapted head into ∂L_query/∂θ_0 at
 * its initial values, through the K steps θ_{k+1} = θ_k − α r⊙∇L_s(θ_k), and gives the
 * step-size multipliers' gradient on the way (Meta-SGD), for k = K−1 … 0:
 *   ∂L/∂r += −α g ⊙ ∇L_s(θ_k),      g ← g − α ∇²L_s(θ_k) (r ⊙ g)
 * (the Hessian is symmetric, so (I − α diag(r) ∇²L_s)ᵀ g = g − α ∇²L_s (r ⊙ g)). The
 * Hessian-vector product of the support's weighted cross-entropy (weights ω_j), with
 * u_j = Wᵀs_j + c, candidates e_i and their probabilities p_i at θ_k (from the trace), for a
 * direction V = (V_W, V_c):
 *   δu_j = V_Wᵀ s_j + V_c,   ē_j = Σ_i p_i e_i,   δg_j = Σ_i p_i e_i (e_i·δu_j) − ē_j (ē_j·δu_j),
 *   (∇²L_s V)_W = Σ_j ω_j s_j ⊗ δg_j,   (∇²L_s V)_c = Σ_j ω_j δg_j.
 * The states, item vectors, biases and logit offsets are constants of the inner loop (first
 * order for them). First-order MAML drops the product (g passes unchanged, and the multipliers'
 * gradient uses g_K at every step) and so never learns what the inner steps themselves do to
 * the query; the second-order product is what makes the start one from which a few steps on a
 * user's first items help on their next ones. Changes `g` in place.
 */
export function innerLoopBackward(
  g: PolicyHead,
  support: SupportSet,
  sample: NegativeSample,
  items: ItemSpace,
  trace: InnerTrace,
  options: InnerLoopOptions,
  backward: InnerBackwardOptions,
): void {
  const dim = items.dim;
  const H = options.hidden;
  const alpha = options.learningRate;
  const rates = options.rates;
  let total = 0;
  for (const w of support.weights) total += w;
  if (trace.probs.length === 0 || !(total > 0)) return;
  const C = sample.rows.length + 1;
  const vW = new Float64Array(g.w.length);
  const vB = new Float64Array(dim);
  const du = new Float64Array(dim);
  const mean = new Float64Array(dim);
  const dg = new Float64Array(dim);
  const hvpW = new Float64Array(g.w.length);
  const hvpB = new Float64Array(dim);
  for (let k = trace.probs.length - 1; k >= 0; k--) {
    const into = backward.rateGradient;
    if (into) {
      const grad = trace.grads[k]!;
      for (let i = 0; i < g.w.length; i++) into.w[i]! -= alpha * g.w[i]! * grad.w[i]!;
      for (let d = 0; d < dim; d++) into.b[d]! -= alpha * g.b[d]! * grad.b[d]!;
    }
    if (!backward.secondOrder) continue;
    for (let i = 0; i < g.w.length; i++) vW[i] = (rates ? rates.w[i]! : 1) * g.w[i]!;
    for (let d = 0; d < dim; d++) vB[d] = (rates ? rates.b[d]! : 1) * g.b[d]!;
    hvpW.fill(0);
    hvpB.fill(0);
    for (let j = 0; j < support.actions.length; j++) {
      const probs = trace.probs[k]![j]!;
      const offset = support.stateOffsets[j]!;
      const rowOf = (i: number): number => (i === 0 ? support.actions[j]! : sample.rows[i - 1]!);
      for (let d = 0; d < dim; d++) du[d] = vB[d]!;
      for (let h = 0; h < H; h++) {
        const sh = support.states[offset + h]!;
        if (sh === 0) continue;
        for (let d = 0; d < dim; d++) du[d]! += sh * vW[h * dim + d]!;
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
    for (let i = 0; i < g.w.length; i++) g.w[i]! -= alpha * hvpW[i]!;
    for (let d = 0; d < dim; d++) g.b[d]! -= alpha * hvpB[d]!;
  }
}
