/**
 * The model versions this gateway serves, one per strategy. Installing a new version is an
 * atomic swap: a request holds the `LiveModel` it started with, so it finishes on that
 * version; the replaced model is disposed after a grace period longer than any request.
 */
import type { CatalogView, InteractionRecord, Logger } from '../strategies/contract.js';
import type { RegisteredStrategy } from '../strategies/registry.js';
import type { TrainedModel } from './train-strategy.js';

/** Longer than any request's strategy time budget. */
const DISPOSE_GRACE_MS = 30_000;

export interface LiveModel {
  readonly strategy: string;
  readonly version: string;
  readonly entry: RegisteredStrategy;
  readonly model: unknown;
  readonly metrics: Readonly<Record<string, number>>;
  readonly trainedAt: Date;
  readonly loadedAt: Date;
  /** Whether this model adapts per user (its strategy's `adapts` with the version's params). */
  readonly adapts: boolean;
}

/** Loads a trained model into a servable one (the caller owns it: dispose it when done). */
export async function loadLiveModel(entry: RegisteredStrategy, trained: TrainedModel, catalog: CatalogView, log: Logger): Promise<LiveModel> {
  const model = await entry.definition.load(trained.artifact, { params: entry.params, catalog, log });
  return Object.freeze({
    strategy: trained.strategy,
    version: trained.version,
    entry,
    model,
    metrics: trained.metrics,
    trainedAt: trained.trainedAt,
    loadedAt: new Date(),
    adapts: entry.definition.adapts(entry.params),
  });
}

export class LiveModels {
  readonly #models = new Map<string, LiveModel>();
  /** Replaced models waiting out their grace period. */
  readonly #retiring = new Map<NodeJS.Timeout, LiveModel>();

  constructor(private readonly log: Logger) {}

  get(strategy: string): LiveModel | undefined {
    return this.#models.get(strategy);
  }

  list(): LiveModel[] {
    return [...this.#models.values()];
  }

  /** Loads a trained model and makes it the one served for its strategy. */
  async install(entry: RegisteredStrategy, trained: TrainedModel, catalog: CatalogView): Promise<LiveModel> {
    const live = await loadLiveModel(entry, trained, catalog, this.log);
    const previous = this.#models.get(trained.strategy);
    this.#models.set(trained.strategy, live);
    if (previous) this.#disposeLater(previous);
    return live;
  }

  /** Feedback that just arrived, for strategies that learn online (popularity). */
  observe(interaction: InteractionRecord): void {
    for (const live of this.#models.values()) {
      try {
        live.entry.definition.observe(live.model, interaction);
      } catch (error) {
        this.log.warn('strategy observe failed', { strategy: live.strategy, error: String(error) });
      }
    }
  }

  #disposeLater(live: LiveModel): void {
    const timer = setTimeout(() => {
      this.#retiring.delete(timer);
      live.entry.definition.dispose(live.model);
    }, DISPOSE_GRACE_MS);
    timer.unref();
    this.#retiring.set(timer, live);
  }

  /** Disposes every model now (shutdown). */
  close(): void {
    for (const [timer, live] of this.#retiring) {
      clearTimeout(timer);
      live.entry.definition.dispose(live.model);
    }
    this.#retiring.clear();
    for (const live of this.#models.values()) live.entry.definition.dispose(live.model);
    this.#models.clear();
  }
}
