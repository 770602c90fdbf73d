/**
 * What a gateway runs on its own once built: the catalogue and popularity refresh (now and
 * on a timer), hot reload of promoted model versions, and training, in the background, the
 * strategies the model store has no live version of.
 */
import type { Config } from '../config/index.js';
import { dbInteractionReader } from '../db/index.js';
import type { Logger } from '../strategies/contract.js';
import { arrayCatalogReader } from '../strategies/in-memory-readers.js';
import type { RegisteredStrategy } from '../strategies/registry.js';
import { trainStrategy } from '../models/train-strategy.js';
import type { JobRuntime } from '../jobs/job-runtime.js';
import { FALLBACK_STRATEGY } from '../serving/serving-chain.js';
import type { GatewayServices } from '../schema/gateway-services.js';

export interface BackgroundWork {
  /** Settles when the strategies trained at start are loaded (or failed). */
  readonly startupTraining: Promise<void>;
  /** Reloads the catalogue and retrains popularity unless a promoted version of it is live. */
  refresh(): Promise<void>;
  /** Stops the refresh timer. */
  stop(): void;
}

export interface BackgroundWorkOptions {
  readonly log: Logger;
  /** Refresh on a timer. @default true */
  readonly refresh?: boolean;
}

/** Resolves once the gateway can serve: the catalogue, popularity and promoted versions are loaded. */
export async function startBackgroundWork(
  config: Config,
  services: GatewayServices,
  jobRuntime: JobRuntime,
  options: BackgroundWorkOptions,
): Promise<BackgroundWork> {
  const { db, catalogCache, models, registry } = services;
  const { log } = options;
  const interactions = dbInteractionReader(db, config.signalPolicy);
  const train = async (entry: RegisteredStrategy): Promise<void> => {
    const trained = await trainStrategy(entry, { interactions, catalog: arrayCatalogReader(catalogCache.items) });
    await models.install(entry, trained, catalogCache.view);
    log.info('model loaded', { strategy: trained.strategy, version: trained.version, durationMs: trained.durationMs, metrics: trained.metrics });
  };
  // Popularity trains in the gateway on every refresh: it is cheap, and it is the fallback.
  const refresh = async (): Promise<void> => {
    await catalogCache.refresh();
    // A popularity version promoted in the model store wins (the reloader serves it, and
    // feedback still reaches it through observe); retraining here would flip between the two.
    const stored = await jobRuntime.store.getLive(FALLBACK_STRATEGY).catch(() => null);
    if (!stored || !models.get(FALLBACK_STRATEGY)) await train(registry.get(FALLBACK_STRATEGY));
  };
  await refresh();
  // Live versions from the model store first: a restart serves what was promoted, untrained.
  await jobRuntime.reloader.start();

  // Strategies without a live version train in the background (embedded mode: in-process,
  // one at a time; with Redis: on the workers); until each is loaded, popularity serves.
  const others = registry
    .list()
    .filter((e) => e.definition.name !== FALLBACK_STRATEGY)
    .filter((e) => config.trainOnStart === 'all' || config.trainOnStart.includes(e.definition.name));
  const startupTraining = jobRuntime.trainMissing(others);

  let timer: NodeJS.Timeout | null = null;
  if (options.refresh !== false) {
    timer = setInterval(() => {
      refresh().catch((error: unknown) => log.warn('refresh failed; serving the loaded models', { error: String(error) }));
    }, config.refreshSeconds * 1000);
    timer.unref();
  }
  return {
    startupTraining,
    refresh,
    stop() {
      if (timer) clearInterval(timer);
      timer = null;
    },
  };
}
