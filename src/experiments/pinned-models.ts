/**
 * Model versions pinned by running experiments' variants, loaded beside the live ones (a
 * variant may serve a candidate or a retired version while the live one serves everyone
 * else). Loaded before the experiment's assignment takes effect; disposed when no running
 * experiment pins them any more.
 */
import { storedModelOf } from '../models/model-reloader.js';
import type { ModelStore } from '../models/model-store.js';
import { loadLiveModel, type LiveModel } from '../models/live-models.js';
import type { CatalogView, Logger } from '../strategies/contract.js';
import type { StrategyRegistry } from '../strategies/registry.js';

export interface PinnedModelsDeps {
  readonly store: ModelStore;
  readonly registry: StrategyRegistry;
  readonly catalog: () => CatalogView;
  readonly log: Logger;
}

/** Longer than any request's strategy time budget. */
const DISPOSE_GRACE_MS = 30_000;

export class PinnedModels {
  readonly #loaded = new Map<string, LiveModel>();

  constructor(private readonly deps: PinnedModelsDeps) {}

  get(id: string): LiveModel | undefined {
    return this.#loaded.get(id);
  }

  /** Loads the versions not loaded yet; disposes the ones no longer wanted. A version that fails to load is left out (logged). */
  async keep(ids: ReadonlySet<string>): Promise<void> {
    for (const id of ids) {
      if (this.#loaded.has(id)) continue;
      try {
        const version = await this.deps.store.get(id);
        if (!version) throw new Error('no such model version');
        const { entry, trained } = storedModelOf(version, this.deps.registry);
        this.#loaded.set(id, await loadLiveModel(entry, trained, this.deps.catalog(), this.deps.log));
      } catch (error) {
        this.deps.log.warn('pinned model version not loaded; its variant serves the live model', { version: id, error: String(error) });
      }
    }
    for (const [id, live] of this.#loaded) {
      if (ids.has(id)) continue;
      this.#loaded.delete(id);
      setTimeout(() => live.entry.definition.dispose(live.model), DISPOSE_GRACE_MS).unref();
    }
  }

  close(): void {
    for (const live of this.#loaded.values()) live.entry.definition.dispose(live.model);
    this.#loaded.clear();
  }
}
