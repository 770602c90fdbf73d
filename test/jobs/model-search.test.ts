/**
 * Model search in train jobs, on a real database (synthetic ratings generated here, seeded):
 * the search runs on a validation split carved from the training data, promotes the winner
 * with every trial stored in the version's metrics, is deterministic under the seed for a
 * given trial count, stops at its budget, and a cancelled job stops cleanly and stores nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/index.js';
import { parseJobPayload, type JobPayloadInputs } from '../../src/jobs/job-definitions.js';
import { openProcessorDeps } from '../../src/jobs/processor-deps.js';
import { processTrainJob, type TrainJobResult } from '../../src/jobs/processors/train-processor.js';
import { importIntoDatabase } from '../../src/import/index.js';
import { FIRST_BRACKET_TRIALS } from '../../src/models/model-search/successive-halving.js';
import { tempDirectory } from '../import/dataset-slices.js';
import { denseExplicitRatings, writeDatasetCsv } from '../support/synthetic-datasets.js';
import { createTestDatabase, TEST_PROVIDERS, type TestDatabase } from '../support/test-database.js';

/** The first bracket, the configured params in each rung: the first trial count that reaches all users. */
const ONE_BRACKET = FIRST_BRACKET_TRIALS;

const withoutTimes = (metrics: Readonly<Record<string, number>>): Record<string, number> =>
  Object.fromEntries(Object.entries(metrics).filter(([key]) => key.startsWith('search') && !key.endsWith('econds')));

describe('train job configuration', () => {
  it('reads RECGATE_TRAIN_SEARCH: off by default, on = 10 minutes, or a budget', () => {
    expect(loadConfig({}).trainSearchSeconds).toBeNull();
    expect(loadConfig({ RECGATE_TRAIN_SEARCH: 'off' }).trainSearchSeconds).toBeNull();
    expect(loadConfig({ RECGATE_TRAIN_SEARCH: 'on' }).trainSearchSeconds).toBe(600);
    expect(loadConfig({ RECGATE_TRAIN_SEARCH: '5m' }).trainSearchSeconds).toBe(300);
    expect(loadConfig({ RECGATE_TRAIN_SEARCH: '90s' }).trainSearchSeconds).toBe(90);
    expect(loadConfig({ RECGATE_TRAIN_SEARCH: '1h' }).trainSearchSeconds).toBe(3600);
    for (const bad of ['soon', '0s', '-5m', '10 minutes', '200h']) {
      expect(() => loadConfig({ RECGATE_TRAIN_SEARCH: bad }), bad).toThrow(expect.objectContaining({ code: 'RG_ERR_CONFIG' }));
    }
  });

  it('refuses a search payload out of range', () => {
    for (const search of [{ budgetSeconds: 0 }, { budgetSeconds: 1.5 }, { budgetSeconds: 60, maxTrials: 0 }, { budget: 60 }, true]) {
      expect(() => parseJobPayload('train', { strategy: 'als', search } as unknown as JobPayloadInputs['train']), JSON.stringify(search)).toThrow(
        expect.objectContaining({ code: 'RG_ERR_JOB_PAYLOAD' }),
      );
    }
  });
});

