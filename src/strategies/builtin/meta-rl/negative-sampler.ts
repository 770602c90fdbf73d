/**
 * Draws the sampled softmax's negatives from q ∝ count^0.75 over the items with positive
 * interactions (the word2vec smoothing: popular items are drawn often, rare ones still
 * appear), and gives each its logQ correction log(S·q).
 */
import type { Random } from '../../../ml/random.js';
import type { NegativeSample } from './sampled-softmax.js';

export class NegativeSampler {
  private readonly cdf: Float64Array;
  private readonly rows: Int32Array;
  private readonly q: Float64Array;

  /** `weights` per item row (e.g. count^0.75); rows with weight 0 are never drawn. */
  constructor(weights: Float32Array) {
    const rows: number[] = [];
    for (let r = 0; r < weights.length; r++) if (weights[r]! > 0) rows.push(r);
    this.rows = Int32Array.from(rows);
    this.cdf = new Float64Array(rows.length);
    this.q = new Float64Array(weights.length);
    let total = 0;
    for (const r of rows) total += weights[r]!;
    let running = 0;
    rows.forEach((r, i) => {
      this.q[r] = weights[r]! / total;
      running += this.q[r]!;
      this.cdf[i] = running;
    });
  }

  get empty(): boolean {
    return this.rows.length === 0;
  }

  sample(count: number, random: Random): NegativeSample {
    const rows = new Int32Array(this.rows.length === 0 ? 0 : count);
    const logCorrection = new Float64Array(rows.length);
    for (let j = 0; j < rows.length; j++) {
      const u = random.next() * this.cdf[this.cdf.length - 1]!;
      let lo = 0;
      let hi = this.cdf.length - 1;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (this.cdf[mid]! < u) lo = mid + 1;
        else hi = mid;
      }
      rows[j] = this.rows[lo]!;
      logCorrection[j] = Math.log(rows.length * this.q[rows[j]!]!);
    }
    return { rows, logCorrection };
  }
}

/** count^0.75 per row: the sampling weights. */
export function samplingWeights(counts: Float32Array): Float32Array {
  return Float32Array.from(counts, (c) => (c > 0 ? Math.pow(c, 0.75) : 0));
}
