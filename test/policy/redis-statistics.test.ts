import { describeWithRedis } from '../support/test-redis.js';
import { randomUUID } from 'node:crypto';
import { afterEach, expect, it } from 'vitest';
import { MetaPolicy, RedisStatistics, defaultMetaPolicyConfig, type ContextFeatures } from '../../src/policy/index.js';

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const stores: RedisStatistics[] = [];

afterEach(async () => {
  await stores[0]?.destroy();
  for (const s of stores.splice(0)) await s.close();
});

function policyOn(prefix: string): MetaPolicy {
  const store = new RedisStatistics({ url: REDIS_URL, prefix });
  stores.push(store);
  return new MetaPolicy(defaultMetaPolicyConfig({ redisPrefix: prefix }), store);
}

describeWithRedis('meta-policy statistics in Redis', () => {
  it('two policies updating concurrently lose no update', async () => {
    const prefix = `test:meta-policy:${randomUUID()}`;
    const a = policyOn(prefix);
    const b = policyOn(prefix);
    const features: ContextFeatures = { interactions: '5-19', surface: 'home' };
    const perPolicy = 300;
    // Interleaved, unawaited: both processes hammer the same fields at once.
    await Promise.all(
      Array.from({ length: perPolicy }, (_, i) => [
        a.reward('cf', features, 1, true),
        b.reward('cf', features, 0.5, true),
        a.reward('popularity', features, -1, i % 2 === 0),
        b.reward('cf', features, 2, false),
      ]).flat(),
    );
    await a.statistics.sync();
    await b.statistics.sync();
    for (const p of [a, b]) {
      const cf = p.statistics.current().arms.cf!;
      expect(cf.sums.pulls).toBe(2 * perPolicy);
      expect(cf.sums.reward).toBeCloseTo(perPolicy * (1 + 0.5 + 2), 9);
      expect(cf.sums['A:0:0']).toBe(2 * perPolicy);
      expect(p.statistics.current().arms.popularity!.sums.pulls).toBe(perPolicy / 2);
      expect(p.statistics.current().arms.popularity!.sums.reward).toBe(-perPolicy);
    }
    // Same statistics, same decisions on both gateways.
    expect([...a.probabilities(features, ['cf', 'popularity'])]).toEqual([...b.probabilities(features, ['cf', 'popularity'])]);
  });

  it('shares the floor and the reset, and restores a snapshot only into an empty store', async () => {
    const prefix = `test:meta-policy:${randomUUID()}`;
    const a = policyOn(prefix);
    const b = policyOn(prefix);
    await a.reward('cf', { interactions: '0' }, 1, true);
    const state = a.statistics.current();
    expect(await b.statistics.restore(state)).toBe(false); // not empty: nothing doubled
    await a.setFloor(0.2);
    await b.statistics.sync();
    expect(b.floor).toBe(0.2);
    await b.reset();
    await a.statistics.sync();
    expect(a.statistics.current().arms).toEqual({});
    expect(await a.statistics.restore(state)).toBe(true);
    await b.statistics.sync();
    expect(b.statistics.current().arms.cf!.sums.pulls).toBe(1);
  });
});
