/**
 * The adaptation path end to end: feedback through the API queues a debounced adapt job;
 * the job adapts the user with the live two-tower model and stores the state; the next slate
 * (from any gateway) is served with it and says so in `adaptation`. Embedded mode (no Redis,
 * in-process) and Redis mode (two gateways, one worker, real Redis) alike.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/index.js';
import { createGateway, type Gateway } from '../../src/gateway.js';
import type { BullJobService } from '../../src/jobs/bull-job-service.js';
import type { EmbeddedJobRunner } from '../../src/jobs/embedded-job-runner.js';
import { parseJobPayload } from '../../src/jobs/job-definitions.js';
import { openProcessorDeps } from '../../src/jobs/processor-deps.js';
import { processTrainJob, type TrainJobResult } from '../../src/jobs/processors/train-processor.js';
import { startWorkers, type RunningWorkers } from '../../src/jobs/worker.js';
import { QueueEvents } from 'bullmq';
import { Redis } from 'ioredis';
import { adaptedStateKey } from '../../src/adaptation/redis-adapted-state-store.js';
import { createRedisConnection } from '../../src/redis/redis-connection.js';
import { createTestGateway, type GraphQLResponse, type TestGateway } from '../support/test-gateway.js';
import { describeWithRedis } from '../support/test-redis.js';
import { REDIS_URL, seedMovieTweetings, uniquePrefix } from '../jobs/fixtures.js';

const silent = { info() {}, warn() {}, error() {} };

/** Small enough to train in seconds on 2,000 ratings; adaptation on (it is off by default). */
const TWO_TOWER_PARAMS = JSON.stringify({
  'two-tower': { epochs: 1, dim: 16, hiddenUnits: 32, batchSize: 256, textHashBuckets: 2048, maxTextTokens: 24, adaptSteps: 5 },
});
const BASE_ENV = {
  RECGATE_META_POLICY: 'off',
  RECGATE_SERVING_STRATEGY: 'two-tower',
  RECGATE_STRATEGY_PARAMS: TWO_TOWER_PARAMS,
  RECGATE_ADAPT_DEBOUNCE_MS: '50',
  RECGATE_MODEL_POLL_SECONDS: '0',
};

interface SlateView {
  strategy: string;
  modelVersion: string | null;
  items: Array<{ item: { id: string } }>;
  adaptation: { adaptedAt: string; historyThrough: string | null; interactions: number } | null;
}

const SLATE = `query($u: ID!) { recommendations(userId: $u, limit: 10) {
  strategy modelVersion items { item { id } } adaptation { adaptedAt historyThrough interactions } } }`;
const FEEDBACK = `mutation($u: ID!, $i: ID!) { recordFeedback(input: { userId: $u, itemId: $i, type: CLICK }) { id occurredAt } }`;

type Gql = (query: string, variables?: Record<string, unknown>) => Promise<GraphQLResponse>;

async function slateOf(gql: Gql, userId: string): Promise<SlateView> {
  const r = await gql(SLATE, { u: userId });
  expect(r.errors).toBeUndefined();
  return r.data!.recommendations as SlateView;
}

async function feedback(gql: Gql, userId: string, itemId: string): Promise<Date> {
  const r = await gql(FEEDBACK, { u: userId, i: itemId });
  expect(r.errors).toBeUndefined();
  return new Date(r.data!.recordFeedback.occurredAt as string);
}

/** Polls until `probe` answers; fails with what it last saw. */
async function eventually<T>(probe: () => Promise<T | null>, what: string, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== null) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** A slate whose adaptation saw feedback given at `since` (or later), with the live model version. */
const adaptedSince = (gql: Gql, userId: string, since: Date) => () =>
  slateOf(gql, userId).then((s) => (s.adaptation?.historyThrough && new Date(s.adaptation.historyThrough) >= since ? s : null));

/** An embedded gateway over 2,000 MovieTweetings ratings with a live two-tower model, trained in-process. */
async function embeddedGatewayWithTwoTower(env: Record<string, string>): Promise<TestGateway> {
  const t = await createTestGateway('sqlite', env);
  await seedMovieTweetings(t.database.db, 2000);
  await t.gateway.refresh();
  await t.gateway.services.jobs.enqueue('train', { strategy: 'two-tower' });
  await (t.gateway.services.jobs as EmbeddedJobRunner).idle();
  expect(t.gateway.services.models.get('two-tower')).toBeDefined();
  return t;
}

/**
 * A user who has not been adapted clicks the first item of their slate (through `write`);
 * resolves with that slate and the first adapted slate `read` serves after the click.
 */
