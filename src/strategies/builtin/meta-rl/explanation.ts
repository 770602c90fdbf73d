/**
 * Why an item was chosen, in the user's terms: the history item that drove it, i.e. the
 * positively-rated history item whose representation is most aligned with the chosen item's
 * (the encoder reads those representations, so it is the history item pulling the state
 * towards that region of item space). Without such an item: a start for new visitors.
 */
import type { FeedbackType } from '../../../interactions/feedback-type.js';
import type { CatalogView } from '../../contract.js';
import type { HistoryStep } from './history-input.js';
import type { ItemSpace } from './sampled-softmax.js';

const VERB: Record<FeedbackType, string> = {
  view: 'viewed',
  click: 'opened',
  add_to_cart: 'added to your cart',
  purchase: 'bought',
  rating: 'rated',
  dismiss: 'dismissed',
};

export function explainer(steps: readonly HistoryStep[], historyIds: readonly string[], items: ItemSpace, catalog: CatalogView): (row: number) => string {
  const dim = items.dim;
  const candidates = steps.map((s, i) => ({ s, id: historyIds[i]! })).filter(({ s }) => s.row >= 0 && s.weight > 0);
  return (row) => {
    let best = -1;
    let bestScore = -Infinity;
    candidates.forEach(({ s }, i) => {
      let dot = 0;
      for (let k = 0; k < dim; k++) dot += items.vectors[row * dim + k]! * items.vectors[s.row * dim + k]!;
      if (dot > bestScore) [best, bestScore] = [i, dot];
    });
    if (best < 0) return 'A strong start for new visitors, chosen by the learned policy';
    const { s, id } = candidates[best]!;
    const title = catalog.get(id)?.title || id;
    return `Because you ${VERB[s.type]} “${title}”`;
  };
}
