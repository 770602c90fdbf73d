/**
 * Assembles a gateway: database (migrated), registry, catalogue cache, live models, the
 * services and the GraphQL endpoint. `src/server.ts` puts it behind HTTP; tests use
 * `gateway.yoga.fetch` with no socket.
 */
import { useGraphQlJit } from '@envelop/graphql-jit';
import { Kind } from 'graphql';
import { createYoga, type YogaServerInstance } from 'graphql-yoga';
import type { Config } from './config/index.js';
import { openDatabase, dbInteractionReader, type Database } from './db/index.js';
import { arrayCatalogReader } from './strategies/in-memory-readers.js';
import { createLogger, type AppLogger } from './logger.js';
import { StrategyRegistry } from './strategies/registry.js';
import { createRegistry } from './strategies/create-registry.js';
import type { RegisteredStrategy } from './strategies/registry.js';
import { CatalogCache } from './catalog/catalog-cache.js';
import { CatalogService } from './catalog/catalog-service.js';
import { LiveModels } from './serving/live-models.js';
import { ImpressionLog } from './serving/impression-log.js';
import { UserStateLoader } from './serving/user-state-loader.js';
import { RecommendService } from './serving/recommend-service.js';
import { FALLBACK_STRATEGY, servingChain } from './serving/serving-chain.js';
import { FixedChainPolicy } from './serving/fixed-chain-policy.js';
import { MetaServingPolicy } from './serving/meta-serving-policy.js';
import type { ServingPolicy } from './serving/serving-policy.js';
import { FeedbackService } from './serving/feedback-service.js';
import type { GatewayServices } from './serving/gateway-services.js';
import { openServingStore } from './serving/serving-store.js';
import { useQueryLimits } from './serving/query-limits.js';
import { useRequestIds, yogaErrorLogger } from './serving/error-log.js';
import { useBrowserNotice } from './serving/browser-notice.js';
import { graphiqlOptions, offlineGraphiQLRenderer, type GraphiQLDefaults } from './serving/graphiql.js';
import { ApiKeyVerifier } from './auth/api-keys.js';
import { useApiKeyScopes } from './auth/scope-plugin.js';
import { trainStrategy } from './jobs/train-strategy.js';
import { startJobRuntime } from './jobs/job-runtime.js';
import { buildSchema, type GraphQLContext } from './schema/index.js';
import { startMetaPolicy } from './policy/meta-policy-runtime.js';
import { AdaptRequests } from './adaptation/adapt-requests.js';
import { adaptUser } from './adaptation/adapt-user.js';
import type { AdaptedStateStore } from './adaptation/adapted-state-store.js';
import { InMemoryAdaptedStateStore } from './adaptation/in-memory-adapted-state-store.js';
import { RedisAdaptedStateStore } from './adaptation/redis-adapted-state-store.js';

export interface GatewayOptions {
  /** Use this database instead of opening `config.databaseUrl` (the caller closes it). */
  readonly db?: Database;
  /** Use this registry instead of the built-ins. */
  readonly registry?: StrategyRegistry;
  readonly log?: AppLogger;
  /** The strategy serving asks first when the meta-policy is off. @default config.servingStrategy */
  readonly servingStrategy?: string;
  /** Retrain popularity and reload the catalogue on a timer. @default true */
  readonly refresh?: boolean;
  /** What GraphiQL opens with (development only). @default an Authorization placeholder */
  readonly graphiql?: GraphiQLDefaults;
}

export interface Gateway {
  readonly services: GatewayServices;
  readonly yoga: YogaServerInstance<Record<string, unknown>, GraphQLContext>;
  readonly config: Config;
  /** Settles when the strategies trained at start are loaded (or failed). */
  readonly startupTraining: Promise<void>;
  /** True once the first models are loaded and the gateway can serve. */
  readonly ready: boolean;
  /** Retrains the strategies that train in the gateway (popularity) and reloads the catalogue. */
  refresh(): Promise<void>;
  close(): Promise<void>;
}

export async function createGateway(config: Config, options: GatewayOptions = {}): Promise<Gateway> {
  const log = options.log ?? createLogger();
  const db = options.db ?? (await openDatabase(config.databaseUrl));
  if (db.appliedMigrations.length > 0) log.info('database migrated', { applied: db.appliedMigrations });
  const registry = options.registry ?? (await createRegistry(config));

  const catalogCache = new CatalogCache(db);
  const models = new LiveModels(log);
  const store = openServingStore(db.url);
  const impressions = new ImpressionLog(store, log);
  const chain = servingChain(options.servingStrategy ?? config.servingStrategy);
  for (const name of chain.strategies) registry.get(name); // fails loudly on a typo in the configuration

  const metaPolicy = config.metaPolicy.enabled ? await startMetaPolicy(config.metaPolicy, { db, redisUrl: config.redisUrl, log }) : null;
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
    catalog: new CatalogService({ db, cache: catalogCache, impressions, adaptations: adaptedStates }),
    recommend: new RecommendService(
      { catalog: catalogCache, users, models, impressions, log, policy: servingPolicy, adaptations: adaptedStates },
      { strategyTimeoutMs: config.strategyTimeoutMs },
    ),
    feedback: new FeedbackService({
      db,
      impressions,
      models,
      signalPolicy: config.signalPolicy,
      rewards: metaPolicy?.rewards,
      adaptation: new AdaptRequests({ jobs: jobRuntime.jobs, models, log }),
      log,
    }),
  };

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
  let ready = true;

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

  const verifier = new ApiKeyVerifier(db);
  const yoga = createYoga<Record<string, unknown>, GraphQLContext>({
    schema: buildSchema(),
    graphqlEndpoint: '/graphql',
    graphiql: config.development ? graphiqlOptions(options.graphiql) : false,
    renderGraphiQL: offlineGraphiQLRenderer(),
    landingPage: false,
    maskedErrors: { isDev: config.development },
    // yoga reports each error it masks to its logger: logged with the request's id.
    logging: yogaErrorLogger(log),
    context: async ({ request }): Promise<GraphQLContext> => {
      const header = request.headers.get('authorization') ?? '';
      const match = /^Bearer\s+(\S+)$/i.exec(header);
      return { apiKey: match ? await verifier.verify(match[1]!) : null, services };
    },
    plugins: [
      useRequestIds(),
      ...(config.development ? [] : [useBrowserNotice('/graphql')]),
      ...useQueryLimits({ maxDepth: config.maxQueryDepth, maxCost: config.maxQueryCost }),
      useApiKeyScopes(),
      // Compiles each distinct operation once into plain functions: the same query shape
      // arrives again and again from a frontend. Only for one-operation documents: the
      // plugin caches by document and would run the first operation whatever
      // operationName asks for (a GraphiQL tab with a query and a mutation).
      useGraphQlJit({}, { enableIf: (args) => args.document.definitions.filter((d) => d.kind === Kind.OPERATION_DEFINITION).length === 1 }),
    ],
  });

  return {
    services,
    yoga,
    config,
    startupTraining,
    get ready() {
      return ready;
    },
    refresh,
    async close() {
      ready = false;
      if (timer) clearInterval(timer);
      await jobRuntime.close();
      await startupTraining;
      await adaptedStates.close();
      await impressions.close();
      await metaPolicy?.close();
      models.close();
      await store.close();
      if (!options.db) await db.close();
    },
  };
}
