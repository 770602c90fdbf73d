/**
 * Offline evaluation under the `cold-start` protocol (cold-start-split.ts): each strategy is
 * trained once without the test users; for each test user and support size n, the strategy
 * sees the first n items as history (after `adapt` on it, as serving would once the user's
 * adapt job ran) and ranks
 * - the active catalogue minus the support: nDCG@k and Recall@k of the next-items query;
 * - only the random query items (RecBole-MetaRec): nDCG@5 graded by positive weight.
 * Results: `coldStart[label][n]` = { ndcgAt10, recallAt10, recboleNdcgAt5, users }.
 */
import { z } from 'zod';
import { rgError } from '../../errors.js';
import type { CatalogItem, InteractionRecord, Logger, RecommendRequest } from '../../strategies/contract.js';
import { createCatalogView } from '../../strategies/in-memory-readers.js';
import { offlineTrainContext } from './offline-train-context.js';
import { parseStrategyParams } from '../../strategies/params.js';
import type { AnyStrategy } from '../../strategies/registry.js';
import { coldStartSplit, supportHistory, type ColdStartSplit } from './cold-start-split.js';
import type { EvaluatedStrategy, EvaluationProgress } from './evaluate-strategies.js';
import { scoreRanking } from './ranking-metrics.js';
import { resolveWithSchema } from './split-options.js';

/** A strategy of the cold-start table; `servingParams` override params at load only (same artifact). */
export interface ColdStartStrategy extends EvaluatedStrategy {
  /** Params merged over `params` when the model is loaded, e.g. `{ adaptSteps: 0 }`; training is shared with entries of equal params. */
  readonly servingParams?: Readonly<Record<string, unknown>>;
}

export interface ColdStartMetrics {
  readonly ndcgAt10: number;
  readonly recallAt10: number;
  /** RecBole-MetaRec variant: nDCG@5 over the random query items only, gain = rating value (else positive weight). */
  readonly recboleNdcgAt5: number;
  readonly users: number;
}

export interface ColdStartEvaluation {
  readonly protocol: 'cold-start';
  readonly seed: number;
  readonly support: readonly number[];
  readonly query: number;
  readonly testShare: number;
  readonly split: ColdStartSplit['stats'];
  /** Per strategy label, per support size (as a string key): the metrics. */
  readonly coldStart: Readonly<Record<string, Readonly<Record<string, ColdStartMetrics>>>>;
  readonly trainSeconds: Readonly<Record<string, number>>;
}

export const coldStartOptionsSchema = z.object({
  support: z.array(z.number().int().min(0).max(1000)).min(1).default([0, 1, 3, 5, 10]),
  query: z.number().int().min(1).max(1000).default(10),
  testShare: z.number().gt(0).lt(1).default(0.1),
  seed: z
    .number()
    .int()
    .min(0)
    .max(2 ** 32 - 1),
});

export interface ColdStartOptions {
  readonly strategies: ReadonlyArray<AnyStrategy | ColdStartStrategy>;
  readonly interactions: readonly InteractionRecord[];
  readonly items: readonly CatalogItem[];
  readonly seed: number;
  /** @default [0, 1, 3, 5, 10] */
  readonly support?: readonly number[];
  /** @default 10 */
  readonly query?: number;
  /** @default 0.1 */
  readonly testShare?: number;
  readonly onProgress?: (progress: EvaluationProgress) => void;
  readonly log?: Logger;
  readonly signal?: AbortSignal;
}

const SILENT: Logger = { info: () => {}, warn: () => {} };

/** nDCG@k of a ranking with graded gains (gain / log2(1 + rank)). */
function gradedNdcg(ranked: readonly string[], gains: ReadonlyMap<string, number>, k: number): number {
  let dcg = 0;
  for (let i = 0; i < Math.min(k, ranked.length); i++) dcg += (gains.get(ranked[i]!) ?? 0) / Math.log2(i + 2);
  const ideal = [...gains.values()].sort((a, b) => b - a);
  let idcg = 0;
  for (let i = 0; i < Math.min(k, ideal.length); i++) idcg += ideal[i]! / Math.log2(i + 2);
  return idcg > 0 ? dcg / idcg : 0;
}

