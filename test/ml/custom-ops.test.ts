import { beforeAll, describe, expect, it } from 'vitest';
import type { Scalar, Tensor, Tensor2D } from '@tensorflow/tfjs';
import { concatBags, embeddingBag, embeddingLookup, type EmbeddingBags } from '../../src/ml/embedding-lookup.js';
import { diagonalSoftmaxCrossEntropy, type LogitOffsets } from '../../src/ml/diagonal-softmax-cross-entropy.js';
import { l2Normalize } from '../../src/ml/l2-normalize.js';
import { matMul } from '../../src/ml/mat-mul.js';
import { createRandom } from '../../src/ml/random.js';
import { initTensorflow, type Tf } from '../../src/ml/tf-backend.js';

let tf: Tf;

beforeAll(async () => {
  // The ops exist for wasm; test them there (the cpu backend would hide a missing kernel).
  ({ tf } = await initTensorflow({ prefer: ['wasm'] }));
  expect(tf.getBackend()).toBe('wasm');
});

function randomArray(n: number, seed: number): Float32Array {
  const random = createRandom(seed);
  return Float32Array.from({ length: n }, () => random.normal());
}

/**
 * Central finite differences of a scalar function of one float array, in float64 on the JS
 * side so the check is not limited by the float32 arithmetic of the op under test.
 */
function numericGradient(f: (x: Float32Array) => number, x: Float32Array, eps = 1e-2): Float64Array {
  const grad = new Float64Array(x.length);
  for (let i = 0; i < x.length; i++) {
    const saved = x[i]!;
    x[i] = saved + eps;
    const up = f(x);
    x[i] = saved - eps;
    const down = f(x);
    x[i] = saved;
    grad[i] = (up - down) / (2 * eps);
  }
  return grad;
}

function expectClose(actual: ArrayLike<number>, expected: ArrayLike<number>, tolerance: number): void {
  expect(actual.length).toBe(expected.length);
  let worst = 0;
  for (let i = 0; i < actual.length; i++) {
    const scale = Math.max(1, Math.abs(expected[i]!));
    worst = Math.max(worst, Math.abs(actual[i]! - expected[i]!) / scale);
  }
  expect(worst).toBeLessThan(tolerance);
}

