/**
 * Serving one request: the state encoder turns the request's history into the state s (the GRU
 * over the latest interactions and the user's taste); the policy head
 * (the user's adapted head when the host hands one back and adaptation is on, else the
 * meta-learned initial head) maps it to u; the exact softmax order over the catalogue is the
 * order of uᵀe_a + b_a + Σ_h θ_h φ_h(a, now) (the trend features as of the request), so the
 * slate is the top k of those scores that pass the request's exclusions and filter.
 */
import type { RecommendRequest, ScoredItem } from '../../contract.js';
import { topKRows } from '../two-tower/top-k.js';
import { readAdaptedHead } from './adapted-state.js';
import { explainer } from './explanation.js';
import { projectState } from './sampled-softmax.js';
import { servingSpace, servingStates, servingTrend, type MetaRlModel } from './serving-model.js';

export function recommendMetaRl(model: MetaRlModel, request: RecommendRequest): ScoredItem[] {
  if (model.disposed) throw new Error('meta-rl: recommend() on a disposed model');
  const { items, aligned, ids } = servingSpace(model, request.catalog);
  const n = ids.length;
  if (request.k <= 0 || n === 0) return [];
  const dim = items.dim;
  const { steps, trace } = servingStates(model, request.user.history, items);
  const head = (model.adaptation.steps > 0 ? readAdaptedHead(request.adapted, model.shapes) : null) ?? model.weights.head;
  const u = projectState(head, trace.states, steps.length * trace.width, trace.width, dim);
  const trend = servingTrend(model, ids, request.now);
  const scores = new Float32Array(n);
  const vectors = items.vectors;
  for (let r = 0; r < n; r++) {
    let sum = aligned.bias[r]! + trend[r]!;
    const off = r * dim;
    for (let k = 0; k < dim; k++) sum += u[k]! * vectors[off + k]!;
    scores[r] = sum;
  }
  const rows = topKRows(scores, request.k, (row) => !request.exclude.has(ids[row]!) && request.catalog.matches(ids[row]!, request.filter));
  const historyIds = request.user.history.slice(Math.max(0, request.user.history.length - steps.length)).map((r) => r.itemId);
  const explain = explainer(steps, historyIds, items, request.catalog);
  return rows.map((row) => ({ itemId: ids[row]!, score: scores[row]!, explanation: explain(row) }));
}
