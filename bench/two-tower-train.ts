/**
 * The two-tower strategy's training throughput and serving latency, on one core.
 *
 *   npx tsx bench/two-tower-train.ts                       # both datasets, 3 runs each
 *   npx tsx bench/two-tower-train.ts --examples 30000 --runs 1 --users 300   # quick look
 *
 * Training: examples/s of `train`'s fitting loop at batch 1024, dim 64 (the defaults) for one
 * epoch over the first `--examples` positive interactions of MovieTweetings and of Online
 * Retail, median of `--runs`. Reported per wall-clock second (the number to compare with the
 * target; on a shared machine it also counts other processes' turns on the core, so read it
 * with the load average printed per run) and per CPU second of the process (all threads,
 * garbage-collector helpers included, so it can be lower than the wall rate).
 *
 * Serving: a model trained on Online Retail, loaded with the whole catalogue; per-request
 * latency of `recommend` (k = 10, the user's items excluded) for `--users` customers, p50 and
 * p99, for both scoring paths (wasm matMul + topk against the pre-transposed item matrix, and
 * a plain Float32Array loop), measured alternately in the same run.
 *
 * Quality (`--quality`): leave-last-new-item-out on the whole dataset, the protocol of
 * bench/cf.ts (each user's last new item held out with all its interactions), default params
 * (3 epochs), HR@10 and nDCG@10 of two-tower against time-decayed popularity in the same run,
 * on `--quality-users` sampled test users.
 *
 * Prints the machine first and writes bench/results/two-tower.json.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { loadDataset } from '../src/import/load-dataset.js';
import { initTensorflow } from '../src/ml/tf-backend.js';
import { createRandom } from '../src/ml/random.js';
import { popularityStrategy } from '../src/strategies/builtin/popularity.js';
import { twoTowerStrategy, type TwoTowerModel } from '../src/strategies/builtin/two-tower/index.js';
import type { CatalogItem, InteractionRecord, RecommendRequest, StrategyDefinition } from '../src/strategies/contract.js';
import { createCatalogView } from '../src/strategies/in-memory-readers.js';
import { parseStrategyParams } from '../src/strategies/params.js';
import { createInMemoryTrainContext } from '../src/testing/train-context.js';
import { leaveLastNewItemOut } from './support/leave-last-out.js';
import { datasetDirectory } from './support/datasets.js';
import { describeMachine, machineInfo, percentile } from './support/machine.js';

const { values: args } = parseArgs({
  options: {
    examples: { type: 'string', default: '60000' },
    runs: { type: 'string', default: '3' },
    users: { type: 'string', default: '1000' },
    dataset: { type: 'string', default: 'all' },
    quality: { type: 'boolean', default: false },
    'quality-users': { type: 'string', default: '2000' },
  },
});
const exampleLimit = Number(args.examples);
const runs = Number(args.runs);
const servingUsers = Number(args.users);

const median = (xs: readonly number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const round = (x: number, digits = 0): number => Math.round(x * 10 ** digits) / 10 ** digits;
const quiet = { info() {}, warn() {} };

interface Data {
  readonly name: string;
  readonly interactions: readonly InteractionRecord[];
  readonly items: readonly CatalogItem[];
}

async function load(name: 'movietweetings' | 'online-retail'): Promise<Data> {
  const { items, interactions } = await loadDataset(name, datasetDirectory(name));
  return { name, items, interactions };
}

/** The first `limit` positive interactions (file order is time order for both datasets). */
function firstPositives(data: Data, limit: number): InteractionRecord[] {
  return data.interactions.filter((r) => r.weight > 0).slice(0, limit);
}

const trainParams = parseStrategyParams(twoTowerStrategy, { epochs: 1, batchSize: 1024, dim: 64 });

async function trainOnce(data: Data, interactions: readonly InteractionRecord[], seed: number) {
  const ctx = createInMemoryTrainContext({ params: trainParams, interactions, items: data.items, now: 0, seed, log: quiet });
  return twoTowerStrategy.train(ctx);
}

