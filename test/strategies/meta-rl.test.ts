/**
 * meta-rl mechanisms on synthetic data: meta-learned fast adaptation to a held-out user, what
 * the impression log teaches (shown and never clicked ranks lower), and the empty cases.
 */
import { describe, expect, it } from 'vitest';
import { metaRlStrategy, type MetaRlModel } from '../../src/strategies/builtin/meta-rl/index.js';
import type { AdaptedUserState, CatalogView, ImpressionRecord, InteractionRecord, RecommendRequest } from '../../src/strategies/contract.js';
import { arrayImpressionReader } from '../../src/strategies/in-memory-impression-reader.js';
import { createCatalogView } from '../../src/strategies/in-memory-readers.js';
import { parseStrategyParams } from '../../src/strategies/params.js';
import { createInMemoryTrainContext } from '../../src/testing/train-context.js';
import { clusterPopulation, HOUR, impressionLog, START, type Population } from './meta-rl-synthetic.js';

const silent = { info() {}, warn() {} };
const SMALL = { dim: 8, towerEpochs: 1, towerHiddenUnits: 16, textHashBuckets: 512, stateUnits: 8, negatives: 32, batchSize: 16 };

async function trainAndLoad(
  population: Population,
  raw: Record<string, unknown>,
  impressions: ImpressionRecord[] = [],
): Promise<{ model: MetaRlModel; catalog: CatalogView; params: ReturnType<typeof parseStrategyParams> }> {
  const params = parseStrategyParams(metaRlStrategy, { ...SMALL, ...raw });
  const ctx = createInMemoryTrainContext({ params, interactions: population.train, items: population.items, now: START + 2000 * HOUR, seed: 11 });
  const { artifact } = await metaRlStrategy.train({ ...ctx, impressions: arrayImpressionReader(impressions) });
  const catalog = createCatalogView(population.items);
  const model = await metaRlStrategy.load(artifact, { params, catalog, log: silent });
  return { model, catalog, params };
}

function request(catalog: CatalogView, userId: string, history: InteractionRecord[], k: number, adapted: AdaptedUserState | null = null): RecommendRequest {
  return {
    user: { id: userId, known: true, attributes: {}, history },
    k,
    exclude: new Set(history.map((r) => r.itemId)),
    filter: {},
    context: {},
    surface: 'home',
    catalog,
    now: START + 3000 * HOUR,
    adapted,
  };
}

/** Mean recall@k of each held-out user's later items given their first `support` interactions. */
async function heldOutRecall(model: MetaRlModel, catalog: CatalogView, population: Population, support: number, adaptFirst: boolean, k = 5): Promise<number> {
  let total = 0;
  for (const user of population.heldOut) {
    const history = user.interactions.slice(0, support);
    const query = new Set(user.interactions.slice(support).map((r) => r.itemId));
    const state: UserStateLike = { id: user.userId, known: true, attributes: {}, history };
    const adapted = adaptFirst ? await metaRlStrategy.adapt(model, state, { catalog, now: START }) : null;
    const slate = await metaRlStrategy.recommend(model, request(catalog, user.userId, history, k, adapted));
    total += slate.filter((s) => query.has(s.itemId)).length / Math.min(k, query.size);
  }
  return total / population.heldOut.length;
}
type UserStateLike = RecommendRequest['user'];

