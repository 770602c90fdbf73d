/**
 * Offline evaluation of strategies: split the interactions under a named protocol, train
 * each strategy on the train split through the in-memory readers (exactly the contract the
 * gateway's worker uses), load it, ask it for every test user's top k as serving would, and
 * score the lists. Everything runs in memory, one pass per strategy over the test users.
 */
import { z } from 'zod';
import { rgError } from '../../errors.js';
import type { CatalogItem, InteractionRecord, Logger, RecommendRequest, UserState } from '../../strategies/contract.js';
import { createCatalogView } from '../../strategies/in-memory-readers.js';
import { parseStrategyParams } from '../../strategies/params.js';
import type { AnyStrategy } from '../../strategies/registry.js';
import { CatalogueMetricsAccumulator, itemPopularity, type CatalogueMetrics } from './catalogue-metrics.js';
import type { EvaluationSplit, SplitStats } from './evaluation-split.js';
import { summariseLatency, type LatencySummary } from './latency.js';
import type { EvalProtocol } from './protocols.js';
import { meanRankingMetrics, scoreRanking, type RankingMetrics, type UserRankingScores } from './ranking-metrics.js';
import { splitInteractions } from './split-interactions.js';
import { resolveWithSchema } from './split-options.js';
import { offlineTrainContext } from './offline-train-context.js';

/** A strategy to evaluate, with the params to train it with. */
export interface EvaluatedStrategy {
  readonly definition: AnyStrategy;
  /** Raw params, validated with the strategy's schema. @default {} (the strategy's defaults) */
  readonly params?: unknown;
  /** The name results are reported under; needed to tell two param sets apart. @default definition.name */
  readonly label?: string;
}

export interface EvaluationProgress {
  /** The label of the strategy being evaluated. */
  readonly strategy: string;
  readonly phase: 'training' | 'scoring';
  /** Training: percent reported by the strategy (of 100). Scoring: users scored so far. */
  readonly done: number;
  readonly total: number;
}

export interface EvaluateStrategiesOptions {
  readonly strategies: ReadonlyArray<AnyStrategy | EvaluatedStrategy>;
  readonly interactions: readonly InteractionRecord[];
  readonly items: readonly CatalogItem[];
  readonly protocol: EvalProtocol;
  /** Length of the recommended list that is scored. @default 10 */
  readonly k?: number;
  /** Seeds the split and every strategy's training. */
  readonly seed: number;
  /** Users need at least this many distinct positively-interacted items. @default 4 */
  readonly minInteractions?: number;
  /** Most recent train interactions a request carries as history (serving's RECGATE_HISTORY_LENGTH). @default 200 */
  readonly historyLength?: number;
  readonly onProgress?: (progress: EvaluationProgress) => void;
  /** Cancels training and scoring between steps (`RG_ERR_TRAINING_ABORTED`). @default never */
  readonly signal?: AbortSignal;
  /** Where strategies log while training and loading. @default silent */
  readonly log?: Logger;
}

export interface StrategyEvaluation {
  /** The label (the strategy name unless given). */
  readonly strategy: string;
  readonly name: string;
  readonly version: string;
  /** The validated params it was trained with. */
  readonly params: unknown;
  readonly metrics: RankingMetrics & CatalogueMetrics;
  /** Test users scored (all of them count in every mean). */
  readonly users: number;
  /** Test users the strategy returned nothing for (they score 0). */
  readonly usersWithoutRecommendations: number;
  /** Returned items the request excluded (a contract breach; they count as misses). */
  readonly excludedItemsReturned: number;
  readonly trainSeconds: number;
  readonly loadSeconds: number;
  /** Wall time of the whole scoring pass over the test users. */
  readonly scoringSeconds: number;
  /** Per request: `adapt` plus `recommend`, as serving would call them. */
  readonly latency: LatencySummary;
  /** What the strategy's `train` reported. */
  readonly trainMetrics: Readonly<Record<string, number>>;
}

export interface OfflineEvaluation {
  readonly protocol: EvalProtocol;
  readonly k: number;
  readonly seed: number;
  readonly minInteractions: number;
  readonly historyLength: number;
  readonly split: SplitStats;
  readonly strategies: readonly StrategyEvaluation[];
}

const optionsSchema = z.object({
  k: z.number().int().min(1).max(1000).default(10),
  historyLength: z.number().int().min(0).default(200),
});

const SILENT: Logger = { info: () => {}, warn: () => {} };
const PROGRESS_EVERY = 64;

function normalise(entry: AnyStrategy | EvaluatedStrategy): { definition: AnyStrategy; params: unknown; label: string } {
  const spec: EvaluatedStrategy = 'definition' in entry ? entry : { definition: entry };
  return {
    definition: spec.definition,
    params: parseStrategyParams(spec.definition, spec.params ?? {}),
    label: spec.label ?? spec.definition.name,
  };
}