async function benchTraining(data: Data) {
  const interactions = firstPositives(data, exampleLimit);
  const wall: number[] = [];
  const perCpu: number[] = [];
  let loss = NaN;
  for (let run = 0; run < runs; run++) {
    const { metrics } = await trainOnce(data, interactions, run + 1);
    wall.push(metrics.examplesPerSecond!);
    perCpu.push(metrics.examplesPerCpuSecond!);
    loss = metrics.loss ?? NaN;
    console.log(
      `  ${data.name} run ${run + 1}: ${round(metrics.examplesPerSecond!)} examples/s wall (${round(metrics.trainSeconds!, 1)} s), ` +
        `${round(metrics.examplesPerCpuSecond!)} examples per CPU second, loss ${round(loss, 3)} (load ${loadavg()[0]!.toFixed(2)})`,
    );
  }
  return {
    dataset: data.name,
    examples: interactions.length,
    runs,
    examplesPerSecondWall: round(median(wall)),
    examplesPerCpuSecond: round(median(perCpu)),
    wallRuns: wall.map((x) => round(x)),
    loss: round(loss, 4),
  };
}

async function benchServing(data: Data) {
  const interactions = firstPositives(data, exampleLimit);
  const result = await trainOnce(data, interactions, 1);
  const catalog = createCatalogView(data.items);
  const model = (await twoTowerStrategy.load(result.artifact, { params: trainParams, catalog, log: quiet })) as TwoTowerModel;
  const histories = new Map<string, InteractionRecord[]>();
  for (const r of data.interactions) {
    let h = histories.get(r.userId);
    if (!h) histories.set(r.userId, (h = []));
    h.push(r);
  }
  const requests: RecommendRequest[] = [...histories.entries()].slice(0, servingUsers).map(([id, history]) => ({
    user: { id, known: true, attributes: {}, history: history.slice(-100) },
    k: 10,
    exclude: new Set(history.map((r) => r.itemId)),
    filter: {},
    context: {},
    surface: 'bench',
    catalog,
    now: 0,
  }));
  const latencies = { tensor: [] as number[], loop: [] as number[] };
  // Untimed pass over every request per path, then timed passes, alternating paths per
  // request so both see the same machine conditions.
  for (const path of ['tensor', 'loop'] as const) {
    model.scoring = path;
    for (const request of requests) await twoTowerStrategy.recommend(model, request);
  }
  for (let pass = 0; pass < 3; pass++) {
    for (const request of requests) {
      for (const path of ['tensor', 'loop'] as const) {
        model.scoring = path;
        const started = performance.now();
        await twoTowerStrategy.recommend(model, request);
        latencies[path].push(performance.now() - started);
      }
    }
  }
  const items = model.items.ids.length;
  twoTowerStrategy.dispose(model);
  const summary = (xs: number[]) => ({ p50Ms: round(percentile(xs, 50), 3), p99Ms: round(percentile(xs, 99), 3) });
  return { dataset: data.name, catalogueItems: items, users: requests.length, k: 10, tensor: summary(latencies.tensor), loop: summary(latencies.loop) };
}

