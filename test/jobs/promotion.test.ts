/**
 * Promotion rules of the train processor on real data (the first MovieTweetings ratings):
 * a better candidate is promoted, a worse one is kept as a candidate, unchanged data is
 * skipped, and rollback returns to the previous live version.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/index.js';
import { openProcessorDeps } from '../../src/jobs/processor-deps.js';
import { processTrainJob, type TrainJobResult } from '../../src/jobs/processors/train-processor.js';
import { parseJobPayload, type JobPayloadInputs } from '../../src/jobs/job-definitions.js';
import { decodeArtifact } from '../../src/strategies/artifact-codec.js';
import { createTestDatabase, TEST_PROVIDERS, type TestDatabase } from '../support/test-database.js';
import { seedMovieTweetings } from './fixtures.js';

describe.each(TEST_PROVIDERS)('model promotion (%s)', (provider) => {
  let database: TestDatabase;
  let deps: Awaited<ReturnType<typeof openProcessorDeps>>;
  const phases: string[] = [];
  const train = (input: JobPayloadInputs['train']): Promise<TrainJobResult> =>
    processTrainJob(deps, parseJobPayload('train', input), {
      signal: new AbortController().signal,
      onProgress: (p) => phases.push(`${p.phase}:${p.percent}`),
    });

  beforeAll(async () => {
    database = await createTestDatabase(provider);
    await seedMovieTweetings(database.db, 2000);
    deps = await openProcessorDeps(loadConfig({ DATABASE_URL: database.url, RECGATE_TRAIN_ON_START: 'none' }), { db: database.db });
  });
  afterAll(async () => {
    await deps?.close();
    await database?.drop();
  });

  let first: TrainJobResult;
  let worse: TrainJobResult;
  let better: TrainJobResult;

  it('promotes the first version, with held-out metrics, fingerprint and backend recorded', async () => {
    first = await train({ strategy: 'popularity' });
    expect(first.outcome).toBe('promoted');
    expect(first.metrics.heldOutNdcgAt10).toBeGreaterThan(0);
    expect(['wasm', 'cpu', 'node', 'node-gpu']).toContain(first.backend);
    const stored = (await deps.store.get(first.versionId!))!;
    expect(stored).toMatchObject({ status: 'live', strategy: 'popularity', backend: first.backend });
    expect(stored.dataFingerprint).toMatch(/^interactions=\d+;newest=\d+;maxId=\d+;items=\d+$/);
    expect(decodeArtifact(stored.artifact).json).toBeTruthy();
    expect(phases.at(-1)).toBe('promoted:100');
  });

  it('skips training when the data is unchanged since the live version', async () => {
    const skipped = await train({ strategy: 'popularity' });
    expect(skipped).toMatchObject({ outcome: 'skipped', versionId: first.versionId });
    expect(await deps.store.list({ strategy: 'popularity' })).toHaveLength(1);
  });

  it('skips training with several params whatever order the database keeps their keys in (jsonb reorders them)', async () => {
    // ALS params have six keys; PostgreSQL's jsonb gives them back shortest key first.
    const params = { factors: 4, iterations: 2 };
    const trained = await train({ strategy: 'als', params });
    expect(trained.outcome).toBe('promoted');
    const stored = (await deps.store.get(trained.versionId!))!;
    expect(stored.params).toEqual(expect.objectContaining({ factors: 4, iterations: 2, regularization: 0.1 }));
    const again = await train({ strategy: 'als', params: { iterations: 2, factors: 4 } });
    expect(again).toMatchObject({ outcome: 'skipped', versionId: trained.versionId });
    expect(await deps.store.list({ strategy: 'als' })).toHaveLength(1);
  });

  it('keeps a worse candidate as a candidate (a one-hour half-life ranks worse on this data)', async () => {
    worse = await train({ strategy: 'popularity', params: { halfLifeHours: 1 } });
    expect(worse.outcome).toBe('candidate');
    expect(worse.metrics.heldOutNdcgAt10).toBeLessThan(first.metrics.heldOutNdcgAt10!);
    expect((await deps.store.getLive('popularity'))!.id).toBe(first.versionId);
    expect((await deps.store.getSummary(worse.versionId!))!.status).toBe('candidate');
  });

  it('promotes a better candidate and retires the previous live version', async () => {
    better = await train({ strategy: 'popularity', params: { halfLifeHours: 100_000 } });
    expect(better.metrics.heldOutNdcgAt10).toBeGreaterThan(first.metrics.heldOutNdcgAt10!);
    expect(better.outcome).toBe('promoted');
    expect((await deps.store.getLive('popularity'))!.id).toBe(better.versionId);
    expect((await deps.store.getSummary(first.versionId!))!.status).toBe('retired');
  });

  it('rolls back to the previous live version, and refuses when there is none', async () => {
    const back = await deps.store.rollback('popularity');
    expect(back.id).toBe(first.versionId);
    expect((await deps.store.getSummary(better.versionId!))!.status).toBe('candidate');
    await expect(deps.store.rollback('popularity')).rejects.toMatchObject({ code: 'RG_ERR_MODEL_ROLLBACK' });
    await expect(deps.store.promote('no-such-version')).rejects.toMatchObject({ code: 'RG_ERR_MODEL_VERSION_UNKNOWN' });
    expect((await deps.store.liveIds()).get('popularity')).toBe(first.versionId);
  });

  it('stops with RG_ERR_TRAINING_ABORTED and stores nothing when cancelled', async () => {
    const before = await deps.store.list({ strategy: 'popularity' });
    const controller = new AbortController();
    const run = processTrainJob(deps, parseJobPayload('train', { strategy: 'popularity', force: true }), {
      signal: controller.signal,
      onProgress: (p) => {
        if (p.phase === 'held-out evaluation') controller.abort();
      },
    });
    await expect(run).rejects.toMatchObject({ code: 'RG_ERR_TRAINING_ABORTED' });
    expect(await deps.store.list({ strategy: 'popularity' })).toHaveLength(before.length);
  });
});
