/**
 * The per-user state `adapt` returns: the adapted policy head (the fast weights, S·d + d
 * floats, S the state's width). Serving applies it to the state of the *current* history, so feedback newer than the
 * adaptation still moves the user at once.
 */
import type { AdaptedUserState, JsonValue } from '../../contract.js';
import { stateWidth, type PolicyHead, type PolicyShapes } from './policy-weights.js';

export const META_RL_ADAPTED_FORMAT = 'recgate.meta-rl-adapted/1';

export interface AdaptationFacts {
  readonly steps: number;
  /** Support interactions the inner loop ran on. */
  readonly support: number;
}

export function adaptedHeadState(head: PolicyHead, facts: AdaptationFacts): AdaptedUserState {
  const json: JsonValue = { format: META_RL_ADAPTED_FORMAT, ...facts };
  return { json, arrays: { headW: head.w, headB: head.b } };
}

/** The adapted head of a state, or null when none is usable (absent, another format or shape, not finite). Never throws. */
export function readAdaptedHead(state: AdaptedUserState | null | undefined, shapes: PolicyShapes): PolicyHead | null {
  if (!state || typeof state !== 'object') return null;
  const json = state.json as { format?: unknown } | null;
  if (!json || typeof json !== 'object' || json.format !== META_RL_ADAPTED_FORMAT) return null;
  const w = state.arrays?.headW;
  const b = state.arrays?.headB;
  if (!(w instanceof Float32Array) || !(b instanceof Float32Array)) return null;
  if (w.length !== stateWidth(shapes) * shapes.dim || b.length !== shapes.dim) return null;
  for (const v of w) if (!Number.isFinite(v)) return null;
  for (const v of b) if (!Number.isFinite(v)) return null;
  return { w, b };
}
