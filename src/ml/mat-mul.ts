/**
 * Matrix product whose gradient never asks the backend for a transposed matMul.
 *
 * On wasm, `matMul` with either transpose flag is 10-40x slower than without, and the autograd
 * of `tf.matMul` uses those flags (dA = dY·Bᵀ, dB = Aᵀ·dY). Here the transposes are explicit
 * `tf.transpose` kernels (cheap memory shuffles) followed by plain products.
 */
import type { GradSaveFunc, Tensor, Tensor2D } from '@tensorflow/tfjs';
import type { CustomGradient, Tf } from './tf-backend.js';

/** `a` [m, k] times `b` [k, n] = [m, n], differentiable in both. */
export function matMul(tf: Tf, a: Tensor2D, b: Tensor2D): Tensor2D {
  const product = tf.customGrad(((x: Tensor, y: Tensor, save: GradSaveFunc) => {
    // The forward pass runs in a scope that disposes intermediates: inputs the gradient needs
    // must be saved, not captured (a captured intermediate is gone by backprop time).
    save([x, y]);
    return {
      value: tf.matMul(x as Tensor2D, y as Tensor2D),
      gradFunc: (dy: Tensor, saved: Tensor[]) => {
        const [xs, ys] = saved as [Tensor2D, Tensor2D];
        return [tf.matMul(dy as Tensor2D, tf.transpose(ys)), tf.matMul(tf.transpose(xs), dy as Tensor2D)];
      },
    };
  }) as CustomGradient);
  return product(a, b) as Tensor2D;
}
