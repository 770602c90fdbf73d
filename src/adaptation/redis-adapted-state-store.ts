/**
 * The shared store: one Redis hash per user (`<prefix>:adapted:<userId>`, a field per
 * strategy), expiring when the user has given no feedback for `ttlSeconds`. The connection
 * has no offline queue and a short command timeout, so while Redis is away a read answers
 * "not adapted" at once and serving goes on from the history alone.
 */
import { Redis } from 'ioredis';
import type { Logger } from '../strategies/contract.js';
import { redisOutageLog, withRedis } from '../redis/redis-connection.js';
import { NO_ADAPTATIONS, type AdaptedStateStore } from './adapted-state-store.js';
import { decodeStoredAdaptation, encodeStoredAdaptation, type StoredAdaptation } from './stored-adaptation.js';

export interface RedisAdaptedStateStoreOptions {
  readonly redisUrl: string;
  /** Key prefix, shared by the gateways and workers of one deployment. @default recgate */
  readonly prefix?: string;
  /** A user's adaptations expire this long after the last one was written. @default 2592000 (30 days) */
  readonly ttlSeconds?: number;
  /** Longest a command may take: for a gateway, how long serving waits before going on without it, ms. @default 100 */
  readonly commandTimeoutMs?: number;
  readonly log: Logger;
}

/** Beside each strategy's field, `<strategy>@order` holds "<historyThrough>:<adaptedAt>" of the stored state. */
const ORDER_SUFFIX = '@order';

/**
 * Two adapt jobs for one user (on two workers, or a retry) can finish out of order: a state
 * is stored only if it saw at least as recent a history as the stored one (ties: the later
 * adaptation wins, e.g. one made with a newly promoted model). ARGV: ttl, then per strategy
 * field, historyThrough (-1 for none), adaptedAt, bytes.
 */
const WRITE_IF_NEWER = `
local key = KEYS[1]
for i = 2, #ARGV, 4 do
  local field, through, at = ARGV[i], tonumber(ARGV[i + 1]), tonumber(ARGV[i + 2])
  local current = redis.call('HGET', key, field .. '${ORDER_SUFFIX}')
  local newer = true
  if current then
    local sep = string.find(current, ':', 1, true)
    local storedThrough, storedAt = tonumber(string.sub(current, 1, sep - 1)), tonumber(string.sub(current, sep + 1))
    newer = through > storedThrough or (through == storedThrough and at >= storedAt)
  end
  if newer then
    redis.call('HSET', key, field, ARGV[i + 3], field .. '${ORDER_SUFFIX}', ARGV[i + 1] .. ':' .. ARGV[i + 2])
  end
end
redis.call('EXPIRE', key, ARGV[1])
return 1
`;

export const adaptedStateKey = (prefix: string, userId: string): string => `${prefix}:adapted:${userId}`;

export class RedisAdaptedStateStore implements AdaptedStateStore {
  readonly #redis: Redis;
  readonly #prefix: string;
  readonly #ttlSeconds: number;
  readonly #url: string;
  readonly #outage: ReturnType<typeof redisOutageLog>;

  constructor(options: RedisAdaptedStateStoreOptions) {
    this.#prefix = options.prefix ?? 'recgate';
    this.#ttlSeconds = options.ttlSeconds ?? 30 * 24 * 3600;
    this.#url = options.redisUrl;
    this.#outage = redisOutageLog(options.log, 'adapted user state', 'serving goes on from the history alone until it is back');
    this.#redis = new Redis(options.redisUrl, {
      enableOfflineQueue: false,
      maxRetriesPerRequest: 1,
      commandTimeout: options.commandTimeoutMs ?? 100,
      retryStrategy: (attempt) => Math.min(attempt * 200, 5_000),
      connectionName: 'recgate-adapted-state',
    });
    this.#redis.on('error', this.#outage.error);
    this.#redis.on('ready', this.#outage.ready);
  }

  async read(userId: string): Promise<ReadonlyMap<string, StoredAdaptation>> {
    if (this.#redis.status !== 'ready') return NO_ADAPTATIONS;
    let fields: Record<string, Buffer>;
    try {
      fields = await this.#redis.hgetallBuffer(adaptedStateKey(this.#prefix, userId));
    } catch (error) {
      this.#outage.error(error);
      return NO_ADAPTATIONS;
    }
    const out = new Map<string, StoredAdaptation>();
    for (const [strategy, bytes] of Object.entries(fields)) {
      if (strategy.endsWith(ORDER_SUFFIX)) continue;
      const stored = decodeStoredAdaptation(bytes);
      if (stored && stored.strategy === strategy) out.set(strategy, stored);
    }
    return out;
  }

  /**
   * RG_ERR_REDIS_UNAVAILABLE while Redis is away (after a short wait for a reconnecting
   * connection): the adapt job then fails and is retried with backoff.
   */
  async write(userId: string, adaptations: readonly StoredAdaptation[]): Promise<void> {
    if (adaptations.length === 0) return;
    const args: Array<string | Buffer> = [String(this.#ttlSeconds)];
    for (const a of adaptations) args.push(a.strategy, String(a.historyThrough ?? -1), String(a.adaptedAt), Buffer.from(encodeStoredAdaptation(a)));
    await withRedis(this.#redis, this.#url, () => this.#redis.eval(WRITE_IF_NEWER, 1, adaptedStateKey(this.#prefix, userId), ...args));
  }

  async forget(userId: string): Promise<void> {
    await withRedis(this.#redis, this.#url, () => this.#redis.del(adaptedStateKey(this.#prefix, userId)));
  }

  async close(): Promise<void> {
    this.#redis.disconnect();
  }
}
