/**
 * Training: read interactions into the sparse user x item matrix (the same builder as ALS:
 * net weights per pair), choose EASE or item-kNN by catalogue size (limits.ts), keep each
 * item's top neighbours. Deterministic: no randomness, sorted ids, fixed tie-breaking.
 */
import { rgError } from '../../../errors.js';
import type { TrainContext, TrainResult } from '../../contract.js';
import { readInteractionMatrix } from '../cf/interaction-matrix.js';
import { easeNeighbours } from './ease.js';
import { itemItemArtifact } from './item-item-model.js';
import { knnNeighbours } from './knn.js';
import { chooseMethod, ITEM_ITEM_NAME } from './limits.js';
import type { ItemItemParams } from './params.js';

/** Share of the progress bar spent reading interactions. */
const READING_PERCENT = 10;

function aborted(): Error {
  return rgError('RG_ERR_TRAINING_ABORTED', { name: ITEM_ITEM_NAME });
}

export async function trainItemItem(ctx: TrainContext<ItemItemParams>): Promise<TrainResult> {
  const started = performance.now();
  if (ctx.signal.aborted) throw aborted();
  ctx.progress({ phase: 'reading', percent: 0 });
  if (ctx.signal.aborted) throw aborted();
  const matrix = await readInteractionMatrix(ctx.interactions, ctx.signal, aborted);
  const itemCount = matrix.itemIds.length;
  // Refused before anything large is allocated.
  const method = chooseMethod(ctx.params.method, itemCount);
  ctx.progress({ phase: 'reading', percent: READING_PERCENT });
  if (ctx.signal.aborted) throw aborted();

  let lastPercent = READING_PERCENT;
  const keepGoing = (fraction: number): boolean => {
    const percent = Math.max(lastPercent, READING_PERCENT + (99 - READING_PERCENT) * fraction);
    lastPercent = percent;
    ctx.progress({ phase: 'fitting', percent });
    return !ctx.signal.aborted;
  };
  const lists =
    method === 'ease'
      ? easeNeighbours({ byUser: matrix.byUser, itemCount, lambda: ctx.params.lambda, neighbours: ctx.params.neighbours, keepGoing })
      : knnNeighbours({ byUser: matrix.byUser, byItem: matrix.byItem, itemCount, neighbours: ctx.params.neighbours, keepGoing });
  if (lists === null || ctx.signal.aborted) throw aborted();
  ctx.progress({ phase: 'done', percent: 100 });
  return {
    artifact: itemItemArtifact(method, matrix.itemIds, lists),
    metrics: {
      items: itemCount,
      users: matrix.userIds.length,
      interactions: matrix.byUser.columns.length,
      neighbourEntries: lists.items.length,
      ease: method === 'ease' ? 1 : 0,
      durationMs: performance.now() - started,
    },
  };
}
