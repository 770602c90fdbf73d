/**
 * The `cold-start` protocol's split. Users with at least max(support) + query distinct positive
 * items on active catalogue items are eligible; a seeded share of them (10%) are test users,
 * whose interactions are all removed from training. For each test user, in time order of their
 * first positive interaction with each item:
 * - the support for n is the first n items: the history a request carries (the user's
 *   interactions with those items up to the n-th one's time) and what `adapt` runs on;
 * - the query is the next `query` items after the largest support, the same for every n.
 * The RecBole-MetaRec variant draws `query` random positive items of the user outside the
 * largest support (seeded; the same for every n) and ranks only those, graded by their rating
 * (or positive weight when not a rating).
 */
import { rgError } from '../../errors.js';
import { createRandom } from '../../ml/random.js';
import type { CatalogItem, InteractionRecord } from '../../strategies/contract.js';
import { buildTimelines, compareIds, oldestFirst } from './user-timelines.js';

export interface ColdStartUser {
  readonly userId: string;
  /** Distinct positive items in the order of their first positive interaction. */
  readonly positives: readonly string[];
  /** The time of each of those first positive interactions. */
  readonly positiveAt: readonly number[];
  /** Every interaction of the user with an active item, oldest first. */
  readonly records: readonly InteractionRecord[];
  /** The next-items query: positives[maxSupport .. maxSupport + query). */
  readonly query: ReadonlySet<string>;
  /** The RecBole-MetaRec query: random positives outside the largest support, with their largest gain (`recboleGain`). */
  readonly randomQuery: ReadonlyMap<string, number>;
}

export interface ColdStartSplit {
  readonly seed: number;
  readonly support: readonly number[];
  readonly query: number;
  readonly testShare: number;
  readonly train: readonly InteractionRecord[];
  readonly users: readonly ColdStartUser[];
  readonly now: number;
  readonly stats: { readonly eligibleUsers: number; readonly testUsers: number; readonly trainInteractions: number; readonly activeItems: number };
}

export interface ColdStartSplitOptions {
  readonly seed: number;
  /** Support sizes, ascending. */
  readonly support: readonly number[];
  readonly query: number;
  /** @default 0.1 */
  readonly testShare?: number;
}

/**
 * The graded relevance of a positive interaction in the RecBole-MetaRec variant: a rating's
 * value (those benchmarks rank by rating; with the default signal policy every rating weighs
 * 1, which would make every order ideal), otherwise the positive signal weight.
 */
export function recboleGain(r: InteractionRecord): number {
  return r.type === 'rating' && r.value !== null && r.value > 0 ? r.value : r.weight;
}

/** A user's history for support n: interactions with the first n positive items, up to the n-th one's first positive time. */
export function supportHistory(user: ColdStartUser, n: number): InteractionRecord[] {
  if (n === 0) return [];
  const items = new Set(user.positives.slice(0, n));
  const until = user.positiveAt[n - 1]!;
  return user.records.filter((r) => items.has(r.itemId) && r.occurredAt <= until);
}

export function coldStartSplit(interactions: readonly InteractionRecord[], items: readonly CatalogItem[], options: ColdStartSplitOptions): ColdStartSplit {
  const testShare = options.testShare ?? 0.1;
  const maxSupport = Math.max(0, ...options.support);
  const needed = maxSupport + options.query;
  const timelines = buildTimelines(interactions, items);
  const eligible = timelines.users.filter((u) => u.firstPositiveAt.size >= needed);
  if (eligible.length === 0) {
    throw rgError('RG_ERR_EVAL_NO_DATA', {
      reason: `no user has ${needed} distinct positively-interacted active items (largest --support ${maxSupport} + --query ${options.query})`,
    });
  }
  const random = createRandom(options.seed);
  const chosen = new Set(random.shuffle(eligible.map((u) => u.userId)).slice(0, Math.max(1, Math.round(testShare * eligible.length))));
  const users: ColdStartUser[] = [];
  for (const u of eligible) {
    if (!chosen.has(u.userId)) continue;
    const ordered = [...u.firstPositiveAt].sort((a, b) => a[1] - b[1] || compareIds(a[0], b[0]));
    const positives = ordered.map(([id]) => id);
    const weightOf = new Map<string, number>();
    for (const r of u.records) if (r.weight > 0) weightOf.set(r.itemId, Math.max(weightOf.get(r.itemId) ?? 0, recboleGain(r)));
    const rest = random.shuffle(positives.slice(maxSupport)).slice(0, options.query);
    users.push({
      userId: u.userId,
      positives,
      positiveAt: ordered.map(([, at]) => at),
      records: u.records,
      query: new Set(positives.slice(maxSupport, maxSupport + options.query)),
      randomQuery: new Map(rest.map((id) => [id, weightOf.get(id)!])),
    });
  }
  users.sort((a, b) => compareIds(a.userId, b.userId));
  const train = oldestFirst(interactions.filter((r) => !chosen.has(r.userId)));
  return {
    seed: options.seed,
    support: options.support,
    query: options.query,
    testShare,
    train,
    users,
    now: train.length > 0 ? train[train.length - 1]!.occurredAt : 0,
    stats: { eligibleUsers: eligible.length, testUsers: users.length, trainInteractions: train.length, activeItems: timelines.activeItems },
  };
}
