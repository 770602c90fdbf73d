/**
 * `adapt`: the inner loop on the user's own history. The encoder gives the state before each
 * of the user's positive interactions; a few SGD steps move the policy head from its
 * meta-learned initial values towards predicting those interactions (inner-loop.ts); the
 * adapted head is the user's state. Negatives are drawn like training's, from a generator
 * seeded by the user and their history, so the same history adapts to the same head.
 */
import { createRandom } from '../../../ml/random.js';
import type { AdaptContext, AdaptedUserState, UserState } from '../../contract.js';
import { adaptedHeadState } from './adapted-state.js';
import { adaptHead, type SupportSet } from './inner-loop.js';
import { firstPositions, maskSeenNegatives, seenBefore } from './seen-mask.js';
import { servingSpace, servingStates, servingTrend, type MetaRlModel } from './serving-model.js';

function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) hash = Math.imul(hash ^ text.charCodeAt(i), 0x01000193);
  return hash >>> 0;
}

export function adaptMetaRl(model: MetaRlModel, user: UserState, ctx: AdaptContext): AdaptedUserState | null {
  if (model.disposed) throw new Error('meta-rl: adapt() on a disposed model');
  const settings = model.adaptation;
  if (settings.steps === 0) return null;
  const { items, aligned, ids } = servingSpace(model, ctx.catalog);
  const { steps, trace } = servingStates(model, user.history, items);
  const S = trace.width;
  const support: SupportSet = { states: new Float32Array(0), stateOffsets: [], actions: [], weights: [], offsets: [] };
  const first = firstPositions(steps.map((s) => s.row));
  const positions: number[] = [];
  steps.forEach((s, t) => {
    if (s.row < 0 || !(s.weight > 0) || (settings.maskSeen && seenBefore(first, s.row, t))) return;
    positions.push(t);
    (support.stateOffsets as number[]).push(t * S);
    (support.actions as number[]).push(s.row);
    (support.weights as number[]).push(s.weight);
  });
  // A brand-new user (or one whose items the model cannot place) is served the meta-learned start.
  if (support.actions.length === 0 || aligned.sampler.empty) return null;
  const last = user.history[user.history.length - 1]!;
  const random = createRandom(fnv1a(`${user.id}\u0000${user.history.length}\u0000${last.occurredAt}`));
  const sample = aligned.sampler.sample(settings.negatives, random);
  // The trend offsets as of now for every support action (serving keeps only the current
  // counts); meta-training's inner loop does the same, with the counts as of its query's start.
  const trend = servingTrend(model, ids, ctx.now);
  support.actions.forEach((action, j) => {
    const offsets = new Float64Array(sample.rows.length + 1);
    offsets[0] = trend[action]!;
    sample.rows.forEach((row, i) => (offsets[i + 1] = trend[row]!));
    (support.offsets as Float64Array[]).push(settings.maskSeen ? maskSeenNegatives(offsets, sample.rows, first, positions[j]!) : offsets);
  });
  const head = adaptHead(model.weights.head, { ...support, states: trace.states }, sample, items, aligned.bias, {
    steps: settings.steps,
    learningRate: settings.learningRate,
    hidden: S,
    rates: model.weights.headRate,
  });
  return adaptedHeadState(head, { steps: settings.steps, support: support.actions.length });
}
