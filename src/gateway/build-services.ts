/**
 * Builds everything a gateway serves with, and nothing that runs on its own: the database
 * (migrated), the registry, the catalogue cache, the live models, the meta-policy, the job
 * runtime and the services resolvers call. Background work starts in `background-work.ts`.
 */
import type { Config } from '../config/index.js';
import { openDatabase, type Database } from '../db/index.js';
import { openServingStore, type ServingStore } from '../db/serving-store.js';
import type { AppLogger } from '../logger.js';
import type { StrategyRegistry } from '../strategies/registry.js';
import { createRegistry } from '../strategies/create-registry.js';
import { CatalogCache } from '../catalog/catalog-cache.js';
import { UserStateLoader } from '../catalog/user-state-loader.js';
import { LiveModels } from '../models/live-models.js';
import { startJobRuntime, type JobRuntime } from '../jobs/job-runtime.js';
import { startMetaPolicy, type MetaPolicyRuntime } from '../policy/meta-policy-runtime.js';
import { AdaptRequests } from '../adaptation/adapt-requests.js';
import { adaptUser } from '../adaptation/adapt-user.js';
import type { AdaptedStateStore } from '../adaptation/adapted-state-store.js';
import { InMemoryAdaptedStateStore } from '../adaptation/in-memory-adapted-state-store.js';
import { RedisAdaptedStateStore } from '../adaptation/redis-adapted-state-store.js';
import { CatalogService } from '../serving/catalog-service.js';
import { ImpressionLog } from '../serving/impression-log.js';
import { ExperimentsRuntime } from '../experiments/experiments-runtime.js';
import { PinnedModels } from '../experiments/pinned-models.js';
import { RecommendService } from '../serving/recommend-service.js';
import { FeedbackService } from '../serving/feedback-service.js';
import { servingChain } from '../serving/serving-chain.js';
import { FixedChainPolicy } from '../serving/fixed-chain-policy.js';
import { MetaServingPolicy } from '../serving/meta-serving-policy.js';
import type { ServingPolicy } from '../serving/serving-policy.js';
import type { GatewayServices } from '../schema/gateway-services.js';

export interface BuildOptions {
  /** Use this database instead of opening `config.databaseUrl` (the caller closes it). */
  readonly db?: Database;
  /** Use this registry instead of the built-ins and plugins. */
  readonly registry?: StrategyRegistry;
  readonly log: AppLogger;
  /** The strategy serving asks first when the meta-policy is off. @default config.servingStrategy */
  readonly servingStrategy?: string;
}

/** The services, and what the gateway must close behind them. */
export interface BuiltServices {
  readonly services: GatewayServices;
  readonly jobRuntime: JobRuntime;
  /**
   * Closes what was built (the database only if it was opened here): the job runtime first,
   * then, once `settled` (work that used the jobs, e.g. training at start) is over, the rest.
   */
  close(settled?: Promise<unknown>): Promise<void>;
}

export async function buildServices(config: Config, options: BuildOptions): Promise<BuiltServices> {
  const { log } = options;
  const db = options.db ?? (await openDatabase(config.databaseUrl));
  if (db.appliedMigrations.length > 0) log.info('database migrated', { applied: db.appliedMigrations });
  const registry = options.registry ?? (await createRegistry(config));

  const catalogCache = new CatalogCache(db);
  const models = new LiveModels(log);
  const store: ServingStore = openServingStore(db.url);
  const impressions = new ImpressionLog(store, log);
  const chain = servingChain(options.servingStrategy ?? config.servingStrategy);
  for (const name of chain.strategies) registry.get(name); // fails loudly on a typo in the configuration

  const metaPolicy: MetaPolicyRuntime | null = config.metaPolicy.enabled
    ? await startMetaPolicy(config.metaPolicy, { db, redisUrl: config.redisUrl, log })
    : null;
  const servingPolicy: ServingPolicy = metaPolicy ? new MetaServingPolicy(metaPolicy.policy, log) : new FixedChainPolicy(chain);

  const users = new UserStateLoader(store, catalogCache, config.signalPolicy, config.historyLength);
  // Shared by every gateway and worker with Redis; this process's own without (embedded mode).
  const adaptedStates: AdaptedStateStore = config.redisUrl
    ? new RedisAdaptedStateStore({ redisUrl: config.redisUrl, prefix: config.queuePrefix, ttlSeconds: config.adaptedStateTtlSeconds, log })
    : new InMemoryAdaptedStateStore();
  const jobRuntime = await startJobRuntime({
    config,
    db,
    registry,
    models,
    catalog: () => catalogCache.view,
    log,
    adapt: (userId) => adaptUser({ users, models, catalog: () => catalogCache.view, store: adaptedStates, log }, userId),
  });

  const experiments = new ExperimentsRuntime({
    db,
    strategies: registry,
    rewards: config.metaPolicy,
    log,
    refreshMs: config.experimentsRefreshSeconds * 1000,
    serving: {
      metaPolicy: metaPolicy?.policy ?? null,
      pinned: new PinnedModels({ store: jobRuntime.store, registry, catalog: () => catalogCache.view, log }),
      log,
    },
  });
  await experiments.start();

  const services: GatewayServices = {
    db,
    modelStore: jobRuntime.store,
    modelReloader: jobRuntime.reloader,
    jobs: jobRuntime.jobs,
    registry,
    models,
    catalogCache,
    servingPolicy,
    impressions,
    metaPolicy,
    experiments,
    catalog: new CatalogService({ db, cache: catalogCache, impressions, adaptations: adaptedStates }),
    recommend: new RecommendService(
      {
        catalog: catalogCache,
        users,
        models,
        impressions,
        log,
        policy: servingPolicy,
        // An experiment's variant serves the users assigned to it; everyone else gets the configured policy.
        resolvePolicy: (input) => experiments.policyFor(input.userId, input.surface) ?? servingPolicy,
        adaptations: adaptedStates,
      },
      { strategyTimeoutMs: config.strategyTimeoutMs },
    ),
    feedback: new FeedbackService({
      db,
      impressions,
      models,
      signalPolicy: config.signalPolicy,
      bounds: config.feedbackBounds,
      rewards: metaPolicy?.rewards,
      adaptation: new AdaptRequests({ jobs: jobRuntime.jobs, models, log }),
      log,
    }),
  };

  return {
    services,
    jobRuntime,
    async close(settled) {
      await jobRuntime.close();
      await settled;
      await adaptedStates.close();
      await impressions.close();
      await metaPolicy?.close();
      await experiments.close();
      models.close();
      await store.close();
      if (!options.db) await db.close();
    },
  };
}
