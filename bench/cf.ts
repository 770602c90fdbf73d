/**
 * The collaborative-filtering baseline (`als`) against time-decayed popularity on the two
 * real datasets: training time, held-out accuracy (leave-last-new-item-out, HR@10 and
 * nDCG@10, seen items excluded) and the latency of one recommend call.
 *
 *   npx tsx bench/cf.ts                         # both datasets, default params
 *   npx tsx bench/cf.ts --dataset movietweetings --users 1000
 *   npx tsx bench/cf.ts --sweep                 # confidence scaling x alpha, then factors and regularization
 *
 * Accuracy is compared as a ratio to popularity measured in the same run; timings are medians
 * on whatever machine runs this (printed first).
 */
import { parseArgs } from 'node:util';
import { createRandom } from '../src/ml/random.js';
import { alsStrategy } from '../src/strategies/builtin/cf/index.js';
import { popularityStrategy } from '../src/strategies/builtin/popularity.js';
import type { CatalogItem, InteractionRecord, RecommendRequest, StrategyDefinition } from '../src/strategies/contract.js';
import { createCatalogView } from '../src/strategies/in-memory-readers.js';
import { parseStrategyParams } from '../src/strategies/params.js';
import { createInMemoryTrainContext } from '../src/testing/train-context.js';
import { leaveLastNewItemOut } from './support/leave-last-out.js';
import { datasetDirectory, type BenchDataset as DatasetName } from './support/datasets.js';
import { describeMachine, percentile } from './support/machine.js';
import { loadDataset as loadImportedDataset } from '../src/import/index.js';

const K = 10;

const { values: args } = parseArgs({
  options: {
    dataset: { type: 'string', default: 'all' },
    users: { type: 'string', default: '2000' },
    sweep: { type: 'boolean', default: false },
    seed: { type: 'string', default: '42' },
  },
});

interface BenchDataset {
  readonly name: string;
  readonly interactions: readonly InteractionRecord[];
  readonly items: readonly CatalogItem[];
  readonly now: number;
}

/** The datasets through recgate's own importers, so the bench reads exactly what an import stores. */
async function loadDataset(name: DatasetName): Promise<BenchDataset> {
  const { items, interactions } = await loadImportedDataset(name, datasetDirectory(name));
  const now = interactions.reduce((max, r) => Math.max(max, r.occurredAt), 0);
  return { name, interactions, items, now };
}

interface Evaluation {
  readonly trainMs: number;
  /** CPU time of the training call: on a shared machine it moves much less than wall time. */
  readonly trainCpuMs: number;
  readonly hitRate: number;
  readonly ndcg: number;
  readonly recommendP50Ms: number;
  readonly recommendP95Ms: number;
  readonly recommendMaxMs: number;
  /** Distinct history items of the user behind the slowest call (cost grows with it). */
  readonly slowestHistory: number;
  readonly metrics: Readonly<Record<string, number>>;
}

