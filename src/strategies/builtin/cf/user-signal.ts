/**
 * What the model knows about the requesting user: their training row, plus whatever their
 * history holds that training did not see. For a user unknown at training time that is the
 * whole history. Weights of the same item add up, as in training.
 */
import type { UserState } from '../../contract.js';
import type { AlsModel } from './als-model.js';

export interface UserSignal {
  /** Item indices with a non-zero net weight, ascending. */
  readonly items: Int32Array;
  readonly weights: Float64Array;
  /** True when at least one weight is positive (something to fold in). */
  readonly hasPositive: boolean;
}

export function collectUserSignal(model: AlsModel, user: UserState): UserSignal {
  // A dense accumulator over the items: cheaper than a Map for histories of thousands.
  const net = new Float64Array(model.itemIds.length);
  const touched: number[] = [];
  const add = (item: number, weight: number): void => {
    if (net[item] === 0) touched.push(item);
    net[item]! += weight;
  };
  const row = model.userIndex.get(user.id);
  if (row !== undefined) {
    const { start, columns, weights } = model.userRows;
    for (let e = start[row]!; e < start[row + 1]!; e++) add(columns[e]!, weights[e]!);
  }
  // A trained user's history up to trainedUntil is already in their row.
  const after = row !== undefined && model.trainedUntil !== null ? model.trainedUntil : -Infinity;
  for (const record of user.history) {
    if (record.weight === 0 || !Number.isFinite(record.weight) || record.occurredAt <= after) continue;
    const item = model.itemIndex.get(record.itemId);
    if (item !== undefined) add(item, record.weight);
  }
  // An item can be touched twice if its running sum passed through zero; keep it once.
  const items = Int32Array.from(new Set(touched))
    .sort()
    .filter((i) => net[i] !== 0);
  const weights = Float64Array.from(items, (i) => net[i]!);
  return { items, weights, hasPositive: weights.some((w) => w > 0) };
}
