/**
 * meta-rl in the product, on real SQLite and Redis: a train job (held-out evaluation, training
 * with the impression log the gateway wrote, promotion), served on two gateways; feedback from a
 * brand-new user on gateway A is adapted by a worker and gateway B serves the adapted slate.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/index.js';
import { createGateway, type Gateway } from '../../src/gateway.js';
import { parseJobPayload } from '../../src/jobs/job-definitions.js';
import { openProcessorDeps } from '../../src/jobs/processor-deps.js';
import { processTrainJob } from '../../src/jobs/processors/train-processor.js';
import { startWorkers, type RunningWorkers } from '../../src/jobs/worker.js';
import { REDIS_URL, seedMovieTweetings, uniquePrefix } from '../jobs/fixtures.js';
import { createTestGateway, type GraphQLResponse, type TestGateway } from '../support/test-gateway.js';
import { describeWithRedis } from '../support/test-redis.js';

const silent = { info() {}, warn() {}, error() {} };
const PARAMS = JSON.stringify({ 'meta-rl': { dim: 8, towerEpochs: 1, towerHiddenUnits: 16, textHashBuckets: 1024, stateUnits: 8, epochs: 1, negatives: 32 } });
const SLATE = `query($u: ID!) { recommendations(userId: $u, limit: 10) {
  strategy modelVersion items { item { id } explanation } adaptation { adaptedAt historyThrough interactions } } }`;
const FEEDBACK = `mutation($u: ID!, $i: ID!) { recordFeedback(input: { userId: $u, itemId: $i, type: CLICK }) { id occurredAt } }`;

interface Slate {
  strategy: string;
  modelVersion: string | null;
  items: Array<{ item: { id: string }; explanation: string }>;
  adaptation: { historyThrough: string | null; interactions: number } | null;
}

describeWithRedis('meta-rl: trained by a job, adapted by a worker, served on every gateway', () => {
  let a: TestGateway;
  let b: Gateway;
  let worker: RunningWorkers;
  let names: ReturnType<typeof uniquePrefix>;
  const gqlA = (q: string, v?: Record<string, unknown>) => a.gql(q, v, a.clientKey);
  const gqlB = async (query: string, variables?: Record<string, unknown>): Promise<GraphQLResponse> => {
    const response = await b.yoga.fetch('http://recgate.test/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${a.adminKey}` },
      body: JSON.stringify({ query, variables }),
    });
    return (await response.json()) as GraphQLResponse;
  };
  const slate = async (gql: typeof gqlB, user: string): Promise<Slate> => {
    const r = await gql(SLATE, { u: user });
    expect(r.errors).toBeUndefined();
    return r.data!.recommendations as Slate;
  };

  beforeAll(async () => {
    names = uniquePrefix();
    const env = {
      RECGATE_META_POLICY: 'off',
      RECGATE_SERVING_STRATEGY: 'meta-rl',
      RECGATE_STRATEGY_PARAMS: PARAMS,
      RECGATE_ADAPT_DEBOUNCE_MS: '50',
      RECGATE_MODEL_POLL_SECONDS: '0',
      REDIS_URL,
      RECGATE_QUEUE_PREFIX: names.prefix,
    };
    a = await createTestGateway('sqlite', env);
    await seedMovieTweetings(a.database.db, 2000);
    await a.gateway.refresh();
    const config = loadConfig({ ...env, DATABASE_URL: a.database.url });
    const deps = await openProcessorDeps(config, { db: a.database.db });
    try {
      const result = await processTrainJob(deps, parseJobPayload('train', { strategy: 'meta-rl' }), {
        signal: new AbortController().signal,
        onProgress: () => {},
      });
      expect(result).toMatchObject({ outcome: 'promoted', strategy: 'meta-rl' });
      expect(result.metrics.heldOutNdcgAt10).toBeGreaterThanOrEqual(0);
    } finally {
      await deps.close();
    }
    b = await createGateway(config, { db: a.database.db, refresh: false, log: silent });
    await a.gateway.services.modelReloader.sync();
    worker = await startWorkers({ config, env: { ...process.env, ...env, DATABASE_URL: a.database.url }, queues: ['adapt'], log: silent });
  }, 180_000);
  afterAll(async () => {
    await worker?.close();
    await b?.close();
    await a?.close();
    await names?.remove();
  });

  it('adapts a brand-new user after feedback on gateway A; gateway B serves the adapted slate', async () => {
    const user = 'meta-rl-newcomer';
    const first = await slate(gqlB, user);
    expect(first).toMatchObject({ strategy: 'meta-rl', adaptation: null });
    expect(first.items).toHaveLength(10);
    expect(first.items[0]!.explanation).toMatch(/new visitors/);
    await gqlA(FEEDBACK, { u: user, i: first.items[0]!.item.id });
    const clicked = new Date(((await gqlA(FEEDBACK, { u: user, i: first.items[1]!.item.id })).data!.recordFeedback as { occurredAt: string }).occurredAt);
    const deadline = Date.now() + 30_000;
    let adapted: Slate | null = null;
    while (!adapted && Date.now() < deadline) {
      const s = await slate(gqlB, user);
      if (s.adaptation?.historyThrough && new Date(s.adaptation.historyThrough) >= clicked) adapted = s;
      else await new Promise((r) => setTimeout(r, 50));
    }
    expect(adapted, 'an adapted meta-rl slate on gateway B').not.toBeNull();
    expect(adapted!.strategy).toBe('meta-rl');
    expect(adapted!.adaptation!.interactions).toBe(2);
    expect(adapted!.modelVersion).toBe(b.services.models.get('meta-rl')!.version);
    expect(adapted!.items.map((i) => i.item.id)).not.toContain(first.items[0]!.item.id);
    expect(adapted!.items[0]!.explanation).toMatch(/^Because you opened “/);
  });

  it('trains on the impression log the gateways wrote', async () => {
    const config = loadConfig({ DATABASE_URL: a.database.url, RECGATE_STRATEGY_PARAMS: PARAMS, RECGATE_META_POLICY: 'off' });
    const deps = await openProcessorDeps(config, { db: a.database.db });
    try {
      const result = await processTrainJob(deps, parseJobPayload('train', { strategy: 'meta-rl', force: true }), {
        signal: new AbortController().signal,
        onProgress: () => {},
      });
      expect(result.metrics.impressions).toBeGreaterThan(0);
      expect(result.metrics.slateActions).toBeGreaterThan(0);
    } finally {
      await deps.close();
    }
  }, 120_000);
});