async function evaluate(
  strategy: StrategyDefinition<any, any>,
  rawParams: unknown,
  dataset: BenchDataset,
  split: ReturnType<typeof leaveLastNewItemOut>,
  sample: readonly { userId: string; itemId: string }[],
  seed: number,
): Promise<Evaluation> {
  const params = parseStrategyParams(strategy, rawParams);
  const started = performance.now();
  const cpu = process.cpuUsage();
  const result = await strategy.train(createInMemoryTrainContext({ params, interactions: split.train, items: dataset.items, now: dataset.now, seed }));
  const trainCpuMs = process.cpuUsage(cpu).user / 1000;
  const trainMs = performance.now() - started;
  const catalog = createCatalogView(dataset.items);
  const model = await strategy.load(result.artifact, { params, catalog, log: { info() {}, warn() {} } });

  const historyOf = new Map<string, InteractionRecord[]>();
  for (const r of split.train) {
    let h = historyOf.get(r.userId);
    if (!h) historyOf.set(r.userId, (h = []));
    h.push(r);
  }
  let hits = 0;
  let ndcg = 0;
  const latencies: number[] = [];
  let slowestHistory = 0;
  for (const { userId, itemId } of sample) {
    const history = historyOf.get(userId) ?? [];
    const request: RecommendRequest = {
      user: { id: userId, known: true, attributes: {}, history },
      k: K,
      exclude: new Set(history.map((r) => r.itemId)),
      filter: {},
      context: {},
      surface: 'bench',
      catalog,
      now: dataset.now,
    };
    const t = performance.now();
    const slate = await strategy.recommend(model, request);
    const elapsed = performance.now() - t;
    if (elapsed > Math.max(0, ...latencies)) slowestHistory = request.exclude.size;
    latencies.push(elapsed);
    const rank = slate.findIndex((s) => s.itemId === itemId);
    if (rank >= 0) {
      hits++;
      ndcg += 1 / Math.log2(rank + 2);
    }
  }
  strategy.dispose(model);
  return {
    trainMs,
    trainCpuMs,
    hitRate: hits / sample.length,
    ndcg: ndcg / sample.length,
    recommendP50Ms: percentile(latencies, 50),
    recommendP95Ms: percentile(latencies, 95),
    recommendMaxMs: Math.max(...latencies),
    slowestHistory,
    metrics: result.metrics,
  };
}

const fmt = (x: number, digits = 4): string => x.toFixed(digits);

async function main(): Promise<void> {
  const seed = Number(args.seed);
  console.log(`# bench/cf.ts, seed ${seed}: ${describeMachine()}`);
  const names = (args.dataset === 'all' ? ['movietweetings', 'online-retail'] : [args.dataset!]) as DatasetName[];
  for (const name of names) datasetDirectory(name); // all there before the first one runs
  for (const name of names) {
    const dataset = await loadDataset(name);
    const split = leaveLastNewItemOut(dataset.interactions);
    const sample = createRandom(seed)
      .shuffle([...split.test])
      .slice(0, Number(args.users));
    console.log(`\n## ${name}: ${dataset.interactions.length} interactions, ${split.test.length} test users (${sample.length} sampled), k=${K}`);

    const popularity = await evaluate(popularityStrategy, {}, dataset, split, sample, seed);
    const rows: [string, Evaluation][] = [['popularity', popularity]];
    // The sweep: confidence scaling x alpha at 32 factors, then factors and regularization
    // one at a time around the defaults.
    const grid: Record<string, unknown>[] = args.sweep
      ? [
          ...(['linear', 'log'] as const).flatMap((confidence) => [1, 3, 10, 30].map((alpha) => ({ factors: 32, confidence, alpha }))),
          ...[16, 64].map((factors) => ({ factors })),
          ...[0.01, 1, 10].map((regularization) => ({ regularization })),
        ]
      : [{}];
    for (const raw of grid) rows.push([`als ${JSON.stringify(raw)}`, await evaluate(alsStrategy, raw, dataset, split, sample, seed)]);

    console.log('| strategy | train wall s | train cpu s | HR@10 | nDCG@10 | nDCG vs popularity | recommend p50 ms | p95 ms | max ms (history items) | loss |');
    console.log('|---|---|---|---|---|---|---|---|---|---|');
    for (const [label, e] of rows) {
      console.log(
        `| ${label} | ${fmt(e.trainMs / 1000, 2)} | ${fmt(e.trainCpuMs / 1000, 2)} | ${fmt(e.hitRate)} | ${fmt(e.ndcg)} | ${fmt(e.ndcg / popularity.ndcg, 2)}x | ${fmt(e.recommendP50Ms, 3)} | ${fmt(e.recommendP95Ms, 3)} | ${fmt(e.recommendMaxMs, 2)} (${e.slowestHistory}) | ${e.metrics.loss === undefined ? '' : fmt(e.metrics.loss, 5)} |`,
      );
    }
  }
}

await main();