async function clickUntilAdapted(write: Gql, read: Gql, user: string): Promise<{ before: SlateView; after: SlateView }> {
  const before = await slateOf(read, user);
  expect(before).toMatchObject({ strategy: 'two-tower', adaptation: null });
  const clicked = await feedback(write, user, before.items[0]!.item.id);
  const after = await eventually(adaptedSince(read, user, clicked), 'an adapted slate');
  return { before, after };
}

async function someUser(t: TestGateway): Promise<string> {
  return (await t.database.db.prisma.user.findFirst({ orderBy: { id: 'asc' }, select: { externalId: true } }))!.externalId;
}

describe('adaptation in embedded mode (no Redis)', () => {
  let t: TestGateway;
  const gql: Gql = (q, v) => t.gql(q, v, t.clientKey);

  beforeAll(async () => {
    t = await embeddedGatewayWithTwoTower(BASE_ENV);
  }, 120_000);
  afterAll(async () => {
    await t?.close();
  });

  it('adapts a user after feedback; the next slate is served with it', async () => {
    const user = await someUser(t);
    const { before, after } = await clickUntilAdapted(gql, gql, user);
    const live = t.gateway.services.models.get('two-tower')!;
    expect(after.modelVersion).toBe(live.version);
    const interactions = await t.database.db.prisma.interaction.count({ where: { user: { externalId: user } } });
    expect(after.adaptation!.interactions).toBe(interactions);
    expect(after.items.map((i) => i.item.id)).not.toContain(before.items[0]!.item.id);

    const jobs = await t.gateway.services.jobs.list({ queue: 'adapt', state: 'completed' });
    const mine = jobs.filter((j) => (j.data as { userId: string }).userId === user);
    expect(mine).toHaveLength(1);
    expect(mine[0]!.result).toMatchObject({ userId: user, adapted: [{ strategy: 'two-tower', modelVersion: live.version }], failed: [] });
  });

  it('adapts a brand-new user from their first interactions', async () => {
    const user = 'adaptation-newcomer';
    const first = await slateOf(gql, user);
    expect(first.adaptation).toBeNull();
    await feedback(gql, user, first.items[0]!.item.id);
    const clicked = await feedback(gql, user, first.items[1]!.item.id);
    const adapted = await eventually(adaptedSince(gql, user, clicked), 'an adapted slate for a new user');
    expect(adapted.adaptation!.interactions).toBe(2);
  });

  it('turns a burst of feedback from one user into one adapt job', async () => {
    const user = (await t.database.db.prisma.user.findMany({ orderBy: { id: 'asc' }, take: 3, select: { externalId: true } }))[2]!.externalId;
    const slate = await slateOf(gql, user);
    let last = new Date(0);
    for (const item of slate.items.slice(0, 4)) last = await feedback(gql, user, item.item.id);
    await eventually(adaptedSince(gql, user, last), 'an adapted slate after the burst');
    await (t.gateway.services.jobs as EmbeddedJobRunner).idle();
    const jobs = (await t.gateway.services.jobs.list({ queue: 'adapt' })).filter((j) => (j.data as { userId: string }).userId === user);
    expect(jobs).toHaveLength(1);
  });
});

describe('no adapting model (two-tower with its default adaptSteps 0)', () => {
  let t: TestGateway;
  afterAll(async () => {
    await t?.close();
  });

  it('queues no adapt job, and slates carry no adaptation', async () => {
    const params = JSON.parse(TWO_TOWER_PARAMS) as { 'two-tower': Record<string, unknown> };
    delete params['two-tower'].adaptSteps;
    t = await embeddedGatewayWithTwoTower({ ...BASE_ENV, RECGATE_STRATEGY_PARAMS: JSON.stringify(params) });
    expect(t.gateway.services.models.get('two-tower')!.adapts).toBe(false);
    const gql: Gql = (q, v) => t.gql(q, v, t.clientKey);
    const user = await someUser(t);
    const slate = await slateOf(gql, user);
    await feedback(gql, user, slate.items[0]!.item.id);
    await new Promise((r) => setTimeout(r, 300)); // past the 50 ms debounce window
    await (t.gateway.services.jobs as EmbeddedJobRunner).idle();
    expect(await t.gateway.services.jobs.list({ queue: 'adapt' })).toEqual([]);
    expect((await slateOf(gql, user)).adaptation).toBeNull();
  }, 120_000);
});

