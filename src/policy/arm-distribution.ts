/**
 * Deterministic scores -> a distribution over the eligible arms: a softmax at temperature
 * tau, mixed with the uniform distribution so that every eligible arm gets at least `floor`:
 *
 *   p(a) = floor + (1 - K floor) softmax(score / tau)(a)      (K eligible arms, K floor <= 1)
 *
 * and uniform when K floor > 1. Because the scores are deterministic given the statistics,
 * these numbers are the exact probabilities of the draw: the propensity needs no estimate.
 */

export function armProbabilities(scores: ReadonlyMap<string, number>, temperature: number, floor: number): Map<string, number> {
  const arms = [...scores.keys()];
  const k = arms.length;
  const out = new Map<string, number>();
  if (k === 0) return out;
  if (k * floor >= 1) {
    for (const arm of arms) out.set(arm, 1 / k);
    return out;
  }
  const max = Math.max(...scores.values());
  let total = 0;
  const exp = arms.map((arm) => {
    const e = Math.exp((scores.get(arm)! - max) / temperature);
    total += e;
    return e;
  });
  const rest = 1 - k * floor;
  arms.forEach((arm, i) => out.set(arm, floor + (rest * exp[i]!) / total));
  return out;
}

/** The arm whose cumulative-probability interval holds u (arms in the map's order). */
export function drawArm(probabilities: ReadonlyMap<string, number>, u: number): string | null {
  let total = 0;
  for (const p of probabilities.values()) total += p;
  if (total <= 0) return null;
  let acc = 0;
  let last: string | null = null;
  for (const [arm, p] of probabilities) {
    if (p <= 0) continue;
    acc += p / total;
    last = arm;
    if (u < acc) return arm;
  }
  return last;
}