export async function evaluateStrategies(options: EvaluateStrategiesOptions): Promise<OfflineEvaluation> {
  const { k, historyLength } = resolveWithSchema(optionsSchema, { k: options.k, historyLength: options.historyLength });
  // Params and labels are checked before any work, so bad input fails fast and does nothing.
  const entries = options.strategies.map(normalise);
  if (entries.length === 0) throw rgError('RG_ERR_INVALID_INPUT', { path: 'strategies', reason: 'at least one strategy is needed' });
  const labels = new Set<string>();
  for (const e of entries) {
    if (labels.has(e.label)) throw rgError('RG_ERR_INVALID_INPUT', { path: 'strategies', reason: `label "${e.label}" is used twice` });
    labels.add(e.label);
  }

  const split = splitInteractions(options.protocol, options.interactions, options.items, {
    seed: options.seed,
    minInteractions: options.minInteractions,
  });
  const results: StrategyEvaluation[] = [];
  for (const entry of entries) results.push(await evaluateOne(entry, split, options, k, historyLength));
  return {
    protocol: split.protocol,
    k,
    seed: split.seed,
    minInteractions: split.minInteractions,
    historyLength,
    split: split.stats,
    strategies: results,
  };
}

async function evaluateOne(
  entry: { definition: AnyStrategy; params: unknown; label: string },
  split: EvaluationSplit,
  options: EvaluateStrategiesOptions,
  k: number,
  historyLength: number,
): Promise<StrategyEvaluation> {
  const { definition, params, label } = entry;
  const log = options.log ?? SILENT;
  const signal = options.signal ?? new AbortController().signal;
  const report = options.onProgress ?? (() => {});
  const aborted = () => rgError('RG_ERR_TRAINING_ABORTED', { name: label });

  const ctx = offlineTrainContext(params, split, options.items, { signal, log, label, report });
  report({ strategy: label, phase: 'training', done: 0, total: 100 });
  const trainStart = performance.now();
  const trained = await definition.train(ctx);
  const trainSeconds = (performance.now() - trainStart) / 1000;
  report({ strategy: label, phase: 'training', done: 100, total: 100 });

  const catalog = createCatalogView(options.items);
  const loadStart = performance.now();
  const model: unknown = await definition.load(trained.artifact, { params, catalog, log });
  const loadSeconds = (performance.now() - loadStart) / 1000;

  const cases = split.cases;
  const scores: UserRankingScores[] = new Array(cases.length);
  const latencies = new Float64Array(cases.length);
  const catalogue = new CatalogueMetricsAccumulator(itemPopularity(split.train), split.stats.activeItems);
  let usersWithoutRecommendations = 0;
  let excludedItemsReturned = 0;
  const scoringStart = performance.now();
  try {
    report({ strategy: label, phase: 'scoring', done: 0, total: cases.length });
    for (let i = 0; i < cases.length; i++) {
      if (signal.aborted) throw aborted();
      const c = cases[i]!;
      const user: UserState = {
        id: c.userId,
        known: c.history.length > 0,
        attributes: {},
        history: historyLength === 0 ? [] : c.history.slice(-historyLength),
      };
      const start = performance.now();
      // As serving would see it once the user's adapt job has run on this history.
      const adapted = definition.adapts(params) ? await definition.adapt(model, user, { catalog, now: split.now }) : null;
      const request: RecommendRequest = {
        user,
        k,
        exclude: c.seen,
        filter: {},
        context: {},
        surface: 'offline-evaluation',
        catalog,
        now: split.now,
        adapted,
      };
      const recommended = await definition.recommend(model, request);
      latencies[i] = performance.now() - start;

      const topK: string[] = [];
      for (let j = 0; j < recommended.length && j < k; j++) topK.push(recommended[j]!.itemId);
      if (topK.length === 0) usersWithoutRecommendations++;
      for (const itemId of topK) if (c.seen.has(itemId)) excludedItemsReturned++;
      scores[i] = scoreRanking(topK, c.relevant, k);
      catalogue.add(topK);
      if ((i + 1) % PROGRESS_EVERY === 0) report({ strategy: label, phase: 'scoring', done: i + 1, total: cases.length });
    }
    report({ strategy: label, phase: 'scoring', done: cases.length, total: cases.length });
  } finally {
    definition.dispose(model);
  }
  const scoringSeconds = (performance.now() - scoringStart) / 1000;
  if (excludedItemsReturned > 0) {
    log.warn('strategy returned excluded items during offline evaluation', { strategy: label, count: excludedItemsReturned });
  }
  return {
    strategy: label,
    name: definition.name,
    version: definition.version,
    params,
    metrics: { ...meanRankingMetrics(scores), ...catalogue.result() },
    users: cases.length,
    usersWithoutRecommendations,
    excludedItemsReturned,
    trainSeconds,
    loadSeconds,
    scoringSeconds,
    latency: summariseLatency(latencies),
    trainMetrics: trained.metrics,
  };
}
