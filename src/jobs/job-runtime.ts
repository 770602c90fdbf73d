/**
 * The gateway's side of jobs and model versions: the model store, the reloader that keeps
 * live models in step with it (pub/sub when REDIS_URL is set, polling always), and the job
 * service (BullMQ with Redis, the embedded runner without).
 */
import { Redis } from 'ioredis';
import type { Config } from '../config/index.js';
import type { Database } from '../db/index.js';
import type { AppLogger } from '../logger.js';
import { DbModelStore } from '../models/db-model-store.js';
import { ModelReloader } from '../models/model-reloader.js';
import type { ModelStore } from '../models/model-store.js';
import { publishPromotion, subscribePromotions } from '../models/promotion-channel.js';
import type { CatalogView } from '../strategies/contract.js';
import type { RegisteredStrategy, StrategyRegistry } from '../strategies/registry.js';
import type { LiveModels } from '../models/live-models.js';
import { BullJobService } from './bull-job-service.js';
import { EmbeddedJobRunner } from './embedded-job-runner.js';
import { isFinished, jobUpdates, type JobService } from './job-service.js';
import { createRedisConnection, redisOutageLog } from '../redis/redis-connection.js';
import type { AdaptJobResult } from '../adaptation/adapt-user.js';

export interface JobRuntime {
  readonly store: ModelStore;
  readonly jobs: JobService;
  /** Call `reloader.start()` once the catalogue is loaded. */
  readonly reloader: ModelReloader;
  /**
   * Trains the strategies that have no live version: embedded mode runs them here one at a
   * time and settles when they are loaded; with Redis the jobs go to the workers.
   */
  trainMissing(entries: readonly RegisteredStrategy[]): Promise<void>;
  close(): Promise<void>;
}

export interface JobRuntimeDeps {
  readonly config: Config;
  readonly db: Database;
  readonly registry: StrategyRegistry;
  readonly models: LiveModels;
  readonly catalog: () => CatalogView;
  readonly log: AppLogger;
  /** Adapts one user with this gateway's models: embedded mode's adapt jobs (workers adapt with Redis). */
  readonly adapt?: (userId: string) => Promise<AdaptJobResult>;
}

export async function startJobRuntime(deps: JobRuntimeDeps): Promise<JobRuntime> {
  const { config, db, registry, models, log } = deps;
  const store = new DbModelStore(db);
  let publisher: Redis | null = null;
  if (config.redisUrl) {
    publisher = new Redis(config.redisUrl, { enableOfflineQueue: false, maxRetriesPerRequest: 1, connectionName: 'recgate-gateway-publisher' });
    publisher.on('error', () => {}); // reported by the other connections; publishing is best effort
  }
  const prefix = config.queuePrefix;
  const reloader = new ModelReloader({
    store,
    registry,
    models,
    catalog: deps.catalog,
    log,
    pollSeconds: config.modelPollSeconds,
    publish: publisher ? (message) => publishPromotion(publisher!, prefix, message) : undefined,
  });
  let jobs: JobService;
  let subscriber: Redis | null = null;
  if (config.redisUrl) {
    const queuesOutage = redisOutageLog(log, 'job queues');
    jobs = new BullJobService({
      redisUrl: config.redisUrl,
      prefix: config.queuePrefix,
      adaptDebounceMs: config.adaptDebounceMs,
      onConnectionError: queuesOutage.error,
    });
    const outage = redisOutageLog(log, 'promotion messages');
    subscriber = createRedisConnection(config.redisUrl, { connectionName: 'recgate-gateway-promotions' });
    subscriber.on('error', outage.error);
    subscriber.on('ready', outage.ready);
    // Not awaited: a gateway starts and serves while Redis is away; ioredis resubscribes on reconnect.
    subscribePromotions(subscriber, config.queuePrefix, () => void reloader.sync()).catch((error: unknown) =>
      log.warn('subscribing to promotions failed; polling only', { error: String(error) }),
    );
  } else {
    if (config.trainSchedules.length > 0) {
      // A timer here would run once per gateway; schedules are the workers' job (one per cluster).
      log.warn('RECGATE_TRAIN_SCHEDULE is ignored without REDIS_URL: scheduled training needs Redis and `npx recgate worker`', {
        strategies: config.trainSchedules.map((s) => s.strategy),
      });
    }
    jobs = new EmbeddedJobRunner({
      db,
      registry,
      store,
      signalPolicy: config.signalPolicy,
      rewardWeights: config.metaPolicy.rewardWeights,
      promotionMetrics: config.promotionMetrics,
      trainSearchSeconds: config.trainSearchSeconds,
      onPromoted: () => reloader.sync(),
      adapt: deps.adapt,
      adaptDebounceMs: config.adaptDebounceMs,
      log,
    });
  }
  return {
    store,
    jobs,
    reloader,
    async trainMissing(entries) {
      for (const entry of entries) {
        const name = entry.definition.name;
        if (models.get(name)) continue;
        try {
          const job = await jobs.enqueue('train', { strategy: name });
          if (jobs.mode === 'redis') {
            log.info('train job queued for a worker', { strategy: name, job: job.id });
            continue;
          }
          let last = job;
          for await (const update of jobUpdates(jobs, job.id)) last = update;
          if (isFinished(last) && last.state === 'failed') log.warn('training failed; popularity serves instead', { strategy: name, error: last.failedReason });
        } catch (error) {
          log.warn('training could not start; popularity serves instead', { strategy: name, error: String(error) });
        }
      }
    },
    async close() {
      await jobs.close();
      await reloader.close();
      subscriber?.disconnect();
      publisher?.disconnect();
    },
  };
}
