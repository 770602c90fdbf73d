import { beforeAll, describe, expect, it } from 'vitest';
import { isRecgateError } from '../../src/errors.js';
import { initTensorflow, type Tf } from '../../src/ml/tf-backend.js';
import { decodeArtifact, encodeArtifact } from '../../src/strategies/artifact-codec.js';
import { refreshItemVectors, twoTowerStrategy, type TwoTowerModel, type TwoTowerParams } from '../../src/strategies/builtin/two-tower/index.js';
import type { Artifact, CatalogItem, CatalogView, InteractionRecord, RecommendRequest, ScoredItem, TrainResult } from '../../src/strategies/contract.js';
import { createCatalogView } from '../../src/strategies/in-memory-readers.js';
import { parseStrategyParams } from '../../src/strategies/params.js';
import { loadMovieTweetingsFixture, type MovieTweetingsFixture } from '../../src/testing/fixture.js';
import { createInMemoryTrainContext } from '../../src/testing/train-context.js';
import { MOVIETWEETINGS_DIR } from '../support/datasets.js';
import { historyRequest } from '../support/history-request.js';

const RAW_PARAMS = { epochs: 1, dim: 16, hiddenUnits: 32, batchSize: 256, textHashBuckets: 2048, maxTextTokens: 24 };
const quiet = { info() {}, warn() {} };

let tf: Tf;
let fixture: MovieTweetingsFixture;
let catalog: CatalogView;
let params: TwoTowerParams;
let trained: TrainResult;

function train(options: { seed?: number; signal?: AbortSignal; interactions?: readonly InteractionRecord[]; onProgress?: () => void } = {}) {
  const ctx = createInMemoryTrainContext({
    params,
    interactions: options.interactions ?? fixture.interactions,
    items: fixture.items,
    now: fixture.now,
    seed: options.seed ?? 1,
    signal: options.signal,
    onProgress: options.onProgress,
    log: quiet,
  });
  return { ctx, result: twoTowerStrategy.train(ctx) };
}

async function load(artifact: Artifact, view: CatalogView = catalog): Promise<TwoTowerModel> {
  return twoTowerStrategy.load(artifact, { params, catalog: view, log: quiet });
}

function historyOf(userId: string): InteractionRecord[] {
  return fixture.interactions.filter((r) => r.userId === userId);
}

const request = (history: readonly InteractionRecord[], overrides: Partial<RecommendRequest> = {}): RecommendRequest =>
  historyRequest(catalog, history, fixture.now, overrides);

// This strategy answers synchronously.
const slate = (model: TwoTowerModel, r: RecommendRequest) => twoTowerStrategy.recommend(model, r) as readonly ScoredItem[];

beforeAll(async () => {
  ({ tf } = await initTensorflow());
  fixture = loadMovieTweetingsFixture({ directory: MOVIETWEETINGS_DIR, ratings: 2000 });
  catalog = createCatalogView(fixture.items);
  params = parseStrategyParams(twoTowerStrategy, RAW_PARAMS);
  trained = await train().result;
});

describe('two-tower params', () => {
  it('defaults to batch 1024 and dim 64', () => {
    const defaults = parseStrategyParams(twoTowerStrategy, {});
    expect(defaults).toMatchObject({ batchSize: 1024, dim: 64 });
  });

  it.each([
    { dim: 0 },
    { temperature: 0 },
    { learningRate: -1 },
    { epochs: 1.5 },
    { idDropout: 1 },
    { historyLenght: 20 },
    { adaptSteps: -1 },
    { adaptSteps: 1.5 },
    { adaptLearningRate: 0 },
    { adaptL2: -1 },
  ])('rejects %o with RG_ERR_STRATEGY_PARAMS', (raw) => {
    const error = (() => {
      try {
        parseStrategyParams(twoTowerStrategy, raw);
      } catch (e) {
        return e;
      }
    })();
    expect(isRecgateError(error) && error.code).toBe('RG_ERR_STRATEGY_PARAMS');
  });
});

