/**
 * Serving one request: user vector from the request's history (plus the user's adapted
 * offset, when the host hands one back), scores against the item matrix, the best k items
 * that pass the request's exclusions and filter, each explained by the liked item it is most
 * similar to.
 */
import type { RecommendRequest, ScoredItem } from '../../contract.js';
import { readAdaptedDelta } from './adapted-state.js';
import { historyInput, syncCatalog, type TwoTowerModel } from './serving-model.js';
import { topKRows } from './top-k.js';
import { userVector } from './user-vector.js';

/** Candidates fetched beyond k + |exclude| before falling back to a full scan. */
const TOPK_SLACK = 16;

export function recommendTwoTower(model: TwoTowerModel, request: RecommendRequest): ScoredItem[] {
  if (model.disposed) throw new Error('two-tower: recommend() on a disposed model');
  syncCatalog(model, request.catalog);
  const matrix = model.items;
  const n = matrix.ids.length;
  // A model trained on no positive interaction has untrained towers: it recommends nothing.
  if (request.k <= 0 || n === 0 || model.config.itemIds.length === 0) return [];
  const accept = (row: number): boolean => !request.exclude.has(matrix.ids[row]!) && request.catalog.matches(matrix.ids[row]!, request.filter);
  const user = withAdaptation(model, userVector(model.weightValues, model.shapes, historyInput(model, request.user.history, request.catalog)), request);
  const { rows, scores } =
    model.scoring === 'tensor' ? scoreWithTensors(model, user, request.k, request, accept) : scoreWithLoop(model, user, request.k, accept);
  const explain = explainer(model, request);
  return rows.map((row, i) => ({ itemId: matrix.ids[row]!, score: scores[i]!, explanation: explain(row) }));
}

/**
 * normalize(u + delta) when the request carries a usable adapted delta and adaptation is on;
 * u unchanged otherwise. u comes from the current history, so feedback newer than the
 * adaptation still counts; unusable state (wrong length, another format) is ignored.
 */
function withAdaptation(model: TwoTowerModel, u: Float32Array, request: RecommendRequest): Float32Array {
  if (model.adaptation.steps === 0) return u;
  const delta = readAdaptedDelta(request.adapted, u.length);
  if (!delta) return u;
  const sum = new Float64Array(u.length);
  let squared = 0;
  for (let d = 0; d < u.length; d++) {
    sum[d] = u[d]! + delta[d]!;
    squared += sum[d]! * sum[d]!;
  }
  const scale = 1 / Math.sqrt(squared + 1e-12);
  return Float32Array.from(sum, (x) => x * scale);
}

interface Ranked {
  readonly rows: number[];
  readonly scores: number[];
}

function scoreWithTensors(model: TwoTowerModel, user: Float32Array, k: number, request: RecommendRequest, accept: (row: number) => boolean): Ranked {
  const { tf } = model;
  const matrix = model.items;
  const n = matrix.ids.length;
  const scoresTensor = tf.tidy(() => {
    const cosines = tf.matMul(tf.tensor2d(user, [1, user.length]), matrix.transposed!).reshape([n]);
    return matrix.priorsTensor ? tf.add(cosines, matrix.priorsTensor) : cosines;
  });
  try {
    // Without a category filter, the top k + |exclude| + slack almost always hold k acceptable
    // items; topk in the backend then saves reading all n scores back.
    const wanted = Math.min(n, k + request.exclude.size + TOPK_SLACK);
    const noCategoryFilter = !request.filter.categories || request.filter.categories.length === 0;
    if (noCategoryFilter && wanted < n) {
      const { values, indices } = tf.topk(scoresTensor, wanted);
      const topScores = values.dataSync();
      const topRows = indices.dataSync();
      tf.dispose([values, indices]);
      const rows: number[] = [];
      const scores: number[] = [];
      for (let i = 0; i < wanted && rows.length < k; i++) {
        if (accept(topRows[i]!)) {
          rows.push(topRows[i]!);
          scores.push(topScores[i]!);
        }
      }
      if (rows.length === k) return { rows, scores };
    }
    const all = scoresTensor.dataSync();
    const rows = topKRows(all, k, accept);
    return { rows, scores: rows.map((r) => all[r]!) };
  } finally {
    scoresTensor.dispose();
  }
}

function scoreWithLoop(model: TwoTowerModel, u: Float32Array, k: number, accept: (row: number) => boolean): Ranked {
  const dim = model.shapes.dim;
  const { vectors, priors } = model.items;
  const n = model.items.ids.length;
  const all = new Float32Array(n);
  for (let r = 0; r < n; r++) {
    let dot = priors[r]!;
    const offset = r * dim;
    for (let d = 0; d < dim; d++) dot += u[d]! * vectors[offset + d]!;
    all[r] = dot;
  }
  const rows = topKRows(all, k, accept);
  return { rows, scores: rows.map((r) => all[r]!) };
}

/** Explanation per result row: the liked item (from the request's history) closest to it. */
function explainer(model: TwoTowerModel, request: RecommendRequest): (row: number) => string {
  const matrix = model.items;
  const dim = model.shapes.dim;
  const liked: number[] = [];
  const seen = new Set<string>();
  const history = request.user.history;
  for (let i = history.length - 1; i >= 0 && liked.length < model.config.historyLength; i--) {
    const record = history[i]!;
    if (record.weight <= 0 || seen.has(record.itemId)) continue;
    seen.add(record.itemId);
    const row = matrix.rowOf.get(record.itemId);
    if (row !== undefined) liked.push(row);
  }
  if (liked.length === 0) {
    return () => (history.length > 0 ? 'Matches your recent activity' : 'A common first pick');
  }
  return (row) => {
    let best = liked[0]!;
    let bestDot = -Infinity;
    for (const other of liked) {
      let dot = 0;
      for (let d = 0; d < dim; d++) dot += matrix.vectors[row * dim + d]! * matrix.vectors[other * dim + d]!;
      if (dot > bestDot) [best, bestDot] = [other, dot];
    }
    const id = matrix.ids[best]!;
    return `Similar to "${request.catalog.get(id)?.title || id}", which you liked`;
  };
}