describe('meta-rl', () => {
  const population = clusterPopulation({ clusters: 4, itemsPerCluster: 12, users: 240, heldOut: 40, perUser: 10, seed: 5 });

  it('adapts a held-out user in 3 interactions measurably better than its unadapted start', async () => {
    // Item vectors need a few tower epochs to place a cluster's items together: the inner loop
    // moves the head towards the directions of the user's items.
    const { model, catalog } = await trainAndLoad(population, { epochs: 4, maxSupport: 5, towerEpochs: 3, innerLearningRate: 2, adaptLearningRate: 2 });
    try {
      const unadapted = await heldOutRecall(model, catalog, population, 3, false);
      const adapted = await heldOutRecall(model, catalog, population, 3, true);
      console.log(`held-out recall@5 after 3 interactions: unadapted ${unadapted.toFixed(3)}, adapted ${adapted.toFixed(3)}`);
      expect(adapted).toBeGreaterThan(unadapted + 0.03);
    } finally {
      metaRlStrategy.dispose(model);
    }
  }, 60_000);

  it('ranks items shown often and never clicked lower when it learns from the impression log', async () => {
    const shownIgnored = [population.clusterItems[0]![0]!, population.clusterItems[1]![0]!, population.clusterItems[2]![0]!];
    const log = impressionLog(population, shownIgnored);
    const withLog = await trainAndLoad(population, { epochs: 3 }, log);
    const withoutLog = await trainAndLoad(population, { epochs: 3, useImpressions: false }, log);
    try {
      const meanRank = async (model: MetaRlModel, catalog: CatalogView): Promise<number> => {
        let total = 0;
        let count = 0;
        for (const user of population.heldOut) {
          const history = user.interactions.slice(0, 3);
          const slate = await metaRlStrategy.recommend(model, { ...request(catalog, user.userId, history, population.items.length), exclude: new Set() });
          for (const id of shownIgnored) {
            total += slate.findIndex((s) => s.itemId === id);
            count++;
          }
        }
        return total / count;
      };
      const rankWith = await meanRank(withLog.model, withLog.catalog);
      const rankWithout = await meanRank(withoutLog.model, withoutLog.catalog);
      console.log(`mean rank of shown-and-ignored items: with the impression log ${rankWith.toFixed(1)}, interactions only ${rankWithout.toFixed(1)}`);
      expect(rankWith).toBeGreaterThan(rankWithout + 5);
    } finally {
      metaRlStrategy.dispose(withLog.model);
      metaRlStrategy.dispose(withoutLog.model);
    }
  }, 60_000);

  it('trains with an empty impression log, and adapt with an empty history keeps the meta-learned start', async () => {
    const { model, catalog } = await trainAndLoad(population, { epochs: 1 }, []);
    try {
      const newcomer = { id: 'new', known: false, attributes: {}, history: [] };
      expect(await metaRlStrategy.adapt(model, newcomer, { catalog, now: START })).toBeNull();
      const slate = await metaRlStrategy.recommend(model, request(catalog, 'new', [], 5));
      expect(slate).toHaveLength(5);
      expect(slate[0]!.explanation).toMatch(/new visitors/);
      const history = population.heldOut[0]!.interactions.slice(0, 2);
      const adapted = await metaRlStrategy.adapt(model, { ...newcomer, history }, { catalog, now: START });
      expect(adapted?.arrays.headW).toBeInstanceOf(Float32Array);
      const explained = await metaRlStrategy.recommend(model, request(catalog, 'new', history, 3, adapted));
      expect(explained[0]!.explanation).toMatch(/^Because you opened “Item \d+”$/);
    } finally {
      metaRlStrategy.dispose(model);
    }
  }, 60_000);

  it('trains and serves with item ids only (itemContent: false, the ablation)', async () => {
    const { model, catalog } = await trainAndLoad(population, { epochs: 1, itemContent: false });
    try {
      const history = population.heldOut[2]!.interactions.slice(0, 3);
      const slate = await metaRlStrategy.recommend(model, request(catalog, 'h2', history, 5));
      expect(slate).toHaveLength(5);
      expect(slate.some((s) => history.some((h) => h.itemId === s.itemId))).toBe(false);
    } finally {
      metaRlStrategy.dispose(model);
    }
  }, 60_000);

  it('does not adapt when adaptSteps is 0, and serving then ignores stored state, with the same artifact', async () => {
    const on = await trainAndLoad(population, { epochs: 1 });
    try {
      const off = await metaRlStrategy.load(await trainedArtifactOf(population), {
        params: parseStrategyParams(metaRlStrategy, { ...SMALL, epochs: 1, adaptSteps: 0 }),
        catalog: on.catalog,
        log: silent,
      });
      expect(metaRlStrategy.adapts(parseStrategyParams(metaRlStrategy, { adaptSteps: 0 }))).toBe(false);
      expect(metaRlStrategy.adapts(parseStrategyParams(metaRlStrategy, {}))).toBe(true);
      const history = population.heldOut[1]!.interactions.slice(0, 3);
      const user = { id: 'h1', known: true, attributes: {}, history };
      expect(await metaRlStrategy.adapt(off, user, { catalog: on.catalog, now: START })).toBeNull();
      const state = await metaRlStrategy.adapt(on.model, user, { catalog: on.catalog, now: START });
      const plain = await metaRlStrategy.recommend(off, request(on.catalog, 'h1', history, 10));
      const withState = await metaRlStrategy.recommend(off, request(on.catalog, 'h1', history, 10, state));
      expect(withState).toEqual(plain);
      metaRlStrategy.dispose(off);
    } finally {
      metaRlStrategy.dispose(on.model);
    }
  }, 60_000);

  it('keeps to maxActions: fewer passes when the log is too large for every pass, a share of one pass when too large for one', async () => {
    // 200 training users × 10 interactions: about 2,000 logged actions per pass.
    const train = async (maxActions: number) => {
      const params = parseStrategyParams(metaRlStrategy, { ...SMALL, epochs: 3, maxActions });
      const ctx = createInMemoryTrainContext({ params, interactions: population.train, items: population.items, now: START + 2000 * HOUR, seed: 11 });
      return (await metaRlStrategy.train(ctx)).metrics;
    };
    const full = await train(1_000_000);
    expect(full.epochsRun).toBe(3);
    expect(full.actions).toBe(3 * full.actionsPerEpoch!);
    const fewer = await train(Math.floor(2.5 * full.actionsPerEpoch!));
    expect(fewer.epochsRun).toBe(2);
    expect(fewer.actions).toBe(2 * full.actionsPerEpoch!);
    // Below the floor, or not an integer: refused before anything trains.
    for (const bad of [999, 1500.5, '2000000', true]) {
      expect(() => parseStrategyParams(metaRlStrategy, { maxActions: bad })).toThrow(expect.objectContaining({ code: 'RG_ERR_STRATEGY_PARAMS' }));
    }
    for (const bad of [{ taste: 'yes' }, { learnedStepSizes: 1 }]) {
      expect(() => parseStrategyParams(metaRlStrategy, bad)).toThrow(expect.objectContaining({ code: 'RG_ERR_STRATEGY_PARAMS' }));
    }
    const share = await train(1000);
    expect(share.epochsRun).toBe(1);
    expect(share.actions).toBeGreaterThanOrEqual(1000);
    expect(share.actions).toBeLessThan(1000 + 20); // the last task taken ends within one query stretch
  }, 60_000);

  it('loads an artifact from strategy 1.1.0 (no taste, no step sizes) as it was trained, and refuses a /1 artifact', async () => {
    const params = parseStrategyParams(metaRlStrategy, { ...SMALL, epochs: 1, taste: false });
    const ctx = createInMemoryTrainContext({ params, interactions: population.train, items: population.items, now: START + 2000 * HOUR, seed: 11 });
    const { artifact } = await metaRlStrategy.train(ctx);
    const catalog = createCatalogView(population.items);
    // What 1.1.0 wrote: the same format, shapes without `taste`, no step-size arrays.
    const json = artifact.json as { shapes: Record<string, unknown> };
    const { taste: _taste, ...oldShapes } = json.shapes;
    const { headRateW: _w, headRateB: _b, ...oldArrays } = artifact.arrays;
    const old = { json: { ...json, shapes: oldShapes }, arrays: oldArrays } as typeof artifact;
    const current = await metaRlStrategy.load(artifact, { params, catalog, log: silent });
    const loaded = await metaRlStrategy.load(old, { params, catalog, log: silent });
    try {
      const user = { id: 'h3', known: true, attributes: {}, history: population.heldOut[3]!.interactions.slice(0, 3) };
      const adapted = await metaRlStrategy.adapt(loaded, user, { catalog, now: START });
      expect(adapted).toEqual(await metaRlStrategy.adapt(current, user, { catalog, now: START }));
      const slate = await metaRlStrategy.recommend(loaded, request(catalog, 'h3', user.history, 10, adapted));
      expect(slate).toEqual(await metaRlStrategy.recommend(current, request(catalog, 'h3', user.history, 10, adapted)));
    } finally {
      metaRlStrategy.dispose(current);
      metaRlStrategy.dispose(loaded);
    }
    const v1 = { ...old, json: { ...(old.json as object), format: 'recgate.meta-rl/1' } } as typeof artifact;
    await expect(metaRlStrategy.load(v1, { params, catalog, log: silent })).rejects.toMatchObject({ code: 'RG_ERR_ARTIFACT_INVALID' });
    // Step sizes present but of the wrong length, or a taste flag that is not a boolean: refused, not guessed.
    const shortRates = { ...artifact, arrays: { ...artifact.arrays, headRateW: new Float32Array(3) } } as typeof artifact;
    await expect(metaRlStrategy.load(shortRates, { params, catalog, log: silent })).rejects.toMatchObject({ code: 'RG_ERR_ARTIFACT_INVALID' });
    const badTaste = { ...artifact, json: { ...json, shapes: { ...json.shapes, taste: 'yes' } } } as typeof artifact;
    await expect(metaRlStrategy.load(badTaste, { params, catalog, log: silent })).rejects.toMatchObject({ code: 'RG_ERR_ARTIFACT_INVALID' });
  }, 60_000);
});

async function trainedArtifactOf(population: Population) {
  const params = parseStrategyParams(metaRlStrategy, { ...SMALL, epochs: 1 });
  const ctx = createInMemoryTrainContext({ params, interactions: population.train, items: population.items, now: START + 2000 * HOUR, seed: 11 });
  return (await metaRlStrategy.train(ctx)).artifact;
}
