/**
 * How sure the model is about an observed cell: c = 1 + alpha * g(|w|), where w is the net
 * interaction weight (Hu, Koren, Volinsky 2008, eq. 1 and the log variant of section 4).
 * Linear scaling lets a customer who bought an item 40 times outweigh everything else they
 * did; log scaling (g = ln(1 + |w|)) keeps repeat purchases informative without letting them
 * dominate, so one alpha works for one-shot ratings and repeat-purchase data alike.
 */
export const CONFIDENCE_SCALINGS = ['log', 'linear'] as const;
export type ConfidenceScaling = (typeof CONFIDENCE_SCALINGS)[number];

/** c - 1 for each net weight: the extra confidence an observed cell carries. */
export function extraConfidence(weights: ArrayLike<number>, alpha: number, scaling: ConfidenceScaling): Float64Array {
  const extra = new Float64Array(weights.length);
  for (let e = 0; e < weights.length; e++) {
    const w = Math.abs(weights[e]!);
    extra[e] = alpha * (scaling === 'log' ? Math.log1p(w) : w);
  }
  return extra;
}
