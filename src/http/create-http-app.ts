/**
 * The gateway's HTTP app: graphql-yoga over the schema, with health and readiness, the body
 * limit, compiled repeated queries, query limits and API-key scopes as plugins. Serve it with
 * node:http (`src/server.ts`) or call `app.fetch` (tests, no socket).
 */
import { useGraphQlJit } from '@envelop/graphql-jit';
import { createYoga, type YogaServerInstance } from 'graphql-yoga';
import type { Config } from '../config/index.js';
import { ApiKeyVerifier } from '../auth/api-keys.js';
import { buildSchema, type GraphQLContext } from '../schema/index.js';
import type { GatewayServices } from '../schema/gateway-services.js';
import { CompiledOperations, useCompiledOperations } from './compiled-operations.js';
import { useQueryLimits } from './query-limits.js';
import { useApiKeyScopes } from './scope-plugin.js';
import { useBodyLimit } from './use-body-limit.js';
import { useHealth, type Readiness } from './use-health.js';

export type HttpApp = YogaServerInstance<Record<string, unknown>, GraphQLContext>;

export interface HttpAppOptions {
  readonly config: Pick<Config, 'development' | 'maxBodyBytes' | 'maxQueryDepth' | 'maxQueryCost'>;
  /** What `/readyz` reports. */
  readonly readiness: () => Promise<Readiness>;
}

export function createHttpApp(services: GatewayServices, options: HttpAppOptions): HttpApp {
  const { config } = options;
  const verifier = new ApiKeyVerifier(services.db);
  const context = async (request: Request): Promise<GraphQLContext> => {
    const match = /^Bearer\s+(\S+)$/i.exec(request.headers.get('authorization') ?? '');
    return { apiKey: match ? await verifier.verify(match[1]!) : null, services };
  };
  return createYoga<Record<string, unknown>, GraphQLContext>({
    schema: buildSchema(),
    graphqlEndpoint: '/graphql',
    graphiql: config.development ? { title: 'recgate', headers: JSON.stringify({ Authorization: 'Bearer <your key>' }) } : false,
    landingPage: false,
    maskedErrors: { isDev: config.development },
    logging: false,
    context: ({ request }) => context(request),
    // useBodyLimit replaces yoga's own limit (see there).
    maxRequestBodySize: false,
    plugins: [
      useHealth({ readiness: options.readiness }),
      useBodyLimit(config.maxBodyBytes),
      // Repeated queries run compiled, before parsing (see compiled-operations.ts).
      useCompiledOperations(new CompiledOperations(), { context, isDev: config.development }),
      ...useQueryLimits({ maxDepth: config.maxQueryDepth, maxCost: config.maxQueryCost }),
      useApiKeyScopes(),
      // A query's first run, and every mutation, execute compiled too.
      useGraphQlJit(),
    ],
  });
}
