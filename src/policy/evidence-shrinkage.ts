/**
 * How much an arm's mean reward in a context is trusted: each arm starts with `priorPulls`
 * pseudo-pulls at the pooled mean of all the arms, so its estimate moves away from what the
 * others earn only as fast as evidence accumulates:
 *
 *   m~(a) = m + (m(a) - m) n(a) / (n(a) + n0)        m = sum n(a) m(a) / sum n(a)
 *
 * n(a) is the arm's evidence in this context (LinUCB pulls that resemble it, see
 * `LinUcbArm.evidence`), n0 the prior strength. An arm nobody has evidence about is assumed
 * average, not worse; one rewarded slate moves the arm that got it by 1 / (1 + n0) of the
 * difference, not all the way. The UCB bonus is left alone: exploration still favours arms
 * the policy knows little about. Deterministic in the statistics, so the softmax over these
 * scores still gives exact propensities.
 */
export function shrinkTowardPooledMean(means: readonly number[], evidence: readonly number[], priorPulls: number): number[] {
  let weight = 0;
  let sum = 0;
  for (let i = 0; i < means.length; i++) {
    weight += evidence[i]!;
    sum += evidence[i]! * means[i]!;
  }
  if (weight <= 0 || priorPulls <= 0) return [...means];
  const pooled = sum / weight;
  return means.map((mean, i) => pooled + ((mean - pooled) * evidence[i]!) / (evidence[i]! + priorPulls));
}
