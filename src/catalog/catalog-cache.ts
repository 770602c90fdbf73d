/**
 * The item catalogue in gateway memory, for serving: strategies filter and explain from it
 * and slates resolve their items from it without a database round trip. The database stays
 * the source of truth; the cache is rebuilt after catalogue writes and on the refresh timer.
 */
import type { CatalogItem, CatalogView } from '../strategies/contract.js';
import { createCatalogView } from '../strategies/in-memory-readers.js';
import { loadCatalog, type Database } from '../db/index.js';

export class CatalogCache {
  #view: CatalogView = createCatalogView([]);
  #items: readonly CatalogItem[] = [];
  #externalIds = new Map<number, string>();
  #loading: Promise<void> | null = null;

  constructor(private readonly db: Database) {}

  /** The current view; a request keeps the one it started with. */
  get view(): CatalogView {
    return this.#view;
  }

  get items(): readonly CatalogItem[] {
    return this.#items;
  }

  /** The external id of an item by its database id (items loaded at the last refresh). */
  externalIdOf(dbId: number): string | undefined {
    return this.#externalIds.get(dbId);
  }

  /** Reloads from the database; concurrent calls share one load. */
  async refresh(): Promise<void> {
    if (this.#loading) return this.#loading;
    this.#loading = (async () => {
      try {
        const rows = await loadCatalog(this.db);
        const items = rows.map((r) => r.item);
        this.#items = items;
        this.#view = createCatalogView(items);
        this.#externalIds = new Map(rows.map((r) => [r.dbId, r.item.id]));
      } finally {
        this.#loading = null;
      }
    })();
    return this.#loading;
  }
}
