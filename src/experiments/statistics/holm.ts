/**
 * Holm's step-down correction (Holm 1979, "A Simple Sequentially Rejective Multiple Test
 * Procedure"): with the m p-values sorted ascending, the adjusted p_(i) is
 *   max over j <= i of min(1, (m - j + 1) p_(j)).
 * It controls the family-wise error rate across the treatment-vs-control comparisons.
 */
export function holmAdjust(pValues: readonly number[]): number[] {
  const m = pValues.length;
  const order = pValues.map((p, i) => [p, i] as const).sort((a, b) => a[0] - b[0]);
  const adjusted = new Array<number>(m).fill(Number.NaN);
  let running = 0;
  order.forEach(([p, i], rank) => {
    if (Number.isNaN(p)) return;
    running = Math.max(running, Math.min(1, (m - rank) * p));
    adjusted[i] = running;
  });
  return adjusted;
}
