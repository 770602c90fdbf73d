/**
 * The strategy's `adapt` hook: after a user's feedback, fit an offset to the user tower's
 * vector on that user's own positive items (adapt-user-delta.ts) and keep it as the user's
 * state (adapted-state.ts). Reads the shared model, never writes its weights or item matrix.
 */
import type { AdaptContext, AdaptedUserState, UserState } from '../../contract.js';
import { adaptUserDelta, type AdaptPositives } from './adapt-user-delta.js';
import { adaptedState } from './adapted-state.js';
import type { TwoTowerParams } from './params.js';
import { historyInput, type TwoTowerModel } from './serving-model.js';
import { userVector } from './user-vector.js';

/** The adaptation's params, as the loaded model keeps them (serving reads `steps` too). */
export interface AdaptationSettings {
  readonly steps: number;
  readonly learningRate: number;
  readonly l2: number;
}

export function adaptationSettings(params: TwoTowerParams): AdaptationSettings {
  return { steps: params.adaptSteps, learningRate: params.adaptLearningRate, l2: params.adaptL2 };
}

/**
 * The user's distinct positive items the item matrix knows, each weighted by its latest
 * positive interaction's weight, normalised to sum 1. The whole history the host hands over
 * counts (RECGATE_HISTORY_LENGTH), not only the `historyLength` latest items the tower reads.
 */
function positivesOf(model: TwoTowerModel, user: UserState): AdaptPositives {
  const rows: number[] = [];
  const weights: number[] = [];
  const seen = new Set<string>();
  for (let i = user.history.length - 1; i >= 0; i--) {
    const record = user.history[i]!;
    if (record.weight <= 0 || seen.has(record.itemId)) continue;
    seen.add(record.itemId);
    const row = model.items.rowOf.get(record.itemId);
    if (row === undefined) continue;
    rows.push(row);
    weights.push(record.weight);
  }
  const total = weights.reduce((a, b) => a + b, 0);
  return { rows: Int32Array.from(rows), weights: Float64Array.from(weights, (w) => w / total) };
}

export function adaptTwoTower(model: TwoTowerModel, user: UserState, ctx: AdaptContext): AdaptedUserState | null {
  if (model.disposed) throw new Error('two-tower: adapt() on a disposed model');
  const settings = model.adaptation;
  const matrix = model.items;
  if (settings.steps === 0 || matrix.ids.length === 0 || model.config.itemIds.length === 0) return null;
  const positives = positivesOf(model, user);
  if (positives.rows.length === 0) return null;
  const u0 = userVector(model.weightValues, model.shapes, historyInput(model, user.history, ctx.catalog));
  const adapted = adaptUserDelta(matrix.vectors, model.shapes.dim, u0, positives, {
    steps: settings.steps,
    learningRate: settings.learningRate,
    l2: settings.l2,
    temperature: model.config.temperature,
  });
  return adaptedState(adapted.delta, {
    steps: settings.steps,
    positives: positives.rows.length,
    lossBefore: adapted.lossBefore,
    lossAfter: adapted.lossAfter,
    modelItemCount: matrix.ids.length,
  });
}
