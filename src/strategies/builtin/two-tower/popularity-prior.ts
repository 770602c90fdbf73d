/**
 * The popularity prior: serving scores are cosine + weight · log(1 + count), count being how
 * often training saw the item, and the weight is chosen on the early-stopping validation users
 * among `PRIOR_WEIGHT_GRID` (0 among them, so where popularity does not help the scores stay
 * plain cosines; without validation, e.g. with `epochs` given, the weight is 0).
 *
 * Why: a cosine of unit vectors cannot carry an item's overall popularity in the vectors'
 * lengths the way a dot product (ALS) does. On the long-tail reproduction of issue 11 (1.2,
 * idDropout 0) validation picks 0.25 temperatures and nDCG@10 goes from 0.2365 to 0.2781
 * (docs/strategies/two-tower.md, "Why it failed"). The logQ correction keeps training unbiased
 * by the in-batch sampling; this adds back, at serving, the popularity the cosine leaves out.
 */

/**
 * Candidate weights as multiples of the temperature: at weight = temperature the prior moves a
 * logit by one per factor e of popularity, the order of what a full softmax would need.
 */
export const PRIOR_WEIGHT_GRID = [0, 0.125, 0.25, 0.5, 1] as const;

/** log(1 + how often each id-table row is the item of `examples`), row 0 (no item) 0. */
export function itemLogCounts(itemRows: Int32Array, examples: ArrayLike<number>, idRows: number): Float32Array {
  const counts = new Float64Array(idRows);
  for (let k = 0; k < examples.length; k++) counts[itemRows[examples[k]!]!]!++;
  const out = new Float32Array(idRows);
  for (let r = 1; r < idRows; r++) out[r] = Math.log1p(counts[r]!);
  return out;
}

/** The prior of each served item: weight · its log count (0 for items training did not see). */
export function itemPriors(idRows: ArrayLike<number>, logCounts: Float32Array | null, weight: number): Float32Array {
  const out = new Float32Array(idRows.length);
  if (!logCounts || weight === 0) return out;
  for (let i = 0; i < idRows.length; i++) out[i] = weight * (logCounts[idRows[i]!] ?? 0);
  return out;
}
