/**
 * The meta-rl strategy: a slate policy learned from logged feedback with REINFORCE and the
 * top-K off-policy correction (Chen et al. 2019), over item representations from a two-tower
 * item tower and each item's recent popularity (trend features), whose policy head's starting
 * point is meta-learned across users (second-order MAML) so that `adapt`, a few gradient steps
 * on a user's history, makes it that user's policy.
 * See docs/strategies/meta-rl.md.
 */
import { defineStrategy } from '../../contract.js';
import { adaptMetaRl } from './adapt.js';
import { META_RL_NAME } from './meta-training.js';
import { META_RL_SEARCH_SPACE, metaRlParamsSchema, type MetaRlParams } from './params.js';
import { recommendMetaRl } from './recommend.js';
import { disposeMetaRlModel, loadMetaRlModel, type MetaRlModel } from './serving-model.js';
import { trainMetaRl } from './train.js';

export const metaRlStrategy = defineStrategy<MetaRlParams, MetaRlModel>({
  name: META_RL_NAME,
  version: '1.2.0',
  description:
    'Meta-RL slate policy: GRU state over the history, REINFORCE with the top-K off-policy correction on interactions and the impression log, policy head meta-learned across users and adapted per user in a few steps.',
  params: metaRlParamsSchema,
  searchSpace: META_RL_SEARCH_SPACE,
  train: trainMetaRl,
  load: loadMetaRlModel,
  recommend: recommendMetaRl,
  adapt: adaptMetaRl,
  adapts: (params) => params.adaptSteps > 0,
  // New feedback moves the trend features at once (the policy itself changes at the next training).
  observe: (model, interaction) => model.trendCounts.observe(interaction),
  dispose: disposeMetaRlModel,
});

export { metaRlParamsSchema, type MetaRlParams } from './params.js';
export type { MetaRlModel } from './serving-model.js';
