/**
 * Redis connections for queues, workers and pub/sub. Anything that needs Redis asks here,
 * so a missing REDIS_URL is one clear coded error instead of a connection stack trace.
 */
import { once } from 'node:events';
import { Redis } from 'ioredis';
import { isRecgateError, rgError } from '../errors.js';
import type { Logger } from '../strategies/contract.js';

/** How long a call waits for a connection that is (re)connecting before it gives up. */
export const CONNECT_WAIT_MS = 2_000;

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

/**
 * Runs `work` on a fail-fast connection (no offline queue): waits up to CONNECT_WAIT_MS for a
 * connection that is (re)connecting, and reports any Redis failure as
 * `RG_ERR_REDIS_UNAVAILABLE` naming the (redacted) URL. Coded errors of `work` pass through.
 */
export async function withRedis<T>(connection: Redis, redisUrl: string, work: () => Promise<T>): Promise<T> {
  try {
    if (connection.status !== 'ready') {
      await Promise.race([
        once(connection, 'ready'),
        new Promise((_, reject) => setTimeout(() => reject(new Error(`not connected (${connection.status})`)), CONNECT_WAIT_MS).unref()),
      ]);
    }
    return await work();
  } catch (error) {
    if (isRecgateError(error)) throw error;
    throw rgError('RG_ERR_REDIS_UNAVAILABLE', { url: redactUrl(redisUrl), reason: error instanceof Error ? error.message : String(error) });
  }
}

/**
 * Logs a Redis outage once, not once per reconnect attempt or per call, and its end.
 * `whileDown` says what users get meanwhile.
 */
export function redisOutageLog(log: Logger, what: string, whileDown = 'serving continues and it reconnects'): { error(e: unknown): void; ready(): void } {
  let down = false;
  return {
    error(e) {
      if (!down) log.warn(`${what}: redis unreachable; ${whileDown}`, { error: e instanceof Error ? e.message : String(e) });
      down = true;
    },
    ready() {
      if (down) log.info(`${what}: redis reconnected`);
      down = false;
    },
  };
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