describeWithRedis('adaptation with Redis: a worker adapts, every gateway serves it', () => {
  let a: TestGateway;
  let b: Gateway;
  let worker: RunningWorkers;
  let names: ReturnType<typeof uniquePrefix>;
  let env: Record<string, string>;
  const gqlA: Gql = (q, v) => a.gql(q, v, a.clientKey);
  const gqlB: Gql = async (query, variables) => {
    const response = await b.yoga.fetch('http://recgate.test/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${a.adminKey}` },
      body: JSON.stringify({ query, variables }),
    });
    return (await response.json()) as GraphQLResponse;
  };
  const train = async (input: Record<string, unknown>): Promise<TrainJobResult> => {
    const deps = await openProcessorDeps(loadConfig({ ...env, DATABASE_URL: a.database.url }), { db: a.database.db });
    try {
      return await processTrainJob(deps, parseJobPayload('train', { strategy: 'two-tower', ...input }), {
        signal: new AbortController().signal,
        onProgress: () => {},
      });
    } finally {
      await deps.close();
    }
  };

  beforeAll(async () => {
    names = uniquePrefix();
    env = { ...BASE_ENV, REDIS_URL, RECGATE_QUEUE_PREFIX: names.prefix };
    a = await createTestGateway('sqlite', env);
    await seedMovieTweetings(a.database.db, 2000);
    await a.gateway.refresh();
    await train({});
    const config = loadConfig({ ...env, DATABASE_URL: a.database.url });
    b = await createGateway(config, { db: a.database.db, refresh: false, log: silent });
    await a.gateway.services.modelReloader.sync();
    worker = await startWorkers({ config, env: { ...process.env, ...env, DATABASE_URL: a.database.url }, queues: ['adapt'], log: silent });
  }, 120_000);
  afterAll(async () => {
    await worker?.close();
    await b?.close();
    await a?.close();
    await names?.remove();
  });

  it('feedback on one gateway; the adapted slate on another', async () => {
    const user = await someUser(a);
    const { after } = await clickUntilAdapted(gqlA, gqlB, user);
    expect(after.modelVersion).toBe(b.services.models.get('two-tower')!.version);
  });

  it('serves an adaptation only with the model version that made it; new feedback adapts anew', async () => {
    const user = await someUser(a);
    await eventually(() => slateOf(gqlB, user).then((s) => s.adaptation), 'the adaptation of the first test');
    const retrained = await train({ force: true, seed: 7 });
    if (retrained.outcome === 'promoted') {
      // Promoted on its metrics already: tell the gateways as a worker would.
      await a.gateway.services.modelReloader.announce('two-tower', retrained.versionId!);
    } else {
      const promoted = await a.gql('mutation($id: ID!) { promoteModel(id: $id) { id } }', { id: retrained.versionId });
      expect(promoted.errors).toBeUndefined();
    }
    // Gateway B hears of the promotion through Redis pub/sub (polling is off).
    const switched = await eventually(
      () => slateOf(gqlB, user).then((s) => (s.modelVersion === retrained.versionId ? s : null)),
      'gateway B serving the promoted version',
    );
    expect(switched.adaptation).toBeNull();
    const clicked = await feedback(gqlA, user, switched.items[0]!.item.id);
    const readapted = await eventually(adaptedSince(gqlB, user, clicked), 'an adaptation with the promoted version');
    expect(readapted.modelVersion).toBe(retrained.versionId);
  });

  it('deleteUser deletes the adapted state too', async () => {
    const user = await someUser(a);
    const key = adaptedStateKey(names.prefix, user);
    const redis = new Redis(REDIS_URL);
    try {
      expect(await redis.exists(key)).toBe(1);
      const r = await a.gql('mutation($id: ID!) { deleteUser(id: $id) { deleted } }', { id: user });
      expect(r.data!.deleteUser.deleted).toBe(true);
      expect(await redis.exists(key)).toBe(0);
      expect((await slateOf(gqlB, user)).adaptation).toBeNull();
    } finally {
      redis.disconnect();
    }
  });

  it('fails a bad adapt payload at once, without retries, and says why', async () => {
    const queue = (a.gateway.services.jobs as BullJobService).queues.queue('adapt');
    const events = new QueueEvents('adapt', { connection: createRedisConnection(REDIS_URL), prefix: names.prefix });
    try {
      await events.waitUntilReady();
      // Written straight into Redis, as a foreign producer could.
      const job = await queue.add('adapt', { userId: 42 } as never, { attempts: 5 });
      await expect(job.waitUntilFinished(events, 30_000)).rejects.toThrow(/RG_ERR_JOB_PAYLOAD/);
      expect((await queue.getJob(job.id!))!.attemptsMade).toBe(1);
    } finally {
      await events.close();
    }
  });
});
