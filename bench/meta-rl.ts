/**
 * meta-rl numbers (docs/strategies/meta-rl.md):
 * - `--part speed`: train on the whole dataset (wall time, policy actions/s), then `adapt` and
 *   `recommend` p50 over the whole catalogue (MovieTweetings: 10,506 items), in process;
 * - `--part cold-start`: `recgate eval --protocol cold-start` tables for popularity, als,
 *   two-tower (with --two-tower), meta-rl adapted and the same model with zero inner steps,
 *   per seed, with 95% intervals (t distribution) over the seeds.
 * Temporal nDCG@10 comes from bench/offline-eval.ts --strategies popularity,als,two-tower,meta-rl.
 *
 *   nice -n 10 npx tsx bench/meta-rl.ts --part speed --dataset movietweetings
 *   nice -n 10 npx tsx bench/meta-rl.ts --part speed --limit 20000 --params '{"epochs":1}' --out bench/results/meta-rl-speed-slice.json
 *   nice -n 10 npx tsx bench/meta-rl.ts --part cold-start --dataset movietweetings --seeds 1,2,3
 *   nice -n 10 npx tsx bench/meta-rl.ts --part ablations --dataset movietweetings
 *   nice -n 10 npx tsx bench/meta-rl.ts --part ablations --variants '{"dim 64":{"dim":64}}' --out /tmp/variants.json
 * (`--part ablations`: temporal nDCG@10 without the off-policy correction, without meta-training,
 * with item ids only, without the taste, with learned step sizes (`--variants`: other param sets instead); the impression-log ablation needs a log, which the public datasets lack:
 * it is measured on the synthetic log of test/strategies/meta-rl.test.ts.)
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import {
  describeColdStartSplit,
  describeSplit,
  evaluateColdStart,
  evaluateStrategies,
  formatColdStartTable,
  formatEvaluationTable,
  type ColdStartEvaluation,
  type ColdStartStrategy,
  type EvaluatedStrategy,
} from '../src/evaluation/offline/index.js';
import { loadDataset } from '../src/import/index.js';
import { alsStrategy, metaRlStrategy, popularityStrategy, twoTowerStrategy } from '../src/strategies/builtin/index.js';
import { createCatalogView } from '../src/strategies/in-memory-readers.js';
import { parseStrategyParams } from '../src/strategies/params.js';
import { createInMemoryTrainContext } from '../src/testing/train-context.js';
import { datasetDirectory } from './support/datasets.js';
import { describeMachine, machineInfo, percentile } from './support/machine.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const SPECS = {
  movietweetings: { format: 'movietweetings' },
  'online-retail': { format: 'online-retail' },
} as const;

const { values: args } = parseArgs({
  options: {
    part: { type: 'string', default: 'speed' },
    dataset: { type: 'string', default: 'movietweetings' },
    seeds: { type: 'string', default: '42' },
    support: { type: 'string', default: '0,1,3,5,10' },
    query: { type: 'string', default: '10' },
    params: { type: 'string', default: '{}' },
    'two-tower': { type: 'boolean', default: false },
    'no-baselines': { type: 'boolean', default: false },
    requests: { type: 'string', default: '500' },
    limit: { type: 'string' },
    'adapt-rates': { type: 'string', default: '' },
    variants: { type: 'string' },
    out: { type: 'string' },
  },
});
const dataset = args.dataset as keyof typeof SPECS;
const spec = SPECS[dataset];
if (!spec) throw new Error(`unknown dataset ${args.dataset}`);
const metaParams = JSON.parse(args.params!) as Record<string, unknown>;
const silent = { info() {}, warn() {} };
const data = await loadDataset(spec.format, datasetDirectory(dataset), args.limit ? { limit: Number(args.limit) } : {});
const machine = machineInfo();
console.log(
  `# meta-rl ${args.part} on ${dataset}\n\nMachine: ${describeMachine(machine)}\nCommand: npx tsx bench/meta-rl.ts ${process.argv.slice(2).join(' ')}\n`,
);

async function speed() {
  const params = parseStrategyParams(metaRlStrategy, metaParams);
  const now = Math.max(...data.interactions.map((r) => r.occurredAt));
  const ctx = createInMemoryTrainContext({ params, interactions: data.interactions, items: data.items, now, seed: 42, log: silent });
  const t0 = performance.now();
  const cpu0 = process.cpuUsage();
  const trained = await metaRlStrategy.train(ctx);
  const trainSeconds = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  // CPU seconds of this process: on a shared machine, wall time measures the neighbours too.
  const trainCpuSeconds = (cpu.user + cpu.system) / 1e6;
  const catalog = createCatalogView(data.items);
  const model = await metaRlStrategy.load(trained.artifact, { params, catalog, log: silent });
  const byUser = new Map<string, typeof data.interactions>();
  for (const r of data.interactions) byUser.set(r.userId, [...(byUser.get(r.userId) ?? []), r]);
  const users = [...byUser.entries()].filter(([, h]) => h.length >= 3).slice(0, Number(args.requests));
  const adaptMs: number[] = [];
  const recommendMs: number[] = [];
  for (let pass = 0; pass < 2; pass++) {
    for (const [id, history] of users) {
      const user = { id, known: true, attributes: {}, history: history.slice(-200) };
      const a0 = performance.now();
      const adapted = await metaRlStrategy.adapt(model, user, { catalog, now });
      const a1 = performance.now();
      await metaRlStrategy.recommend(model, { user, k: 10, exclude: new Set(), filter: {}, context: {}, surface: 'bench', catalog, now, adapted });
      const a2 = performance.now();
      if (pass === 1) {
        adaptMs.push(a1 - a0);
        recommendMs.push(a2 - a1);
      }
    }
  }
  metaRlStrategy.dispose(model);
  const result = {
    trainSeconds,
    trainCpuSeconds,
    towerSeconds: trained.metrics.towerSeconds,
    policySeconds: trained.metrics.policySeconds,
    actions: trained.metrics.actions,
    actionsPerSecond: trained.metrics.actionsPerSecond,
    interactions: data.interactions.length,
    interactionsPerSecondWall: data.interactions.length / trainSeconds,
    catalogueItems: catalog.active.length,
    adaptP50Ms: percentile(adaptMs, 50),
    adaptP99Ms: percentile(adaptMs, 99),
    recommendP50Ms: percentile(recommendMs, 50),
    recommendP99Ms: percentile(recommendMs, 99),
    requests: recommendMs.length,
  };
  console.log(JSON.stringify(result, null, 2));
  return result;
}

const T95: Record<number, number> = { 1: NaN, 2: 12.71, 3: 4.3, 4: 3.18, 5: 2.78 };

async function coldStart() {
  const seeds = args.seeds!.split(',').map(Number);
  // --adapt-rates 0.1,0.02: the same trained model served with other adapt step sizes (no retraining).
  const rates = args['adapt-rates'] ? args['adapt-rates'].split(',').map(Number) : [];
  const strategies: ColdStartStrategy[] = [
    ...(!args['no-baselines'] ? [{ definition: popularityStrategy }, { definition: alsStrategy }] : []),
    ...(args['two-tower'] ? [{ definition: twoTowerStrategy }] : []),
    { definition: metaRlStrategy, params: metaParams, label: 'meta-rl' },
    { definition: metaRlStrategy, params: metaParams, servingParams: { adaptSteps: 0 }, label: 'meta-rl (0 steps)' },
    ...rates.map((rate) => ({
      definition: metaRlStrategy,
      params: metaParams,
      servingParams: { adaptLearningRate: rate },
      label: `meta-rl (adapt rate ${rate})`,
    })),
  ];
  const runs: ColdStartEvaluation[] = [];
  for (const seed of seeds) {
    const run = await evaluateColdStart({
      strategies,
      interactions: data.interactions,
      items: data.items,
      seed,
      support: args.support!.split(',').map(Number),
      query: Number(args.query),
      onProgress: (p) => {
        if (p.phase === 'scoring' && p.done === p.total) process.stderr.write(`  seed ${seed} ${p.strategy}: done\n`);
      },
    });
    runs.push(run);
    console.log(`## seed ${seed}\n\n${describeColdStartSplit(run)}\n\n${formatColdStartTable(run)}\n\ntrain s: ${JSON.stringify(run.trainSeconds)}\n`);
  }
  // Mean and 95% interval over seeds, per strategy, support size and metric.
  const summary: Record<string, Record<string, Record<string, { mean: number; halfWidth: number }>>> = {};
  for (const label of Object.keys(runs[0]!.coldStart)) {
    summary[label] = {};
    for (const n of runs[0]!.support) {
      summary[label]![n] = {};
      for (const metric of ['ndcgAt10', 'recallAt10', 'recboleNdcgAt5'] as const) {
        const values = runs.map((r) => r.coldStart[label]![String(n)]![metric]);
        const mean = values.reduce((a, b) => a + b, 0) / values.length;
        const sd = Math.sqrt(values.reduce((a, b) => a + (b - mean) ** 2, 0) / Math.max(1, values.length - 1));
        summary[label]![n]![metric] = { mean, halfWidth: (T95[values.length] ?? 1.96) * (sd / Math.sqrt(values.length)) };
      }
    }
  }
  const header = ['strategy', ...runs[0]!.support.map((n) => `nDCG@10 n=${n}`)];
  const lines = [`| ${header.join(' | ')} |`, `| ${header.map((_, i) => (i ? '---:' : '---')).join(' | ')} |`];
  for (const [label, perN] of Object.entries(summary)) {
    lines.push(
      `| ${label} | ${runs[0]!.support.map((n) => `${perN[n]!.ndcgAt10!.mean.toFixed(4)} ± ${Number.isNaN(perN[n]!.ndcgAt10!.halfWidth) ? '–' : perN[n]!.ndcgAt10!.halfWidth.toFixed(4)}`).join(' | ')} |`,
    );
  }
  console.log(`## nDCG@10, mean ± 95% interval over seeds ${seeds.join(',')}\n\n${lines.join('\n')}\n`);
  return { seeds, runs, summary };
}

/** Temporal nDCG@10 of meta-rl and its ablations (one training each), beside popularity, in one run. */
async function ablations() {
  const ABLATIONS: Record<string, Record<string, unknown>> = {
    'without off-policy correction': { offPolicyCorrection: false },
    'without meta-training (fine-tuned start)': { metaLearning: false },
    'item ids only': { itemContent: false },
    'without the taste (GRU state only)': { taste: false },
    'with learned step sizes (Meta-SGD)': { learnedStepSizes: true },
  };
  // --variants '{"dim 64":{"dim":64}}': other param sets instead of the ablations (same split, one training each).
  const changes = args.variants ? (JSON.parse(args.variants) as Record<string, Record<string, unknown>>) : ABLATIONS;
  const variants: EvaluatedStrategy[] = [
    { definition: popularityStrategy },
    { definition: metaRlStrategy, params: metaParams, label: 'meta-rl' },
    ...Object.entries(changes).map(([label, change]) => ({ definition: metaRlStrategy, params: { ...metaParams, ...change }, label })),
  ];
  const evaluation = await evaluateStrategies({
    strategies: variants,
    interactions: data.interactions,
    items: data.items,
    protocol: 'temporal',
    seed: Number(args.seeds!.split(',')[0]),
    minInteractions: 5,
    onProgress: (p) => {
      if (p.phase === 'scoring' && p.done === p.total) process.stderr.write(`  ${p.strategy}: done\n`);
    },
  });
  console.log(`${describeSplit(evaluation)}\n\n${formatEvaluationTable(evaluation)}\n`);
  return evaluation;
}

const result = args.part === 'speed' ? await speed() : args.part === 'ablations' ? await ablations() : await coldStart();
const out = args.out ?? path.join(here, 'results', `meta-rl-${args.part}-${dataset}.json`);
mkdirSync(path.dirname(out), { recursive: true });
writeFileSync(
  out,
  `${JSON.stringify({ machine, command: `npx tsx bench/meta-rl.ts ${process.argv.slice(2).join(' ')}`, params: metaParams, result }, null, 2)}\n`,
);
console.log(`wrote ${path.relative(process.cwd(), out)}`);
