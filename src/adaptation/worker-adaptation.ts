/**
 * What a worker needs to run adapt jobs: the live versions of the strategies that adapt
 * (kept in step with the model store like a gateway's: promotion messages, then polling),
 * the catalogue, the user loader serving uses, and the shared store in Redis. Built once
 * when a worker serves the adapt queue.
 */
import type { Redis } from 'ioredis';
import { CatalogCache } from '../catalog/catalog-cache.js';
import type { Config } from '../config/index.js';
import type { Database } from '../db/index.js';
import { createRedisConnection } from '../redis/redis-connection.js';
import { DbModelStore } from '../models/db-model-store.js';
import { ModelReloader } from '../models/model-reloader.js';
import { subscribePromotions } from '../models/promotion-channel.js';
import { LiveModels } from '../models/live-models.js';
import { openServingStore, type ServingStore } from '../db/serving-store.js';
import { UserStateLoader } from '../catalog/user-state-loader.js';
import type { Logger } from '../strategies/contract.js';
import type { StrategyRegistry } from '../strategies/registry.js';
import { adaptUser, type AdaptJobResult } from './adapt-user.js';
import { RedisAdaptedStateStore } from './redis-adapted-state-store.js';

export interface WorkerAdaptation {
  adapt(userId: string): Promise<AdaptJobResult>;
  close(): Promise<void>;
}

export async function startWorkerAdaptation(deps: {
  readonly config: Config;
  readonly redisUrl: string;
  readonly db: Database;
  readonly registry: StrategyRegistry;
  readonly log: Logger;
}): Promise<WorkerAdaptation> {
  const { config, redisUrl, db, registry, log } = deps;
  const catalog = new CatalogCache(db);
  await catalog.refresh();
  const models = new LiveModels(log);
  const reloader = new ModelReloader({
    store: new DbModelStore(db),
    registry,
    models,
    catalog: () => catalog.view,
    log,
    pollSeconds: config.modelPollSeconds,
    // Only models that adapt are worth their memory here.
    include: (entry) => entry.definition.adapts(entry.params),
  });
  await reloader.start();
  const subscriber: Redis = createRedisConnection(redisUrl, { connectionName: 'recgate-worker-promotions' });
  subscriber.on('error', () => {}); // the worker's other connections report outages
  await subscribePromotions(subscriber, config.queuePrefix, () => void reloader.sync());
  // New items reach the models (their vectors come from the item tower) within a refresh.
  const timer = setInterval(() => {
    catalog.refresh().catch((error: unknown) => log.warn('catalogue refresh failed; adapting with the loaded one', { error: String(error) }));
  }, config.refreshSeconds * 1000);
  timer.unref();
  const servingStore: ServingStore = openServingStore(db.url);
  const store = new RedisAdaptedStateStore({ redisUrl, prefix: config.queuePrefix, ttlSeconds: config.adaptedStateTtlSeconds, commandTimeoutMs: 5_000, log });
  const users = new UserStateLoader(servingStore, catalog, config.signalPolicy, config.historyLength);
  return {
    adapt: (userId) => adaptUser({ users, models, catalog: () => catalog.view, store, log }, userId),
    async close() {
      clearInterval(timer);
      await reloader.close();
      subscriber.disconnect();
      await store.close();
      await servingStore.close();
      models.close();
    },
  };
}
