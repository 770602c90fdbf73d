/**
 * The per-user state `adapt` returns and `recommend` reads back: the adapted user vector's
 * difference to the tower's vector (`delta`, [dim]) and a few facts about the run.
 *
 * A difference rather than the vector itself, because the host hands the state back on later
 * requests too, possibly after newer feedback the adaptation did not see: serving adds the
 * delta to the vector of the *current* history, so new feedback still moves the user at once
 * and the adaptation adds its personal refinement on top.
 */
import type { AdaptedUserState, JsonValue } from '../../contract.js';

export const TWO_TOWER_ADAPTED_FORMAT = 'recgate.two-tower-adapted/1';

/** What an adaptation run reports alongside the delta (all finite numbers). */
export interface AdaptationFacts {
  readonly steps: number;
  /** Distinct positive history items the item matrix knows (the adaptation's targets). */
  readonly positives: number;
  readonly lossBefore: number;
  readonly lossAfter: number;
  /** Rows of the item matrix the softmax ran over. */
  readonly modelItemCount: number;
}

export function adaptedState(delta: Float32Array, facts: AdaptationFacts): AdaptedUserState {
  const json: JsonValue = { format: TWO_TOWER_ADAPTED_FORMAT, ...facts };
  return { json, arrays: { delta } };
}

/**
 * The delta of a state, or null when there is none usable: absent, another format, the wrong
 * length for this model (made by a model of another dim) or not finite. Serving must never
 * fail because of stored state, so this never throws.
 */
export function readAdaptedDelta(state: AdaptedUserState | null | undefined, dim: number): Float32Array | null {
  if (!state || typeof state !== 'object') return null;
  const json = state.json as { format?: unknown } | null;
  if (!json || typeof json !== 'object' || json.format !== TWO_TOWER_ADAPTED_FORMAT) return null;
  const delta = state.arrays?.delta;
  if (!(delta instanceof Float32Array) || delta.length !== dim) return null;
  for (let d = 0; d < dim; d++) if (!Number.isFinite(delta[d]!)) return null;
  return delta;
}
