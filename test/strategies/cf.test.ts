import { beforeAll, describe, expect, it } from 'vitest';
import { isRecgateError } from '../../src/errors.js';
import { alsStrategy, type AlsModel, type AlsParams } from '../../src/strategies/builtin/cf/index.js';
import type { InteractionRecord, RecommendRequest, TrainResult, UserState } from '../../src/strategies/contract.js';
import { createCatalogView } from '../../src/strategies/in-memory-readers.js';
import { parseStrategyParams } from '../../src/strategies/params.js';
import { describeArtifactDifference, loadMovieTweetingsFixture, slateViolations, type MovieTweetingsFixture } from '../../src/testing/index.js';
import { createInMemoryTrainContext } from '../../src/testing/train-context.js';
import { MOVIETWEETINGS_DIR as DIRECTORY } from '../support/datasets.js';

const silentLog = { info() {}, warn() {} };

/** The latest rating of every user with at least 3 is held out; the rest is training data. */
function holdOutLatest(fixture: MovieTweetingsFixture): { train: InteractionRecord[]; heldOut: Map<string, string> } {
  const byUser = new Map<string, InteractionRecord[]>();
  for (const r of fixture.interactions) {
    let list = byUser.get(r.userId);
    if (!list) byUser.set(r.userId, (list = []));
    list.push(r);
  }
  const heldOut = new Map<string, string>();
  const dropped = new Set<InteractionRecord>();
  for (const [userId, list] of byUser) {
    if (list.length < 3) continue;
    const last = list[list.length - 1]!;
    heldOut.set(userId, last.itemId);
    dropped.add(last);
  }
  return { train: fixture.interactions.filter((r) => !dropped.has(r)), heldOut };
}

