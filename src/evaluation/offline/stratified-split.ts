/**
 * The `stratified` protocol, after Microsoft Recommenders' `python_stratified_split`
 * (ratio 0.75, filter_by="user", min_rating=4): per user, draw a uniform random key for each
 * relevant item, order the items by key, and the item at rank r (1-based) of n trains when
 * r / n <= 0.75, else tests. A user with n items thus trains floor(0.75 n) and tests the rest.
 * docs/evaluation.md lists where this differs from Recommenders.
 */
import { createRandom } from '../../ml/random.js';
import type { CatalogItem, InteractionRecord } from '../../strategies/contract.js';
import { assembleSplit } from './assemble-split.js';
import type { EvaluationCase, EvaluationSplit, SplitOptions } from './evaluation-split.js';
import { resolveSplitOptions } from './split-options.js';
import { buildTimelines, compareIds } from './user-timelines.js';

export function stratifiedSplit(interactions: readonly InteractionRecord[], items: readonly CatalogItem[], options: SplitOptions): EvaluationSplit {
  const resolved = resolveSplitOptions(options);
  const timelines = buildTimelines(interactions, items);
  const random = createRandom(resolved.seed);
  const cases: EvaluationCase[] = [];
  let eligibleUsers = 0;
  for (const user of timelines.users) {
    if (user.firstPositiveAt.size < resolved.minInteractions) continue;
    eligibleUsers++;
    // Keys are drawn in item-id order, so the split does not depend on input order.
    const keyed = [...user.firstPositiveAt.keys()].sort(compareIds).map((itemId) => ({ itemId, key: random.next() }));
    keyed.sort((a, b) => a.key - b.key || compareIds(a.itemId, b.itemId));
    const n = keyed.length;
    const relevant = new Set<string>();
    keyed.forEach((entry, i) => {
      if ((i + 1) / n > resolved.trainRatio) relevant.add(entry.itemId);
    });
    // Every interaction with a test item leaves train, whatever its weight: it would reveal the item.
    const history = user.records.filter((r) => !relevant.has(r.itemId));
    cases.push({ userId: user.userId, history, seen: new Set(history.map((r) => r.itemId)), relevant });
  }
  return assembleSplit({
    protocol: 'stratified',
    options: resolved,
    inputInteractions: interactions.length,
    timelines,
    eligibleUsers,
    skippedUsers: 0,
    cases,
  });
}
