/**
 * Serving leaves out the items a user already interacted with (the request's `exclude`), so
 * the softmax the policy is trained and adapted on leaves them out too: a negative the user had
 * already seen when acting gets no probability, and an action on an already-seen item (a
 * re-watch, a re-purchase) teaches nothing, since serving could never have recommended it.
 * Otherwise part of what the model learns is spent on ranking items it will never be allowed
 * to show.
 */

/** Each item row's first position in a user's time-ordered steps. */
export function firstPositions(rows: readonly number[]): Map<number, number> {
  const first = new Map<number, number>();
  rows.forEach((row, t) => {
    if (row >= 0 && !first.has(row)) first.set(row, t);
  });
  return first;
}

/** True when `row` was interacted with before position t. */
export function seenBefore(first: ReadonlyMap<number, number>, row: number, t: number): boolean {
  const at = first.get(row);
  return at !== undefined && at < t;
}

/** Sets the logit offset of every negative seen before position t to −∞ (in place). */
export function maskSeenNegatives(offsets: Float64Array, negatives: Int32Array, first: ReadonlyMap<number, number>, t: number): Float64Array {
  for (let j = 0; j < negatives.length; j++) if (seenBefore(first, negatives[j]!, t)) offsets[j + 1] = -Infinity;
  return offsets;
}
