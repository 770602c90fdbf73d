/**
 * Redis going down and coming back, on a redis-server of this test's own (a free port, no
 * persistence; the shared Redis is never touched): while it is down the gateway keeps serving
 * recommendations and job calls fail fast with RG_ERR_REDIS_UNAVAILABLE; once it is back on
 * the same port the worker reconnects, a new train job completes, and the job API works again.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/index.js';
import { Queue } from 'bullmq';
import { createRedisConnection, pingRedis } from '../../src/redis/redis-connection.js';
import { listTrainSchedules } from '../../src/jobs/train-schedules.js';
import { startWorkers, type RunningWorkers } from '../../src/jobs/worker.js';
import { createTestGateway, errorCode, type TestGateway } from '../support/test-gateway.js';
import { seedMovieTweetings } from './fixtures.js';

const silent = { info() {}, warn() {}, error() {} };
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as { port: number };
  server.close();
  await once(server, 'close');
  return port;
}

/** A redis-server of our own, answering once this resolves. */
async function startRedis(port: number): Promise<ChildProcess> {
  const child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--daemonize', 'no'], {
    stdio: 'ignore',
  });
  for (let i = 0; i < 100; i++) {
    if (child.exitCode !== null) throw new Error(`redis-server exited (${child.exitCode})`);
    try {
      await pingRedis(`redis://127.0.0.1:${port}`, 500);
      return child;
    } catch {
      await sleep(100);
    }
  }
  child.kill('SIGKILL');
  throw new Error('redis-server did not answer');
}

async function stopRedis(child: ChildProcess | null): Promise<void> {
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  const exited = once(child, 'exit');
  child.kill('SIGKILL'); // a crash, not a shutdown
  await exited;
}

describe('Redis going down and coming back', () => {
  let redis: ChildProcess | null = null;
  let port: number;
  let t: TestGateway;
  let worker: RunningWorkers | null = null;

  beforeAll(async () => {
    port = await freePort();
    redis = await startRedis(port);
    const env = { REDIS_URL: `redis://127.0.0.1:${port}`, RECGATE_QUEUE_PREFIX: 'rgoutage', RECGATE_META_POLICY: 'off' };
    t = await createTestGateway('sqlite', env);
    await seedMovieTweetings(t.database.db, 1000);
    await t.gateway.refresh();
    const config = loadConfig({ ...env, DATABASE_URL: t.database.url, RECGATE_TRAIN_SCHEDULE: 'popularity=0 4 * * *' });
    worker = await startWorkers({ config, env: { ...process.env, ...env, DATABASE_URL: t.database.url }, queues: ['train'], log: silent });
  });
  afterAll(async () => {
    await worker?.close();
    await t?.close();
    await stopRedis(redis);
  });

  const recommend = () => t.gql('{ recommendations(userId: "someone", limit: 3) { items { item { id } } } }', {}, t.clientKey);

  async function trainToCompletion(): Promise<{ state: string; result: { outcome: string } }> {
    const queued = await t.gql('mutation { trainStrategy(name: "popularity", params: { halfLifeHours: 24 }) { id } }');
    expect(queued.errors).toBeUndefined();
    let job: any = null;
    for (let i = 0; i < 600 && job?.state !== 'COMPLETED' && job?.state !== 'FAILED'; i++) {
      await sleep(100);
      job = (await t.gql('query($id: ID!) { job(id: $id) { state result failedReason } }', { id: queued.data!.trainStrategy.id })).data?.job;
    }
    return job;
  }

  it('keeps serving, fails job calls fast while down, and works again once Redis is back', async () => {
    expect((await t.gql('{ jobs { id } }')).errors).toBeUndefined();

    await stopRedis(redis);
    for (let i = 0; i < 5; i++) {
      const r = await recommend();
      expect(r.errors).toBeUndefined();
      expect(r.data!.recommendations.items).toHaveLength(3);
    }
    // Long enough for every client to notice and back off.
    await sleep(2_000);
    const queued = await t.gql('mutation { trainStrategy(name: "popularity") { id } }');
    expect(errorCode(queued)).toBe('RG_ERR_REDIS_UNAVAILABLE');
    expect(errorCode(await t.gql('{ jobs { id } }'))).toBe('RG_ERR_REDIS_UNAVAILABLE');
    expect((await recommend()).errors).toBeUndefined();

    redis = await startRedis(port);
    let jobs = await t.gql('{ jobs { id } }');
    // The clients reconnect with a backoff capped at 5 s.
    for (let i = 0; i < 150 && jobs.errors; i++) {
      await sleep(100);
      jobs = await t.gql('{ jobs { id } }');
    }
    expect(jobs.errors).toBeUndefined();

    const job = await trainToCompletion();
    expect(job.state).toBe('COMPLETED');
    expect(job.result.outcome).toBe('promoted');
    expect((await recommend()).errors).toBeUndefined();

    // This Redis keeps nothing across a restart: the worker registered its schedule again.
    const connection = createRedisConnection(`redis://127.0.0.1:${port}`);
    const trainQueue = new Queue('train', { connection, prefix: 'rgoutage' });
    try {
      expect((await listTrainSchedules(trainQueue)).map((s) => s.strategy)).toEqual(['popularity']);
    } finally {
      await trainQueue.close();
      connection.disconnect();
    }
  }, 90_000);
});
