/**
 * The numbers of a meta-rl policy: the GRU state encoder, the policy head (the per-user fast
 * weights), the item biases, the behaviour head and the value head. Stored in the artifact as
 * Float32Arrays under POLICY_WEIGHT_NAMES.
 */
import type { Random } from '../../../ml/random.js';
import { FEEDBACK_TYPES } from '../../../interactions/feedback-type.js';
import type { GruWeights } from './gru.js';
import { TREND_FEATURES } from './trend-features.js';

export interface PolicyShapes {
  /** Item representation length (the item tower's output). */
  readonly dim: number;
  /** H, the GRU's hidden units (the sequence part of the state). */
  readonly stateUnits: number;
  /**
   * The state also holds the user's taste, the mean representation of every item they
   * interacted with positively (state-encoder.ts): the state is then H + d wide. False in
   * artifacts from before strategy 1.2.0.
   */
  readonly taste: boolean;
  /** Items the policy has a bias for (the training items). */
  readonly items: number;
}

/** Width S of the state the heads read: the GRU's H, plus d for the taste part. */
export const stateWidth = (s: Pick<PolicyShapes, 'stateUnits' | 'taste' | 'dim'>): number => s.stateUnits + (s.taste ? s.dim : 0);

/**
 * The taste part's initial weights in the policy head: u starts as this times the user's mean
 * item vector, so an untrained policy already ranks items like those the user liked (by cosine,
 * the item vectors being unit length) on top of popularity; training rescales and mixes it.
 */
const TASTE_INITIAL_SCALE = 5;

/** Per history step: the item's representation, its feedback type (one-hot), log time gap, signal weight. */
export const inputSize = (dim: number): number => dim + FEEDBACK_TYPES.length + 2;

/**
 * The per-user fast weights: the policy head's last layer, u = Wᵀs + b, mapping the state into
 * item space. Adapting it re-weights which item directions a user prefers without re-encoding
 * the history (the state still follows new feedback at every request), its gradient given the
 * states is analytic (no backpropagation through the encoder at adapt time), and it is small
 * (H·d + d floats) to store per user.
 */
export interface PolicyHead {
  /** [S, d] (S = stateWidth). */
  readonly w: Float32Array;
  /** [d]. */
  readonly b: Float32Array;
}

export interface PolicyWeights {
  readonly gru: GruWeights;
  /** The meta-learned initial values of the fast weights. */
  readonly head: PolicyHead;
  /**
   * Meta-learned step-size multipliers of the fast weights, one per weight (Meta-SGD, Li et al.
   * 2017): the inner loop steps weight i by α·r_i·∂L_s/∂θ_i, α the inner (or adapt) step size.
   * They start at 1 (plain SGD); meta-training learns which directions a user's first items
   * should move, and how far.
   */
  readonly headRate: PolicyHead;
  /** [items]: the policy's per-item logit offset (slow, shared by every user). */
  readonly itemBias: Float32Array;

  /** [F]: θ, the policy's weights of the trend features (trend-features.ts). */
  readonly trend: Float32Array;
  /** β(a|s): the behaviour head, on the state with its gradient stopped. */
  readonly behaviour: PolicyHead;
  readonly behaviourItemBias: Float32Array;
  readonly behaviourTrend: Float32Array;
  /** V(s) = vᵀs + v0, on the state with its gradient stopped. */
  readonly value: Float32Array;
  readonly valueBias: Float32Array;
}

export const POLICY_WEIGHT_NAMES = [
  'gruW',
  'gruU',
  'gruB',
  'headW',
  'headB',
  'headRateW',
  'headRateB',
  'itemBias',
  'trend',
  'behaviourW',
  'behaviourB',
  'behaviourItemBias',
  'behaviourTrend',
  'value',
  'valueBias',
] as const;

export type PolicyWeightName = (typeof POLICY_WEIGHT_NAMES)[number];