export async function evaluateColdStart(options: ColdStartOptions): Promise<ColdStartEvaluation> {
  const resolved = resolveWithSchema(coldStartOptionsSchema, {
    support: options.support ? [...options.support] : undefined,
    query: options.query,
    testShare: options.testShare,
    seed: options.seed,
  });
  const support = [...new Set(resolved.support)].sort((a, b) => a - b);
  const entries = options.strategies.map((entry) => {
    const spec: ColdStartStrategy = 'definition' in entry ? entry : { definition: entry };
    const trainParams = parseStrategyParams(spec.definition, spec.params ?? {});
    const servingParams = spec.servingParams
      ? parseStrategyParams(spec.definition, { ...(spec.params as object | undefined), ...spec.servingParams })
      : trainParams;
    return { definition: spec.definition, trainParams, servingParams, label: spec.label ?? spec.definition.name };
  });
  if (entries.length === 0) throw rgError('RG_ERR_INVALID_INPUT', { path: 'strategies', reason: 'at least one strategy is needed' });
  if (new Set(entries.map((e) => e.label)).size !== entries.length) {
    throw rgError('RG_ERR_INVALID_INPUT', { path: 'strategies', reason: 'labels must be distinct' });
  }
  const split = coldStartSplit(options.interactions, options.items, { seed: resolved.seed, support, query: resolved.query, testShare: resolved.testShare });
  const log = options.log ?? SILENT;
  const signal = options.signal ?? new AbortController().signal;
  const report = options.onProgress ?? (() => {});
  const catalog = createCatalogView(options.items);
  const artifacts = new Map<string, { artifact: Parameters<AnyStrategy['load']>[0]; seconds: number }>();
  const coldStart: Record<string, Record<string, ColdStartMetrics>> = {};
  const trainSeconds: Record<string, number> = {};

  for (const entry of entries) {
    const { definition, label } = entry;
    const key = `${definition.name}\u0000${JSON.stringify(entry.trainParams)}`;
    let trained = artifacts.get(key);
    if (!trained) {
      report({ strategy: label, phase: 'training', done: 0, total: 100 });
      const started = performance.now();
      const result = await definition.train(offlineTrainContext(entry.trainParams, split, options.items, { signal, log, label, report }));
      trained = { artifact: result.artifact, seconds: (performance.now() - started) / 1000 };
      artifacts.set(key, trained);
    }
    trainSeconds[label] = trained.seconds;
    const model: unknown = await definition.load(trained.artifact, { params: entry.servingParams, catalog, log });
    const perSupport: Record<string, ColdStartMetrics> = {};
    const adapts = definition.adapts(entry.servingParams);
    try {
      const total = split.users.length * support.length;
      let done = 0;
      const othersOf = new Map<string, Set<string>>();
      for (const n of support) {
        let ndcg = 0;
        let recall = 0;
        let recbole = 0;
        for (const user of split.users) {
          if (signal.aborted) throw rgError('RG_ERR_TRAINING_ABORTED', { name: label });
          const history = supportHistory(user, n);
          const state = { id: user.userId, known: history.length > 0, attributes: {}, history };
          const adapted = adapts && history.length > 0 ? await definition.adapt(model, state, { catalog, now: split.now }) : null;
          const base: Omit<RecommendRequest, 'k' | 'exclude'> = {
            user: state,
            filter: {},
            context: {},
            surface: 'cold-start-evaluation',
            catalog,
            now: split.now,
            adapted,
          };
          const seen = new Set(history.map((r) => r.itemId));
          const top = await definition.recommend(model, { ...base, k: 10, exclude: seen });
          const scores = scoreRanking(
            top.slice(0, 10).map((s) => s.itemId),
            user.query,
            10,
          );
          ndcg += scores.ndcg;
          recall += scores.recall;
          // RecBole-MetaRec: rank only the random query items (everything else excluded).
          let others = othersOf.get(user.userId);
          if (!others) othersOf.set(user.userId, (others = new Set(catalog.active.map((i) => i.id).filter((id) => !user.randomQuery.has(id)))));
          const ranked = (await definition.recommend(model, { ...base, k: user.randomQuery.size, exclude: others })).map((s) => s.itemId);
          for (const id of user.randomQuery.keys()) if (!ranked.includes(id)) ranked.push(id); // unranked: last, in the query's (seeded) order
          recbole += gradedNdcg(ranked, user.randomQuery, 5);
          if (++done % 64 === 0) report({ strategy: label, phase: 'scoring', done, total });
        }
        const users = split.users.length;
        perSupport[String(n)] = { ndcgAt10: ndcg / users, recallAt10: recall / users, recboleNdcgAt5: recbole / users, users };
      }
      report({ strategy: label, phase: 'scoring', done: total, total });
    } finally {
      definition.dispose(model);
    }
    coldStart[label] = perSupport;
  }
  return { protocol: 'cold-start', seed: split.seed, support, query: split.query, testShare: split.testShare, split: split.stats, coldStart, trainSeconds };
}

/** The cold-start results as a markdown table: one row per strategy, nDCG@10 / Recall@10 / RecBole nDCG@5 per support size. */
export function formatColdStartTable(evaluation: ColdStartEvaluation): string {
  const header = ['strategy', ...evaluation.support.flatMap((n) => [`nDCG@10 n=${n}`, `R@10 n=${n}`, `RB nDCG@5 n=${n}`])];
  const line = (cells: readonly string[]) => `| ${cells.join(' | ')} |`;
  const rows = Object.entries(evaluation.coldStart).map(([label, perSupport]) => [
    label,
    ...evaluation.support.flatMap((n) => {
      const m = perSupport[String(n)]!;
      return [m.ndcgAt10.toFixed(4), m.recallAt10.toFixed(4), m.recboleNdcgAt5.toFixed(4)];
    }),
  ]);
  return [line(header), line(header.map((_, i) => (i === 0 ? '---' : '---:'))), ...rows.map(line)].join('\n');
}

export function describeColdStartSplit(evaluation: ColdStartEvaluation): string {
  const s = evaluation.split;
  return (
    `protocol cold-start, seed ${evaluation.seed}, support ${evaluation.support.join(',')}, query ${evaluation.query}: ` +
    `${s.testUsers} test users (${Math.round(evaluation.testShare * 100)}% of ${s.eligibleUsers} eligible, all their interactions removed from training), ` +
    `${s.trainInteractions} train interactions, ${s.activeItems} active items`
  );
}
