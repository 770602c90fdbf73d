import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEST_PROVIDERS } from '../support/test-database.js';
import { createTestGateway, errorCode, type TestGateway } from '../support/test-gateway.js';

const EXPERIMENT = `{ key status phase surfaces variants { key weight isControl serving } control primaryMetric guardrailMetrics }`;
const CREATE = `mutation($spec: JSON!) { createExperiment(spec: $spec) ${EXPERIMENT} }`;
const SLATE = `query($userId: ID!, $surface: String!) { recommendations(userId: $userId, surface: $surface, limit: 3) { impressionId strategy experiment { key variant } items { item { id } } } }`;
const lifecycle = (op: string, key: string) => `mutation { ${op}(key: "${key}") { key status } }`;

function spec(key: string, overrides: Record<string, unknown> = {}) {
  return {
    key,
    name: `Experiment ${key}`,
    hypothesis: 'ALS beats popularity on the home page',
    surfaces: ['home'],
    variants: [
      { key: 'control', weight: 0.5, serving: { kind: 'strategy', strategy: 'popularity' } },
      { key: 'als', weight: 0.5, serving: { kind: 'strategy', strategy: 'als' } },
    ],
    control: 'control',
    primaryMetric: 'ctr',
    guardrailMetrics: ['reward_per_user'],
    ...overrides,
  };
}

