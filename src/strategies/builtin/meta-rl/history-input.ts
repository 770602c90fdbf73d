/**
 * The encoder's input for a stretch of history: per interaction its item's representation, its
 * feedback type (one-hot), log(1 + hours since the previous interaction) / 5 and its signal
 * weight (clipped to ±3, over 3). An item without a representation contributes zeros there (its
 * type, gap and weight still count).
 */
import { FEEDBACK_TYPES, type FeedbackType } from '../../../interactions/feedback-type.js';
import type { ItemSpace } from './sampled-softmax.js';
import { inputSize } from './policy-weights.js';

export const FEEDBACK_INDEX: ReadonlyMap<FeedbackType, number> = new Map(FEEDBACK_TYPES.map((t, i) => [t, i]));

export interface HistoryStep {
  /** Row in the item space, or -1 when the item has no representation. */
  readonly row: number;
  readonly type: FeedbackType;
  readonly weight: number;
  readonly occurredAt: number;
}

const HOUR_MS = 3_600_000;

/** x [steps.length, inputSize(dim)] for the GRU. */
export function historyInput(steps: readonly HistoryStep[], items: ItemSpace): Float32Array {
  const dim = items.dim;
  const I = inputSize(dim);
  const x = new Float32Array(steps.length * I);
  const types = FEEDBACK_TYPES.length;
  for (let t = 0; t < steps.length; t++) {
    const step = steps[t]!;
    const off = t * I;
    if (step.row >= 0) x.set(items.vectors.subarray(step.row * dim, (step.row + 1) * dim), off);
    x[off + dim + FEEDBACK_INDEX.get(step.type)!] = 1;
    const gapHours = t === 0 ? 0 : Math.max(0, step.occurredAt - steps[t - 1]!.occurredAt) / HOUR_MS;
    x[off + dim + types] = Math.log1p(gapHours) / 5;
    x[off + dim + types + 1] = Math.max(-3, Math.min(3, step.weight)) / 3;
  }
  return x;
}