export function policyWeightSizes(s: PolicyShapes): Record<PolicyWeightName, number> {
  const H = s.stateUnits;
  const S = stateWidth(s);
  const I = inputSize(s.dim);
  return {
    gruW: I * 3 * H,
    gruU: H * 3 * H,
    gruB: 3 * H,
    headW: S * s.dim,
    headB: s.dim,
    headRateW: S * s.dim,
    headRateB: s.dim,
    itemBias: s.items,
    trend: TREND_FEATURES,
    behaviourW: S * s.dim,
    behaviourB: s.dim,
    behaviourItemBias: s.items,
    behaviourTrend: TREND_FEATURES,
    value: S,
    valueBias: 1,
  };
}

/** A flat view: every weight array by name (for the optimiser and the artifact). */
export function flattenPolicy(w: PolicyWeights): Record<PolicyWeightName, Float32Array> {
  return {
    gruW: w.gru.w,
    gruU: w.gru.u,
    gruB: w.gru.b,
    headW: w.head.w,
    headB: w.head.b,
    headRateW: w.headRate.w,
    headRateB: w.headRate.b,
    itemBias: w.itemBias,
    trend: w.trend,
    behaviourW: w.behaviour.w,
    behaviourB: w.behaviour.b,
    behaviourItemBias: w.behaviourItemBias,
    behaviourTrend: w.behaviourTrend,
    value: w.value,
    valueBias: w.valueBias,
  };
}

export function policyFromArrays(s: PolicyShapes, a: Record<PolicyWeightName, Float32Array>): PolicyWeights {
  return {
    gru: { inputs: inputSize(s.dim), hidden: s.stateUnits, w: a.gruW, u: a.gruU, b: a.gruB },
    head: { w: a.headW, b: a.headB },
    headRate: { w: a.headRateW, b: a.headRateB },
    itemBias: a.itemBias,
    trend: a.trend,
    behaviour: { w: a.behaviourW, b: a.behaviourB },
    behaviourItemBias: a.behaviourItemBias,
    behaviourTrend: a.behaviourTrend,
    value: a.value,
    valueBias: a.valueBias,
  };
}

/** Zeros shaped like the weights (gradient accumulators, optimiser moments). */
export function zeroPolicy(s: PolicyShapes): PolicyWeights {
  const sizes = policyWeightSizes(s);
  const arrays = {} as Record<PolicyWeightName, Float32Array>;
  for (const name of POLICY_WEIGHT_NAMES) arrays[name] = new Float32Array(sizes[name]);
  return policyFromArrays(s, arrays);
}

/**
 * Seeded initial values: matrices Glorot-uniform, biases zero, the GRU's update-gate bias 1
 * (a new state starts close to the previous one, the usual GRU initialisation for long
 * memories), the step-size multipliers 1. `itemBias` starts at log-popularity, so an untrained policy ranks by popularity;
 * the trend weights start at zero (training finds how much recency counts).
 */
export function initialPolicy(s: PolicyShapes, random: Random, logPopularity: Float32Array): PolicyWeights {
  const w = zeroPolicy(s);
  const glorot = (values: Float32Array, fanIn: number, fanOut: number): void => {
    const limit = Math.sqrt(6 / (fanIn + fanOut));
    for (let i = 0; i < values.length; i++) values[i] = (2 * random.next() - 1) * limit;
  };
  const H = s.stateUnits;
  glorot(w.gru.w, w.gru.inputs, 3 * H);
  glorot(w.gru.u, H, 3 * H);
  for (let j = 0; j < H; j++) w.gru.b[j] = 1;
  const S = stateWidth(s);
  glorot(w.head.w, S, s.dim);
  if (s.taste) {
    // The taste rows start as a scaled identity (the rows of the GRU part stay Glorot).
    w.head.w.fill(0, H * s.dim);
    for (let d = 0; d < s.dim; d++) w.head.w[(H + d) * s.dim + d] = TASTE_INITIAL_SCALE;
  }
  w.headRate.w.fill(1);
  w.headRate.b.fill(1);
  glorot(w.behaviour.w, S, s.dim);
  glorot(w.value, S, 1);
  w.itemBias.set(logPopularity);
  w.behaviourItemBias.set(logPopularity);
  return w;
}