describe.each(TEST_PROVIDERS)('experiments through the API on %s', (provider) => {
  let t: TestGateway;
  const state = async () => ({
    experiments: await t.database.db.prisma.experiment.findMany({ orderBy: { id: 'asc' } }),
    audit: await t.database.db.prisma.experimentAudit.count(),
  });

  beforeAll(async () => {
    t = await createTestGateway(provider, { RECGATE_EXPERIMENTS_REFRESH_SECONDS: '0' });
    const items = Array.from({ length: 20 }, (_, i) => ({ id: `i${i}`, title: `Item ${i}`, categories: ['A'] }));
    await t.gql('mutation($items: [ItemInput!]!) { upsertItems(items: $items) { id } }', { items });
    // Some history, so popularity has something to rank.
    const inputs = items.map((item, i) => ({ userId: `seed-${i}`, itemId: item.id, type: 'CLICK', idempotencyKey: `seed-${i}` }));
    await t.gql('mutation($inputs: [FeedbackInput!]!) { recordFeedbackBatch(inputs: $inputs) { id } }', { inputs }, t.clientKey);
  });
  afterAll(() => t?.close());

  it('refuses bad specs with their codes and writes nothing', async () => {
    const before = await state();
    const bad: Array<[string, Record<string, unknown>]> = [
      [
        'RG_ERR_EXPERIMENT_WEIGHTS',
        spec('w1', {
          variants: [
            { key: 'control', weight: 0.5, serving: { kind: 'strategy', strategy: 'popularity' } },
            { key: 'b', weight: 0.4, serving: { kind: 'strategy', strategy: 'als' } },
          ],
        }),
      ],
      [
        'RG_ERR_EXPERIMENT_WEIGHTS',
        spec('w2', {
          variants: [
            { key: 'control', weight: 1, serving: { kind: 'strategy', strategy: 'popularity' } },
            { key: 'b', weight: 0, serving: { kind: 'strategy', strategy: 'als' } },
          ],
        }),
      ],
      ['RG_ERR_EXPERIMENT_CONTROL', spec('c1', { control: 'nope' })],
      [
        'RG_ERR_STRATEGY_UNKNOWN',
        spec('s1', {
          variants: [
            { key: 'control', weight: 0.5, serving: { kind: 'strategy', strategy: 'popularity' } },
            { key: 'b', weight: 0.5, serving: { kind: 'strategy', strategy: 'no-such-strategy' } },
          ],
        }),
      ],
      [
        'RG_ERR_STRATEGY_UNKNOWN',
        spec('s2', {
          variants: [
            { key: 'control', weight: 0.5, serving: { kind: 'strategy', strategy: 'popularity' } },
            { key: 'b', weight: 0.5, serving: { kind: 'meta-policy', arms: ['popularity', 'nope'] } },
          ],
        }),
      ],
      [
        'RG_ERR_MODEL_VERSION_UNKNOWN',
        spec('m1', {
          variants: [
            { key: 'control', weight: 0.5, serving: { kind: 'strategy', strategy: 'popularity' } },
            { key: 'b', weight: 0.5, serving: { kind: 'model-version', strategy: 'als', modelVersion: 'no-such-version' } },
          ],
        }),
      ],
      ['RG_ERR_INVALID_INPUT', spec('i1', { coverage: 2 })],
      ['RG_ERR_INVALID_INPUT', spec('bad key!')],
    ];
    for (const [code, body] of bad) expect([code, errorCode(await t.gql(CREATE, { spec: body }))]).toEqual([code, code]);
    expect(await state()).toEqual(before);
  });

  it('creates, refuses a second one on the same surface and overlapping namespace ranges, and only admins may', async () => {
    const created = await t.gql(CREATE, { spec: spec('home-als') });
    expect(created.errors).toBeUndefined();
    expect(created.data!.createExperiment).toMatchObject({ key: 'home-als', status: 'DRAFT', phase: 1, control: 'control' });
    expect(errorCode(await t.gql(CREATE, { spec: spec('home-als') }))).toBe('RG_ERR_EXPERIMENT_EXISTS');
    expect(errorCode(await t.gql(CREATE, { spec: spec('x') }, t.clientKey))).toBe('RG_ERR_FORBIDDEN');
    expect((await t.gql(lifecycle('startExperiment', 'home-als'))).data!.startExperiment.status).toBe('RUNNING');

    await t.gql(CREATE, { spec: spec('home-rival') });
    await t.gql(CREATE, { spec: spec('slot-a', { surfaces: ['search'], namespace: { name: 'slot', range: [0, 0.6] } }) });
    await t.gql(CREATE, { spec: spec('slot-b', { surfaces: ['search'], namespace: { name: 'slot', range: [0.5, 1] } }) });
    expect((await t.gql(lifecycle('startExperiment', 'slot-a'))).data!.startExperiment.status).toBe('RUNNING');
    const before = await state();
    expect(errorCode(await t.gql(lifecycle('startExperiment', 'home-rival')))).toBe('RG_ERR_EXPERIMENT_SURFACE_CONFLICT');
    expect(errorCode(await t.gql(lifecycle('startExperiment', 'slot-b')))).toBe('RG_ERR_EXPERIMENT_NAMESPACE_OVERLAP');
    expect(errorCode(await t.gql(lifecycle('startExperiment', 'nope')))).toBe('RG_ERR_EXPERIMENT_UNKNOWN');
    expect(await state()).toEqual(before);
    await t.gql(lifecycle('stopExperiment', 'slot-a'));
  });

  it('starts one of two conflicting experiments started at the same moment, never both', async () => {
    for (const key of ['race-a', 'race-b', 'race-c']) await t.gql(CREATE, { spec: spec(key, { surfaces: ['checkout'] }) });
    const results = await Promise.all(['race-a', 'race-b', 'race-c'].map((key) => t.gql(lifecycle('startExperiment', key))));
    const started = results.filter((r) => r.data?.startExperiment?.status === 'RUNNING');
    expect(started).toHaveLength(1);
    expect(results.filter((r) => errorCode(r) === 'RG_ERR_EXPERIMENT_SURFACE_CONFLICT')).toHaveLength(2);
    const running = await t.database.db.prisma.experiment.count({ where: { key: { startsWith: 'race-' }, status: 'RUNNING' } });
    expect(running).toBe(1);
    // The refused starts left no audit entry behind.
    expect(await t.database.db.prisma.experimentAudit.count({ where: { experiment: { key: { startsWith: 'race-' } }, action: 'start' } })).toBe(1);
    await t.gql(lifecycle('stopExperiment', started[0]!.data!.startExperiment.key));
  });

  it('refuses design changes of a running experiment unless a new phase starts', async () => {
    const UPDATE = `mutation($changes: JSON!, $newPhase: Boolean) { updateExperiment(key: "home-als", changes: $changes, newPhase: $newPhase) { name phase variants { key weight } } }`;
    const variants = [
      { key: 'control', weight: 0.6, serving: { kind: 'strategy', strategy: 'popularity' } },
      { key: 'als', weight: 0.4, serving: { kind: 'strategy', strategy: 'als' } },
    ];
    const before = await state();
    expect(errorCode(await t.gql(UPDATE, { changes: { variants } }))).toBe('RG_ERR_EXPERIMENT_RUNNING_CHANGE');
    expect(errorCode(await t.gql(UPDATE, { changes: { key: 'renamed' } }))).toBe('RG_ERR_INVALID_INPUT');
    expect(await state()).toEqual(before);
    const renamed = await t.gql(UPDATE, { changes: { name: 'ALS on home' } });
    expect(renamed.data!.updateExperiment).toMatchObject({ name: 'ALS on home', phase: 1 });
    const phased = await t.gql(UPDATE, { changes: { variants }, newPhase: true });
    expect(phased.data!.updateExperiment).toMatchObject({
      phase: 2,
      variants: [
        { key: 'control', weight: 0.6 },
        { key: 'als', weight: 0.4 },
      ],
    });
  });

  it('splits traffic stickily, logs the exposure, and feedback flows into the results', async () => {
    const seen = new Map<string, string>();
    const clicks = { control: 0, als: 0 } as Record<string, number>;
    for (let u = 0; u < 120; u++) {
      const userId = `user-${u}`;
      for (let r = 0; r < 2; r++) {
        const slate = (await t.gql(SLATE, { userId, surface: 'home' }, t.clientKey)).data!.recommendations;
        expect(slate.experiment.key).toBe('home-als');
        if (seen.has(userId)) expect(slate.experiment.variant).toBe(seen.get(userId));
        seen.set(userId, slate.experiment.variant);
        // Users of every third id click the first item of their first slate.
        if (r === 0 && u % 3 === 0 && slate.items.length > 0) {
          const f = await t.gql(
            'mutation($input: FeedbackInput!) { recordFeedback(input: $input) { id } }',
            { input: { userId, itemId: slate.items[0].item.id, type: 'CLICK', impressionId: slate.impressionId, idempotencyKey: `c-${u}` } },
            t.clientKey,
          );
          expect(f.errors).toBeUndefined();
          clicks[slate.experiment.variant]!++;
        }
      }
    }
    const variants = [...seen.values()];
    expect(variants.filter((v) => v === 'control').length).toBeGreaterThan(30);
    expect(variants.filter((v) => v === 'als').length).toBeGreaterThan(30);
    expect((await t.gql(SLATE, { userId: 'user-1', surface: 'elsewhere' }, t.clientKey)).data!.recommendations.experiment).toBeNull();

    await t.gateway.services.impressions.flush();
    const rows = await t.database.db.prisma.impression.findMany({ where: { experimentKey: 'home-als' } });
    expect(rows).toHaveLength(240);
    expect(new Set(rows.map((r) => r.experimentPhase))).toEqual(new Set([2]));
    for (const r of rows) expect(r.experimentVariant).toBe(seen.get(r.userExternalId));

    const r = await t.gql(`{ experiment(key: "home-als") {
      srm { pValue flagged observed }
      results { phase totals { variant users impressions clicks reward }
        metrics { metric role variants { variant value comparison { difference lift pValue adjustedPValue significant
          differenceInterval { lower upper } sequential { significant differenceInterval { lower upper } } bayesian { chanceToBeatControl } } } } }
    } }`);
    expect(r.errors).toBeUndefined();
    const results = r.data!.experiment.results;
    expect(results.phase).toBe(2);
    const totals = Object.fromEntries(results.totals.map((x: { variant: string }) => [x.variant, x]));
    expect(totals.control.users + totals.als.users).toBe(120);
    expect(totals.control.impressions + totals.als.impressions).toBe(240);
    expect(totals.control.clicks).toBe(clicks.control);
    expect(totals.als.clicks).toBe(clicks.als);
    // Default reward weights: click = 1.
    expect(totals.als.reward).toBe(clicks.als);
    expect(r.data!.experiment.srm.flagged).toBe(false);
    expect(r.data!.experiment.srm.observed).toEqual([totals.control.users, totals.als.users]);
    const ctr = results.metrics[0];
    expect(ctr).toMatchObject({ metric: 'ctr', role: 'primary' });
    expect(ctr.variants[0].value).toBeCloseTo(clicks.control! / totals.control.impressions, 12);
    const cmp = ctr.variants[1].comparison;
    expect(cmp.difference).toBeCloseTo(clicks.als! / totals.als.impressions - clicks.control! / totals.control.impressions, 12);
    expect(cmp.differenceInterval.lower).toBeLessThan(cmp.difference);
    expect(cmp.sequential.differenceInterval.lower).toBeLessThan(cmp.differenceInterval.lower);
    expect(cmp.bayesian.chanceToBeatControl).toBeGreaterThan(0);
    expect(results.metrics[1]).toMatchObject({ metric: 'reward_per_user', role: 'guardrail' });
  });

  it('pause stops new exposures, stop is final, and the audit trail records each change', async () => {
    expect((await t.gql(lifecycle('pauseExperiment', 'home-als'))).data!.pauseExperiment.status).toBe('PAUSED');
    expect((await t.gql(SLATE, { userId: 'user-1', surface: 'home' }, t.clientKey)).data!.recommendations.experiment).toBeNull();
    expect(errorCode(await t.gql(lifecycle('pauseExperiment', 'home-als')))).toBe('RG_ERR_EXPERIMENT_TRANSITION');
    expect((await t.gql(lifecycle('startExperiment', 'home-als'))).data!.startExperiment.status).toBe('RUNNING');
    expect((await t.gql(SLATE, { userId: 'user-1', surface: 'home' }, t.clientKey)).data!.recommendations.experiment.key).toBe('home-als');
    expect(errorCode(await t.gql(lifecycle('archiveExperiment', 'home-als')))).toBe('RG_ERR_EXPERIMENT_TRANSITION');
    expect((await t.gql(lifecycle('stopExperiment', 'home-als'))).data!.stopExperiment.status).toBe('STOPPED');
    expect((await t.gql(SLATE, { userId: 'user-1', surface: 'home' }, t.clientKey)).data!.recommendations.experiment).toBeNull();
    const before = await state();
    expect(errorCode(await t.gql(lifecycle('startExperiment', 'home-als')))).toBe('RG_ERR_EXPERIMENT_TRANSITION');
    expect(errorCode(await t.gql(`mutation { updateExperiment(key: "home-als", changes: { name: "x" }) { key } }`))).toBe('RG_ERR_EXPERIMENT_TRANSITION');
    expect(await state()).toEqual(before);
    expect((await t.gql(lifecycle('archiveExperiment', 'home-als'))).data!.archiveExperiment.status).toBe('STOPPED');

    const audit = (await t.gql('{ experiment(key: "home-als") { archived audit { action actor changes } } }')).data!.experiment;
    expect(audit.archived).toBe(true);
    expect(audit.audit.map((a: { action: string }) => a.action)).toEqual([
      'create',
      'start',
      'update',
      'update',
      'new-phase',
      'pause',
      'start',
      'stop',
      'archive',
    ]);
    expect(audit.audit[3].changes.variants.from[0].weight).toBe(0.5);
    expect(audit.audit[3].changes.variants.to[0].weight).toBe(0.6);
    expect(new Set(audit.audit.map((a: { actor: string }) => a.actor))).toEqual(new Set(['test admin']));
    expect(audit.audit[2].changes).toEqual({ name: { from: 'Experiment home-als', to: 'ALS on home' } });
    expect(audit.audit[5].changes).toEqual({ status: { from: 'RUNNING', to: 'PAUSED' } });
    const listed = (await t.gql('{ experiments { key } all: experiments(includeArchived: true) { key } }')).data!;
    expect(listed.experiments.map((e: { key: string }) => e.key)).not.toContain('home-als');
    expect(listed.all.map((e: { key: string }) => e.key)).toContain('home-als');
  });
});
