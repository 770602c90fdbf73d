/**
 * A running gateway picks up a version promoted by a worker through Redis pub/sub (polling
 * off, so the message is what does it), with requests sent continuously throughout: none
 * fails, and once a request sees the new version no later one sees the old.
 */
import { describeWithRedis } from '../support/test-redis.js';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/index.js';
import { openProcessorDeps } from '../../src/jobs/processor-deps.js';
import { processTrainJob } from '../../src/jobs/processors/train-processor.js';
import { parseJobPayload } from '../../src/jobs/job-definitions.js';
import { startWorkers, type RunningWorkers } from '../../src/jobs/worker.js';
import { createTestGateway, type TestGateway } from '../support/test-gateway.js';
import { REDIS_URL, seedMovieTweetings, uniquePrefix } from './fixtures.js';

const silent = { info() {}, warn() {}, error() {} };

describeWithRedis('hot reload of promoted models', () => {
  let t: TestGateway;
  let names: ReturnType<typeof uniquePrefix>;
  let worker: RunningWorkers | null = null;
  let env: Record<string, string>;

  beforeAll(async () => {
    names = uniquePrefix();
    env = { REDIS_URL, RECGATE_QUEUE_PREFIX: names.prefix, RECGATE_MODEL_POLL_SECONDS: '0', RECGATE_META_POLICY: 'off' };
    t = await createTestGateway('sqlite', env);
    await seedMovieTweetings(t.database.db, 2000);
    await t.gateway.refresh();
  });
  afterAll(async () => {
    await worker?.close();
    await t?.close();
    await names?.remove();
  });

  it('switches to the promoted version with no failed request', async () => {
    const config = loadConfig({ ...env, DATABASE_URL: t.database.url });
    // The live version before: popularity with a one-hour half-life (worse on this data).
    const deps = await openProcessorDeps(config, { db: t.database.db });
    const before = await processTrainJob(deps, parseJobPayload('train', { strategy: 'popularity', params: { halfLifeHours: 1 } }), {
      signal: new AbortController().signal,
      onProgress: () => {},
    });
    await deps.close();
    await t.gateway.services.modelReloader.sync();
    expect(t.gateway.services.models.get('popularity')!.version).toBe(before.versionId);

    worker = await startWorkers({ config, env: { ...process.env, ...env, DATABASE_URL: t.database.url }, queues: ['train'], log: silent });
    const user = (await t.database.db.prisma.user.findFirst({ select: { externalId: true } }))!.externalId;
    const seen: string[] = [];
    const failures: unknown[] = [];
    let stop = false;
    const client = async (): Promise<void> => {
      while (!stop) {
        // yoga.fetch without a socket can settle on microtasks alone: let timers and I/O run.
        await new Promise((r) => setImmediate(r));
        const r = await t.gql('query($u: ID!) { recommendations(userId: $u, limit: 5) { modelVersion items { item { id } } } }', { u: user }, t.clientKey);
        if (r.errors || r.status !== 200 || r.data!.recommendations.items.length !== 5) failures.push(r.errors ?? r.status);
        else seen.push(r.data!.recommendations.modelVersion);
      }
    };
    const clients = [client(), client(), client()];

    const queued = await t.gql('mutation { trainStrategy(name: "popularity", params: { halfLifeHours: 100000 }) { id state } }');
    expect(queued.errors).toBeUndefined();
    const jobId: string = queued.data!.trainStrategy.id;
    let job: any = null;
    for (let i = 0; i < 600 && job?.state !== 'COMPLETED' && job?.state !== 'FAILED'; i++) {
      await new Promise((r) => setTimeout(r, 100));
      job = (await t.gql('query($id: ID!) { job(id: $id) { state progress { phase percent } result } }', { id: jobId })).data!.job;
    }
    expect(job.state).toBe('COMPLETED');
    expect(job.result.outcome).toBe('promoted');
    const after: string = job.result.versionId;
    for (let i = 0; i < 400 && seen.at(-1) !== after; i++) await new Promise((r) => setTimeout(r, 50));
    const served = seen.length;
    await new Promise((r) => setTimeout(r, 200));
    stop = true;
    await Promise.all(clients);

    expect(failures).toEqual([]);
    expect(served).toBeGreaterThan(10); // requests really were in flight throughout
    expect(seen[0]).toBe(before.versionId);
    expect(seen.at(-1)).toBe(after);
    const firstNew = seen.indexOf(after);
    expect(seen.slice(firstNew).every((v) => v === after)).toBe(true);
    expect(new Set(seen)).toEqual(new Set([before.versionId, after]));
  }, 120_000);
});
