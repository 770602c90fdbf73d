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
): PolicyHead {
  const head = copyHead(start);
  let total = 0;
  for (const w of support.weights) total += w;
  if (options.steps === 0 || support.actions.length === 0 || !(total > 0)) return head;
  const grad = { w: new Float32Array(head.w.length), b: new Float32Array(head.b.length), bias: null };
  for (let step = 0; step < options.steps; step++) {
    grad.w.fill(0);
    grad.b.fill(0);
    for (let j = 0; j < support.actions.length; j++) {
      const offset = support.stateOffsets[j]!;
      const u = projectState(head, support.states, offset, options.hidden, items.dim);
      const probs = candidateProbabilities(u, support.actions[j]!, sample, items, itemBias);
      accumulateHeadGradient(support.weights[j]! / total, probs, support.actions[j]!, sample, items, head, support.states, offset, options.hidden, grad);
    }
    for (let i = 0; i < head.w.length; i++) head.w[i]! -= options.learningRate * grad.w[i]!;
    for (let i = 0; i < head.b.length; i++) head.b[i]! -= options.learningRate * grad.b[i]!;
  }
  return head;
}
