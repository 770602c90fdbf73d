/**
 * The `temporal` protocol (leave-last-one-out): per user, the item whose first positive
 * interaction is the user's latest is the test item; the user's interactions strictly
 * before that moment train. When several items share that moment (one basket, one
 * invoice), the seeded generator picks the test item and the others are left out of train
 * too: they happened at the same time, not before.
 */
import { createRandom } from '../../ml/random.js';
import type { CatalogItem, InteractionRecord } from '../../strategies/contract.js';
import { assembleSplit } from './assemble-split.js';
import type { EvaluationCase, EvaluationSplit, SplitOptions } from './evaluation-split.js';
import { resolveSplitOptions } from './split-options.js';
import { buildTimelines, compareIds } from './user-timelines.js';

export function temporalSplit(interactions: readonly InteractionRecord[], items: readonly CatalogItem[], options: SplitOptions): EvaluationSplit {
  const resolved = resolveSplitOptions(options);
  const timelines = buildTimelines(interactions, items);
  const random = createRandom(resolved.seed);
  const cases: EvaluationCase[] = [];
  let eligibleUsers = 0;
  let skippedUsers = 0;
  for (const user of timelines.users) {
    if (user.firstPositiveAt.size < resolved.minInteractions) continue;
    eligibleUsers++;
    let last = -Infinity;
    for (const at of user.firstPositiveAt.values()) if (at > last) last = at;
    const candidates: string[] = [];
    for (const [itemId, at] of user.firstPositiveAt) if (at === last) candidates.push(itemId);
    candidates.sort(compareIds);
    const testItem = candidates.length === 1 ? candidates[0]! : candidates[random.int(candidates.length)]!;
    const history = user.records.filter((r) => r.occurredAt < last && r.itemId !== testItem);
    if (history.length === 0) {
      skippedUsers++;
      continue;
    }
    cases.push({ userId: user.userId, history, seen: new Set(history.map((r) => r.itemId)), relevant: new Set([testItem]) });
  }
  return assembleSplit({
    protocol: 'temporal',
    options: resolved,
    inputInteractions: interactions.length,
    timelines,
    eligibleUsers,
    skippedUsers,
    cases,
  });
}
