/**
 * A gateway over its own database with the meta-policy on and a registry of popularity plus
 * strategies defined by the test, all trained (in process) before the test starts.
 */
import { loadConfig } from '../../src/config/index.js';
import type { Provider } from '../../src/db/index.js';
import { createGateway, type Gateway } from '../../src/gateway.js';
import { createApiKey } from '../../src/auth/api-keys.js';
import { StrategyRegistry, type AnyStrategy } from '../../src/strategies/registry.js';
import { popularityStrategy } from '../../src/strategies/builtin/popularity.js';
import { trainStrategy } from '../../src/models/train-strategy.js';
import { arrayCatalogReader, arrayInteractionReader } from '../../src/strategies/in-memory-readers.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';
import type { GraphQLResponse } from '../support/test-gateway.js';

export interface PolicyGateway {
  readonly gateway: Gateway;
  readonly database: TestDatabase;
  gql<T = Record<string, any>>(query: string, variables?: Record<string, unknown>): Promise<GraphQLResponse<T>>;
  close(): Promise<void>;
}

export const ITEMS = ['m1', 'm2', 'm3', 'm4', 'm5'].map((id) => ({ id, title: `Movie ${id}`, categories: ['Drama'] }));

export async function createPolicyGateway(provider: Provider, strategies: readonly AnyStrategy[], env: Record<string, string> = {}): Promise<PolicyGateway> {
  const database = await createTestDatabase(provider);
  const registry = new StrategyRegistry();
  registry.register(popularityStrategy);
  for (const s of strategies) registry.register(s);
  const config = loadConfig({ DATABASE_URL: database.url, RECGATE_TRAIN_ON_START: 'none', ...env });
  const gateway = await createGateway(config, { db: database.db, registry, refresh: false, log: { info() {}, warn() {}, error() {} } });
  const adminKey = (await createApiKey(database.db, { scopes: ['admin'], label: 'test admin' })).key;
  const gql = async (query: string, variables?: Record<string, unknown>) => {
    const response = await gateway.yoga.fetch('http://recgate.test/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${adminKey}` },
      body: JSON.stringify({ query, variables }),
    });
    return { ...((await response.json()) as GraphQLResponse), status: response.status } as GraphQLResponse<any>;
  };
  const up = await gql('mutation($items: [ItemInput!]!) { upsertItems(items: $items) { id } }', { items: ITEMS });
  if (up.errors) throw new Error(JSON.stringify(up.errors));
  await gateway.refresh();
  const { models, catalogCache } = gateway.services;
  for (const s of strategies) {
    const trained = await trainStrategy(registry.get(s.name), { interactions: arrayInteractionReader([]), catalog: arrayCatalogReader(catalogCache.items) });
    await models.install(registry.get(s.name), trained, catalogCache.view);
  }
  return {
    gateway,
    database,
    gql,
    async close() {
      await gateway.close();
      await database.drop();
    },
  };
}
