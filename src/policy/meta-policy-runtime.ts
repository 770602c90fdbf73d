/**
 * The meta-policy as a gateway runs it: the statistics store (Redis when configured, else in
 * process), restored from the newest snapshot at start, re-synced from Redis, snapshotted on
 * a timer and at shutdown, and the reward sweep.
 */
import type { Database } from '../db/index.js';
import type { Logger } from '../strategies/contract.js';
import { InProcessStatistics } from './in-process-statistics.js';
import { MetaPolicy } from './meta-policy.js';
import type { MetaPolicyConfig } from '../config/meta-policy-config.js';
import { latestSnapshot, saveSnapshot } from './policy-snapshots.js';
import { RedisStatistics } from './redis-statistics.js';
import { RewardAttribution } from './reward-attribution.js';
import type { StatisticsStore } from './statistics-store.js';

export interface MetaPolicyRuntime {
  readonly policy: MetaPolicy;
  readonly rewards: RewardAttribution;
  /** Sets the exploration floor (null: back to the configured one) and snapshots. */
  setFloor(floor: number | null): Promise<void>;
  /** Forgets every statistic and snapshots the empty state, so a restart does not bring them back. */
  reset(): Promise<void>;
  snapshot(): Promise<void>;
  close(): Promise<void>;
}

export interface MetaPolicyRuntimeOptions {
  readonly db: Database;
  readonly redisUrl: string | null;
  readonly log: Logger;
  /** Run the sweep, sync and snapshot timers. @default true */
  readonly timers?: boolean;
  readonly now?: () => number;
}

export async function startMetaPolicy(config: MetaPolicyConfig, options: MetaPolicyRuntimeOptions): Promise<MetaPolicyRuntime> {
  const { db, log } = options;
  const statistics: StatisticsStore = options.redisUrl ? new RedisStatistics({ url: options.redisUrl, prefix: config.redisPrefix }) : new InProcessStatistics();
  await statistics.sync();
  const snapshot = await latestSnapshot(db);
  if (snapshot && (await statistics.restore(snapshot.state))) log.info('meta-policy statistics restored', { from: snapshot.createdAt.toISOString() });

  const policy = new MetaPolicy(config, statistics, { now: options.now });
  const rewards = new RewardAttribution({ db, policy, log, now: options.now });
  const save = () => saveSnapshot(db, statistics.current());

  const timers: NodeJS.Timeout[] = [];
  if (options.timers !== false) {
    rewards.start();
    const every = (ms: number, work: () => Promise<void>, what: string) => {
      const t = setInterval(() => work().catch((error: unknown) => log.warn(`${what} failed; will retry`, { error: String(error) })), ms);
      t.unref();
      timers.push(t);
    };
    if (statistics.kind === 'redis') every(config.syncMs, () => statistics.sync(), 'meta-policy sync');
    every(config.snapshotSeconds * 1000, save, 'meta-policy snapshot');
  }

  return {
    policy,
    rewards,
    async setFloor(floor) {
      await policy.setFloor(floor);
      await save();
    },
    async reset() {
      await policy.reset();
      await save();
    },
    snapshot: save,
    async close() {
      for (const t of timers) clearInterval(t);
      await rewards.stop();
      await save().catch((error: unknown) => log.warn('meta-policy snapshot at shutdown failed', { error: String(error) }));
      await statistics.close();
    },
  };
}