async function accuracy(
  strategy: StrategyDefinition<any, any>,
  data: Data,
  split: ReturnType<typeof leaveLastNewItemOut>,
  sample: readonly { userId: string; itemId: string }[],
) {
  const params = parseStrategyParams(strategy, {});
  const now = data.interactions.reduce((m, r) => Math.max(m, r.occurredAt), 0) + 1000;
  const started = performance.now();
  const result = await strategy.train(createInMemoryTrainContext({ params, interactions: split.train, items: data.items, now, seed: 42, log: quiet }));
  const trainSeconds = (performance.now() - started) / 1000;
  const catalog = createCatalogView(data.items);
  const model = await strategy.load(result.artifact, { params, catalog, log: quiet });
  const historyOf = new Map<string, InteractionRecord[]>();
  for (const r of split.train) {
    let h = historyOf.get(r.userId);
    if (!h) historyOf.set(r.userId, (h = []));
    h.push(r);
  }
  let hits = 0;
  let ndcg = 0;
  for (const { userId, itemId } of sample) {
    const history = historyOf.get(userId) ?? [];
    const slate = await strategy.recommend(model, {
      user: { id: userId, known: true, attributes: {}, history },
      k: 10,
      exclude: new Set(history.map((r) => r.itemId)),
      filter: {},
      context: {},
      surface: 'bench',
      catalog,
      now,
    });
    const rank = slate.findIndex((x) => x.itemId === itemId);
    if (rank >= 0) {
      hits++;
      ndcg += 1 / Math.log2(rank + 2);
    }
  }
  strategy.dispose(model);
  return { hitRate: round(hits / sample.length, 4), ndcg: round(ndcg / sample.length, 4), trainSeconds: round(trainSeconds, 1) };
}

async function benchQuality(data: Data) {
  const split = leaveLastNewItemOut(data.interactions);
  const sample = createRandom(42)
    .shuffle([...split.test])
    .slice(0, Number(args['quality-users']));
  const popularity = await accuracy(popularityStrategy, data, split, sample);
  const twoTower = await accuracy(twoTowerStrategy, data, split, sample);
  console.log(
    `  ${data.name} quality, ${sample.length} users: two-tower HR@10 ${twoTower.hitRate}, nDCG@10 ${twoTower.ndcg} (${twoTower.trainSeconds} s); ` +
      `popularity HR@10 ${popularity.hitRate}, nDCG@10 ${popularity.ndcg}; nDCG ratio ${round(twoTower.ndcg / popularity.ndcg, 2)}x`,
  );
  return { dataset: data.name, users: sample.length, twoTower, popularity, ndcgRatio: round(twoTower.ndcg / popularity.ndcg, 2) };
}

const machine = machineInfo();
console.log(`two-tower bench on ${describeMachine(machine)}`);
const runtime = await initTensorflow();
console.log(`TensorFlow.js backend: ${runtime.backend}${runtime.simd === undefined ? '' : runtime.simd ? ' (SIMD)' : ' (no SIMD)'}, one thread`);
console.log(`training: batch ${trainParams.batchSize}, dim ${trainParams.dim}, first ${exampleLimit} positive interactions, ${runs} run(s)`);

const names = args.dataset === 'all' ? (['movietweetings', 'online-retail'] as const) : ([args.dataset] as ('movietweetings' | 'online-retail')[]);
const training = [];
const quality = [];
let serving = null;
for (const name of names) {
  const data = await load(name);
  training.push(await benchTraining(data));
  if (name === 'online-retail') serving = await benchServing(data);
  if (args.quality) quality.push(await benchQuality(data));
}
for (const t of training) {
  console.log(`${t.dataset}: ${t.examplesPerSecondWall} examples/s (wall), ${t.examplesPerCpuSecond} examples per CPU second, median of ${t.runs}`);
}
if (serving) {
  console.log(
    `serving over ${serving.catalogueItems} items, ${serving.users} users: tensor path p50 ${serving.tensor.p50Ms} ms, p99 ${serving.tensor.p99Ms} ms; ` +
      `loop path p50 ${serving.loop.p50Ms} ms, p99 ${serving.loop.p99Ms} ms`,
  );
}
const out = resolve(import.meta.dirname, 'results/two-tower.json');
mkdirSync(resolve(import.meta.dirname, 'results'), { recursive: true });
writeFileSync(
  out,
  `${JSON.stringify({ machine, backend: runtime.backend, simd: runtime.simd ?? null, command: `npx tsx bench/two-tower-train.ts ${process.argv.slice(2).join(' ')}`.trim(), params: trainParams, training, serving, quality }, null, 2)}\n`,
);
console.log(`wrote ${out}`);
