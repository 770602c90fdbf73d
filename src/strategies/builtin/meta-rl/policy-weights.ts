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
  /** State size H (the GRU's hidden units). */
  readonly stateUnits: number;
  /** Items the policy has a bias for (the training items). */
  readonly items: number;
}

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
  /** [H, d]. */
  readonly w: Float32Array;
  /** [d]. */
  readonly b: Float32Array;
}

export interface PolicyWeights {
  readonly gru: GruWeights;
  /** The meta-learned initial values of the fast weights. */
  readonly head: PolicyHead;
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
  const I = inputSize(s.dim);
  return {
    gruW: I * 3 * H,
    gruU: H * 3 * H,
    gruB: 3 * H,
    headW: H * s.dim,
    headB: s.dim,
    itemBias: s.items,
    trend: TREND_FEATURES,
    behaviourW: H * s.dim,
    behaviourB: s.dim,
    behaviourItemBias: s.items,
    behaviourTrend: TREND_FEATURES,
    value: H,
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
 * memories). `itemBias` starts at log-popularity, so an untrained policy ranks by popularity;
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
  glorot(w.head.w, H, s.dim);
  glorot(w.behaviour.w, H, s.dim);
  glorot(w.value, H, 1);
  w.itemBias.set(logPopularity);
  w.behaviourItemBias.set(logPopularity);
  return w;
}
