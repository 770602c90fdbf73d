/**
 * Scheduled retraining: `RECGATE_TRAIN_SCHEDULE` parsed and validated at start, and registered
 * on a real Redis (a queue prefix of its own, removed afterwards) once per strategy however
 * often workers register it; a strategy dropped from the configuration loses its schedule.
 */
import { Queue } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/index.js';
import { createGateway } from '../../src/gateway.js';
import { createRedisConnection } from '../../src/redis/redis-connection.js';
import { listTrainSchedules, syncTrainSchedules } from '../../src/jobs/train-schedules.js';
import { startWorkers } from '../../src/jobs/worker.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';
import { createTestGateway, errorCode } from '../support/test-gateway.js';
import { describeWithRedis } from '../support/test-redis.js';
import { REDIS_URL, uniquePrefix } from './fixtures.js';

const silent = { info() {}, warn() {}, error() {} };

describe('RECGATE_TRAIN_SCHEDULE', () => {
  it('takes cron patterns (commas included) and every:<n><unit>', () => {
    expect(loadConfig({}).trainSchedules).toEqual([]);
    const config = loadConfig({ RECGATE_TRAIN_SCHEDULE: 'als=0 3 * * *, two-tower=every:6h,popularity=0 3,15 * * 1-5' });
    expect(config.trainSchedules).toEqual([
      { strategy: 'als', pattern: '0 3 * * *', everyMs: null },
      { strategy: 'two-tower', pattern: null, everyMs: 6 * 3_600_000 },
      { strategy: 'popularity', pattern: '0 3,15 * * 1-5', everyMs: null },
    ]);
  });

  it.each(['als', 'als=', 'als=every:6y', 'als=every:0s', 'als=0 3 * *', 'als=0 3 * * * * *', 'als=0 3 * * *,als=every:1h', '=every:1h'])(
    'refuses "%s" with RG_ERR_CONFIG naming it',
    (spec) => {
      let error: unknown;
      try {
        loadConfig({ RECGATE_TRAIN_SCHEDULE: spec });
      } catch (e) {
        error = e;
      }
      expect(error).toMatchObject({ code: 'RG_ERR_CONFIG' });
      expect((error as Error).message).toContain('RECGATE_TRAIN_SCHEDULE');
    },
  );
});

describe('train schedules without Redis', () => {
  it('an embedded gateway says at start that schedules need Redis and a worker', async () => {
    const database = await createTestDatabase('sqlite');
    const warnings: string[] = [];
    const log = { info() {}, error() {}, warn: (message: string) => void warnings.push(message) };
    try {
      const config = loadConfig({
        DATABASE_URL: database.url,
        RECGATE_TRAIN_ON_START: 'none',
        RECGATE_META_POLICY: 'off',
        RECGATE_TRAIN_SCHEDULE: 'popularity=every:1h',
      });
      const gateway = await createGateway(config, { db: database.db, refresh: false, log });
      await gateway.close();
      expect(warnings).toContainEqual(expect.stringContaining('RECGATE_TRAIN_SCHEDULE is ignored without REDIS_URL'));
    } finally {
      await database.drop();
    }
  });

  it('the trainSchedules query says that schedules need Redis', async () => {
    const t = await createTestGateway('sqlite', { RECGATE_META_POLICY: 'off' });
    try {
      const r = await t.gql('{ trainSchedules { strategy } }');
      expect(errorCode(r)).toBe('RG_ERR_REDIS_REQUIRED');
      expect(r.errors![0]!.message).toContain('REDIS_URL');
    } finally {
      await t.close();
    }
  });
});

describeWithRedis('train schedules on Redis', () => {
  const names = uniquePrefix();
  const connection = createRedisConnection(REDIS_URL);
  let queue: Queue;
  let database: TestDatabase;

  beforeAll(async () => {
    queue = new Queue('train', { connection, prefix: names.prefix });
    database = await createTestDatabase('sqlite');
  });
  afterAll(async () => {
    await queue?.close();
    connection.disconnect();
    await names.remove();
    await database?.drop();
  });

  it('registers each schedule once however often it is registered, and removes dropped ones', async () => {
    const schedules = loadConfig({ RECGATE_TRAIN_SCHEDULE: 'popularity=every:6h,category-affinity=0 3 * * *' }).trainSchedules;
    await syncTrainSchedules(queue, schedules);
    const again = await syncTrainSchedules(queue, schedules);
    expect(again.map((s) => [s.strategy, s.pattern, s.everyMs]).sort()).toEqual([
      ['category-affinity', '0 3 * * *', null],
      ['popularity', null, 6 * 3_600_000],
    ]);
    expect(await queue.getJobSchedulersCount()).toBe(2);
    // One pending train job per schedule, not one per registration: `every` runs at once, cron at 03:00.
    const pending = await queue.getJobs(['delayed', 'waiting']);
    expect(pending.map((j) => j.data.strategy).sort()).toEqual(['category-affinity', 'popularity']);
    expect(pending.find((j) => j.data.strategy === 'popularity')!.data).toEqual({ strategy: 'popularity', force: false, seed: 42 });

    await syncTrainSchedules(
      queue,
      schedules.filter((s) => s.strategy === 'popularity'),
    );
    expect((await listTrainSchedules(queue)).map((s) => s.strategy)).toEqual(['popularity']);
    expect((await queue.getJobs(['delayed', 'waiting'])).map((j) => j.data.strategy)).toEqual(['popularity']);
  });

  it('a worker registers the configured schedules at start, and refuses an unknown strategy', async () => {
    const env = { DATABASE_URL: database.url, REDIS_URL, RECGATE_QUEUE_PREFIX: names.prefix, RECGATE_META_POLICY: 'off' };
    const running = await startWorkers({ config: loadConfig({ ...env, RECGATE_TRAIN_SCHEDULE: 'popularity=0 4 * * *' }), queues: ['train'], log: silent });
    const t = await createTestGateway('sqlite', { REDIS_URL, RECGATE_QUEUE_PREFIX: names.prefix, RECGATE_META_POLICY: 'off' });
    try {
      expect(await listTrainSchedules(queue)).toEqual([{ strategy: 'popularity', pattern: '0 4 * * *', everyMs: null, next: expect.any(Date) }]);
      // What an operator sees through the API of any gateway.
      const r = await t.gql('{ trainSchedules { strategy pattern everyMs next } }');
      expect(r.errors).toBeUndefined();
      expect(r.data!.trainSchedules).toEqual([{ strategy: 'popularity', pattern: '0 4 * * *', everyMs: null, next: expect.any(String) }]);
      expect(Date.parse(r.data!.trainSchedules[0].next)).toBeGreaterThan(Date.now());
    } finally {
      await t.close();
      await running.close();
    }
    await expect(
      startWorkers({ config: loadConfig({ ...env, RECGATE_TRAIN_SCHEDULE: 'no-such=every:1h' }), queues: ['train'], log: silent }),
    ).rejects.toMatchObject({
      code: 'RG_ERR_CONFIG',
      message: expect.stringContaining('no-such'),
    });
  });
});
