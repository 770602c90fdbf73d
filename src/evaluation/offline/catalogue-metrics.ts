/**
 * Beyond accuracy: how much of the catalogue the recommendations reach, and how popular
 * the recommended items are. docs/evaluation.md has the formulas.
 */
import type { InteractionRecord } from '../../strategies/contract.js';

export interface CatalogueMetrics {
  /** Distinct items recommended (in any user's top k) / active catalogue items. */
  readonly coverage: number;
  /** Distinct items recommended (in any user's top k). */
  readonly distinctItems: number;
  /**
   * Mean over users (with a non-empty list) of the mean popularity of their top-k items,
   * where an item's popularity is the number of distinct train users with a positive
   * interaction with it.
   */
  readonly meanPopularity: number;
  /** `meanPopularity` divided by the number of distinct train users with a positive interaction (0..1). */
  readonly meanPopularityShare: number;
}

export interface ItemPopularity {
  /** Item -> distinct train users with a positive interaction with it. */
  readonly byItem: ReadonlyMap<string, number>;
  /** Distinct train users with any positive interaction. */
  readonly users: number;
}

export function itemPopularity(train: readonly InteractionRecord[]): ItemPopularity {
  const usersByItem = new Map<string, Set<string>>();
  const users = new Set<string>();
  for (const r of train) {
    if (r.weight <= 0) continue;
    users.add(r.userId);
    let set = usersByItem.get(r.itemId);
    if (!set) usersByItem.set(r.itemId, (set = new Set()));
    set.add(r.userId);
  }
  const byItem = new Map<string, number>();
  for (const [itemId, set] of usersByItem) byItem.set(itemId, set.size);
  return { byItem, users: users.size };
}

/** Accumulates top-k lists one user at a time (so lists need not be kept in memory). */
export class CatalogueMetricsAccumulator {
  readonly #distinct = new Set<string>();
  readonly #popularity: ItemPopularity;
  readonly #activeItems: number;
  #popularitySum = 0;
  #usersWithList = 0;

  constructor(popularity: ItemPopularity, activeItems: number) {
    this.#popularity = popularity;
    this.#activeItems = activeItems;
  }

  /** Adds one user's list, already cut to k. */
  add(topK: readonly string[]): void {
    if (topK.length === 0) return;
    let sum = 0;
    for (const itemId of topK) {
      this.#distinct.add(itemId);
      sum += this.#popularity.byItem.get(itemId) ?? 0;
    }
    this.#popularitySum += sum / topK.length;
    this.#usersWithList++;
  }

  result(): CatalogueMetrics {
    const meanPopularity = this.#usersWithList > 0 ? this.#popularitySum / this.#usersWithList : 0;
    return {
      coverage: this.#activeItems > 0 ? this.#distinct.size / this.#activeItems : 0,
      distinctItems: this.#distinct.size,
      meanPopularity,
      meanPopularityShare: this.#popularity.users > 0 ? meanPopularity / this.#popularity.users : 0,
    };
  }
}
