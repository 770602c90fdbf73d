/**
 * Keeps a gateway's live models in step with the model store. At start it loads every live
 * version; afterwards a promotion message (Redis pub/sub) or the polling timer makes it
 * compare the store's live ids with what it serves, load a changed version beside the old
 * one and swap it in atomically (`LiveModels.install`): requests in flight finish on the
 * model they started with.
 */
import { decodeArtifact } from '../strategies/artifact-codec.js';
import type { CatalogView, Logger } from '../strategies/contract.js';
import { parseStrategyParams } from '../strategies/params.js';
import type { RegisteredStrategy, StrategyRegistry } from '../strategies/registry.js';
import type { LiveModels } from './live-models.js';
import type { ModelStore } from './model-store.js';
import type { ModelVersion } from './model-version.js';
import type { PromotionMessage } from './promotion-channel.js';
import type { TrainedModel } from './train-strategy.js';

/**
 * A stored version as the registry entry it loads with and the trained model to load. The
 * version's own params: a model trained with other params than the registered ones must be
 * loaded with the params it was trained with.
 */
export function storedModelOf(version: ModelVersion, registry: StrategyRegistry): { entry: RegisteredStrategy; trained: TrainedModel } {
  const registered = registry.get(version.strategy);
  const entry = Object.freeze({ ...registered, params: Object.freeze(parseStrategyParams(registered.definition, version.params)) });
  return {
    entry,
    trained: {
      artifact: decodeArtifact(version.artifact, { label: version.id }),
      metrics: version.metrics,
      strategy: version.strategy,
      strategyVersion: version.strategyVersion,
      version: version.id,
      trainedAt: version.trainedAt,
      durationMs: version.durationMs,
    },
  };
}

export interface ModelReloaderOptions {
  readonly store: ModelStore;
  readonly registry: StrategyRegistry;
  readonly models: LiveModels;
  /** The catalogue view models are loaded against (read at each load). */
  readonly catalog: () => CatalogView;
  readonly log: Logger;
  /** Poll the store this often, seconds; 0 = never. @default 30 */
  readonly pollSeconds?: number;
  /**
   * Which versions to load, judged with the params of the version (a worker adapting users
   * needs only models that adapt). @default every version of a registered strategy
   */
  readonly include?: (entry: RegisteredStrategy) => boolean;
  /** Tells the other gateways of a promotion (Redis pub/sub). @default none: they poll */
  readonly publish?: (message: PromotionMessage) => Promise<void>;
}

export class ModelReloader {
  #timer: NodeJS.Timeout | null = null;
  /** One sync at a time: a burst of promotion messages becomes one or two store reads. */
  #running: Promise<void> | null = null;
  #again = false;
  #closed = false;
  /** Versions `include` turned down, so polling does not read their artifacts again. */
  readonly #excluded = new Set<string>();

  constructor(private readonly options: ModelReloaderOptions) {}

  /** Loads every live version the store has for a registered strategy. */
  async start(): Promise<void> {
    await this.sync();
    const seconds = this.options.pollSeconds ?? 30;
    if (seconds > 0) {
      this.#timer = setInterval(() => void this.sync(), seconds * 1000);
      this.#timer.unref();
    }
  }

  /** Compares the store's live versions with the served ones and installs what changed. */
  sync(): Promise<void> {
    if (this.#closed) return Promise.resolve();
    if (this.#running) {
      this.#again = true;
      return this.#running;
    }
    this.#running = (async () => {
      try {
        do {
          this.#again = false;
          await this.#syncOnce();
        } while (this.#again && !this.#closed);
      } finally {
        this.#running = null;
      }
    })();
    return this.#running;
  }

  async #syncOnce(): Promise<void> {
    let live: Map<string, string>;
    try {
      live = await this.options.store.liveIds();
    } catch (error) {
      this.options.log.warn('model store unreachable; serving the loaded models', { error: String(error) });
      return;
    }
    for (const [strategy, id] of live) {
      if (!this.options.registry.has(strategy)) continue;
      if (this.options.models.get(strategy)?.version === id || this.#excluded.has(id)) continue;
      try {
        const version = await this.options.store.get(id);
        if (version) await this.#install(version);
      } catch (error) {
        this.options.log.warn('loading a promoted model failed; serving the previous one', { strategy, version: id, error: String(error) });
      }
    }
  }

  async #install(version: ModelVersion): Promise<void> {
    const { entry, trained } = storedModelOf(version, this.options.registry);
    if (this.options.include && !this.options.include(entry)) {
      this.#excluded.add(version.id);
      return;
    }
    await this.options.models.install(entry, trained, this.options.catalog());
    this.options.log.info('model version loaded', { strategy: version.strategy, version: version.id, metrics: version.metrics });
  }

  /**
   * A promotion made here (promoteModel, rollbackModel): loads it in this gateway and tells
   * the others. A failed publish only delays them until their next poll.
   */
  async announce(strategy: string, versionId: string): Promise<void> {
    try {
      await this.options.publish?.({ strategy, versionId });
    } catch (error) {
      this.options.log.warn('announcing a promotion failed; other gateways will find it by polling', { strategy, error: String(error) });
    }
    await this.sync();
  }

  async close(): Promise<void> {
    this.#closed = true;
    if (this.#timer) clearInterval(this.#timer);
    await this.#running;
  }
}
