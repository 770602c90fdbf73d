/**
 * The two-tower strategy ("big model"): a user tower over the user's recent history and an
 * item tower over item id, text and precomputed embedding, trained with in-batch sampled
 * softmax and logQ correction; served by one product of the user vector with a precomputed
 * item matrix. Items nobody has interacted with are placed by their text, so they can be
 * recommended from day one. `adapt` refines a user's vector on their own items after their
 * feedback (adapt.ts). See docs/strategies/two-tower.md.
 */
import { defineStrategy } from '../../contract.js';
import { adaptationSettings, adaptTwoTower } from './adapt.js';
import { TWO_TOWER_SEARCH_SPACE, twoTowerParamsSchema, type TwoTowerParams } from './params.js';
import { recommendTwoTower } from './recommend.js';
import { disposeTwoTowerModel, loadTwoTowerModel, type TwoTowerModel } from './serving-model.js';
import { similarTwoTower } from './similar.js';
import { trainTwoTower, TWO_TOWER_NAME } from './train.js';

export const twoTowerStrategy = defineStrategy<TwoTowerParams, TwoTowerModel>({
  name: TWO_TOWER_NAME,
  // 1.1.0: early stopping, same-moment history, raw id parts (artifacts of 1.0.0 still load).
  // 1.1.1: early stopping's held-out positives are not history in training (same artifact).
  // 1.2.0: popularity prior chosen on validation, idDropout 0 with it (artifacts of 1.0 and 1.1 still load).
  version: '1.2.0',
  description:
    'Two-tower neural retrieval: user history and item text/embedding towers trained with in-batch softmax (logQ-corrected); recommends new items from their text.',
  params: twoTowerParamsSchema,
  train: trainTwoTower,
  load: (artifact, ctx) => loadTwoTowerModel(artifact, ctx.catalog, ctx.log, TWO_TOWER_NAME, adaptationSettings(ctx.params)),
  recommend: recommendTwoTower,
  adapt: adaptTwoTower,
  // Off by default: no adapt jobs, no adapted-state reads, until a version is trained with adaptSteps > 0.
  adapts: (params) => params.adaptSteps > 0,
  dispose: disposeTwoTowerModel,
  similar: similarTwoTower,
  // Model search (docs/model-search.md); epochs are a multiple of the automatic count (`epochScale`).
  searchSpace: TWO_TOWER_SEARCH_SPACE,
});

export { twoTowerParamsSchema, type TwoTowerParams } from './params.js';
export { refreshItemVectors, type TwoTowerModel } from './serving-model.js';
