/**
 * Statistics shared by every gateway through Redis. An update is one Lua script of
 * HINCRBYFLOATs on the arm's hash: increments commute, so concurrent feedback on any number
 * of gateways adds up exactly, whatever the interleaving. Each gateway reads the whole state
 * back every `syncMs` (a few hashes of at most a few thousand fields).
 */
import { Redis } from 'ioredis';
import type { ArmStatistics } from './sufficient-statistics.js';
import type { PolicyStatistics, StatisticsStore } from './statistics-store.js';
import { addIncrements, EMPTY_ARM } from './sufficient-statistics.js';

// KEYS: arm hash, arm set, updated-at hash. ARGV: arm, at, then field/value pairs.
const ADD_SCRIPT = `
redis.call('SADD', KEYS[2], ARGV[1])
local current = tonumber(redis.call('HGET', KEYS[3], ARGV[1]) or '0')
if tonumber(ARGV[2]) > current then redis.call('HSET', KEYS[3], ARGV[1], ARGV[2]) end
for i = 3, #ARGV, 2 do redis.call('HINCRBYFLOAT', KEYS[1], ARGV[i], ARGV[i + 1]) end
return 1`;

export interface RedisStatisticsOptions {
  readonly url: string;
  /** Key prefix; every key of this policy starts with it. */
  readonly prefix: string;
}

export class RedisStatistics implements StatisticsStore {
  readonly kind = 'redis' as const;
  readonly #redis: Redis;
  readonly #prefix: string;
  #view: PolicyStatistics = { arms: {}, floor: null };
  #viewText = '';
  #version = 0;

  constructor(options: RedisStatisticsOptions) {
    this.#redis = new Redis(options.url, { maxRetriesPerRequest: 2, lazyConnect: false });
    this.#prefix = options.prefix;
  }

  get version(): number {
    return this.#version;
  }

  #key(...parts: string[]): string {
    return [this.#prefix, ...parts].join(':');
  }

  current(): PolicyStatistics {
    return this.#view;
  }

  async add(arm: string, increments: Readonly<Record<string, number>>, at: number): Promise<void> {
    // Seen at once by this gateway; the next sync replaces it with the shared truth.
    this.#setView({ ...this.#view, arms: { ...this.#view.arms, [arm]: addIncrements(this.#view.arms[arm] ?? EMPTY_ARM, increments, at) } });
    const args: Array<string | number> = [arm, at];
    for (const [field, value] of Object.entries(increments)) args.push(field, value);
    await this.#redis.eval(ADD_SCRIPT, 3, this.#key('arm', arm), this.#key('arms'), this.#key('updated'), ...args);
  }

  async setFloor(floor: number | null): Promise<void> {
    if (floor === null) await this.#redis.hdel(this.#key('settings'), 'floor');
    else await this.#redis.hset(this.#key('settings'), 'floor', String(floor));
    await this.sync();
  }

  async reset(): Promise<void> {
    const arms = await this.#redis.smembers(this.#key('arms'));
    await this.#redis.del(this.#key('arms'), this.#key('updated'), ...arms.map((a) => this.#key('arm', a)));
    await this.sync();
  }

  async sync(): Promise<void> {
    const arms = (await this.#redis.smembers(this.#key('arms'))).sort();
    const pipeline = this.#redis.pipeline();
    for (const arm of arms) pipeline.hgetall(this.#key('arm', arm));
    pipeline.hgetall(this.#key('updated'));
    pipeline.hget(this.#key('settings'), 'floor');
    const results = (await pipeline.exec()) ?? [];
    const updated = (results[arms.length]?.[1] ?? {}) as Record<string, string>;
    const floorText = results[arms.length + 1]?.[1] as string | null | undefined;
    const out: Record<string, ArmStatistics> = {};
    arms.forEach((arm, i) => {
      const hash = (results[i]?.[1] ?? {}) as Record<string, string>;
      const sums: Record<string, number> = {};
      for (const [field, value] of Object.entries(hash)) sums[field] = Number(value);
      out[arm] = { sums, updatedAt: updated[arm] ? Number(updated[arm]) : null };
    });
    this.#setView({ arms: out, floor: floorText === null || floorText === undefined ? null : Number(floorText) });
  }

  #setView(view: PolicyStatistics): void {
    const text = JSON.stringify(view);
    if (text === this.#viewText) return;
    this.#view = view;
    this.#viewText = text;
    this.#version++;
  }

  async restore(state: PolicyStatistics): Promise<boolean> {
    // Only the first gateway to start on an empty Redis seeds it, so a restart never doubles counts.
    const empty = (await this.#redis.scard(this.#key('arms'))) === 0;
    if (!empty) return false;
    const claimed = await this.#redis.set(this.#key('restored'), String(Date.now()), 'EX', 60, 'NX');
    if (claimed !== 'OK') return false;
    for (const [arm, stats] of Object.entries(state.arms)) await this.add(arm, stats.sums, stats.updatedAt ?? Date.now());
    if (state.floor !== null) await this.#redis.hset(this.#key('settings'), 'floor', String(state.floor));
    await this.sync();
    return true;
  }

  /** Removes every key of this policy (tests). */
  async destroy(): Promise<void> {
    const keys = await this.#redis.keys(`${this.#prefix}:*`);
    if (keys.length > 0) await this.#redis.del(...keys);
  }

  async close(): Promise<void> {
    this.#redis.disconnect();
  }
}
