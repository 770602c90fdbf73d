/**
 * Embedding lookups (single rows, or weighted bags of rows) with a gradient every backend can
 * run, fast on wasm.
 *
 * `tf.gather` differentiates into `UnsortedSegmentSum`, a kernel the wasm backend lacks, so
 * `tf.layers.embedding` cannot train there; and wasm's Gather kernel is itself slow (about 100x
 * an elementwise op per element). Both directions here use the SparseSegmentSum kernel instead,
 * which wasm runs at memory speed: forward it gathers table rows and sums them per bag;
 * backward, with the slots sorted by table row in JS (a counting sort), the same kernel
 * scatter-adds the bags' gradients into the table's rows, giving the dense [rows, dim]
 * gradient that `tf.customGrad` hands to the optimizer.
 */
import type { Tensor, Tensor2D } from '@tensorflow/tfjs';
import type { CustomGradient, Tf } from './tf-backend.js';

/** Bags of table rows, as flat slots. */
export interface EmbeddingBags {
  readonly bags: number;
  /** Table row of each slot. */
  readonly ids: Int32Array;
  /** Bag of each slot; non-decreasing. */
  readonly bagOf: Int32Array;
  /** Weight of each slot (e.g. 1/n for a mean). */
  readonly weights: Float32Array;
}

function validate(b: EmbeddingBags, rows: number): void {
  const n = b.ids.length;
  if (b.bagOf.length !== n || b.weights.length !== n) {
    throw new RangeError(`embeddingBag: ${n} ids, ${b.bagOf.length} bag indices, ${b.weights.length} weights`);
  }
  let previous = 0;
  for (let k = 0; k < n; k++) {
    const id = b.ids[k]!;
    const bag = b.bagOf[k]!;
    if (id < 0 || id >= rows) throw new RangeError(`embedding id ${id} is outside the table's ${rows} rows`);
    if (bag < previous || bag >= b.bags) throw new RangeError(`embeddingBag: bag indices must be sorted and < ${b.bags}`);
    previous = bag;
  }
}

/**
 * When every slot of a bag has the same weight, that weight per bag (so a bag sum can be
 * scaled after summing, skipping a [slots, dim] intermediate); otherwise null.
 */
function uniformBagWeights(b: EmbeddingBags): Float32Array | null {
  const perBag = new Float32Array(b.bags);
  const seen = new Uint8Array(b.bags);
  for (let k = 0; k < b.ids.length; k++) {
    const bag = b.bagOf[k]!;
    if (!seen[bag]) {
      seen[bag] = 1;
      perBag[bag] = b.weights[k]!;
    } else if (perBag[bag] !== b.weights[k]) return null;
  }
  return perBag;
}

function iota(n: number): Int32Array {
  const values = new Int32Array(n);
  for (let i = 0; i < n; i++) values[i] = i;
  return values;
}

/** Pad a [r, dim] segment sum with zero rows up to [rows, dim] (segments after the last used one). */
function padRows(tf: Tf, x: Tensor2D, rows: number): Tensor2D {
  return x.shape[0] === rows
    ? x
    : tf.pad(x, [
        [0, rows - x.shape[0]],
        [0, 0],
      ]);
}

/**
 * Weighted bag sums: row b of the result is Σ weights[k] · table[ids[k]] over slots k with
 * bagOf[k] = b (zeros for an empty bag). Differentiable with respect to `table` ([rows, dim]);
 * ids, bags and weights are data, not tensors.
 */
