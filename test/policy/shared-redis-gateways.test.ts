import { describeWithRedis } from '../support/test-redis.js';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/index.js';
import { createGateway, type Gateway } from '../../src/gateway.js';
import { RedisStatistics } from '../../src/policy/index.js';
import { createApiKey } from '../../src/auth/api-keys.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';
import { ITEMS } from './policy-gateway.js';

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

describeWithRedis('two gateways sharing Redis', () => {
  const prefix = `test:meta-policy:${randomUUID()}`;
  let database: TestDatabase;
  let gateways: Gateway[] = [];
  let key = '';
  const gql = async (g: Gateway, query: string, variables?: Record<string, unknown>) => {
    const response = await g.yoga.fetch('http://recgate.test/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
      body: JSON.stringify({ query, variables }),
    });
    return (await response.json()) as { data?: Record<string, any>; errors?: unknown[] };
  };

  beforeAll(async () => {
    database = await createTestDatabase('sqlite');
    const config = loadConfig({
      DATABASE_URL: database.url,
      REDIS_URL,
      RECGATE_TRAIN_ON_START: 'none',
      RECGATE_META_POLICY_REDIS_PREFIX: prefix,
      RECGATE_REWARD_SWEEP_SECONDS: '3600',
    });
    const log = { info() {}, warn() {}, error() {} };
    gateways = [await createGateway(config, { db: database.db, refresh: false, log }), await createGateway(config, { db: database.db, refresh: false, log })];
    key = (await createApiKey(database.db, { scopes: ['admin'], label: 'test' })).key;
    expect((await gql(gateways[0]!, 'mutation($items: [ItemInput!]!) { upsertItems(items: $items) { id } }', { items: ITEMS })).errors).toBeUndefined();
    for (const g of gateways) await g.refresh();
  });
  afterAll(async () => {
    for (const g of gateways) await g.close();
    const cleanup = new RedisStatistics({ url: REDIS_URL, prefix });
    await cleanup.destroy();
    await cleanup.close();
    await database?.drop();
  });

  it('counts every reward from concurrent feedback on both gateways exactly once', async () => {
    const perGateway = 25;
    const slates: Array<{ user: string; impressionId: string }> = [];
    for (const [g, gateway] of gateways.entries()) {
      for (let i = 0; i < perGateway; i++) {
        const user = `u${g}-${i}`;
        const r = await gql(gateway, '{ recommendations(userId: "' + user + '", limit: 2) { impressionId items { item { id } } } }');
        expect(r.errors).toBeUndefined();
        slates.push({ user, impressionId: r.data!.recommendations.impressionId });
      }
      await gateway.services.impressions.flush();
    }
    // Feedback on every slate through the *other* gateway, a click and a purchase each, all at once.
    await Promise.all(
      slates.flatMap(({ user, impressionId }, i) =>
        (['CLICK', 'PURCHASE'] as const).map(async (type) => {
          const r = await gql(gateways[(i + 1) % 2]!, 'mutation($input: FeedbackInput!) { recordFeedback(input: $input) { id } }', {
            input: { impressionId, userId: user, itemId: 'm1', type },
          });
          expect(r.errors).toBeUndefined();
        }),
      ),
    );
    for (const g of gateways) await g.services.metaPolicy!.policy.statistics.sync();
    for (const g of gateways) {
      const r = await gql(g, '{ metaPolicy { statistics arms { strategy pulls meanReward } } }');
      expect(r.data!.metaPolicy.statistics).toBe('redis');
      // Each slate: one pull, reward click 1 + purchase 5.
      expect(r.data!.metaPolicy.arms).toContainEqual({ strategy: 'popularity', pulls: 2 * perGateway, meanReward: 6 });
    }
    const rewards = await database.db.prisma.impression.findMany({ select: { reward: true } });
    expect(rewards.map((r) => r.reward)).toEqual(Array(2 * perGateway).fill(6));
  });
});
