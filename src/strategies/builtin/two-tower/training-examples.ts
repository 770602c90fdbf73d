/**
 * Positive interactions laid out for training: one example per positive interaction (user,
 * item, weight), grouped by user in time order, so an example's history is simply the
 * preceding entries of its user's run. The user tower sees only what came before the
 * interaction it predicts, as it will at serving time.
 */
import type { InteractionRecord } from '../../contract.js';

export interface TrainingExamples {
  /** Item-id vocabulary: id-table row r + 1 is `itemIds[r]` (row 0 is reserved: no item). */
  readonly itemIds: readonly string[];
  readonly count: number;
  /** Per example, in user-then-time order. */
  readonly itemRows: Int32Array;
  readonly weights: Float32Array;
  /** Index of the first example of the same user. */
  readonly userStart: Int32Array;
  /**
   * [tieStart[e], tieEnd[e]) are the examples of the same user at the same moment as e (one
   * basket, or every row of a dataset with a single timestamp).
   */
  readonly tieStart: Int32Array;
  readonly tieEnd: Int32Array;
  /** log(share of examples) per id-table row; row 0 holds the smallest value. */
  readonly logQ: Float32Array;
  readonly users: number;
}

/** Build examples from every interaction with weight > 0; ties in time keep reader order. */
export function buildTrainingExamples(interactions: readonly InteractionRecord[]): TrainingExamples {
  const positives = interactions.map((record, order) => ({ record, order })).filter(({ record }) => record.weight > 0);
  const itemIds = [...new Set(positives.map((p) => p.record.itemId))].sort();
  const rowOf = new Map(itemIds.map((id, i) => [id, i + 1]));
  positives.sort(
    (a, b) =>
      (a.record.userId < b.record.userId ? -1 : a.record.userId > b.record.userId ? 1 : 0) || a.record.occurredAt - b.record.occurredAt || a.order - b.order,
  );
  const count = positives.length;
  const itemRows = new Int32Array(count);
  const weights = new Float32Array(count);
  const userStart = new Int32Array(count);
  const frequency = new Float64Array(itemIds.length + 1);
  let users = 0;
  for (let e = 0; e < count; e++) {
    const { record } = positives[e]!;
    const isFirst = e === 0 || positives[e - 1]!.record.userId !== record.userId;
    if (isFirst) users++;
    userStart[e] = isFirst ? e : userStart[e - 1]!;
    itemRows[e] = rowOf.get(record.itemId)!;
    weights[e] = record.weight;
    frequency[itemRows[e]!]!++;
  }
  const tieStart = new Int32Array(count);
  const tieEnd = new Int32Array(count);
  const sameMoment = (a: number, b: number): boolean =>
    positives[a]!.record.userId === positives[b]!.record.userId && positives[a]!.record.occurredAt === positives[b]!.record.occurredAt;
  for (let e = 0; e < count; e++) tieStart[e] = e > 0 && sameMoment(e - 1, e) ? tieStart[e - 1]! : e;
  for (let e = count - 1; e >= 0; e--) tieEnd[e] = e < count - 1 && sameMoment(e, e + 1) ? tieEnd[e + 1]! : e + 1;
  const logQ = new Float32Array(itemIds.length + 1);
  let smallest = 0;
  for (let r = 1; r <= itemIds.length; r++) {
    logQ[r] = Math.log(frequency[r]! / count);
    smallest = Math.min(smallest, logQ[r]!);
  }
  logQ[0] = smallest;
  return { itemIds, count, itemRows, weights, userStart, tieStart, tieEnd, logQ, users };
}
