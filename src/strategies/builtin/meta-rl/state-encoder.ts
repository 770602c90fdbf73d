/**
 * The state s the policy, behaviour and value heads read, per position of a stretch of history:
 *
 *   s_t = [ GRU state after the latest interactions before t ; taste_t ]
 *
 * with taste_t the mean representation of every item the user interacted with positively
 * before t, over the whole history, not only the `historyLength` steps the GRU reads (zeros
 * before the first). The GRU follows what the user did last, in order; the taste is their
 * long-term, order-free preference: on data without timestamps (every interaction at one
 * moment, the order arbitrary) and for users with long histories it is what carries the
 * user, where a recurrent state over the last 20 items in no real order carries little. Its
 * item vectors come from the item tower and are fixed, so it has no weights of its own and no
 * gradient to pass back.
 */
import { gruBackward, gruForward, type GruGradients, type GruTrace } from './gru.js';
import { historyInput, type HistoryStep } from './history-input.js';
import { stateWidth, type PolicyShapes, type PolicyWeights } from './policy-weights.js';
import type { ItemSpace } from './sampled-softmax.js';

export interface StateTrace {
  readonly gru: GruTrace;
  /** [T + 1, width]: row t is the state before step t of the stretch (row T: after the last). */
  readonly states: Float32Array;
  readonly width: number;
}

/** The taste's running sum and count of positively-weighted items with a representation. */
export interface TasteSum {
  readonly sum: Float64Array;
  count: number;
}

/** Adds step to the running taste when it counts (positive weight, an item with a representation). */
function addToTaste(taste: TasteSum, step: HistoryStep, items: ItemSpace): void {
  if (step.row < 0 || !(step.weight > 0)) return;
  const off = step.row * items.dim;
  for (let d = 0; d < items.dim; d++) taste.sum[d]! += items.vectors[off + d]!;
  taste.count++;
}

/** The taste of steps[0, end): what precedes the stretch the GRU reads. */
export function tasteBefore(steps: readonly HistoryStep[], end: number, items: ItemSpace): TasteSum {
  const taste: TasteSum = { sum: new Float64Array(items.dim), count: 0 };
  for (let t = 0; t < end; t++) addToTaste(taste, steps[t]!, items);
  return taste;
}

/** States over `steps`; `before` is the taste of the user's history before them (null: none). */
export function encodeStates(
  weights: PolicyWeights,
  shapes: PolicyShapes,
  steps: readonly HistoryStep[],
  items: ItemSpace,
  before: TasteSum | null,
): StateTrace {
  const gru = gruForward(weights.gru, historyInput(steps, items), steps.length);
  const H = shapes.stateUnits;
  if (!shapes.taste) return { gru, states: gru.states, width: H };
  const S = stateWidth(shapes);
  const dim = items.dim;
  const states = new Float32Array((steps.length + 1) * S);
  const taste: TasteSum = { sum: Float64Array.from(before?.sum ?? new Float64Array(dim)), count: before?.count ?? 0 };
  for (let t = 0; t <= steps.length; t++) {
    states.set(gru.states.subarray(t * H, (t + 1) * H), t * S);
    if (taste.count > 0) for (let d = 0; d < dim; d++) states[t * S + H + d] = taste.sum[d]! / taste.count;
    if (t < steps.length) addToTaste(taste, steps[t]!, items);
  }
  return { gru, states, width: S };
}

/** Backpropagation from the states' gradient `dStates` [T + 1, width] into the GRU's weights. */
export function backwardStates(weights: PolicyWeights, trace: StateTrace, dStates: Float32Array, into: GruGradients): void {
  const H = weights.gru.hidden;
  if (trace.width === H) {
    gruBackward(weights.gru, trace.gru, dStates, into);
    return;
  }
  const rows = trace.gru.steps + 1;
  const dGru = new Float32Array(rows * H);
  for (let t = 0; t < rows; t++) dGru.set(dStates.subarray(t * trace.width, t * trace.width + H), t * H);
  gruBackward(weights.gru, trace.gru, dGru, into);
}
