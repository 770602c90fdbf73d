/**
 * Softmax cross-entropy where example i's label is column i: the loss of in-batch sampled
 * softmax, where row i holds user i's logits over the batch's items and item i is its own.
 *
 * Written as one op with its own gradient, (softmax - identity) per row, because the generic
 * route (logSumExp and its autograd) runs several exp/max passes over the [batch, batch]
 * matrix, and exp is one of wasm's slowest kernels, while its fused Softmax kernel is fast.
 * The [batch, batch] matrices stay in the backend: only the diagonal (n numbers) is read back,
 * and offsets arrive as a row vector plus sparse masked entries.
 */
import type { GradSaveFunc, Scalar, Tensor, Tensor2D } from '@tensorflow/tfjs';
import type { CustomGradient, Tf } from './tf-backend.js';

/** Probabilities below this count as this, so one hopeless example cannot make the loss infinite. */
const MIN_PROBABILITY = 1e-30;
/** Logit offset of a masked entry: exp() of it is exactly 0 in float32. */
const MASKED_LOGIT = -1e9;

/** Constant offsets added to the logits before the softmax. */
export interface LogitOffsets {
  /** Added to every row, one value per column (e.g. -log q_j for a logQ correction); null for none. */
  readonly columnBias: Float32Array | null;
  /** Flat [row, column, row, column, ...] pairs to mask out (never the diagonal). */
  readonly masked: Int32Array;
}

/**
 * Σ_i wᵢ · -log softmax(logits + offsets)ᵢᵢ / Σ_i wᵢ for square `logits` [n, n], with per-example
 * weights `weights` [n]. Differentiable with respect to `logits`.
 */
export function diagonalSoftmaxCrossEntropy(tf: Tf, logits: Tensor2D, offsets: LogitOffsets, weights: Float32Array): Scalar {
  const [n, m] = logits.shape;
  if (n !== m || weights.length !== n || (offsets.columnBias !== null && offsets.columnBias.length !== n) || offsets.masked.length % 2 !== 0) {
    throw new RangeError(`diagonalSoftmaxCrossEntropy: logits ${n}x${m}, ${weights.length} weights, bad offsets`);
  }
  let totalWeight = 0;
  for (const w of weights) totalWeight += w;
  const scale = totalWeight > 0 ? 1 / totalWeight : 0;
  const diagonalPairs = new Int32Array(2 * n);
  const diagonalFlat = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    diagonalPairs[2 * i] = diagonalPairs[2 * i + 1] = i;
    diagonalFlat[i] = i * n + i;
  }
  const loss = tf.customGrad(((input: Tensor, save: GradSaveFunc) => {
    const probabilities = tf.tidy(() => {
      let shifted = input as Tensor2D;
      if (offsets.columnBias) shifted = tf.add(shifted, tf.tensor2d(offsets.columnBias, [1, n]));
      const maskCount = offsets.masked.length / 2;
      if (maskCount > 0) {
        const mask = tf.scatterND(tf.tensor2d(offsets.masked, [maskCount, 2], 'int32'), tf.fill([maskCount], MASKED_LOGIT), [n, n]);
        shifted = tf.add(shifted, mask);
      }
      return tf.softmax(shifted);
    });
    save([probabilities]);
    const diagonalTensor = tf.tidy(() => tf.gather(tf.reshape(probabilities, [n * n]), tf.tensor1d(diagonalFlat, 'int32')));
    const diagonal = diagonalTensor.dataSync();
    tf.dispose([diagonalTensor, probabilities]);
    let sum = 0;
    for (let i = 0; i < n; i++) sum -= weights[i]! * Math.log(Math.max(diagonal[i]!, MIN_PROBABILITY));
    return {
      value: tf.scalar(sum * scale),
      gradFunc: (dy: Tensor, saved: Tensor[]) =>
        tf.tidy(() => {
          const upstream = dy.dataSync()[0]! * scale;
          const rowScale = Float32Array.from(weights, (w) => w * upstream);
          const scaled = tf.mul(saved[0]!, tf.tensor2d(rowScale, [n, 1]));
          const identityPart = tf.scatterND(tf.tensor2d(diagonalPairs, [n, 2], 'int32'), tf.tensor1d(rowScale), [n, n]);
          return tf.sub(scaled, identityPart);
        }),
    };
  }) as CustomGradient);
  return loss(logits) as Scalar;
}
