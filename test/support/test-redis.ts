/**
 * Redis for the suites that need it (queues, shared bandit statistics). They run whenever
 * Redis answers at REDIS_URL (default redis://127.0.0.1:6379); when it does not they are
 * skipped with a loud warning, except under CI=true, where an unreachable Redis fails the run.
 */
import { Redis } from 'ioredis';
import { describe } from 'vitest';

export const TEST_REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

async function redisReachable(): Promise<boolean> {
  const redis = new Redis(TEST_REDIS_URL, { lazyConnect: true, connectTimeout: 2000, maxRetriesPerRequest: 0, retryStrategy: () => null });
  try {
    await redis.connect();
    return (await redis.ping()) === 'PONG';
  } catch {
    return false;
  } finally {
    redis.disconnect();
  }
}

export const REDIS_AVAILABLE = await redisReachable();

if (!REDIS_AVAILABLE) {
  const message = `Redis is not reachable at ${TEST_REDIS_URL}: Redis suites are SKIPPED.`;
  if (process.env.CI === 'true') throw new Error(`${message} Under CI this is a failure.`);
  console.warn(`\n!!! ${message}\n`);
}

/** `describe` for suites that need Redis: skipped (loudly) when it is unreachable. */
export const describeWithRedis = REDIS_AVAILABLE ? describe : describe.skip;