export function embeddingBag(tf: Tf, table: Tensor2D, bags: EmbeddingBags): Tensor2D {
  const [rows, dim] = table.shape;
  validate(bags, rows);
  const n = bags.ids.length;
  const perBag = uniformBagWeights(bags);
  const lookup = tf.customGrad(((input: Tensor) => {
    const value = tf.tidy((): Tensor2D => {
      if (n === 0) return tf.zeros([bags.bags, dim]);
      const bagOf = tf.tensor1d(bags.bagOf, 'int32');
      const ids = tf.tensor1d(bags.ids, 'int32');
      if (perBag) {
        const sums = tf.sparse.sparseSegmentSum(input, ids, bagOf) as Tensor2D;
        return tf.mul(padRows(tf, sums, bags.bags), tf.tensor2d(perBag, [bags.bags, 1]));
      }
      const slots = tf.sparse.sparseSegmentSum(input, ids, tf.tensor1d(iota(n), 'int32'));
      const weighted = tf.mul(slots, tf.tensor2d(bags.weights, [n, 1]));
      return padRows(tf, tf.sparse.sparseSegmentSum(weighted, tf.tensor1d(iota(n), 'int32'), bagOf) as Tensor2D, bags.bags);
    });
    return {
      value,
      gradFunc: (dy: Tensor) =>
        tf.tidy((): Tensor2D => {
          if (n === 0) return tf.zeros([rows, dim]);
          // Counting sort of the slots by table row: the segment ids of a scatter-add.
          const starts = new Int32Array(rows + 1);
          for (let k = 0; k < n; k++) starts[bags.ids[k]! + 1]!++;
          for (let r = 0; r < rows; r++) starts[r + 1]! += starts[r]!;
          const byRow = new Int32Array(n);
          const bagByRow = new Int32Array(n);
          const weightByRow = new Float32Array(n);
          for (let k = 0; k < n; k++) {
            const p = starts[bags.ids[k]!]!++;
            byRow[p] = bags.ids[k]!;
            bagByRow[p] = bags.bagOf[k]!;
            weightByRow[p] = bags.weights[k]!;
          }
          const rowIds = tf.tensor1d(byRow, 'int32');
          let grad: Tensor2D;
          if (perBag) {
            const scaled = tf.mul(dy, tf.tensor2d(perBag, [bags.bags, 1]));
            grad = tf.sparse.sparseSegmentSum(scaled, tf.tensor1d(bagByRow, 'int32'), rowIds) as Tensor2D;
          } else {
            const slots = tf.sparse.sparseSegmentSum(dy, tf.tensor1d(bagByRow, 'int32'), tf.tensor1d(iota(n), 'int32'));
            const weighted = tf.mul(slots, tf.tensor2d(weightByRow, [n, 1]));
            grad = tf.sparse.sparseSegmentSum(weighted, tf.tensor1d(iota(n), 'int32'), rowIds) as Tensor2D;
          }
          return padRows(tf, grad, rows);
        }),
    };
  }) as CustomGradient);
  return lookup(table) as Tensor2D;
}

/** Rows `ids` of `table` as a [ids.length, dim] tensor, differentiable with respect to `table`. */
export function embeddingLookup(tf: Tf, table: Tensor2D, ids: Int32Array): Tensor2D {
  return embeddingBag(tf, table, {
    bags: ids.length,
    ids,
    bagOf: iota(ids.length),
    weights: new Float32Array(ids.length).fill(1),
  });
}

/**
 * Several sets of bags over one table as a single set (bags renumbered in order), so one
 * lookup, and one dense gradient for the table, serves them all; split the result by each
 * set's `bags`.
 */
export function concatBags(parts: readonly EmbeddingBags[]): EmbeddingBags {
  let slots = 0;
  let bags = 0;
  for (const p of parts) slots += p.ids.length;
  const out = { bags: 0, ids: new Int32Array(slots), bagOf: new Int32Array(slots), weights: new Float32Array(slots) };
  let at = 0;
  for (const p of parts) {
    out.ids.set(p.ids, at);
    out.weights.set(p.weights, at);
    for (let k = 0; k < p.bagOf.length; k++) out.bagOf[at + k] = p.bagOf[k]! + bags;
    at += p.ids.length;
    bags += p.bags;
  }
  return { ...out, bags };
}
