/**
 * A gateway in three steps: build the services (`gateway/build-services.ts`), start the
 * background work (`gateway/background-work.ts`), create the HTTP app
 * (`http/create-http-app.ts`). `src/server.ts` puts the app behind HTTP; tests use
 * `gateway.yoga.fetch` with no socket.
 */
import type { Config } from './config/index.js';
import type { Database } from './db/index.js';
import { createLogger, type AppLogger } from './logger.js';
import type { StrategyRegistry } from './strategies/registry.js';
import type { GatewayServices } from './schema/gateway-services.js';
import { createHttpApp, type HttpApp } from './http/create-http-app.js';
import type { GraphiQLDefaults } from './serving/graphiql.js';
import { buildServices } from './gateway/build-services.js';
import { startBackgroundWork } from './gateway/background-work.js';

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
  readonly yoga: HttpApp;
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
  const built = await buildServices(config, { db: options.db, registry: options.registry, log, servingStrategy: options.servingStrategy });
  const { services } = built;
  const background = await startBackgroundWork(config, services, built.jobRuntime, { log, refresh: options.refresh });
  let ready = true;
  const yoga = createHttpApp(services, {
    config,
    log,
    graphiql: options.graphiql,
    readiness: async () => ((await services.db.ping()) ? (ready ? 'ready' : 'starting') : 'database unreachable'),
  });

  return {
    services,
    yoga,
    config,
    startupTraining: background.startupTraining,
    get ready() {
      return ready;
    },
    refresh: background.refresh,
    async close() {
      ready = false;
      background.stop();
      await built.close(background.startupTraining);
    },
  };
}
