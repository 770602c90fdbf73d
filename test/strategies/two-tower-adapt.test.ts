import { beforeAll, afterAll, describe, expect, it } from 'vitest';
import { initTensorflow, type Tf } from '../../src/ml/tf-backend.js';
import { decodeArtifact, encodeArtifact } from '../../src/strategies/artifact-codec.js';
import { adaptationLoss, adaptUserDelta } from '../../src/strategies/builtin/two-tower/adapt-user-delta.js';
import { twoTowerStrategy, type TwoTowerModel, type TwoTowerParams } from '../../src/strategies/builtin/two-tower/index.js';
import type { AdaptedUserState, CatalogView, InteractionRecord, RecommendRequest, ScoredItem, TrainResult, UserState } from '../../src/strategies/contract.js';
import { createCatalogView } from '../../src/strategies/in-memory-readers.js';
import { parseStrategyParams } from '../../src/strategies/params.js';
import { loadMovieTweetingsFixture, type MovieTweetingsFixture } from '../../src/testing/fixture.js';
import { createInMemoryTrainContext } from '../../src/testing/train-context.js';
import { MOVIETWEETINGS_DIR } from '../support/datasets.js';

const RAW_PARAMS = { epochs: 1, dim: 16, hiddenUnits: 32, batchSize: 256, textHashBuckets: 2048, maxTextTokens: 24 };
/** Adaptation is off by default; these tests switch it on. */
const ADAPTING = { adaptSteps: 5, adaptLearningRate: 0.02 };
const quiet = { info() {}, warn() {} };

let tf: Tf;
let fixture: MovieTweetingsFixture;
let catalog: CatalogView;
let trained: TrainResult;
let model: TwoTowerModel;
/** Users of the fixture with at least three positive ratings. */
let users: UserState[];

async function load(raw: Partial<TwoTowerParams> = {}): Promise<TwoTowerModel> {
  const params = parseStrategyParams(twoTowerStrategy, { ...RAW_PARAMS, ...raw });
  return twoTowerStrategy.load(trained.artifact, { params, catalog, log: quiet });
}

function userOf(history: readonly InteractionRecord[], id = history[0]?.userId ?? 'newcomer'): UserState {
  return { id, known: history.length > 0, attributes: {}, history };
}

function request(user: UserState, adapted?: AdaptedUserState | null): RecommendRequest {
  return {
    user,
    k: 10,
    exclude: new Set(user.history.map((r) => r.itemId)),
    filter: {},
    context: {},
    surface: 'test',
    catalog,
    now: fixture.now,
    adapted,
  };
}

// This strategy answers and adapts synchronously.
const slate = (m: TwoTowerModel, r: RecommendRequest) => twoTowerStrategy.recommend(m, r) as readonly ScoredItem[];
const adapt = (m: TwoTowerModel, user: UserState) => twoTowerStrategy.adapt(m, user, { catalog, now: fixture.now }) as AdaptedUserState | null;
const facts = (state: AdaptedUserState) => state.json as { steps: number; positives: number; lossBefore: number; lossAfter: number; modelItemCount: number };

beforeAll(async () => {
  ({ tf } = await initTensorflow());
  fixture = loadMovieTweetingsFixture({ directory: MOVIETWEETINGS_DIR, ratings: 2000 });
  catalog = createCatalogView(fixture.items);
  const params = parseStrategyParams(twoTowerStrategy, RAW_PARAMS);
  trained = await twoTowerStrategy.train(
    createInMemoryTrainContext({ params, interactions: fixture.interactions, items: fixture.items, now: fixture.now, seed: 1, log: quiet }),
  );
  model = await load(ADAPTING);
  users = fixture.userIds
    .map((id) => userOf(fixture.interactions.filter((r) => r.userId === id)))
    .filter((u) => u.history.filter((r) => r.weight > 0).length >= 3)
    .slice(0, 8);
});