describe.each(TEST_PROVIDERS)('model search in train jobs (%s)', (provider) => {
  let database: TestDatabase;
  let deps: Awaited<ReturnType<typeof openProcessorDeps>>;
  const train = (input: JobPayloadInputs['train'], signal = new AbortController().signal, phases: string[] = []): Promise<TrainJobResult> =>
    processTrainJob(deps, parseJobPayload('train', input), { signal, onProgress: (p) => phases.push(p.phase) });

  beforeAll(async () => {
    database = await createTestDatabase(provider);
    const temp = tempDirectory();
    try {
      const files = writeDatasetCsv(denseExplicitRatings({ users: 120, items: 200, ratings: 3000, seed: 5 }), temp.dir);
      await importIntoDatabase(database.db, 'csv', files.interactionsFile, { itemsFile: files.itemsFile });
    } finally {
      temp.remove();
    }
    deps = await openProcessorDeps(loadConfig({ DATABASE_URL: database.url, RECGATE_TRAIN_ON_START: 'none' }), { db: database.db });
  });
  afterAll(async () => {
    await deps?.close();
    await database?.drop();
  });

  let searched: TrainJobResult;

  it('searches, promotes the best configuration and stores every trial with the version', async () => {
    const phases: string[] = [];
    searched = await train({ strategy: 'als', search: { budgetSeconds: 600, maxTrials: ONE_BRACKET } }, undefined, phases);
    expect(searched.outcome).toBe('promoted');
    const m = searched.metrics;
    expect(m.searchTrials).toBe(ONE_BRACKET);
    expect(m.searchBudgetSeconds).toBe(600);
    // Trial 0: the configured params on the first rung (a quarter of the users, 5 iterations).
    expect(m['searchTrial.00.usersShare']).toBe(0.25);
    expect(m['searchTrial.00.configured']).toBe(1);
    expect(m['searchTrial.00.iterations']).toBe(5);
    expect(m['searchTrial.01.usersShare']).toBe(0.25);
    expect(m.searchBestUsersShare).toBe(1);
    expect(m[`searchTrial.${String(ONE_BRACKET - 1).padStart(2, '0')}.usersShare`]).toBe(1);
    expect(m.searchBestValidationNdcgAt10).toBeGreaterThanOrEqual(m.searchDefaultValidationNdcgAt10!);
    expect(m.heldOutNdcgAt10).toBeGreaterThan(0);
    // The stored version carries the winning params and the trials (what modelVersions shows).
    const stored = (await deps.store.get(searched.versionId!))!;
    expect(stored.metrics).toMatchObject(withoutTimes(m));
    const params = stored.params as Record<string, number>;
    const winner = Object.entries(m).find(
      ([k, v]) =>
        /^searchTrial\.\d+\.validationNdcgAt10$/.test(k) && v === m.searchBestValidationNdcgAt10 && m[k.replace('validationNdcgAt10', 'usersShare')] === 1,
    )!;
    const prefix = winner[0].replace('validationNdcgAt10', '');
    for (const param of ['factors', 'regularization', 'alpha', 'iterations']) expect(params[param]).toBe(m[`${prefix}${param}`]);
    expect(phases.filter((p) => p.startsWith('search: trial')).length).toBe(ONE_BRACKET);
  });

  it('is deterministic under the seed: the same trials, scores and choice again', async () => {
    const again = await train({ strategy: 'als', force: true, search: { budgetSeconds: 600, maxTrials: ONE_BRACKET } });
    expect(withoutTimes(again.metrics)).toEqual(withoutTimes(searched.metrics));
    expect((await deps.store.get(again.versionId!))!.params).toEqual((await deps.store.get(searched.versionId!))!.params);
    const otherSeed = await train({ strategy: 'als', force: true, seed: 7, search: { budgetSeconds: 600, maxTrials: 3 } });
    expect(otherSeed.metrics['searchTrial.01.factors']).not.toBe(searched.metrics['searchTrial.01.factors']);
  });

  it('stops at its budget and still trains the best configuration found', async () => {
    const result = await train({ strategy: 'als', force: true, search: { budgetSeconds: 1 } });
    expect(result.metrics.searchTrials).toBeGreaterThanOrEqual(1);
    expect(result.metrics.searchBudgetSeconds).toBe(1);
    expect(['promoted', 'candidate']).toContain(result.outcome);
  });

  it('stops with RG_ERR_TRAINING_ABORTED and stores nothing when cancelled mid-search', async () => {
    const before = await deps.store.list({ strategy: 'als' });
    const controller = new AbortController();
    const phases: string[] = [];
    const run = train({ strategy: 'als', force: true, search: { budgetSeconds: 600 } }, controller.signal, phases);
    // Cancel once the second trial has finished, i.e. while the third one trains.
    const watcher = setInterval(() => {
      if (phases.filter((p) => p.startsWith('search: trial')).length >= 2) controller.abort();
    }, 5);
    await expect(run).rejects.toMatchObject({ code: 'RG_ERR_TRAINING_ABORTED' });
    clearInterval(watcher);
    expect(phases.some((p) => p.startsWith('held-out') || p.startsWith('training'))).toBe(false);
    expect(await deps.store.list({ strategy: 'als' })).toHaveLength(before.length);
  });

  it('RECGATE_TRAIN_SEARCH searches jobs that do not say, and leaves strategies without a space alone', async () => {
    const searching = await openProcessorDeps(loadConfig({ DATABASE_URL: database.url, RECGATE_TRAIN_ON_START: 'none', RECGATE_TRAIN_SEARCH: '10m' }), {
      db: database.db,
    });
    const run = (input: JobPayloadInputs['train']) =>
      processTrainJob(searching, parseJobPayload('train', input), { signal: new AbortController().signal, onProgress: () => {} });
    const popularity = await run({ strategy: 'popularity', force: true });
    expect(popularity.metrics.searchTrials).toBeUndefined();
    expect(popularity.metrics.heldOutNdcgAt10).toBeGreaterThan(0);
    const als = await run({ strategy: 'als', force: true, search: { budgetSeconds: 600, maxTrials: 2 } });
    expect(als.metrics.searchTrials).toBe(2);
    const notSearched = await run({ strategy: 'als', force: true, search: false });
    expect(notSearched.metrics.searchTrials).toBeUndefined();
  });

  it('refuses to search a strategy without a search space, before doing anything', async () => {
    const phases: string[] = [];
    const before = await deps.store.list({ strategy: 'popularity' });
    await expect(train({ strategy: 'popularity', force: true, search: { budgetSeconds: 60 } }, undefined, phases)).rejects.toMatchObject({
      code: 'RG_ERR_SEARCH_SPACE',
    });
    expect(phases).toEqual([]);
    expect(await deps.store.list({ strategy: 'popularity' })).toHaveLength(before.length);
  });
});
