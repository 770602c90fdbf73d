/**
 * Redis connections for queues, workers and pub/sub. Anything that needs Redis asks here,
 * so a missing REDIS_URL is one clear coded error instead of a connection stack trace.
 */
import { Redis } from 'ioredis';
import { rgError } from '../errors.js';

export function requireRedisUrl(redisUrl: string | null, feature: string): string {
  if (!redisUrl) throw rgError('RG_ERR_REDIS_REQUIRED', { feature });
  return redisUrl;
}

/**
 * A connection that retries forever (BullMQ workers need `maxRetriesPerRequest: null`): when
 * Redis goes away, commands wait and the client reconnects with a capped backoff.
 */
export function createRedisConnection(redisUrl: string, options: { connectionName?: string } = {}): Redis {
  return new Redis(redisUrl, {
    maxRetriesPerRequest: null,
    enableReadyCheck: true,
    connectionName: options.connectionName,
    retryStrategy: (attempt) => Math.min(attempt * 200, 5_000),
  });
}

/** Fails fast with `RG_ERR_REDIS_UNAVAILABLE` when Redis does not answer (used at start). */
export async function pingRedis(redisUrl: string, timeoutMs = 3_000): Promise<void> {
  const probe = new Redis(redisUrl, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null, connectTimeout: timeoutMs });
  probe.on('error', () => {});
  try {
    await probe.connect();
    await probe.ping();
  } catch (error) {
    throw rgError('RG_ERR_REDIS_UNAVAILABLE', { url: redactUrl(redisUrl), reason: error instanceof Error ? error.message : String(error) });
  } finally {
    probe.disconnect();
  }
}

/** The URL without its password, for messages and logs. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return 'redis://(unparseable url)';
  }
}
