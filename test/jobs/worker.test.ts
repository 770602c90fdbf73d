/**
 * Workers against a real Redis, each test on queues of its own (a unique prefix), removed
 * afterwards: bad payloads fail at once without retries and say why; a worker killed with
 * SIGKILL mid-training costs a retry on another worker and never a partial artifact.
 */
import { describeWithRedis } from '../support/test-redis.js';
import { spawn, type ChildProcess } from 'node:child_process';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { QueueEvents, type Job } from 'bullmq';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/index.js';
import { JobQueues } from '../../src/jobs/job-queues.js';
import { BullJobService } from '../../src/jobs/bull-job-service.js';
import { createRedisConnection } from '../../src/redis/redis-connection.js';
import { startWorkers, type RunningWorkers } from '../../src/jobs/worker.js';
import { DbModelStore } from '../../src/models/db-model-store.js';
import type { TrainJobResult } from '../../src/jobs/processors/train-processor.js';
import { decodeArtifact } from '../../src/strategies/artifact-codec.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';
import { REDIS_URL, seedMovieTweetings, uniquePrefix } from './fixtures.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const TSX = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
const silent = { info() {}, warn() {}, error() {} };

function spawnWorker(env: NodeJS.ProcessEnv): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['--import', TSX, path.join(here, 'worker-process.ts')], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  child.stderr!.resume();
  return new Promise((resolve, reject) => {
    child.stdout!.on('data', (chunk: Buffer) => {
      if (chunk.toString().includes('ready')) resolve(child);
    });
    child.once('exit', (code) => reject(new Error(`worker exited early (${code})`)));
  });
}

