/**
 * The conformance suite every strategy passes, built-in or plugin (Gorse's shared backend
 * tests are the model): call `runStrategyConformance(strategy)` in a vitest file and it
 * registers the checks below on a small slice of MovieTweetings. See docs/strategies/conformance.md.
 */
import { describe, expect, it } from 'vitest';
import { isRecgateError } from '../errors.js';
import { decodeArtifact, encodeArtifact } from '../strategies/artifact-codec.js';
import type { Artifact, RecommendRequest, ScoredItem, StrategyDefinition, TrainResult, TrainProgress } from '../strategies/contract.js';
import { parseStrategyParams } from '../strategies/params.js';
import { describeArtifactDifference } from './artifact-difference.js';
import { newcomerLike, prepareConformanceData, requestFor, type ConformanceData } from './conformance-data.js';
import type { MovieTweetingsFixtureOptions } from './fixture.js';
import { slateViolations } from './slate-violations.js';
import { createInMemoryTrainContext } from './train-context.js';

export interface ConformanceOptions {
  /** Raw params to train with, validated by the strategy's own schema. @default {} */
  readonly params?: unknown;
  /**
   * A params value the strategy's schema must reject. The default, an unknown key, is
   * rejected by any `z.object({...}).strict()` schema: a typo in a config file must not be
   * silently ignored. Pass a value of the wrong type if your schema is not an object.
   * @default { __not_a_param__: true }
   */
  readonly badParams?: unknown;
  /** Where the data comes from and how much of it. @default the first 3,000 ratings of the shipped MovieTweetings copy */
  readonly fixture?: MovieTweetingsFixtureOptions;
  /** Training seed. @default 7 */
  readonly seed?: number;
  /** Slate size asked for. @default 10 */
  readonly k?: number;
  /** Probe users per check. @default 12 */
  readonly probeUsers?: number;
  /** Per-test time limit, ms: raise it for strategies that train for long even on a small slice. @default 60000 */
  readonly timeoutMs?: number;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the suite accepts strategies of every param/model type
type AnyStrategy = StrategyDefinition<any, any>;

const KEBAB_CASE = /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/;
const SEMVER = /^\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?(\+[0-9A-Za-z.-]+)?$/;
const silentLog = { info() {}, warn() {} };

type TrainedRun = TrainResult & { readonly reports: readonly TrainProgress[] };

interface Harness {
  readonly data: ConformanceData;
  train(options?: { signal?: AbortSignal; onProgress?: (u: TrainProgress) => void }): Promise<TrainedRun>;
  /** Loads the artifact, runs `use`, and always disposes the model. */
  withModel<T>(artifact: Artifact, use: (model: unknown) => Promise<T>): Promise<T>;
  recommend(model: unknown, request: RecommendRequest): Promise<readonly ScoredItem[]>;
}

function expectValidSlate(slate: unknown, request: RecommendRequest, label: string): void {
  expect(slateViolations(slate, request), `${label} (user ${request.user.id}, k ${request.k})`).toEqual([]);
}

async function expectTrainingAborted(promise: Promise<unknown>, name: string): Promise<void> {
  const outcome = await promise.then(
    () => 'resolved',
    (error: unknown) => (isRecgateError(error) ? error.code : `threw ${error instanceof Error ? error.message : String(error)}`),
  );
  expect(outcome, `${name}: train must reject with RG_ERR_TRAINING_ABORTED`).toBe('RG_ERR_TRAINING_ABORTED');
}

/** Registers the conformance checks for one strategy as a vitest `describe` block. */
export function runStrategyConformance(definition: AnyStrategy, options: ConformanceOptions = {}): void {
  const k = options.k ?? 10;
  const seed = options.seed ?? 7;
  const timeout = options.timeoutMs ?? 60_000;
  const badParams = 'badParams' in options ? options.badParams : { __not_a_param__: true };

  let harness: Harness | undefined;
  let firstTraining: Promise<TrainedRun> | undefined;
  const setUp = (): Harness => {
    if (harness) return harness;
    const data = prepareConformanceData(options.fixture, options.probeUsers ?? 12);
    // Frozen like the registry freezes them: a strategy that writes to its params fails here.
    const params: unknown = Object.freeze(parseStrategyParams(definition, options.params ?? {}));
    harness = {
      data,
      async train(run = {}) {
        const context = createInMemoryTrainContext({ params, interactions: data.interactions, items: data.items, now: data.now, seed, ...run });
        const result = await definition.train(context);
        return { ...result, reports: context.reports };
      },
      async withModel(artifact, use) {
        const model: unknown = await definition.load(artifact, { params, catalog: data.catalog, log: silentLog });
        try {
          return await use(model);
        } finally {
          definition.dispose(model);
        }
      },
      async recommend(model, request) {
        return definition.recommend(model, request);
      },
    };
    return harness;
  };
  /** One training run shared by the read-only checks; determinism trains its own second one. */
  const trained = (): Promise<TrainedRun> => (firstTraining ??= setUp().train());

  describe(`strategy conformance: ${definition.name}`, () => {
    it('is well-formed: kebab-case name, semver version, params schema accepts the given params', () => {
      expect(definition.name).toMatch(KEBAB_CASE);
      expect(definition.version).toMatch(SEMVER);
      expect(() => parseStrategyParams(definition, options.params ?? {})).not.toThrow();
      for (const hook of ['train', 'load', 'recommend', 'observe', 'adapt', 'adapts', 'dispose'] as const) expect(typeof definition[hook]).toBe('function');
    });

    it('rejects bad params with RG_ERR_STRATEGY_PARAMS', () => {
      let caught: unknown;
      try {
        parseStrategyParams(definition, badParams);
      } catch (error) {
        caught = error;
      }
      expect(isRecgateError(caught) ? caught.code : caught, `params ${String(JSON.stringify(badParams))} must be rejected`).toBe('RG_ERR_STRATEGY_PARAMS');
      expect(isRecgateError(caught) && caught.details.name).toBe(definition.name);
    });

    it(
      'reports non-decreasing progress up to 100 and returns finite metrics',
      async () => {
        const result = await trained();
        expect(result.reports.length, 'train must call ctx.progress').toBeGreaterThan(0);
        let previous = 0;
        for (const { phase, percent } of result.reports) {
          expect(typeof phase).toBe('string');
          expect(Number.isFinite(percent) && percent >= previous && percent <= 100, `progress ${percent} after ${previous}`).toBe(true);
          previous = percent;
        }
        expect(previous, 'the last progress report says 100').toBe(100);
        for (const [name, value] of Object.entries(result.metrics)) expect(Number.isFinite(value), `metric ${name} = ${value}`).toBe(true);
      },
      timeout,
    );

    it(
      'is deterministic: same seed, same artifact bytes and same scores',
      async () => {
        const h = setUp();
        const first = await trained();
        const second = await h.train();
        expect(describeArtifactDifference(first.artifact, second.artifact)).toBeNull();
        expect(Buffer.from(encodeArtifact(first.artifact)).equals(Buffer.from(encodeArtifact(second.artifact)))).toBe(true);
        const requests = h.data.probeUsers.map((u) => requestFor(h.data, u, k));
        const slatesOf = (artifact: Artifact) => h.withModel(artifact, async (model) => Promise.all(requests.map((r) => h.recommend(model, r))));
        expect(await slatesOf(second.artifact)).toEqual(await slatesOf(first.artifact));
      },
      timeout,
    );

    it(
      'survives an artifact round trip through bytes with identical scores',
      async () => {
        const h = setUp();
        const { artifact } = await trained();
        const bytes = encodeArtifact(artifact, { label: definition.name });
        const decoded = decodeArtifact(bytes, { label: definition.name });
        expect(describeArtifactDifference(artifact, decoded)).toBeNull();
        expect(Buffer.from(encodeArtifact(decoded)).equals(Buffer.from(bytes))).toBe(true);
        const requests = h.data.probeUsers.map((u) => requestFor(h.data, u, k));
        const slatesOf = (a: Artifact) => h.withModel(a, async (model) => Promise.all(requests.map((r) => h.recommend(model, r))));
        expect(await slatesOf(decoded)).toEqual(await slatesOf(artifact));
      },
      timeout,
    );

    it(
      'answers unknown users and empty histories without throwing',
      async () => {
        const h = setUp();
        const { artifact } = await trained();
        const probe = h.data.probeUsers[0]!;
        const users = [
          { id: 'conformance-newcomer', known: false, attributes: {}, history: [] },
          newcomerLike(probe, 'conformance-newcomer-with-history'),
          { ...probe, history: [] },
          // History naming items the catalogue and the model never saw.
          {
            ...newcomerLike(probe, 'conformance-stranger'),
            history: newcomerLike(probe, 'conformance-stranger').history.map((r) => ({ ...r, itemId: `unknown-${r.itemId}` })),
          },
        ];
        await h.withModel(artifact, async (model) => {
          for (const user of users) {
            const request = requestFor(h.data, user, k);
            expectValidSlate(await h.recommend(model, request), request, `user "${user.id}" with ${user.history.length} history items`);
          }
        });
      },
      timeout,
    );

    it(
      'respects k, exclusions, inactive items and category filters',
      async () => {
        const h = setUp();
        const { artifact } = await trained();
        const { data } = h;
        await h.withModel(artifact, async (model) => {
          for (const user of [...data.probeUsers, newcomerLike(data.probeUsers[1] ?? data.probeUsers[0]!, 'conformance-newcomer-filtered')]) {
            const plain = requestFor(data, user, k);
            const slate = await h.recommend(model, plain);
            expectValidSlate(slate, plain, 'unfiltered');
            // Excluding the best items must make them disappear, not just be checked against.
            const top = slate.slice(0, 3).map((s) => s.itemId);
            const exclude = new Set([...plain.exclude, ...top]);
            const excluding = requestFor(data, user, k, { exclude });
            expectValidSlate(await h.recommend(model, excluding), excluding, `excluding ${top.join(', ')}`);
            for (const categories of [[data.commonCategory], [data.rareCategory], [data.rareCategory, 'No Such Category']]) {
              const filtered = requestFor(data, user, k, { filter: { categories } });
              expectValidSlate(await h.recommend(model, filtered), filtered, `filtered to ${categories.join(', ')}`);
            }
            for (const size of [0, 1, 3 * k]) {
              const sized = requestFor(data, user, size);
              expectValidSlate(await h.recommend(model, sized), sized, `k = ${size}`);
            }
            const everything = requestFor(data, user, data.items.length + 10, { exclude: new Set() });
            expectValidSlate(await h.recommend(model, everything), everything, 'k above the catalogue size');
          }
        });
      },
      timeout,
    );

    it.runIf(typeof definition.similar === 'function')(
      'answers similar with valid slates that never return the asked-for items',
      async () => {
        const h = setUp();
        const { artifact } = await trained();
        const { data } = h;
        await h.withModel(artifact, async (model) => {
          for (const user of data.probeUsers) {
            const asked = [...new Set(user.history.map((r) => r.itemId))].slice(0, 3);
            for (const categories of [undefined, [data.commonCategory], [data.rareCategory]]) {
              const request = requestFor(data, user, k, { exclude: new Set(asked), filter: categories ? { categories } : {} });
              const slate = await definition.similar!(model, asked, k, { categories, exclude: new Set(), catalog: data.catalog });
              expectValidSlate(slate, request, `similar to ${asked.join(', ')}`);
            }
            const none = await definition.similar!(model, ['conformance-no-such-item'], k, { exclude: new Set(), catalog: data.catalog });
            expect(none, 'similar to an item the model never saw').toEqual([]);
          }
        });
      },
      timeout,
    );

    it(
      'keeps slates valid after observe and adapt',
      async () => {
        const h = setUp();
        const { artifact } = await trained();
        const { data } = h;
        await h.withModel(artifact, async (model) => {
          const newcomer = newcomerLike(data.probeUsers[0]!, 'conformance-online');
          for (const r of newcomer.history) definition.observe(model, { ...r, occurredAt: data.now });
          for (const user of [newcomer, ...data.probeUsers.slice(0, 3)]) {
            const adapted = await definition.adapt(model, user, { catalog: data.catalog, now: data.now });
            const request = { ...requestFor(data, user, k), adapted };
            expectValidSlate(await h.recommend(model, request), request, 'after observe/adapt');
          }
        });
      },
      timeout,
    );

    it(
      'adapts deterministically, into state that survives the artifact codec with the same slate',
      async () => {
        const h = setUp();
        const { artifact } = await trained();
        const { data } = h;
        await h.withModel(artifact, async (model) => {
          for (const user of [newcomerLike(data.probeUsers[0]!, 'conformance-adapted-newcomer'), ...data.probeUsers.slice(0, 4)]) {
            const ctx = { catalog: data.catalog, now: data.now };
            const first = await definition.adapt(model, user, ctx);
            const second = await definition.adapt(model, user, ctx);
            const label = `${definition.name}: adapt for user ${user.id}`;
            if (first === null || first === undefined) {
              expect(second ?? null, `${label} returned null once and state the second time`).toBeNull();
              continue;
            }
            // The host stores the state as bytes (Redis) and hands the decoded copy back.
            const bytes = encodeArtifact(first, { label: definition.name });
            expect(second, `${label} returned state once and null the second time`).not.toBeNull();
            expect(Buffer.from(encodeArtifact(second!)).equals(Buffer.from(bytes)), `${label} is not deterministic`).toBe(true);
            const decoded = decodeArtifact(bytes, { label: definition.name });
            expect(describeArtifactDifference(first, decoded)).toBeNull();
            const request = requestFor(data, user, k);
            const direct = await h.recommend(model, { ...request, adapted: first });
            expectValidSlate(direct, { ...request, adapted: first }, 'with adapted state');
            expect(await h.recommend(model, { ...request, adapted: decoded }), `${label}: slate after the round trip`).toEqual(direct);
          }
        });
      },
      timeout,
    );

    it(
      'leaks no TensorFlow.js tensors over train, load, recommend and dispose',
      async () => {
        const h = setUp();
        // Loaded only here, so strategies that never touch tfjs do not pay for it elsewhere.
        const tf = await import('@tensorflow/tfjs');
        const before = tf.memory().numTensors;
        const { artifact } = await h.train();
        await h.withModel(artifact, async (model) => {
          for (const user of h.data.probeUsers.slice(0, 3)) await h.recommend(model, requestFor(h.data, user, k));
        });
        expect(tf.memory().numTensors - before, 'tensors left after dispose').toBe(0);
      },
      timeout,
    );

    it(
      'stops training with RG_ERR_TRAINING_ABORTED when the signal is already aborted',
      async () => {
        const h = setUp();
        const controller = new AbortController();
        controller.abort();
        await expectTrainingAborted(h.train({ signal: controller.signal }), definition.name);
      },
      timeout,
    );

    it(
      'stops training with RG_ERR_TRAINING_ABORTED when aborted while it runs',
      async () => {
        const h = setUp();
        const controller = new AbortController();
        await expectTrainingAborted(h.train({ signal: controller.signal, onProgress: () => controller.abort() }), definition.name);
      },
      timeout,
    );
  });
}
