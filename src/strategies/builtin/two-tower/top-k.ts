/**
 * The k best-scoring rows that pass a filter, highest first (ties: lower row first). The filter
 * runs only for rows that would enter the current top k, so an expensive check (exclusions,
 * category filters) runs for few rows on typical score distributions, not for all n.
 */
export function topKRows(scores: ArrayLike<number>, k: number, accept: (row: number) => boolean): number[] {
  const rows: number[] = [];
  const best: number[] = [];
  if (k <= 0) return rows;
  for (let row = 0; row < scores.length; row++) {
    const score = scores[row]!;
    if (Number.isNaN(score)) continue;
    if (rows.length === k && score <= best[k - 1]!) continue;
    if (!accept(row)) continue;
    if (rows.length < k) {
      rows.push(row);
      best.push(score);
    } else {
      rows[k - 1] = row;
      best[k - 1] = score;
    }
    for (let i = rows.length - 1; i > 0 && best[i - 1]! < best[i]!; i--) {
      [best[i - 1], best[i]] = [best[i]!, best[i - 1]!];
      [rows[i - 1], rows[i]] = [rows[i]!, rows[i - 1]!];
    }
  }
  return rows;
}
