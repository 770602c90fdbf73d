/**
 * The popularity prior (two-tower 1.2): serving adds weight · log(1 + training count) to each
 * item's cosine, the weight chosen on the early-stopping validation users (0 allowed). Artifacts
 * of 1.0 and 1.1 carry neither the weight nor the counts and must serve as before.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { isRecgateError } from '../../src/errors.js';
import { idDropoutFor } from '../../src/strategies/builtin/two-tower/params.js';
import { itemLogCounts, itemPriors } from '../../src/strategies/builtin/two-tower/popularity-prior.js';
import { twoTowerStrategy, type TwoTowerModel, type TwoTowerParams } from '../../src/strategies/builtin/two-tower/index.js';
import type { Artifact, CatalogView, InteractionRecord, RecommendRequest, ScoredItem, TrainResult } from '../../src/strategies/contract.js';
import { createCatalogView } from '../../src/strategies/in-memory-readers.js';
import { parseStrategyParams } from '../../src/strategies/params.js';
import { loadMovieTweetingsFixture, type MovieTweetingsFixture } from '../../src/testing/fixture.js';
import { createInMemoryTrainContext } from '../../src/testing/train-context.js';
import { MOVIETWEETINGS_DIR } from '../support/datasets.js';
import { historyRequest } from '../support/history-request.js';

const quiet = { info() {}, warn() {} };
let fixture: MovieTweetingsFixture;
let catalog: CatalogView;
let params: TwoTowerParams;
let trained: TrainResult;

const load = async (artifact: Artifact): Promise<TwoTowerModel> => twoTowerStrategy.load(artifact, { params, catalog, log: quiet });
const slate = (model: TwoTowerModel, r: RecommendRequest) => twoTowerStrategy.recommend(model, r) as readonly ScoredItem[];

const request = (history: readonly InteractionRecord[]): RecommendRequest => historyRequest(catalog, history, fixture.now, { k: 20 });

/** The trained artifact with another prior weight (or, with `legacy`, as 1.1 wrote it: no prior, no counts). */
function withPrior(weight: number, legacy = false): Artifact {
  const { json, arrays } = trained.artifact;
  if (legacy) {
    const { popularityPrior: _dropped, ...config } = json as Record<string, unknown>;
    const { itemLogCounts: _counts, ...rest } = arrays;
    return { json: config as Artifact['json'], arrays: rest };
  }
  return { json: { ...(json as object), popularityPrior: { weight } }, arrays };
}

beforeAll(async () => {
  fixture = loadMovieTweetingsFixture({ directory: MOVIETWEETINGS_DIR, ratings: 2000 });
  catalog = createCatalogView(fixture.items);
  params = parseStrategyParams(twoTowerStrategy, { epochs: 1, dim: 16, hiddenUnits: 32, batchSize: 256, textHashBuckets: 2048, maxTextTokens: 24 });
  const ctx = createInMemoryTrainContext({ params, interactions: fixture.interactions, items: fixture.items, now: fixture.now, seed: 1, log: quiet });
  trained = await twoTowerStrategy.train(ctx);
});

describe('two-tower popularity prior', () => {
  it('counts each item of the given examples, log(1 + count), row 0 none', () => {
    const counts = itemLogCounts(Int32Array.from([1, 2, 2, 3, 3, 3]), [0, 1, 2, 3, 4], 5);
    expect(Array.from(counts)).toEqual([0, Math.log(2), Math.log(3), Math.fround(Math.log(3)), 0].map(Math.fround));
    expect(Array.from(itemPriors([3, 0, 1], counts, 0.5))).toEqual([0.5 * Math.log(3), 0, 0.5 * Math.log(2)].map(Math.fround));
    expect(Array.from(itemPriors([3, 1], null, 0.5))).toEqual([0, 0]);
  });

  it('hides no ids by default where validation can choose a prior, a quarter where it cannot (given epochs)', () => {
    expect(idDropoutFor(parseStrategyParams(twoTowerStrategy, {}))).toBe(0);
    expect(idDropoutFor(parseStrategyParams(twoTowerStrategy, { epochs: 3 }))).toBe(0.25);
    expect(idDropoutFor(parseStrategyParams(twoTowerStrategy, { epochs: 3, idDropout: 0.1 }))).toBe(0.1);
    expect(idDropoutFor(parseStrategyParams(twoTowerStrategy, { idDropout: 0.4 }))).toBe(0.4);
  });

  it('without validation (given epochs) trains no prior, and stores the counts', () => {
    expect((trained.artifact.json as { popularityPrior?: { weight: number } }).popularityPrior).toEqual({ weight: 0 });
    expect(trained.artifact.arrays.itemLogCounts).toBeInstanceOf(Float32Array);
  });

  it('adds weight · log(1 + count) to each cosine, the same on the tensor path and the loop', async () => {
    const [plain, boosted] = [await load(withPrior(0)), await load(withPrior(0.05))];
    const counts = trained.artifact.arrays.itemLogCounts as Float32Array;
    const itemIds = (trained.artifact.json as { itemIds: string[] }).itemIds;
    const history = fixture.interactions.filter((r) => r.userId === fixture.userIds[0]);
    const r = request(history);
    const cosines = new Map(slate(plain, { ...r, k: catalog.active.length }).map((s) => [s.itemId, s.score]));
    boosted.scoring = 'tensor';
    const viaTensor = slate(boosted, r);
    boosted.scoring = 'loop';
    const viaLoop = slate(boosted, r);
    expect(viaLoop.map((s) => s.itemId)).toEqual(viaTensor.map((s) => s.itemId));
    for (const s of viaTensor) {
      const row = itemIds.indexOf(s.itemId) + 1;
      expect(s.score).toBeCloseTo(cosines.get(s.itemId)! + 0.05 * (row > 0 ? counts[row]! : 0), 5);
    }
    // The prior favours items seen more often: the boosted slate's items are at least as common.
    const meanCount = (slateItems: readonly ScoredItem[]) => slateItems.reduce((sum, s) => sum + counts[itemIds.indexOf(s.itemId) + 1]!, 0) / slateItems.length;
    expect(meanCount(viaTensor)).toBeGreaterThanOrEqual(meanCount(slate(plain, r)));
    twoTowerStrategy.dispose(plain);
    twoTowerStrategy.dispose(boosted);
  });

  it('serves artifacts written before the prior (no weight, no counts) as plain cosines', async () => {
    const [legacy, plain] = [await load(withPrior(0, true)), await load(withPrior(0))];
    for (const userId of fixture.userIds.slice(0, 5)) {
      const r = request(fixture.interactions.filter((x) => x.userId === userId));
      expect(slate(legacy, r)).toEqual(slate(plain, r));
    }
    twoTowerStrategy.dispose(legacy);
    twoTowerStrategy.dispose(plain);
  });

  it('rejects a prior without counts, or counts of the wrong length, with RG_ERR_ARTIFACT_INVALID', async () => {
    const { json, arrays } = withPrior(0.05);
    const { itemLogCounts: _counts, ...withoutCounts } = arrays;
    for (const artifact of [
      { json, arrays: withoutCounts },
      { json, arrays: { ...arrays, itemLogCounts: new Float32Array(3) } },
    ]) {
      const error = await load(artifact).catch((e: unknown) => e);
      expect(isRecgateError(error) && error.code).toBe('RG_ERR_ARTIFACT_INVALID');
    }
  });
});
