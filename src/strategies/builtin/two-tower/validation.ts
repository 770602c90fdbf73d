/**
 * Early stopping for two-tower training: a few hundred users each keep one positive out of
 * training (a random one of their latest moment: the next item when the data has times, any
 * item when every row shares one timestamp), and after each epoch the model ranks it among all
 * trained items, the user's other items excluded, as serving would. Training keeps the weights
 * of the best epoch and stops when several epochs in a row did not beat it.
 *
 * Why: a fixed number of epochs is wrong for most datasets. Three passes over 10k positives
 * are ~30 steps (an untrained model); sixty passes memorise every pair and rank worse than
 * popularity (docs/strategies/two-tower.md, "Why it failed").
 */
import type { Tensor2D } from '@tensorflow/tfjs';
import type { Random } from '../../../ml/random.js';
import type { Tf } from '../../../ml/tf-backend.js';
import type { ItemFeatureRows } from './item-features.js';
import { itemTowerInput, userTowerInput } from './tower-inputs.js';
import type { TowerShapes, TowerWeights } from './tower-weights.js';
import { itemTower, userTower } from './towers.js';
import type { TrainingExamples } from './training-examples.js';
import { addExampleHistory } from './training-history.js';

/** At most this many users validate (ranking costs users x items x dim per epoch). */
export const VALIDATION_USERS = 500;
/** Fewer eligible users than this: no validation, train the planned epochs. */
export const MIN_VALIDATION_USERS = 50;
/** Ranks below this count as a miss (the metric is nDCG truncated here). */
const CUTOFF = 100;
const ITEM_BATCH = 2048;

export interface ValidationSet {
  /** The held-out example of each validation user. */
  readonly heldOut: Int32Array;
  /** Per validation user, [userStart, userEnd) of their examples (all their items are excluded from the ranking but the held-out one). */
  readonly userEnd: Int32Array;
}

/**
 * Picks validation users (users with at least 3 positives, in seeded random order) and their
 * held-out examples; null when too few users qualify.
 */
export function chooseValidation(examples: TrainingExamples, random: Random): ValidationSet | null {
  const starts: number[] = [];
  const ends: number[] = [];
  for (let e = 0; e < examples.count;) {
    let end = e + 1;
    while (end < examples.count && examples.userStart[end] === e) end++;
    if (end - e >= 3) {
      starts.push(e);
      ends.push(end);
    }
    e = end;
  }
  if (starts.length < MIN_VALIDATION_USERS) return null;
  const order = random
    .shuffle(starts.map((_, i) => i))
    .slice(0, VALIDATION_USERS)
    .sort((a, b) => a - b);
  const heldOut = new Int32Array(order.length);
  const userEnd = new Int32Array(order.length);
  for (const [v, u] of order.entries()) {
    const last = ends[u]! - 1;
    const tieStart = examples.tieStart[last]!;
    heldOut[v] = tieStart + random.int(last + 1 - tieStart);
    userEnd[v] = ends[u]!;
  }
  return { heldOut, userEnd };
}

/** A mask of the held-out examples (1), which training must not use as history either; null without validation. */
export function heldOutMask(examples: TrainingExamples, validation: ValidationSet | null): Uint8Array | null {
  if (!validation) return null;
  const mask = new Uint8Array(examples.count);
  for (const e of validation.heldOut) mask[e] = 1;
  return mask;
}

/** Examples to train on: all but the held-out ones (which are not anyone's history either: `heldOutMask`). */
export function trainingOrder(examples: TrainingExamples, validation: ValidationSet | null): Int32Array {
  const held = new Set(validation?.heldOut ?? []);
  const out = new Int32Array(examples.count - held.size);
  for (let e = 0, k = 0; e < examples.count; e++) if (!held.has(e)) out[k++] = e;
  return out;
}

/**
 * Per prior weight (`priorWeights`, scores being cosine + weight · `logCounts` of the item):
 * mean over validation users of 1 / log2(2 + rank) of their held-out item (0 beyond rank 100)
 * among every trained item but their others, under the current weights.
 */
export function validationScores(
  tf: Tf,
  weights: TowerWeights,
  shapes: TowerShapes,
  examples: TrainingExamples,
  features: ItemFeatureRows,
  validation: ValidationSet,
  historyLength: number,
  prior: { readonly logCounts: Float32Array; readonly weights: readonly number[] },
): number[] {
  const items = shapes.idRows - 1;
  const users = validation.heldOut.length;
  const userInput = userTowerInput(users, historyLength, (v, add) => addExampleHistory(examples, features, validation.heldOut[v]!, historyLength, add));
  const scores = tf.tidy(() => {
    const parts: Tensor2D[] = [];
    for (let start = 1; start <= items; start += ITEM_BATCH) {
      const rows = Int32Array.from({ length: Math.min(ITEM_BATCH, items + 1 - start) }, (_, i) => start + i);
      parts.push(itemTower(tf, weights, itemTowerInput(features, rows, rows, shapes.embeddingDim), shapes));
    }
    const itemMatrix = parts.length === 1 ? parts[0]! : (tf.concat(parts, 0) as Tensor2D);
    // [users, items]; column c is id-table row c + 1.
    return tf.matMul(userTower(tf, weights, userInput, shapes), tf.transpose(itemMatrix) as Tensor2D);
  });
  const values = scores.dataSync() as Float32Array;
  scores.dispose();
  const { logCounts } = prior;
  return prior.weights.map((w) => {
    let total = 0;
    for (let v = 0; v < users; v++) {
      const e = validation.heldOut[v]!;
      const offset = v * items - 1; // values[offset + row] is the cosine of id-table row `row`
      const score = (row: number): number => values[offset + row]! + w * logCounts[row]!;
      const target = score(examples.itemRows[e]!);
      let rank = 0;
      for (let c = 1; c <= items; c++) if (score(c) > target) rank++;
      // The user's other items are never ranked: take back those that scored higher.
      const seen = new Set<number>([examples.itemRows[e]!]);
      for (let p = examples.userStart[e]!; p < validation.userEnd[v]!; p++) {
        const row = examples.itemRows[p]!;
        if (seen.has(row)) continue;
        seen.add(row);
        if (score(row) > target) rank--;
      }
      if (rank < CUTOFF) total += 1 / Math.log2(2 + rank);
    }
    return total / users;
  });
}