// When beforeAll failed there is no model: say nothing, so its error is the one reported.
afterAll(() => {
  if (model !== undefined) twoTowerStrategy.dispose(model);
});

describe('two-tower adaptation params', () => {
  it('defines adapt, switched off by default (adaptSteps 0)', () => {
    expect(twoTowerStrategy.adapts(parseStrategyParams(twoTowerStrategy, {}))).toBe(false);
    expect(twoTowerStrategy.adapts(parseStrategyParams(twoTowerStrategy, { adaptSteps: 5 }))).toBe(true);
    expect(parseStrategyParams(twoTowerStrategy, {})).toMatchObject({ adaptSteps: 0, adaptLearningRate: 0.005, adaptL2: 1 });
  });

  // Bad adapt params are rejected with the other params' cases in two-tower.test.ts.
});

describe('two-tower adapt', () => {
  it('lowers the loss on the user’s own positive items', () => {
    expect(users.length).toBeGreaterThanOrEqual(4);
    for (const user of users) {
      const state = adapt(model, user)!;
      const f = facts(state);
      expect(f.positives).toBeGreaterThan(0);
      expect(f.modelItemCount).toBe(model.items.ids.length);
      expect(f.lossAfter, `user ${user.id}`).toBeLessThan(f.lossBefore);
      expect(state.arrays.delta).toBeInstanceOf(Float32Array);
      expect(state.arrays.delta!.length).toBe(model.shapes.dim);
    }
  });

  it('descends on the loss it reports, along its exact gradient; the L2 pull keeps δ smaller', () => {
    const dim = 8;
    const rows = 50;
    const items = new Float32Array(rows * dim);
    for (let r = 0; r < rows; r++) {
      let norm = 0;
      for (let d = 0; d < dim; d++) norm += (items[r * dim + d] = Math.sin(1 + r * 7 + d * 3)) ** 2;
      for (let d = 0; d < dim; d++) items[r * dim + d]! /= Math.sqrt(norm);
    }
    const u0 = items.slice(0, dim);
    const positives = { rows: Int32Array.from([10, 20, 30]), weights: Float64Array.from([0.5, 0.3, 0.2]) };
    const options = (steps: number, l2: number) => ({ steps, learningRate: 0.01, l2, temperature: 0.1 });
    const losses = [0, 1, 3, 10].map((steps) => adaptUserDelta(items, dim, u0, positives, options(steps, 0)).lossAfter);
    for (let i = 1; i < losses.length; i++) expect(losses[i]!).toBeLessThan(losses[i - 1]!);
    const after = adaptUserDelta(items, dim, u0, positives, options(10, 0));
    expect(adaptationLoss(items, dim, u0, positives, options(10, 0), after.delta)).toBeCloseTo(after.lossAfter, 6);
    // One tiny step from δ = 0 is −learningRate × the gradient: compare with central differences.
    const tiny = { steps: 1, learningRate: 1e-4, l2: 0.5, temperature: 0.1 };
    const step = adaptUserDelta(items, dim, u0, positives, tiny).delta;
    for (let d = 0; d < dim; d++) {
      const [plus, minus] = [new Float32Array(dim), new Float32Array(dim)];
      plus[d] = 1e-3;
      minus[d] = -1e-3;
      const numeric = (adaptationLoss(items, dim, u0, positives, tiny, plus) - adaptationLoss(items, dim, u0, positives, tiny, minus)) / 2e-3;
      expect(-step[d]! / 1e-4).toBeCloseTo(numeric, 2);
    }
    const norm = (v: Float32Array) => Math.hypot(...v);
    expect(norm(adaptUserDelta(items, dim, u0, positives, options(10, 10)).delta)).toBeLessThan(norm(after.delta));
  });

  it('changes the slate of a user with history; with adaptSteps 0 (the default) it adapts nothing and serving ignores stored state', async () => {
    let changed = 0;
    for (const user of users) {
      const state = adapt(model, user);
      if (JSON.stringify(slate(model, request(user, state))) !== JSON.stringify(slate(model, request(user)))) changed++;
    }
    expect(changed).toBe(users.length);

    const off = await load({ adaptSteps: 0 });
    for (const user of users) {
      expect(adapt(off, user)).toBeNull();
      const stored = adapt(model, user); // made while adaptation was on
      expect(slate(off, request(user, stored))).toEqual(slate(off, request(user)));
      expect(slate(off, request(user))).toEqual(slate(model, request(user)));
    }
    twoTowerStrategy.dispose(off);
  });

  it('adds the delta to the current history’s vector: newer feedback still moves the slate', () => {
    const user = users[0]!;
    const state = adapt(model, user);
    const older = userOf(user.history.slice(0, -2), user.id);
    const stale = adapt(model, older);
    // The state of the older history, handed back with the full one, differs from both the
    // plain full-history slate and the older history's adapted slate.
    const mixed = slate(model, request(user, stale));
    expect(mixed).not.toEqual(slate(model, request(user)));
    expect(mixed).not.toEqual(slate(model, { ...request(older, stale), exclude: request(user).exclude }));
    expect(slate(model, request(user, state))).not.toEqual(mixed);
  });

  it('ignores malformed state without throwing', () => {
    const user = users[1]!;
    const plain = slate(model, request(user));
    const good = adapt(model, user)!;
    const dim = model.shapes.dim;
    const malformed: unknown[] = [
      { json: good.json, arrays: { delta: new Float32Array(dim + 1) } },
      { json: good.json, arrays: { delta: new Float32Array(dim - 1) } },
      { json: good.json, arrays: { delta: new Int32Array(dim) } },
      { json: good.json, arrays: {} },
      { json: good.json, arrays: { delta: new Float32Array(dim).fill(Number.NaN) } },
      { json: { ...(good.json as object), format: 'something-else' }, arrays: good.arrays },
      { json: null, arrays: good.arrays },
      { json: good.json },
      'not even an object',
      null,
    ];
    for (const adapted of malformed) expect(slate(model, request(user, adapted as AdaptedUserState))).toEqual(plain);
  });

  it('returns null when the user has no positive item the model knows', () => {
    const probe = users[0]!;
    expect(adapt(model, userOf([], 'newcomer'))).toBeNull();
    expect(
      adapt(
        model,
        userOf(
          probe.history.map((r) => ({ ...r, weight: -1 })),
          'dismisser',
        ),
      ),
    ).toBeNull();
    expect(
      adapt(
        model,
        userOf(
          probe.history.map((r) => ({ ...r, itemId: `unknown-${r.itemId}` })),
          'stranger',
        ),
      ),
    ).toBeNull();
  });

  it('does not change the model’s weights or item matrix, and leaks no tensors', () => {
    const weights = Object.fromEntries(Object.entries(model.weightValues).map(([name, values]) => [name, Float32Array.from(values)]));
    const vectors = Float32Array.from(model.items.vectors);
    const transposed = model.items.transposed!.dataSync().slice();
    const ids = [...model.items.ids];
    const before = tf.memory().numTensors;
    for (const user of users) slate(model, request(user, adapt(model, user)));
    expect(tf.memory().numTensors).toBe(before);
    for (const [name, values] of Object.entries(model.weightValues)) expect(values, name).toEqual(weights[name]);
    expect(model.items.vectors).toEqual(vectors);
    expect(model.items.transposed!.dataSync()).toEqual(transposed);
    expect(model.items.ids).toEqual(ids);
  });

  it('is deterministic and survives the artifact codec with the same slate', () => {
    for (const user of users) {
      const state = adapt(model, user)!;
      const bytes = encodeArtifact(state, { label: 'two-tower adapted state' });
      expect(Buffer.from(encodeArtifact(adapt(model, user)!)).equals(Buffer.from(bytes))).toBe(true);
      const decoded = decodeArtifact(bytes);
      expect(slate(model, request(user, decoded))).toEqual(slate(model, request(user, state)));
    }
  });
});
