/**
 * A gateway over its own fresh database, with an admin and a client key, queried through
 * `yoga.fetch` (no socket).
 */
import { loadConfig } from '../../src/config/index.js';
import type { Provider } from '../../src/db/index.js';
import { createGateway, type Gateway, type GatewayOptions } from '../../src/gateway.js';
import { createApiKey } from '../../src/auth/api-keys.js';
import { createTestDatabase, type TestDatabase } from './test-database.js';

export interface GraphQLResponse<T = Record<string, any>> {
  status: number;
  data?: T | null;
  errors?: Array<{ message: string; extensions?: { code?: string } }>;
}

export interface TestGateway {
  readonly gateway: Gateway;
  readonly database: TestDatabase;
  readonly adminKey: string;
  readonly clientKey: string;
  gql<T = Record<string, any>>(query: string, variables?: Record<string, unknown>, key?: string | null): Promise<GraphQLResponse<T>>;
  close(): Promise<void>;
}

export async function createTestGateway(provider: Provider, env: Record<string, string> = {}, options: Omit<GatewayOptions, 'db'> = {}): Promise<TestGateway> {
  const database = await createTestDatabase(provider);
  const config = loadConfig({ DATABASE_URL: database.url, RECGATE_TRAIN_ON_START: 'none', ...env });
  const gateway = await createGateway(config, { db: database.db, refresh: false, log: { info() {}, warn() {}, error() {} }, ...options });
  const adminKey = (await createApiKey(database.db, { scopes: ['admin'], label: 'test admin' })).key;
  const clientKey = (await createApiKey(database.db, { scopes: ['client'], label: 'test client' })).key;
  return {
    gateway,
    database,
    adminKey,
    clientKey,
    async gql(query, variables, key = adminKey) {
      const response = await gateway.yoga.fetch('http://recgate.test/graphql', {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(key ? { authorization: `Bearer ${key}` } : {}) },
        body: JSON.stringify({ query, variables }),
      });
      const body = (await response.json()) as GraphQLResponse;
      return { ...body, status: response.status } as GraphQLResponse<any>;
    },
    async close() {
      await gateway.close();
      await database.drop();
    },
  };
}

/** The first error's code, for terse assertions. */
export const errorCode = (r: GraphQLResponse): string | undefined => r.errors?.[0]?.extensions?.code;
