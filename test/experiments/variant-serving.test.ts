/**
 * What serves an experiment's variants: a pinned model version (loaded beside the live one)
 * and the meta-policy restricted to some arms, each logged with its exposure.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestGateway, type TestGateway } from '../support/test-gateway.js';

describe('experiment variants on the serving path', () => {
  let t: TestGateway;
  const SLATE =
    'query($u: ID!) { recommendations(userId: $u, surface: "shop", limit: 3) { impressionId strategy modelVersion propensity experiment { key variant } items { item { id } } } }';

  const train = async (params: Record<string, unknown>) => {
    const queued = await t.gql('mutation($p: JSON) { trainStrategy(name: "category-affinity", force: true, params: $p) { id } }', { p: params });
    const id = queued.data!.trainStrategy.id;
    for (let i = 0; i < 600; i++) {
      const job = (await t.gql('query($id: ID!) { job(id: $id) { state result } }', { id })).data!.job;
      if (job.state === 'COMPLETED') return job.result.versionId as string;
      if (job.state === 'FAILED') throw new Error('training failed');
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error('training did not finish');
  };

  beforeAll(async () => {
    t = await createTestGateway('sqlite', { RECGATE_EXPERIMENTS_REFRESH_SECONDS: '0' });
    const items = Array.from({ length: 12 }, (_, i) => ({ id: `i${i}`, title: `Item ${i}`, categories: [i < 6 ? 'A' : 'B'] }));
    await t.gql('mutation($items: [ItemInput!]!) { upsertItems(items: $items) { id } }', { items });
    const inputs = items.flatMap((item, i) =>
      [0, 1, 2].map((k) => ({ userId: `seed-${k}`, itemId: item.id, type: 'CLICK', idempotencyKey: `seed-${i}-${k}` })),
    );
    inputs.push({ userId: 'u-pinned', itemId: 'i0', type: 'CLICK', idempotencyKey: 'pinned-history' });
    await t.gql('mutation($inputs: [FeedbackInput!]!) { recordFeedbackBatch(inputs: $inputs) { id } }', { inputs }, t.clientKey);
  });
  afterAll(() => t?.close());

  it('serves a pinned model version and a restricted meta-policy, logging each exposure', async () => {
    const first = await train({ prior: 1 });
    const second = await train({ prior: 50 });
    const live = t.gateway.services.models.get('category-affinity')!.version;
    const pinned = live === first ? second : first;
    expect(pinned).not.toBe(live);

    const created = await t.gql('mutation($spec: JSON!) { createExperiment(spec: $spec) { key } }', {
      spec: {
        key: 'shop-versions',
        surfaces: ['shop'],
        coverage: 0.001,
        variants: [
          { key: 'control', weight: 0.4, serving: { kind: 'strategy', strategy: 'popularity' } },
          { key: 'pinned', weight: 0.3, serving: { kind: 'model-version', strategy: 'category-affinity', modelVersion: pinned } },
          { key: 'meta', weight: 0.3, serving: { kind: 'meta-policy', arms: ['popularity'], floor: 0.2 } },
        ],
        control: 'control',
        forcedVariants: { 'u-pinned': 'pinned', 'u-meta': 'meta' },
      },
    });
    expect(created.errors).toBeUndefined();
    await t.gql('mutation { startExperiment(key: "shop-versions") { status } }');

    const p = (await t.gql(SLATE, { u: 'u-pinned' }, t.clientKey)).data!.recommendations;
    expect(p).toMatchObject({ strategy: 'category-affinity', modelVersion: pinned, propensity: 1, experiment: { key: 'shop-versions', variant: 'pinned' } });
    expect(p.items.length).toBeGreaterThan(0);
    const m = (await t.gql(SLATE, { u: 'u-meta' }, t.clientKey)).data!.recommendations;
    expect(m).toMatchObject({ strategy: 'popularity', propensity: 1, experiment: { key: 'shop-versions', variant: 'meta' } });

    await t.gateway.services.impressions.flush();
    const rows = await t.database.db.prisma.impression.findMany({ where: { experimentKey: 'shop-versions' }, orderBy: { createdAt: 'asc' } });
    expect(rows.map((r) => [r.userExternalId, r.experimentVariant, r.experimentPhase, r.variant])).toEqual([
      ['u-pinned', 'pinned', 1, null],
      // The meta-policy variant's slates teach the shared meta-policy.
      ['u-meta', 'meta', 1, 'meta-policy'],
    ]);
  });
});
