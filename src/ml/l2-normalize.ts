/**
 * Row-wise L2 normalisation, y = x / |x|, as one op with its own gradient,
 * dx = (dy - y · Σ(dy ⊙ y)) / |x|. The autograd of the composite (square, sum, rsqrt, mul)
 * runs about ten kernels backwards (pow and a ones-tensor built in JS among them); this runs
 * four. A zero row stays zero.
 */
import type { GradSaveFunc, Tensor, Tensor2D } from '@tensorflow/tfjs';
import type { CustomGradient, Tf } from './tf-backend.js';

/** Keeps 1/|x| finite for a zero row (whose output is then zero). */
const EPSILON = 1e-12;

export function l2Normalize(tf: Tf, x: Tensor2D): Tensor2D {
  const normalize = tf.customGrad(((input: Tensor, save: GradSaveFunc) => {
    const [value, inverseNorm] = tf.tidy(() => {
      const inverse = tf.rsqrt(tf.add(tf.sum(tf.square(input), 1, true), EPSILON));
      return [tf.mul(input, inverse), inverse];
    });
    save([value!, inverseNorm!]);
    inverseNorm!.dispose(); // saved as a copy when a gradient is being recorded
    return {
      value: value!,
      gradFunc: (dy: Tensor, saved: Tensor[]) => {
        const [y, inverse] = saved as [Tensor2D, Tensor2D];
        return tf.mul(tf.sub(dy, tf.mul(y, tf.sum(tf.mul(dy, y), 1, true))), inverse);
      },
    };
  }) as CustomGradient);
  return normalize(x) as Tensor2D;
}
