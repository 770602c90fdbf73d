/**
 * The gateway's HTTP app: graphql-yoga over the schema, with health and readiness, the body
 * limit, compiled repeated queries, query limits and API-key scopes as plugins. Serve it with
 * node:http (`src/server.ts`) or call `app.fetch` (tests, no socket).
 */
import { useGraphQlJit } from '@envelop/graphql-jit';
import { Kind } from 'graphql';
import { createYoga, type YogaServerInstance } from 'graphql-yoga';
import type { Config } from '../config/index.js';
import type { AppLogger } from '../logger.js';
import { useRequestIds, yogaErrorLogger } from '../serving/error-log.js';
import { useBrowserNotice } from '../serving/browser-notice.js';
import { graphiqlOptions, offlineGraphiQLRenderer, type GraphiQLDefaults } from '../serving/graphiql.js';
import { ApiKeyVerifier } from '../auth/api-keys.js';
import { buildSchema, type GraphQLContext } from '../schema/index.js';
import type { GatewayServices } from '../schema/gateway-services.js';
import { CompiledOperations, useCompiledOperations } from './compiled-operations.js';
import { useQueryLimits } from './query-limits.js';
import { useApiKeyScopes } from './scope-plugin.js';
import { useBodyLimit } from './use-body-limit.js';
import { useHealth, type Readiness } from './use-health.js';
import { maskErrorAtEdge } from './to-graphql-error.js';

export type HttpApp = YogaServerInstance<Record<string, unknown>, GraphQLContext>;

export interface HttpAppOptions {
  readonly config: Pick<Config, 'development' | 'maxBodyBytes' | 'maxQueryDepth' | 'maxQueryCost'>;
  /** What `/readyz` reports. */
  readonly readiness: () => Promise<Readiness>;
  /** Where unexpected errors are logged, with the request's id. */
  readonly log: AppLogger;
  /** What GraphiQL opens with (development only). @default an Authorization placeholder */
  readonly graphiql?: GraphiQLDefaults;
}

export function createHttpApp(services: GatewayServices, options: HttpAppOptions): HttpApp {
  const { config } = options;
  const verifier = new ApiKeyVerifier(services.db);
  const context = async (request: Request): Promise<GraphQLContext> => {
    const match = /^Bearer\s+(\S+)$/i.exec(request.headers.get('authorization') ?? '');
    return { apiKey: match ? await verifier.verify(match[1]!) : null, services };
  };
  // yoga reports each error it masks to its logger: logged with the request's id.
  const logger = yogaErrorLogger(options.log);
  return createYoga<Record<string, unknown>, GraphQLContext>({
    schema: buildSchema(),
    graphqlEndpoint: '/graphql',
    graphiql: config.development ? graphiqlOptions(options.graphiql) : false,
    renderGraphiQL: offlineGraphiQLRenderer(),
    landingPage: false,
    // Coded failures (RecgateError) become coded GraphQLErrors; the rest is masked.
    maskedErrors: { isDev: config.development, maskError: maskErrorAtEdge },
    logging: logger,
    context: ({ request }) => context(request),
    // useBodyLimit replaces yoga's own limit (see there).
    maxRequestBodySize: false,
    plugins: [
      useRequestIds(),
      useHealth({ readiness: options.readiness }),
      ...(config.development ? [] : [useBrowserNotice('/graphql')]),
      useBodyLimit(config.maxBodyBytes),
      // Repeated queries run compiled, before parsing (see compiled-operations.ts).
      useCompiledOperations(new CompiledOperations(), { context, isDev: config.development, onMasked: (error) => logger.error(error) }),
      ...useQueryLimits({ maxDepth: config.maxQueryDepth, maxCost: config.maxQueryCost }),
      useApiKeyScopes(),
      // A query's first run, and every mutation, execute compiled too. Only for one-operation
      // documents: the plugin caches by document and would run the first operation whatever
      // operationName asks for (a GraphiQL tab with a query and a mutation).
      useGraphQlJit({}, { enableIf: (args) => args.document.definitions.filter((d) => d.kind === Kind.OPERATION_DEFINITION).length === 1 }),
    ],
  });
}
