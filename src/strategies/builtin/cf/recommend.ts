/**
 * Serving: fold the user in from their row and new history, score every item with one pass
 * over the item factors, keep the best eligible k and say which liked item each comes from.
 * A user with no positive signal at all is scored with the mean training user, which ranks
 * what the model expects most people to like.
 */
import type { RecommendRequest, ScoredItem } from '../../contract.js';
import type { AlsModel } from './als-model.js';
import { createExplainer } from './explanation.js';
import { foldInUser } from './fold-in.js';
import { topEligible } from './top-k.js';
import { collectUserSignal } from './user-signal.js';

const COLD_EXPLANATION = 'liked by many people';

/** One pass over the item factors; four items per pass share each load of the user factor. */
function scoreAll(model: AlsModel, userFactor: ArrayLike<number>): Float64Array {
  const { factors: f, itemFactors: y } = model;
  const count = model.itemIds.length;
  const scores = new Float64Array(count);
  let i = 0;
  for (; i + 3 < count; i += 4) {
    const o0 = i * f;
    const o1 = o0 + f;
    const o2 = o1 + f;
    const o3 = o2 + f;
    let s0 = 0;
    let s1 = 0;
    let s2 = 0;
    let s3 = 0;
    for (let a = 0; a < f; a++) {
      const x = userFactor[a]!;
      s0 += y[o0 + a]! * x;
      s1 += y[o1 + a]! * x;
      s2 += y[o2 + a]! * x;
      s3 += y[o3 + a]! * x;
    }
    scores[i] = s0;
    scores[i + 1] = s1;
    scores[i + 2] = s2;
    scores[i + 3] = s3;
  }
  for (; i < count; i++) {
    const o = i * f;
    let s = 0;
    for (let a = 0; a < f; a++) s += y[o + a]! * userFactor[a]!;
    scores[i] = s;
  }
  return scores;
}

export function recommendAls(model: AlsModel, request: RecommendRequest): ScoredItem[] {
  const k = Math.floor(request.k);
  if (k <= 0 || model.itemIds.length === 0) return [];
  const signal = collectUserSignal(model, request.user);
  const eligible = (i: number): boolean => {
    const id = model.itemIds[i]!;
    return !request.exclude.has(id) && request.catalog.matches(id, request.filter);
  };

  if (!signal.hasPositive) {
    return topEligible(scoreAll(model, model.meanUserFactor), k, eligible).map(({ index, score }) => ({
      itemId: model.itemIds[index]!,
      score,
      explanation: COLD_EXPLANATION,
    }));
  }

  const user = foldInUser(model, signal);
  const explainer = createExplainer(model, signal, user);
  return topEligible(scoreAll(model, user.factor), k, eligible).map(({ index, score }) => {
    const reason = explainer(index);
    const reasonId = reason === null ? null : model.itemIds[reason]!;
    const title = reasonId === null ? null : (request.catalog.get(reasonId)?.title ?? reasonId);
    return { itemId: model.itemIds[index]!, score, explanation: title === null ? COLD_EXPLANATION : `because you liked ${title}` };
  });
}