describe('embeddingLookup and embeddingBag', () => {
  const rows = 5;
  const dim = 3;
  // Repeated ids: their gradients must add up, which is the point of the scatter-add.
  const ids = Int32Array.from([4, 0, 4, 2, 4]);
  const weights = randomArray(ids.length * dim, 7);

  // A nonlinear scalar of the looked-up rows, so the check covers more than a linear map.
  const loss = (table: Tensor2D): Tensor => tf.sum(tf.mul(tf.tanh(embeddingLookup(tf, table, ids)), tf.tensor2d(weights, [ids.length, dim])));

  /** Bags 0..3 of a 5-row table; bag 1 and the last bag are empty, weights differ within bag 2. */
  const uneven: EmbeddingBags = {
    bags: 4,
    ids: Int32Array.from([3, 3, 0, 4, 1]),
    bagOf: Int32Array.from([0, 0, 2, 2, 2]),
    weights: Float32Array.from([0.5, 0.25, 1, -2, 0.75]),
  };
  /** Same shape of bags, one weight per bag (the fast path: sum, then scale). */
  const even: EmbeddingBags = { ...uneven, weights: Float32Array.from([0.5, 0.5, 0.2, 0.2, 0.2]) };
  const bagWeights = randomArray(4 * dim, 21);
  const bagLoss =
    (bags: EmbeddingBags) =>
    (table: Tensor2D): Tensor =>
      tf.sum(tf.mul(tf.square(embeddingBag(tf, table, bags)), tf.tensor2d(bagWeights, [4, dim])));

  function expectGradientMatches(f: (t: Tensor2D) => Tensor, seed: number): Float32Array {
    const tableValues = randomArray(rows * dim, seed);
    const analytic = tf.tidy(() => tf.grad((t: Tensor) => f(t as Tensor2D))(tf.tensor2d(tableValues, [rows, dim])));
    const got = analytic.dataSync() as Float32Array;
    analytic.dispose();
    const numeric = numericGradient((x) => {
      const value = tf.tidy(() => f(tf.tensor2d(x, [rows, dim])));
      const v = value.dataSync()[0]!;
      value.dispose();
      return v;
    }, tableValues);
    expectClose(got, numeric, 2e-3);
    return got;
  }

  it('returns the rows of the table', () => {
    const tableValues = randomArray(rows * dim, 1);
    const rowsOut = tf.tidy(() => embeddingLookup(tf, tf.tensor2d(tableValues, [rows, dim]), ids));
    const values = rowsOut.dataSync();
    rowsOut.dispose();
    for (let i = 0; i < ids.length; i++) {
      expect(Array.from(values.subarray(i * dim, (i + 1) * dim))).toEqual(Array.from(tableValues.subarray(ids[i]! * dim, (ids[i]! + 1) * dim)));
    }
  });

  it('has the gradient of finite differences, zero for rows never looked up', () => {
    const got = expectGradientMatches(loss, 2);
    // Rows 1 and 3 are never looked up.
    for (const row of [1, 3]) expect(Array.from(got.subarray(row * dim, (row + 1) * dim))).toEqual([0, 0, 0]);
  });

  it.each([
    ['different weights within a bag', uneven],
    ['one weight per bag', even],
  ])('sums weighted bags, empty ones as zeros (%s)', (_, bags) => {
    const tableValues = randomArray(rows * dim, 3);
    const out = tf.tidy(() => embeddingBag(tf, tf.tensor2d(tableValues, [rows, dim]), bags));
    expect(out.shape).toEqual([4, dim]);
    const got = out.dataSync();
    out.dispose();
    const expected = new Float32Array(4 * dim);
    bags.ids.forEach((id, k) => {
      for (let d = 0; d < dim; d++) expected[bags.bagOf[k]! * dim + d]! += bags.weights[k]! * tableValues[id * dim + d]!;
    });
    expectClose(got, expected, 1e-6);
  });

  it.each([
    ['different weights within a bag', uneven],
    ['one weight per bag', even],
  ])('bags have the gradient of finite differences (%s)', (_, bags) => {
    expectGradientMatches(bagLoss(bags), 4);
  });

  it('handles a batch of empty bags', () => {
    const none: EmbeddingBags = { bags: 3, ids: new Int32Array(0), bagOf: new Int32Array(0), weights: new Float32Array(0) };
    const got = expectGradientMatches((t) => tf.add(tf.sum(embeddingBag(tf, t, none)), tf.sum(tf.square(t))), 5);
    expect(got.length).toBe(rows * dim);
  });

  it('concatenates bag sets into one lookup that equals the separate ones', () => {
    const tableValues = randomArray(rows * dim, 6);
    const [joint, first, second] = tf.tidy(() => {
      const table = tf.tensor2d(tableValues, [rows, dim]);
      return [embeddingBag(tf, table, concatBags([uneven, even])), embeddingBag(tf, table, uneven), embeddingBag(tf, table, even)];
    });
    expect(joint!.shape).toEqual([8, dim]);
    expectClose(joint!.dataSync(), [...first!.dataSync(), ...second!.dataSync()], 1e-6);
    tf.dispose([joint!, first!, second!]);
  });

  it('rejects ids outside the table and unsorted bags', () => {
    const table = tf.zeros([rows, dim]) as Tensor2D;
    expect(() => embeddingLookup(tf, table, Int32Array.from([rows]))).toThrow(RangeError);
    expect(() => embeddingBag(tf, table, { ...uneven, bagOf: Int32Array.from([2, 0, 0, 0, 0]) })).toThrow(RangeError);
    table.dispose();
  });

  it('trains a variable through an optimizer without leaking tensors', () => {
    const before = tf.memory().numTensors;
    const initial = tf.tensor2d(randomArray(rows * dim, 3), [rows, dim]);
    const table = tf.variable(initial);
    initial.dispose(); // the variable holds its own reference to the data
    const optimizer = tf.train.adam(0.01);
    for (let step = 0; step < 3; step++) {
      const value = optimizer.minimize(() => tf.add(loss(table), bagLoss(uneven)(table)) as Scalar, true, [table]);
      value?.dispose();
    }
    optimizer.dispose();
    table.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe('matMul', () => {
  const m = 4;
  const k = 3;
  const n = 5;
  const weights = randomArray(m * n, 11);
  const loss = (a: Tensor2D, b: Tensor2D): Tensor => tf.sum(tf.mul(tf.sigmoid(matMul(tf, a, b)), tf.tensor2d(weights, [m, n])));

  it('equals tf.matMul', () => {
    const a = randomArray(m * k, 4);
    const b = randomArray(k * n, 5);
    const [ours, reference] = tf.tidy(() => {
      const ta = tf.tensor2d(a, [m, k]);
      const tb = tf.tensor2d(b, [k, n]);
      return [matMul(tf, ta, tb), tf.matMul(ta, tb)];
    });
    expectClose(ours!.dataSync(), reference!.dataSync(), 1e-6);
    tf.dispose([ours!, reference!]);
  });

  /** tf.grads of f at (a, b) against finite differences, in both arguments. */
  function expectFiniteDifferenceGradients(f: (x: Tensor, y: Tensor) => Tensor, a: Float32Array, b: Float32Array): void {
    const [ga, gb] = tf.tidy(() => tf.grads(f)([tf.tensor2d(a, [m, k]), tf.tensor2d(b, [k, n])]));
    const gotA = ga!.dataSync();
    const gotB = gb!.dataSync();
    tf.dispose([ga!, gb!]);
    const value = (x: Float32Array, y: Float32Array): number => {
      const t = tf.tidy(() => f(tf.tensor2d(x, [m, k]), tf.tensor2d(y, [k, n])));
      const v = t.dataSync()[0]!;
      t.dispose();
      return v;
    };
    expectClose(
      gotA,
      numericGradient((x) => value(x, b), a),
      2e-3,
    );
    expectClose(
      gotB,
      numericGradient((y) => value(a, y), b),
      2e-3,
    );
  }

  it('has the gradients of finite differences in both arguments', () => {
    expectFiniteDifferenceGradients((x, y) => loss(x as Tensor2D, y as Tensor2D), randomArray(m * k, 8), randomArray(k * n, 9));
  });

  it('differentiates through intermediate inputs (saved, not captured)', () => {
    const a = randomArray(m * k, 14);
    const b = randomArray(k * n, 15);
    // tanh(x) and exp(y) are intermediates, disposed after the forward pass unless saved.
    expectFiniteDifferenceGradients((x, y) => loss(tf.tanh(x) as Tensor2D, tf.exp(y) as Tensor2D), a, b);
  });

  it('leaves no tensors behind after a gradient', () => {
    const before = tf.memory().numTensors;
    const a = tf.tensor2d(randomArray(m * k, 12), [m, k]);
    const initial = tf.tensor2d(randomArray(k * n, 13), [k, n]);
    const b = tf.variable(initial);
    initial.dispose();
    const { value, grads } = tf.variableGrads(() => loss(a, b) as Scalar, [b]);
    tf.dispose([value, ...Object.values(grads), a, b]);
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe('l2Normalize', () => {
  const rows = 3;
  const cols = 4;
  const weights = randomArray(rows * cols, 41);
  const loss = (x: Tensor2D): Tensor => tf.sum(tf.mul(l2Normalize(tf, x), tf.tensor2d(weights, [rows, cols])));

  it('makes rows unit length and leaves a zero row zero', () => {
    const values = randomArray(rows * cols, 42);
    values.fill(0, cols, 2 * cols);
    const out = tf.tidy(() => l2Normalize(tf, tf.tensor2d(values, [rows, cols])));
    const got = out.dataSync();
    out.dispose();
    expect(Math.hypot(...got.slice(0, cols))).toBeCloseTo(1, 6);
    expect(Array.from(got.slice(cols, 2 * cols))).toEqual([0, 0, 0, 0]);
  });

  it('has the gradient of finite differences, and leaves no tensors behind', () => {
    const before = tf.memory().numTensors;
    const values = randomArray(rows * cols, 43);
    const grad = tf.tidy(() => tf.grad((x: Tensor) => loss(x as Tensor2D))(tf.tensor2d(values, [rows, cols])));
    const got = grad.dataSync();
    grad.dispose();
    const numeric = numericGradient(
      (x) => {
        const t = tf.tidy(() => loss(tf.tensor2d(x, [rows, cols])));
        const v = t.dataSync()[0]!;
        t.dispose();
        return v;
      },
      values,
      1e-3,
    );
    expectClose(got, numeric, 2e-3);
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe('diagonalSoftmaxCrossEntropy', () => {
  const n = 4;
  const columnBias = randomArray(n, 31);
  // Masked entries, as for duplicate items in a batch: (1, 2), (2, 1) and (3, 0).
  const offsets: LogitOffsets = { columnBias, masked: Int32Array.from([1, 2, 2, 1, 3, 0]) };
  const isMasked = (i: number, j: number): boolean => [0, 2, 4].some((k) => offsets.masked[k] === i && offsets.masked[k + 1] === j);
  const sampleWeights = Float32Array.from([1, 3, 0.5, 2]);

  /** Reference: weighted mean of -log softmax(logits + offsets)_ii over unmasked entries, in float64. */
  function reference(logits: Float32Array): number {
    let total = 0;
    let weight = 0;
    for (let i = 0; i < n; i++) {
      const row = Array.from({ length: n }, (_, j) => (isMasked(i, j) ? -Infinity : logits[i * n + j]! + columnBias[j]!));
      const max = Math.max(...row);
      const lse = max + Math.log(row.reduce((s, x) => s + Math.exp(x - max), 0));
      total += sampleWeights[i]! * (lse - row[i]!);
      weight += sampleWeights[i]!;
    }
    return total / weight;
  }

  it('equals the weighted cross-entropy of the diagonal, masked entries left out', () => {
    const logits = randomArray(n * n, 32);
    const value = tf.tidy(() => diagonalSoftmaxCrossEntropy(tf, tf.tensor2d(logits, [n, n]), offsets, sampleWeights));
    expect(value.dataSync()[0]!).toBeCloseTo(reference(logits), 4);
    value.dispose();
  });

  it('has the gradient of finite differences (zero at masked entries)', () => {
    const logits = randomArray(n * n, 33);
    const grad = tf.tidy(() => tf.grad((x: Tensor) => diagonalSoftmaxCrossEntropy(tf, x as Tensor2D, offsets, sampleWeights))(tf.tensor2d(logits, [n, n])));
    const got = grad.dataSync();
    grad.dispose();
    expectClose(
      got,
      numericGradient((x) => reference(x), logits, 1e-3),
      2e-3,
    );
    expect(got[1 * n + 2]).toBe(0);
  });

  it('leaves no tensors behind', () => {
    const before = tf.memory().numTensors;
    const initial = tf.tensor2d(randomArray(n * n, 34), [n, n]);
    const logits = tf.variable(initial);
    initial.dispose();
    const { value, grads } = tf.variableGrads(() => diagonalSoftmaxCrossEntropy(tf, tf.mul(logits, 2) as Tensor2D, offsets, sampleWeights), [logits]);
    tf.dispose([value, ...Object.values(grads), logits]);
    // Without a gradient tape (inference), nothing is saved either.
    tf.tidy(() => {
      diagonalSoftmaxCrossEntropy(tf, tf.zeros([n, n]) as Tensor2D, { columnBias: null, masked: new Int32Array(0) }, sampleWeights);
    });
    expect(tf.memory().numTensors).toBe(before);
  });
});
