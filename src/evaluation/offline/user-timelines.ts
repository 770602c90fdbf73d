/**
 * The shared first step of every split protocol: keep interactions with active catalogue
 * items, group them by user (oldest first), and collapse each user's positive interactions
 * with an item into one relevant (user, item) pair.
 *
 * Why collapse: a customer who bought the same mug three times has one relevant item, not
 * three. Counting repeats would inflate recall denominators, and a repeat could land in
 * train and test at once, where removing seen items would make it unrankable.
 */
import type { CatalogItem, InteractionRecord } from '../../strategies/contract.js';

export interface UserTimeline {
  readonly userId: string;
  /** Every interaction of the user with an active item (any weight), oldest first. */
  readonly records: readonly InteractionRecord[];
  /** Items with at least one positive (weight > 0) interaction, to the time of the first. */
  readonly firstPositiveAt: ReadonlyMap<string, number>;
}

export interface Timelines {
  /** Users with at least one positive interaction, sorted by id. */
  readonly users: readonly UserTimeline[];
  readonly interactionsOnActiveItems: number;
  readonly activeItems: number;
}

/** Plain code-unit order: the same on every machine and locale. */
export const compareIds = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

export function buildTimelines(interactions: readonly InteractionRecord[], items: readonly CatalogItem[]): Timelines {
  const active = new Set<string>();
  for (const item of items) if (item.active) active.add(item.id);
  const kept = interactions.filter((r) => active.has(r.itemId));
  // Stable: interactions at the same millisecond keep their input order.
  kept.sort((a, b) => a.occurredAt - b.occurredAt);

  const byUser = new Map<string, { records: InteractionRecord[]; firstPositiveAt: Map<string, number> }>();
  for (const r of kept) {
    let entry = byUser.get(r.userId);
    if (!entry) {
      entry = { records: [], firstPositiveAt: new Map() };
      byUser.set(r.userId, entry);
    }
    entry.records.push(r);
    if (r.weight > 0 && !entry.firstPositiveAt.has(r.itemId)) entry.firstPositiveAt.set(r.itemId, r.occurredAt);
  }
  const users: UserTimeline[] = [];
  for (const [userId, entry] of byUser) if (entry.firstPositiveAt.size > 0) users.push({ userId, ...entry });
  users.sort((a, b) => compareIds(a.userId, b.userId));
  return { users, interactionsOnActiveItems: kept.length, activeItems: active.size };
}

/** All records, oldest first (stable): the order readers promise. */
export function oldestFirst(records: InteractionRecord[]): InteractionRecord[] {
  return records.sort((a, b) => a.occurredAt - b.occurredAt);
}