describe('two-tower training', () => {
  it('reports loss, speed, epochs and the backend it ran on', () => {
    const { metrics } = trained;
    expect(Number.isFinite(metrics.loss)).toBe(true);
    expect(metrics.examplesPerSecond).toBeGreaterThan(0);
    expect(metrics.epochs).toBe(1);
    expect(metrics.examples).toBe(fixture.interactions.filter((r) => r.weight > 0).length);
    const backendKeys = Object.keys(metrics).filter((k) => k.startsWith('backend.'));
    expect(backendKeys).toHaveLength(1);
    expect((trained.artifact.json as { training: { backend: string } }).training.backend).toBe(backendKeys[0]!.slice('backend.'.length));
  });

  it('is deterministic under a seed, and the seed matters', async () => {
    const again = await train().result;
    const other = await train({ seed: 2 }).result;
    expect(Buffer.from(encodeArtifact(again.artifact)).equals(Buffer.from(encodeArtifact(trained.artifact)))).toBe(true);
    expect(Buffer.from(encodeArtifact(other.artifact)).equals(Buffer.from(encodeArtifact(trained.artifact)))).toBe(false);
  });

  it('learns: the loss falls over epochs', async () => {
    const longer = parseStrategyParams(twoTowerStrategy, { ...RAW_PARAMS, epochs: 4 });
    const losses: number[] = [];
    const ctx = createInMemoryTrainContext({
      params: longer,
      interactions: fixture.interactions,
      items: fixture.items,
      now: fixture.now,
      seed: 1,
      log: { info: (message, fields) => message.includes('epoch done') && losses.push(Number(fields?.loss)), warn() {} },
    });
    await twoTowerStrategy.train(ctx);
    expect(losses).toHaveLength(4);
    expect(losses[3]!).toBeLessThan(losses[0]!);
  });

  it('stops with RG_ERR_TRAINING_ABORTED, before or during training, leaving no tensors', async () => {
    const before = tf.memory().numTensors;
    const already = new AbortController();
    already.abort();
    const early = await train({ signal: already.signal }).result.catch((e: unknown) => e);
    expect(isRecgateError(early) && early.code).toBe('RG_ERR_TRAINING_ABORTED');

    const during = new AbortController();
    let reports = 0;
    const { ctx, result } = train({ signal: during.signal, onProgress: () => ++reports === 3 && during.abort() });
    const late = await result.catch((e: unknown) => e);
    expect(isRecgateError(late) && late.code).toBe('RG_ERR_TRAINING_ABORTED');
    expect(ctx.reports.some((r) => r.phase === 'fitting')).toBe(true);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('trains on no positive interaction into a model that recommends nothing', async () => {
    const negatives = fixture.interactions.slice(0, 50).map((r) => ({ ...r, type: 'dismiss' as const, weight: -1 }));
    const { result } = train({ interactions: negatives });
    const model = await load((await result).artifact);
    expect(slate(model, request(historyOf(fixture.userIds[0]!)))).toEqual([]);
    twoTowerStrategy.dispose(model);
  });
});

describe('two-tower serving', () => {
  it('leaks no tensors over load, recommend, refresh and dispose', async () => {
    const before = tf.memory().numTensors;
    const model = await load(trained.artifact);
    for (const userId of fixture.userIds.slice(0, 5)) slate(model, request(historyOf(userId)));
    refreshItemVectors(model, fixture.items.slice(0, 3));
    twoTowerStrategy.dispose(model);
    twoTowerStrategy.dispose(model); // idempotent
    expect(tf.memory().numTensors).toBe(before);
  });

  it('gives identical slates after an artifact round trip through bytes', async () => {
    const decoded = decodeArtifact(encodeArtifact(trained.artifact));
    const [a, b] = [await load(trained.artifact), await load(decoded)];
    for (const userId of fixture.userIds.slice(0, 8)) {
      const r = request(historyOf(userId));
      expect(slate(b, r)).toEqual(slate(a, r));
    }
    twoTowerStrategy.dispose(a);
    twoTowerStrategy.dispose(b);
  });

  it('scores the same with the tensor path and the Float32Array loop', async () => {
    const model = await load(trained.artifact);
    for (const userId of fixture.userIds.slice(0, 8)) {
      const r = request(historyOf(userId), { k: 20 });
      model.scoring = 'tensor';
      const viaTensor = slate(model, r);
      model.scoring = 'loop';
      const viaLoop = slate(model, r);
      expect(viaLoop.map((s) => s.itemId)).toEqual(viaTensor.map((s) => s.itemId));
      viaLoop.forEach((s, i) => expect(s.score).toBeCloseTo(viaTensor[i]!.score, 5));
    }
    twoTowerStrategy.dispose(model);
  });

  it('explains an item by the liked item it is most similar to', async () => {
    const model = await load(trained.artifact);
    const history = historyOf(fixture.userIds[0]!);
    const titles = new Set(history.map((r) => catalog.get(r.itemId)?.title));
    const results = slate(model, request(history));
    expect(results.length).toBe(10);
    for (const s of results) {
      const liked = /^Similar to "(.+)", which you liked$/.exec(s.explanation)?.[1];
      expect(titles.has(liked)).toBe(true);
    }
    expect(slate(model, request([]))[0]!.explanation).toBe('A common first pick');
    twoTowerStrategy.dispose(model);
  });

  it('gives items added after loading a vector, the same one loading with them would give', async () => {
    const newItem: CatalogItem = {
      id: 'test-new-item',
      title: 'The Dark Knight Returns',
      description: '',
      categories: ['Action', 'Crime', 'Drama'],
      attributes: {},
      embedding: null,
      active: true,
      createdAt: fixture.now,
    };
    const model = await load(trained.artifact);
    expect(model.items.rowOf.has(newItem.id)).toBe(false);
    refreshItemVectors(model, [newItem]);
    const row = model.items.rowOf.get(newItem.id)!;
    const dim = model.shapes.dim;
    const added = model.items.vectors.slice(row * dim, (row + 1) * dim);

    const withItem = createCatalogView([...fixture.items, newItem]);
    const reference = await load(trained.artifact, withItem);
    const refRow = reference.items.rowOf.get(newItem.id)!;
    expect(Array.from(added)).toEqual(Array.from(reference.items.vectors.slice(refRow * dim, (refRow + 1) * dim)));

    // A request whose catalogue view has an item the model has not seen picks it up by itself.
    const fresh = await load(trained.artifact);
    const everyone = slate(fresh, request([], { k: withItem.active.length, catalog: withItem }));
    expect(everyone.map((s) => s.itemId)).toContain(newItem.id);
    for (const m of [model, reference, fresh]) twoTowerStrategy.dispose(m);
  });

  it('rejects malformed artifacts with RG_ERR_ARTIFACT_INVALID', async () => {
    const { json, arrays } = trained.artifact;
    const broken: Artifact[] = [
      { json: { ...(json as object), format: 'something-else' }, arrays },
      { json, arrays: { ...arrays, userOut: new Float32Array(3) } },
      { json, arrays: Object.fromEntries(Object.entries(arrays).filter(([name]) => name !== 'textTable')) },
      { json: { ...(json as object), itemIds: ['only-one'] }, arrays },
    ];
    for (const artifact of broken) {
      const error = await load(artifact).catch((e: unknown) => e);
      expect(isRecgateError(error) && error.code).toBe('RG_ERR_ARTIFACT_INVALID');
    }
  });
});
