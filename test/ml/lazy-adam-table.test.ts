import { beforeAll, describe, expect, it } from 'vitest';
import type { Scalar } from '@tensorflow/tfjs';
import { LazyAdamTable } from '../../src/ml/lazy-adam-table.js';
import { createRandom } from '../../src/ml/random.js';
import { initTensorflow, type Tf } from '../../src/ml/tf-backend.js';

let tf: Tf;
beforeAll(async () => {
  ({ tf } = await initTensorflow({ prefer: ['wasm'] }));
});

const randomArray = (n: number, seed: number): Float32Array => {
  const random = createRandom(seed);
  return Float32Array.from({ length: n }, () => random.normal());
};

describe('LazyAdamTable', () => {
  const rows = 6;
  const dim = 3;

  it('moves rows updated every step exactly as tfjs Adam would', () => {
    const start = randomArray(rows * dim, 1);
    const table = new LazyAdamTable(Float32Array.from(start), dim, { learningRate: 0.05 });
    const initial = tf.tensor2d(start, [rows, dim]);
    const variable = tf.variable(initial);
    initial.dispose();
    const optimizer = tf.train.adam(0.05);
    const all = Int32Array.from({ length: rows }, (_, i) => i);
    for (let step = 0; step < 5; step++) {
      const gradient = randomArray(rows * dim, 10 + step);
      table.update(all, gradient);
      const g = tf.tensor2d(gradient, [rows, dim]);
      optimizer.applyGradients([{ name: variable.name, tensor: g }]);
      g.dispose();
    }
    const expected = variable.dataSync();
    table.values.forEach((v, i) => expect(v).toBeCloseTo(expected[i]!, 5));
    optimizer.dispose();
    variable.dispose();
  });

  it('leaves rows a step does not use untouched, moments included', () => {
    const start = randomArray(rows * dim, 2);
    const table = new LazyAdamTable(Float32Array.from(start), dim, { learningRate: 0.1 });
    table.update(Int32Array.from([4, 1]), randomArray(2 * dim, 3));
    for (const row of [0, 2, 3, 5]) {
      expect(Array.from(table.values.subarray(row * dim, (row + 1) * dim))).toEqual(Array.from(start.subarray(row * dim, (row + 1) * dim)));
    }
    expect(table.values[4 * dim]).not.toBe(start[4 * dim]);
  });

  it('compacts the rows bags use and renumbers the bags onto them', () => {
    const values = Float32Array.from({ length: rows * dim }, (_, i) => i);
    const table = new LazyAdamTable(values, dim, { learningRate: 0.1 });
    const a = { bags: 2, ids: Int32Array.from([5, 2, 5]), bagOf: Int32Array.from([0, 0, 1]), weights: Float32Array.from([1, 1, 1]) };
    const b = { bags: 1, ids: Int32Array.from([2, 0]), bagOf: Int32Array.from([0, 0]), weights: Float32Array.from([0.5, 0.5]) };
    const compact = table.compact([a, b]);
    expect(Array.from(compact.rows)).toEqual([5, 2, 0]);
    expect(Array.from(compact.values)).toEqual([15, 16, 17, 6, 7, 8, 0, 1, 2]);
    expect(Array.from(compact.bags[0]!.ids)).toEqual([0, 1, 0]);
    expect(Array.from(compact.bags[1]!.ids)).toEqual([1, 2]);
    expect(compact.bags[1]!.weights).toBe(b.weights);
    // A second call starts afresh.
    expect(Array.from(table.compact([b]).rows)).toEqual([2, 0]);
    expect(() => table.compact([{ ...b, ids: Int32Array.from([rows, 0]) }])).toThrow(RangeError);
  });

  it('trains through a compact table: the loss falls, no tensor is left', () => {
    const before = tf.memory().numTensors;
    const table = new LazyAdamTable(randomArray(rows * dim, 4), dim, { learningRate: 0.1 });
    const target = tf.tensor2d(randomArray(2 * dim, 5), [2, dim]);
    const losses: number[] = [];
    for (let step = 0; step < 20; step++) {
      const { rows: used, values } = table.compact([
        { bags: 2, ids: Int32Array.from([3, 1]), bagOf: Int32Array.from([0, 1]), weights: Float32Array.from([1, 1]) },
      ]);
      const initial = tf.tensor2d(values, [used.length, dim]);
      const compact = tf.variable(initial);
      initial.dispose();
      const { value, grads } = tf.variableGrads(() => tf.sum(tf.square(tf.sub(compact, target))) as Scalar, [compact]);
      table.update(used, grads[compact.name]!.dataSync() as Float32Array);
      losses.push(value.dataSync()[0]!);
      tf.dispose([value, compact, ...Object.values(grads)]);
    }
    target.dispose();
    expect(losses.at(-1)!).toBeLessThan(losses[0]! / 2);
    expect(tf.memory().numTensors).toBe(before);
  });
});
