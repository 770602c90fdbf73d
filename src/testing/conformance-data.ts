/**
 * The world the conformance suite tests a strategy in: the fixture slice, a catalogue in which
 * the most-rated movies are switched off (a strategy that ignores `active` would return them
 * first), probe users, and the categories filters are tried with.
 */
import type { CatalogItem, CatalogView, InteractionRecord, RecommendRequest, UserState } from '../strategies/contract.js';
import { createCatalogView } from '../strategies/in-memory-readers.js';
import { loadMovieTweetingsFixture, type MovieTweetingsFixtureOptions } from './fixture.js';

/** Inactive items: enough that a popularity-like ranking meets them at once. */
const DEACTIVATED_ITEMS = 5;

export interface ConformanceData {
  readonly interactions: readonly InteractionRecord[];
  /** The catalogue, inactive items included (what a `CatalogReader` returns). */
  readonly items: readonly CatalogItem[];
  readonly catalog: CatalogView;
  readonly deactivated: readonly string[];
  readonly now: number;
  /** Users of the slice, each with their whole history, spread over the file. */
  readonly probeUsers: readonly UserState[];
  /** The category most active items carry, and one carried by only a few. */
  readonly commonCategory: string;
  readonly rareCategory: string;
}

export function prepareConformanceData(fixtureOptions: MovieTweetingsFixtureOptions | undefined, probeCount: number): ConformanceData {
  const fixture = loadMovieTweetingsFixture(fixtureOptions);
  const ratingsPerItem = new Map<string, number>();
  for (const r of fixture.interactions) ratingsPerItem.set(r.itemId, (ratingsPerItem.get(r.itemId) ?? 0) + 1);
  const deactivated = [...ratingsPerItem.entries()]
    .sort(([a, x], [b, y]) => y - x || (a < b ? -1 : 1))
    .slice(0, DEACTIVATED_ITEMS)
    .map(([id]) => id);
  const off = new Set(deactivated);
  const items = fixture.items.map((item) => (off.has(item.id) ? { ...item, active: false } : item));

  const perCategory = new Map<string, number>();
  for (const item of items) if (item.active) for (const c of item.categories) perCategory.set(c, (perCategory.get(c) ?? 0) + 1);
  const byCount = [...perCategory.entries()].sort(([a, x], [b, y]) => y - x || (a < b ? -1 : 1));
  const commonCategory = byCount[0]?.[0] ?? 'none';
  // The rarest category that still has a few items, so a filtered slate can be non-empty.
  const rareCategory = [...byCount].reverse().find(([, n]) => n >= 3)?.[0] ?? commonCategory;

  const historyOf = new Map<string, InteractionRecord[]>();
  for (const r of fixture.interactions) {
    let h = historyOf.get(r.userId);
    if (!h) historyOf.set(r.userId, (h = []));
    h.push(r);
  }
  const step = Math.max(1, Math.floor(fixture.userIds.length / probeCount));
  const probeUsers: UserState[] = [];
  for (let i = 0; i < fixture.userIds.length && probeUsers.length < probeCount; i += step) {
    const id = fixture.userIds[i]!;
    probeUsers.push({ id, known: true, attributes: {}, history: historyOf.get(id) ?? [] });
  }
  return {
    interactions: fixture.interactions,
    items,
    catalog: createCatalogView(items),
    deactivated,
    now: fixture.now,
    probeUsers,
    commonCategory,
    rareCategory,
  };
}

/** A user the strategy never saw in training who has the same history as `user`. */
export function newcomerLike(user: UserState, id: string): UserState {
  return { id, known: false, attributes: {}, history: user.history.map((r) => ({ ...r, userId: id })) };
}

export function requestFor(data: ConformanceData, user: UserState, k: number, overrides: Partial<RecommendRequest> = {}): RecommendRequest {
  return {
    user,
    k,
    exclude: new Set(user.history.map((r) => r.itemId)),
    filter: {},
    context: {},
    surface: 'conformance',
    catalog: data.catalog,
    now: data.now,
    ...overrides,
  };
}
