/**
 * `item-item`: items like the ones a user liked. EASE (Steck 2019) where the catalogue fits its
 * closed form, cosine item-kNN beyond; both pruned to each item's top neighbours. It also
 * answers `similar` ("more like this", "often bought with"). See docs/strategies/item-item.md.
 */
import { defineStrategy } from '../../contract.js';
import { itemItemModelFromArtifact, type ItemItemModel } from './item-item-model.js';
import { ITEM_ITEM_NAME } from './limits.js';
import { itemItemParams, type ItemItemParams } from './params.js';
import { recommendItemItem } from './recommend.js';
import { similarItemItem } from './similar.js';
import { trainItemItem } from './train.js';

export { itemItemParams, type ItemItemParams } from './params.js';
export { EASE_MAX_ITEMS, KNN_MAX_ITEMS } from './limits.js';
export type { ItemItemModel } from './item-item-model.js';

export const itemItemStrategy = defineStrategy<ItemItemParams, ItemItemModel>({
  name: ITEM_ITEM_NAME,
  version: '1.0.0',
  description: 'Item-item neighbours: EASE up to 5,000 items, cosine item-kNN beyond; explains by the liked item.',
  params: itemItemParams,
  train: trainItemItem,
  load: (artifact) => itemItemModelFromArtifact(artifact),
  recommend: recommendItemItem,
  similar: similarItemItem,
  // Model search (docs/model-search.md): EASE's penalty spans orders of magnitude across
  // datasets (Steck: 100 to 1000, larger on denser data), and how many neighbours to keep
  // trades recall on long histories against noise from weak neighbours. Only EASE reads lambda.
  searchSpace: {
    lambda: { kind: 'float', min: 10, max: 10_000, log: true },
    neighbours: { kind: 'int', min: 20, max: 500, log: true },
  },
});