describe('als strategy', () => {
  let fixture: MovieTweetingsFixture;
  let train: InteractionRecord[];
  let heldOut: Map<string, string>;
  let params: AlsParams;
  let result: TrainResult;
  let model: AlsModel;
  let sharedView: ReturnType<typeof createCatalogView> | undefined;
  const catalog = () => (sharedView ??= createCatalogView(fixture.items));
  const historyOf = (userId: string) => train.filter((r) => r.userId === userId);
  const trainWith = (seed: number, records = train, extra: Partial<AlsParams> = {}) =>
    alsStrategy.train(createInMemoryTrainContext({ params: { ...params, ...extra }, interactions: records, items: fixture.items, now: fixture.now, seed }));
  const request = (user: UserState, overrides: Partial<RecommendRequest> = {}): RecommendRequest => ({
    user,
    k: 10,
    exclude: new Set(user.history.map((r) => r.itemId)),
    filter: {},
    context: {},
    surface: 'test',
    catalog: catalog(),
    now: fixture.now,
    ...overrides,
  });

  beforeAll(async () => {
    // First 20,000 ratings: about 2,900 users, enough for collaborative signal, trains in about a second.
    fixture = loadMovieTweetingsFixture({ directory: DIRECTORY, ratings: 20_000 });
    ({ train, heldOut } = holdOutLatest(fixture));
    params = parseStrategyParams(alsStrategy, { factors: 16, iterations: 8 });
    result = await trainWith(1);
    model = await alsStrategy.load(result.artifact, { params, catalog: catalog(), log: silentLog });
  });

  it('ranks held-out positives above the median item far more often than chance', async () => {
    const view = catalog();
    const trainedItems = new Set(train.map((r) => r.itemId));
    // Every 10th user whose held-out movie the model has seen in training (a model cannot rank
    // what it never saw; new movies are the popularity fallback's job).
    const users = [...heldOut].filter(([, itemId]) => trainedItems.has(itemId)).filter((_, i) => i % 10 === 0);
    let aboveMedian = 0;
    for (const [userId, itemId] of users) {
      const history = historyOf(userId);
      const exclude = new Set(history.map((r) => r.itemId));
      const half = Math.floor((view.active.length - exclude.size) / 2);
      const slate = await alsStrategy.recommend(model, request({ id: userId, known: true, attributes: {}, history }, { k: half, catalog: view }));
      if (slate.some((s) => s.itemId === itemId)) aboveMedian++;
    }
    expect(users.length).toBeGreaterThan(100);
    // Chance is 0.5; measured 0.72-0.79 over seeds. The margin allows for seeds, not for a broken model.
    expect(aboveMedian / users.length).toBeGreaterThan(0.62);
  });

  it('reports training metrics and a decreasing loss', async () => {
    expect(result.metrics.users).toBe(new Set(train.map((r) => r.userId)).size);
    expect(result.metrics.interactions).toBe(train.length);
    const short = await trainWith(1, train, { iterations: 1 });
    expect(result.metrics.loss).toBeLessThan(short.metrics.loss!);
  });

  it('is deterministic for a seed and uses it', async () => {
    expect(describeArtifactDifference(result.artifact, (await trainWith(1)).artifact)).toBeNull();
    expect(describeArtifactDifference(result.artifact, (await trainWith(2)).artifact)).not.toBeNull();
  });

  it('scores a user unknown at training time from their history alone, exactly like the trained user', async () => {
    const [userId] = [...heldOut.keys()];
    const history = historyOf(userId!);
    const known = await alsStrategy.recommend(model, request({ id: userId!, known: true, attributes: {}, history }));
    const newcomerHistory = history.map((r) => ({ ...r, userId: 'newcomer' }));
    const newcomer = await alsStrategy.recommend(model, request({ id: 'newcomer', known: false, attributes: {}, history: newcomerHistory }));
    expect(newcomer.length).toBe(10);
    expect(newcomer.map((s) => s.itemId)).toEqual(known.map((s) => s.itemId));
    newcomer.forEach((s, i) => expect(s.score).toBeCloseTo(known[i]!.score, 6));
  });

  it("uses a trained user's row when the request carries no history, and new feedback on top of it", async () => {
    const [userId] = [...heldOut.keys()];
    const history = historyOf(userId!);
    const exclude = new Set(history.map((r) => r.itemId));
    const withHistory = await alsStrategy.recommend(model, request({ id: userId!, known: true, attributes: {}, history }));
    const withoutHistory = await alsStrategy.recommend(model, request({ id: userId!, known: true, attributes: {}, history: [] }, { exclude }));
    expect(withoutHistory).toEqual(withHistory);

    const fresh: InteractionRecord = { ...history[0]!, itemId: withHistory[0]!.itemId, occurredAt: fixture.now, weight: 1 };
    const updated = await alsStrategy.recommend(model, request({ id: userId!, known: true, attributes: {}, history: [...history, fresh] }, { exclude }));
    expect(updated.map((s) => s.score)).not.toEqual(withHistory.map((s) => s.score));
  });

  it('treats a dismissal as confident dislike: the dismissed item drops', async () => {
    const [userId] = [...heldOut.keys()];
    const history = historyOf(userId!);
    const before = await alsStrategy.recommend(model, request({ id: 'newcomer', known: false, attributes: {}, history }));
    const target = before[0]!;
    const dismissal: InteractionRecord = {
      ...history[0]!,
      userId: 'newcomer',
      itemId: target.itemId,
      type: 'dismiss',
      value: null,
      weight: -1,
      occurredAt: fixture.now,
    };
    const after = await alsStrategy.recommend(
      model,
      request({ id: 'newcomer', known: false, attributes: {}, history: [...history, dismissal] }, { exclude: new Set(history.map((r) => r.itemId)), k: 200 }),
    );
    const afterScore = after.find((s) => s.itemId === target.itemId)?.score ?? -Infinity;
    expect(afterScore).toBeLessThan(target.score);
  });

  it('explains each item with a title the user liked', async () => {
    const [userId] = [...heldOut.keys()];
    const history = historyOf(userId!);
    const titles = new Set(history.map((r) => `because you liked ${catalog().get(r.itemId)!.title}`));
    const slate = await alsStrategy.recommend(model, request({ id: 'newcomer', known: false, attributes: {}, history }));
    for (const s of slate) expect(titles.has(s.explanation), s.explanation).toBe(true);
  });

  it('answers a user with no signal at all from the average user instead of nothing', async () => {
    const slate = await alsStrategy.recommend(model, request({ id: 'nobody', known: false, attributes: {}, history: [] }));
    expect(slate.length).toBe(10);
    expect(slate.every((s) => s.explanation === 'liked by many people')).toBe(true);
  });

  it('respects exclusions, category filters, inactive items and k', async () => {
    const [userId] = [...heldOut.keys()];
    const user = { id: userId!, known: true, attributes: {}, history: historyOf(userId!) };
    const base = await alsStrategy.recommend(model, request(user));
    const top = base.slice(0, 4).map((s) => s.itemId);
    const items = fixture.items.map((item) => (item.id === top[0] ? { ...item, active: false } : item));
    const view = createCatalogView(items);
    const exclude = new Set([...user.history.map((r) => r.itemId), top[1]!]);
    for (const categories of [['Drama'], ['Horror', 'Western']]) {
      const req = request(user, { exclude, catalog: view, filter: { categories }, k: 7 });
      const slate = await alsStrategy.recommend(model, req);
      expect(slateViolations(slate, req)).toEqual([]);
      expect(slate.length).toBe(7);
      expect(slate.some((s) => s.itemId === top[0] || s.itemId === top[1])).toBe(false);
    }
    expect(await alsStrategy.recommend(model, request(user, { k: 0 }))).toEqual([]);
  });

  it('rejects bad params at validation and a damaged artifact at load', async () => {
    for (const bad of [{ factors: 0 }, { regularization: 0 }, { alpha: -1 }, { iterations: 2.5 }, { factor: 32 }]) {
      let code = 'no error';
      try {
        parseStrategyParams(alsStrategy, bad);
      } catch (error) {
        code = isRecgateError(error) ? error.code : String(error);
      }
      expect(code, JSON.stringify(bad)).toBe('RG_ERR_STRATEGY_PARAMS');
    }
    const { itemFactors, ...rest } = result.artifact.arrays;
    const damaged = [
      { json: result.artifact.json, arrays: { ...rest, itemFactors: itemFactors!.subarray(1) } },
      { json: result.artifact.json, arrays: rest },
      { json: { ...(result.artifact.json as object), format: 'als/999' }, arrays: result.artifact.arrays },
      { json: result.artifact.json, arrays: { ...result.artifact.arrays, userRowItems: Int32Array.from(result.artifact.arrays.userRowItems!, () => 1e9) } },
    ];
    for (const artifact of damaged) {
      let code = 'no error';
      try {
        await alsStrategy.load(artifact, { params, catalog: catalog(), log: silentLog });
      } catch (error) {
        code = isRecgateError(error) ? error.code : String(error);
      }
      expect(code).toBe('RG_ERR_ARTIFACT_INVALID');
    }
  });

  it('stops with RG_ERR_TRAINING_ABORTED when cancelled between sweeps', async () => {
    const controller = new AbortController();
    const context = createInMemoryTrainContext({
      params,
      interactions: train,
      items: fixture.items,
      now: fixture.now,
      signal: controller.signal,
      onProgress: (p) => p.phase === 'fitting' && controller.abort(),
    });
    const outcome = await alsStrategy.train(context).then(
      () => 'finished',
      (error: unknown) => (isRecgateError(error) ? error.code : String(error)),
    );
    expect(outcome).toBe('RG_ERR_TRAINING_ABORTED');
    expect(context.reports.filter((r) => r.phase === 'fitting').length).toBe(1);
  });
});
