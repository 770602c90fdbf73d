/**
 * Sampled softmax over the batch (each example's positive item against the other examples'
 * items) with the logQ correction of Yi et al. 2019, "Sampling-Bias-Corrected Neural Modeling
 * for Large Corpus Item Recommendations": an item's chance to appear as a negative grows with
 * its popularity, so log(popularity) is subtracted from its logits.
 */
import type { Scalar, Tensor2D } from '@tensorflow/tfjs';
import { diagonalSoftmaxCrossEntropy, type LogitOffsets } from '../../../ml/diagonal-softmax-cross-entropy.js';
import { matMul } from '../../../ml/mat-mul.js';
import type { Tf } from '../../../ml/tf-backend.js';

/**
 * Logit offsets for a batch whose positives are `items`: -logQ of each candidate column, and a
 * mask where another example's positive is this example's own item, which would otherwise
 * count as its negative.
 */
export function inBatchLogitOffsets(items: Int32Array, logQ: Float32Array | null): LogitOffsets {
  const size = items.length;
  const columnBias = logQ ? Float32Array.from(items, (item) => -logQ[item]!) : null;
  const rowsOfItem = new Map<number, number[]>();
  for (let i = 0; i < size; i++) {
    const rows = rowsOfItem.get(items[i]!);
    if (rows) rows.push(i);
    else rowsOfItem.set(items[i]!, [i]);
  }
  const masked: number[] = [];
  for (const rows of rowsOfItem.values()) {
    if (rows.length < 2) continue;
    for (const i of rows) for (const j of rows) if (i !== j) masked.push(i, j);
  }
  return { columnBias, masked: Int32Array.from(masked) };
}

export interface InBatchSoftmaxOptions {
  readonly temperature: number;
  /** From `inBatchLogitOffsets`. */
  readonly offsets: LogitOffsets;
  /** Per-example weights (the interactions' signal weights). */
  readonly sampleWeights: Float32Array;
}

/** Weighted mean cross-entropy of each user ([size, dim]) against its own item among the batch's items. */
export function inBatchSoftmaxLoss(tf: Tf, users: Tensor2D, items: Tensor2D, options: InBatchSoftmaxOptions): Scalar {
  // Scaling the [size, dim] users costs far less than scaling the [size, size] logits.
  const logits = matMul(tf, tf.mul(users, 1 / options.temperature), tf.transpose(items));
  return diagonalSoftmaxCrossEntropy(tf, logits, options.offsets, options.sampleWeights);
}
