/**
 * The stores of per-user adaptations: the Redis one (real Redis, a prefix per test run)
 * round-trips state with its arrays, expires it, ignores damaged values, and answers "not
 * adapted" at once when Redis is unreachable; the in-memory one keeps at most maxUsers.
 */
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { InMemoryAdaptedStateStore } from '../../src/adaptation/in-memory-adapted-state-store.js';
import { RedisAdaptedStateStore, adaptedStateKey } from '../../src/adaptation/redis-adapted-state-store.js';
import { decodeStoredAdaptation, encodeStoredAdaptation, type StoredAdaptation } from '../../src/adaptation/stored-adaptation.js';
import { describeWithRedis } from '../support/test-redis.js';
import { REDIS_URL, uniquePrefix } from '../jobs/fixtures.js';

const silent = { info() {}, warn() {} };

const adaptation = (strategy: string, delta: number[], version = 'v1'): StoredAdaptation => ({
  strategy,
  modelVersion: version,
  adaptedAt: 1_700_000_000_000,
  historyThrough: 1_699_999_999_000,
  interactions: 3,
  state: { json: { steps: 5 }, arrays: { delta: Float32Array.from(delta) } },
});

describe('stored adaptation bytes', () => {
  it('round-trips facts, json and arrays', () => {
    const stored = adaptation('two-tower', [0.5, -1, 2]);
    const back = decodeStoredAdaptation(encodeStoredAdaptation(stored))!;
    expect(back).toMatchObject({
      strategy: 'two-tower',
      modelVersion: 'v1',
      historyThrough: 1_699_999_999_000,
      interactions: 3,
      state: { json: { steps: 5 } },
    });
    expect([...(back.state.arrays.delta as Float32Array)]).toEqual([0.5, -1, 2]);
  });

  it('reads damaged or foreign bytes as nothing', () => {
    const bytes = encodeStoredAdaptation(adaptation('two-tower', [1, 2, 3]));
    const flipped = Uint8Array.from(bytes);
    flipped[flipped.length - 1]! ^= 0xff;
    expect(decodeStoredAdaptation(flipped)).toBeNull();
    expect(decodeStoredAdaptation(Buffer.from('not an adaptation'))).toBeNull();
  });
});

describe('in-memory adapted state', () => {
  it('replaces per strategy and keeps at most maxUsers, evicting the least recently adapted', async () => {
    const store = new InMemoryAdaptedStateStore(2);
    await store.write('a', [adaptation('two-tower', [1])]);
    await store.write('b', [adaptation('two-tower', [2])]);
    await store.write('a', [adaptation('other', [3])]);
    await store.write('c', [adaptation('two-tower', [4])]);
    expect((await store.read('b')).size).toBe(0);
    expect([...(await store.read('a')).keys()].sort()).toEqual(['other', 'two-tower']);
    expect((await store.read('c')).get('two-tower')!.state.arrays.delta![0]).toBe(4);
  });
});

describeWithRedis('adapted state in Redis', () => {
  const names = uniquePrefix();
  const store = new RedisAdaptedStateStore({ redisUrl: REDIS_URL, prefix: names.prefix, ttlSeconds: 60, log: silent });
  const redis = new Redis(REDIS_URL);
  afterAll(async () => {
    await store.close();
    redis.disconnect();
    await names.remove();
  });

  it('stores per user and strategy, with an expiry, and reads it back', async () => {
    await store.write('user-1', [adaptation('two-tower', [1, 2]), adaptation('other', [3], 'v9')]);
    await store.write('user-1', [adaptation('two-tower', [5, 6], 'v2')]);
    const read = await store.read('user-1');
    expect([...read.keys()].sort()).toEqual(['other', 'two-tower']);
    expect(read.get('two-tower')!.modelVersion).toBe('v2');
    expect([...(read.get('two-tower')!.state.arrays.delta as Float32Array)]).toEqual([5, 6]);
    const ttl = await redis.ttl(adaptedStateKey(names.prefix, 'user-1'));
    expect(ttl).toBeGreaterThan(50);
    expect(ttl).toBeLessThanOrEqual(60);
    expect((await store.read('nobody')).size).toBe(0);
    await store.forget('user-1');
    expect((await store.read('user-1')).size).toBe(0);
    expect(await redis.exists(adaptedStateKey(names.prefix, 'user-1'))).toBe(0);
  });

  it('keeps the state that saw the newer history when adapt jobs finish out of order', async () => {
    const at = (historyThrough: number, adaptedAt: number, delta: number, version = 'v1'): StoredAdaptation => ({
      ...adaptation('two-tower', [delta], version),
      historyThrough,
      adaptedAt,
    });
    await store.write('user-3', [at(2_000, 10, 2)]);
    await store.write('user-3', [at(1_000, 20, 1)]); // an older job finishing late
    expect((await store.read('user-3')).get('two-tower')!.state.arrays.delta![0]).toBe(2);
    await store.write('user-3', [at(2_000, 30, 3, 'v2')]); // same history, later (a promoted model)
    expect((await store.read('user-3')).get('two-tower')!.modelVersion).toBe('v2');
    await store.write('user-3', [at(3_000, 40, 4)]);
    expect((await store.read('user-3')).get('two-tower')!.state.arrays.delta![0]).toBe(4);
  });

  it('ignores a damaged value and a field stored under another strategy name', async () => {
    const key = adaptedStateKey(names.prefix, 'user-2');
    await redis.hset(key, 'two-tower', Buffer.from('garbage'), 'renamed', Buffer.from(encodeStoredAdaptation(adaptation('two-tower', [1]))));
    expect((await store.read('user-2')).size).toBe(0);
  });

  it('reads as "not adapted" at once, and refuses to write, while Redis is unreachable', async () => {
    const nowhere = new RedisAdaptedStateStore({ redisUrl: 'redis://127.0.0.1:1', prefix: names.prefix, log: silent });
    try {
      const started = performance.now();
      expect((await nowhere.read('user-1')).size).toBe(0);
      expect(performance.now() - started).toBeLessThan(1_000);
      await expect(nowhere.write('user-1', [adaptation('two-tower', [1])])).rejects.toMatchObject({ code: 'RG_ERR_REDIS_UNAVAILABLE' });
      await expect(nowhere.forget('user-1')).rejects.toMatchObject({ code: 'RG_ERR_REDIS_UNAVAILABLE', message: expect.stringContaining('127.0.0.1:1') });
    } finally {
      await nowhere.close();
    }
  });
});
