/**
 * An embedding table that lives in a Float32Array and trains with lazy Adam: each step only
 * the rows a batch used are sent to the backend, and only those rows' values and moments are
 * updated (the "LazyAdam" of TensorFlow Addons; bias correction uses the global step).
 *
 * Dense Adam over a table costs a dozen passes over every row each step; with a catalogue of
 * 100k items that is most of the step. Here a step costs in proportion to the rows it touches.
 * A batch's bags are renumbered to a compact table of just those rows, which `embeddingBag`
 * differentiates as usual (its gradient is then [touched rows, dim], not [all rows, dim]).
 */
import type { EmbeddingBags } from './embedding-lookup.js';

export interface LazyAdamOptions {
  readonly learningRate: number;
  /** @default 0.9 */
  readonly beta1?: number;
  /** @default 0.999 */
  readonly beta2?: number;
  /** @default 1e-7 (tfjs's Adam default) */
  readonly epsilon?: number;
}

/** The rows a batch uses, and its bags renumbered to index them. */
export interface CompactRows {
  /** Table row of each compact row, in first-use order. */
  readonly rows: Int32Array;
  /** [rows.length, dim] values of those rows. */
  readonly values: Float32Array;
  /** The given bags, with ids replaced by compact row numbers. */
  readonly bags: EmbeddingBags[];
}

export class LazyAdamTable {
  readonly rows: number;
  readonly dim: number;
  /** [rows, dim], row-major: the current values. */
  readonly values: Float32Array;
  private readonly firstMoment: Float32Array;
  private readonly secondMoment: Float32Array;
  /** compactOf[row] = compact index + 1 when stamped in the current `compact` call. */
  private readonly compactOf: Int32Array;
  private readonly stampOf: Int32Array;
  private stamp = 0;
  private step = 0;
  private readonly learningRate: number;
  private readonly beta1: number;
  private readonly beta2: number;
  private readonly epsilon: number;

  constructor(values: Float32Array, dim: number, options: LazyAdamOptions) {
    if (values.length % dim !== 0) throw new RangeError(`LazyAdamTable: ${values.length} values are not rows of ${dim}`);
    this.rows = values.length / dim;
    this.dim = dim;
    this.values = values;
    this.firstMoment = new Float32Array(values.length);
    this.secondMoment = new Float32Array(values.length);
    this.compactOf = new Int32Array(this.rows);
    this.stampOf = new Int32Array(this.rows);
    this.learningRate = options.learningRate;
    this.beta1 = options.beta1 ?? 0.9;
    this.beta2 = options.beta2 ?? 0.999;
    this.epsilon = options.epsilon ?? 1e-7;
  }

  /** The rows `bags` use (all sets together) and the sets renumbered onto them. */
  compact(bagSets: readonly EmbeddingBags[]): CompactRows {
    this.stamp++;
    const stamp = this.stamp;
    const stampOf = this.stampOf;
    const compactOf = this.compactOf;
    let slots = 0;
    for (const bags of bagSets) slots += bags.ids.length;
    const used = new Int32Array(Math.min(slots, this.rows));
    let count = 0;
    const renumbered = bagSets.map((bags) => {
      const ids = new Int32Array(bags.ids.length);
      for (let k = 0; k < ids.length; k++) {
        const row = bags.ids[k]!;
        if (!(row >= 0 && row < this.rows)) throw new RangeError(`embedding id ${row} is outside the table's ${this.rows} rows`);
        if (stampOf[row] !== stamp) {
          stampOf[row] = stamp;
          compactOf[row] = count;
          used[count++] = row;
        }
        ids[k] = compactOf[row]!;
      }
      return { bags: bags.bags, ids, bagOf: bags.bagOf, weights: bags.weights };
    });
    const dim = this.dim;
    const source = this.values;
    const values = new Float32Array(count * dim);
    for (let r = 0; r < count; r++) {
      const from = used[r]! * dim;
      const to = r * dim;
      for (let d = 0; d < dim; d++) values[to + d] = source[from + d]!;
    }
    return { rows: used.slice(0, count), values, bags: renumbered };
  }

  /** One Adam step on `rows` (from `compact`) with their gradient [rows.length, dim]. */
  update(rows: Int32Array, gradient: Float32Array): void {
    const dim = this.dim;
    if (gradient.length !== rows.length * dim) {
      throw new RangeError(`LazyAdamTable.update: ${gradient.length} gradient values for ${rows.length} rows of ${dim}`);
    }
    this.step++;
    const beta1 = this.beta1;
    const beta2 = this.beta2;
    const keep1 = 1 - beta1;
    const keep2 = 1 - beta2;
    // Bias correction folded into the step size and epsilon (Kingma & Ba, section 2).
    const correction = Math.sqrt(1 - beta2 ** this.step) / (1 - beta1 ** this.step);
    const stepSize = this.learningRate * correction;
    const epsilon = this.epsilon * Math.sqrt(1 - beta2 ** this.step);
    const m = this.firstMoment;
    const v = this.secondMoment;
    const w = this.values;
    for (let r = 0; r < rows.length; r++) {
      const offset = rows[r]! * dim;
      const from = r * dim;
      for (let d = 0; d < dim; d++) {
        const g = gradient[from + d]!;
        const i = offset + d;
        const mi = beta1 * m[i]! + keep1 * g;
        const vi = beta2 * v[i]! + keep2 * g * g;
        m[i] = mi;
        v[i] = vi;
        w[i] = w[i]! - (stepSize * mi) / (Math.sqrt(vi) + epsilon);
      }
    }
  }
}
