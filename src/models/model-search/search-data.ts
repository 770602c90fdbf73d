/**
 * The data model search may look at: everything except the held-out test of the training job
 * (the split promotion compares versions on, `evaluateHeldOut`). The held-out split is made
 * again here with the same protocol, seed and filter, and its test users keep only their
 * train side; the search then carves its own validation split out of what is left, so the
 * held-out metric of the searched version stays an unbiased estimate.
 */
import { isRecgateError } from '../../errors.js';
import { splitInteractions, type EvalProtocol } from '../../evaluation/offline/index.js';
import { createRandom } from '../../ml/random.js';
import type { CatalogItem, InteractionRecord } from '../../strategies/contract.js';
import { HELD_OUT_PROTOCOL } from '../held-out-evaluation.js';

export interface SearchData {
  readonly interactions: readonly InteractionRecord[];
  /**
   * How the search validates: the held-out protocol (temporal) when the data allows, else
   * `stratified` (every row at one moment leaves nothing "before" a user's last item).
   */
  readonly protocol: EvalProtocol;
  /** Users in a seeded random order: a trial on a share f of the users takes the first f of them. */
  readonly users: readonly string[];
}

const isNoData = (error: unknown): boolean => isRecgateError(error) && error.code === 'RG_ERR_EVAL_NO_DATA';

export function searchData(interactions: readonly InteractionRecord[], items: readonly CatalogItem[], seed: number): SearchData {
  let remaining: readonly InteractionRecord[] = interactions;
  try {
    const heldOut = splitInteractions(HELD_OUT_PROTOCOL, interactions, items, { seed });
    const testUsers = new Set(heldOut.cases.map((c) => c.userId));
    remaining = [...interactions.filter((r) => !testUsers.has(r.userId)), ...heldOut.train];
  } catch (error) {
    // No held-out split on this data: nothing to keep away from the search.
    if (!isNoData(error)) throw error;
  }
  let protocol: EvalProtocol = HELD_OUT_PROTOCOL;
  try {
    splitInteractions(HELD_OUT_PROTOCOL, remaining, items, { seed });
  } catch (error) {
    if (!isNoData(error)) throw error;
    protocol = 'stratified';
  }
  const users = createRandom(seed).shuffle([...new Set(remaining.map((r) => r.userId))].sort());
  return { interactions: remaining, protocol, users };
}

/** The interactions of the first `fraction` of `data.users`. */
export function usersShare(data: SearchData, fraction: number): readonly InteractionRecord[] {
  if (fraction >= 1) return data.interactions;
  const kept = new Set(data.users.slice(0, Math.ceil(fraction * data.users.length)));
  return data.interactions.filter((r) => kept.has(r.userId));
}