describeWithRedis('train workers on Redis', () => {
  let database: TestDatabase;
  let names: ReturnType<typeof uniquePrefix>;
  let env: NodeJS.ProcessEnv;
  let queues: JobQueues;
  const connection = createRedisConnection(REDIS_URL);

  beforeAll(async () => {
    database = await createTestDatabase('sqlite');
    await seedMovieTweetings(database.db, 3000);
    names = uniquePrefix();
    env = { ...process.env, DATABASE_URL: database.url, REDIS_URL, RECGATE_QUEUE_PREFIX: names.prefix };
    queues = new JobQueues({ connection, prefix: names.prefix });
  });
  afterAll(async () => {
    await queues?.close();
    connection.disconnect();
    await names?.remove();
    await database?.drop();
  });

  it('fails a bad payload at once, without retries, and says why', async () => {
    const running: RunningWorkers = await startWorkers({ config: loadConfig(env), env, queues: ['train', 'adapt'], log: silent });
    const events = new QueueEvents('train', { connection: createRedisConnection(REDIS_URL), prefix: names.prefix });
    try {
      await events.waitUntilReady();
      // Written straight into Redis, as a foreign producer could: the worker must not trust it.
      const job = await queues.queue('train').add('train', { strategy: 'popularity', epochs: 'many' } as never, { attempts: 5 });
      await expect(job.waitUntilFinished(events, 30_000)).rejects.toThrow(/RG_ERR_JOB_PAYLOAD/);
      const failed = (await queues.queue('train').getJob(job.id!))!;
      expect(failed.attemptsMade).toBe(1);
      expect(failed.failedReason).toMatch(/Invalid train job payload at \(payload\): .*epochs/);
      expect(await failed.getState()).toBe('failed');

      const unknown = await queues.queue('train').add('train', { strategy: 'no-such-strategy' }, { attempts: 5 });
      await expect(unknown.waitUntilFinished(events, 30_000)).rejects.toThrow(/RG_ERR_STRATEGY_UNKNOWN/);
      expect((await queues.queue('train').getJob(unknown.id!))!.attemptsMade).toBe(1);

      // The producer side refuses before anything reaches Redis.
      await expect(queues.add('adapt', { userId: '' })).rejects.toMatchObject({ code: 'RG_ERR_JOB_PAYLOAD' });
    } finally {
      await events.close();
      await running.close();
    }
  });

  it('de-duplicates adapt jobs per user within the debounce window', async () => {
    const debounced = new JobQueues({ connection, prefix: names.prefix, adaptDebounceMs: 60_000 });
    try {
      // Debounce mode replaces the waiting job, so later feedback pushes the one job back.
      for (let i = 0; i < 5; i++) await debounced.addAdapt('user-1');
      await debounced.addAdapt('user-2');
      const pending = await debounced.queue('adapt').getJobs(['delayed', 'waiting']);
      expect(pending.map((j) => j.data.userId).sort()).toEqual(['user-1', 'user-2']);
    } finally {
      await debounced.queue('adapt').obliterate({ force: true });
      await debounced.close();
    }
  });

  it('cancels a running training on a worker: failed as aborted, no retry, nothing stored', async () => {
    const config = loadConfig(env);
    const running = await startWorkers({ config, env, queues: ['train'], log: silent });
    const jobs = new BullJobService({ redisUrl: REDIS_URL, prefix: names.prefix });
    const events = new QueueEvents('train', { connection: createRedisConnection(REDIS_URL), prefix: names.prefix });
    try {
      await events.waitUntilReady();
      // A training that lasts (meta-rl, many passes) and checks its abort signal at every step:
      // popularity on this sample could finish before the cancellation arrived.
      const before = await new DbModelStore(database.db).list({ strategy: 'meta-rl' });
      const job = await queues.add('train', { strategy: 'meta-rl', force: true, params: { epochs: 50 } });
      await new Promise<void>((resolve) => {
        events.on('progress', ({ jobId, data }) => {
          if (jobId === job.id && (data as { percent: number }).percent >= 5) resolve();
        });
      });
      expect(await jobs.cancel(job.id!)).toBe(true);
      await expect(job.waitUntilFinished(events, 30_000)).rejects.toThrow(/RG_ERR_TRAINING_ABORTED/);
      expect((await queues.queue('train').getJob(job.id!))!.attemptsMade).toBe(1);
      expect(await new DbModelStore(database.db).list({ strategy: 'meta-rl' })).toHaveLength(before.length);
      expect(await jobs.cancel(job.id!)).toBe(false);
    } finally {
      await events.close();
      await jobs.close();
      await running.close();
    }
  }, 60_000);

  it('retries a job whose worker was killed mid-training on another worker; only the finished artifact is stored', async () => {
    const store = new DbModelStore(database.db);
    const first = await spawnWorker(env);
    const events = new QueueEvents('train', { connection: createRedisConnection(REDIS_URL), prefix: names.prefix });
    let second: ChildProcess | null = null;
    try {
      await events.waitUntilReady();
      const job: Job = await queues.add('train', { strategy: 'category-affinity' });
      // Kill the first worker once training is under way (its child process goes with it).
      await new Promise<void>((resolve) => {
        events.on('progress', ({ jobId, data }) => {
          if (jobId === job.id && typeof data === 'object' && (data as { percent: number }).percent >= 5) resolve();
        });
      });
      first.kill('SIGKILL');
      expect(await store.list({ strategy: 'category-affinity' })).toHaveLength(0);

      second = await spawnWorker(env);
      const result = (await job.waitUntilFinished(events, 90_000)) as TrainJobResult;
      expect(result.outcome).toBe('promoted');
      const versions = await store.list({ strategy: 'category-affinity' });
      // Exactly one version: the killed run left nothing behind, half-written or otherwise.
      expect(versions.map((v) => v.id)).toEqual([result.versionId]);
      expect(versions[0]!.status).toBe('live');
      const stored = (await store.get(result.versionId!))!;
      expect(decodeArtifact(stored.artifact).json).toBeTruthy();
      const finished = (await queues.queue('train').getJob(job.id!))!;
      expect(await finished.getState()).toBe('completed');
    } finally {
      await events.close();
      first.kill('SIGKILL');
      if (second && second.exitCode === null) {
        // Wait for it: a worker still closing could write keys after they were removed.
        const exited = new Promise((r) => second!.once('exit', r));
        second.kill('SIGTERM');
        await exited;
      }
    }
  }, 120_000);
});
