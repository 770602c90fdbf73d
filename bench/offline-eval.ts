/**
 * Offline evaluation of every available strategy on MovieTweetings 100k and Online Retail,
 * under both split protocols (docs/evaluation.md). Writes bench/results/offline-eval.json and
 * prints markdown tables with the machine and the date.
 *
 *   npx tsx bench/offline-eval.ts                       # everything (what the docs report)
 *   npx tsx bench/offline-eval.ts --datasets movietweetings --protocols temporal --strategies popularity
 *   npx tsx bench/offline-eval.ts --search 10m            # model search per strategy first (docs/model-search.md)
 *
 * Strategies: every strategy of the built-in registry (createBuiltinRegistry with default
 * configuration), plus built-ins whose folder exists but which the registry does not list yet
 * (cf/, two-tower/), plus "popularity-all-time": popularity with a half-life of about a
 * century, i.e. plain counts, a stronger baseline than one-week decay on a months-long
 * random split.
 *
 * Filtering: users with at least 5 distinct positively-interacted items (--min-interactions 5)
 * on both datasets. Every MovieTweetings rating and every Online Retail purchase is positive
 * under the default signal policy.
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { loadConfig } from '../src/config/index.js';
import { parseSearchBudget } from '../src/config/search-budget.js';
import { describeTrial } from '../src/models/model-search/describe-trial.js';
import { searchStrategyParams } from '../src/models/model-search/search-strategy-params.js';
import { parseStrategyParams } from '../src/strategies/params.js';
import {
  describeSplit,
  EVAL_PROTOCOLS,
  evaluateStrategies,
  formatEvaluationTable,
  parseEvalProtocol,
  splitInteractions,
  type EvalProtocol,
  type EvaluatedStrategy,
  type OfflineEvaluation,
} from '../src/evaluation/offline/index.js';
import { loadDataset, type LoadedDataset } from '../src/import/index.js';
import { createBuiltinRegistry, popularityStrategy } from '../src/strategies/builtin/index.js';
import type { StrategyDefinition } from '../src/strategies/contract.js';
import type { AnyStrategy } from '../src/strategies/registry.js';
import { datasetDirectory } from './support/datasets.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const RESULTS = path.join(here, 'results', 'offline-eval.json');

const DATASET_SPECS = {
  movietweetings: { format: 'movietweetings', dir: 'movietweetings-100k', title: 'MovieTweetings 100k' },
  'online-retail': { format: 'online-retail', dir: 'online-retail', title: 'Online Retail (UCI)' },
} as const;
type DatasetName = keyof typeof DATASET_SPECS;

const { values: args } = parseArgs({
  options: {
    datasets: { type: 'string', default: Object.keys(DATASET_SPECS).join(',') },
    protocols: { type: 'string', default: EVAL_PROTOCOLS.join(',') },
    strategies: { type: 'string' },
    k: { type: 'string', default: '10' },
    seed: { type: 'string', default: '42' },
    'min-interactions': { type: 'string', default: '5' },
    out: { type: 'string', default: RESULTS },
    /** Model search per strategy that declares a space, on each split's train side: a budget like 5m. */
    search: { type: 'string' },
  },
});
const searchBudgetMs = args.search === undefined ? null : parseSearchBudget(args.search, '--search') * 1000;
const k = Number(args.k);
const seed = Number(args.seed);
const minInteractions = Number(args['min-interactions']);
const datasets = args.datasets!.split(',').map((d) => {
  if (!(d in DATASET_SPECS)) throw new Error(`unknown dataset ${d}; known: ${Object.keys(DATASET_SPECS).join(', ')}`);
  return d as DatasetName;
});
const protocols = args.protocols!.split(',').map(parseEvalProtocol);
for (const name of datasets) datasetDirectory(name); // all there before the first one runs

const isStrategy = (value: unknown): value is AnyStrategy =>
  typeof value === 'object' &&
  value !== null &&
  typeof (value as StrategyDefinition).name === 'string' &&
  typeof (value as StrategyDefinition).train === 'function' &&
  typeof (value as StrategyDefinition).recommend === 'function';

/** The registry's strategies, then built-ins being written that the registry does not list yet. */
async function availableStrategies(): Promise<EvaluatedStrategy[]> {
  const registry = createBuiltinRegistry(loadConfig({}));
  const list: EvaluatedStrategy[] = registry.list().map((e) => ({ definition: e.definition, params: e.params }));
  for (const folder of ['cf', 'two-tower']) {
    const file = path.resolve(here, `../src/strategies/builtin/${folder}/index.ts`);
    if (!existsSync(file)) continue;
    const module: Record<string, unknown> = await import(pathToFileURL(file).href);
    for (const value of Object.values(module)) {
      if (isStrategy(value) && !registry.has(value.name) && !list.some((s) => s.definition.name === value.name)) {
        list.push({ definition: value });
      }
    }
  }
  list.push({ definition: popularityStrategy, params: { halfLifeHours: 876_000 }, label: 'popularity-all-time' });
  const wanted = args.strategies?.split(',');
  return wanted ? list.filter((s) => wanted.includes(s.label ?? s.definition.name)) : list;
}

function machine() {
  const cpus = os.cpus();
  return {
    cpu: cpus[0]?.model.trim() ?? 'unknown',
    cores: cpus.length,
    memoryGiB: Math.round(os.totalmem() / 2 ** 30),
    node: process.version,
    platform: `${os.platform()} ${os.release()}`,
  };
}

interface DatasetSummary {
  readonly name: DatasetName;
  readonly title: string;
  readonly interactions: number;
  readonly users: number;
  readonly items: number;
  readonly badRows: number;
}

function summarise(name: DatasetName, data: LoadedDataset): DatasetSummary {
  return {
    name,
    title: DATASET_SPECS[name].title,
    interactions: data.interactions.length,
    users: new Set(data.interactions.map((r) => r.userId)).size,
    items: data.items.length,
    badRows: data.badRows.length,
  };
}

/** nDCG@k of each strategy over the popularity baselines and two-tower over CF, in this run. */
function ratios(evaluation: OfflineEvaluation): Record<string, number> {
  const ndcg = new Map(evaluation.strategies.map((s) => [s.strategy, s.metrics.ndcgAtK]));
  const out: Record<string, number> = {};
  for (const baseline of ['popularity', 'popularity-all-time']) {
    const base = ndcg.get(baseline);
    if (!base) continue;
    for (const [name, value] of ndcg) if (!name.startsWith('popularity')) out[`${name}/${baseline}`] = value / base;
  }
  const cf = [...ndcg.keys()].find((n) => n === 'als' || n.startsWith('cf'));
  const twoTower = [...ndcg.keys()].find((n) => n.startsWith('two-tower'));
  if (cf && twoTower) out[`${twoTower}/${cf}`] = ndcg.get(twoTower)! / ndcg.get(cf)!;
  return out;
}

/**
 * Each strategy with a search space, searched on the train side of this protocol's split (the
 * search carves its own validation from it; the test side is never seen), with its winner's params.
 */
async function searchedStrategies(list: EvaluatedStrategy[], protocol: EvalProtocol, data: LoadedDataset, budgetMs: number) {
  const split = splitInteractions(protocol, data.interactions, data.items, { seed, minInteractions });
  const searches: Record<string, Record<string, number>> = {};
  const out: EvaluatedStrategy[] = [];
  for (const s of list) {
    const label = s.label ?? s.definition.name;
    if (!s.definition.searchSpace) {
      out.push(s);
      continue;
    }
    const entry = { definition: s.definition, params: parseStrategyParams(s.definition, s.params ?? {}), source: { kind: 'builtin' as const } };
    const result = await searchStrategyParams(entry, split.train, data.items, {
      seed,
      budgetMs,
      signal: new AbortController().signal,
      onTrial: (t) => process.stderr.write(`  search ${label} ${protocol}: ${describeTrial(t)} (${t.seconds.toFixed(1)} s)\n`),
    });
    searches[label] = result.metrics;
    out.push({ definition: s.definition, params: result.params, label });
  }
  return { strategies: out, searches };
}

const started = new Date();
const strategies = await availableStrategies();
const host = machine();
console.log(`# Offline evaluation (${started.toISOString()})\n`);
console.log(`Machine: ${host.cpu}, ${host.cores} cores, ${host.memoryGiB} GiB, Node ${host.node}, ${host.platform}`);
console.log(`Command: npx tsx bench/offline-eval.ts ${process.argv.slice(2).join(' ')}`.trimEnd());
console.log(`Strategies: ${strategies.map((s) => s.label ?? s.definition.name).join(', ')}; k ${k}, seed ${seed}, min ${minInteractions} items/user\n`);

const summaries: DatasetSummary[] = [];
const runs: Array<{
  dataset: DatasetName;
  evaluation: OfflineEvaluation;
  ratios: Record<string, number>;
  seconds: number;
  search: Record<string, Record<string, number>> | null;
}> = [];
for (const name of datasets) {
  const spec = DATASET_SPECS[name];
  const data = await loadDataset(spec.format, datasetDirectory(name));
  const summary = summarise(name, data);
  summaries.push(summary);
  console.log(`## ${spec.title}: ${summary.interactions} interactions, ${summary.users} users, ${summary.items} items\n`);
  for (const protocol of protocols) {
    const t0 = performance.now();
    const searched = searchBudgetMs === null ? null : await searchedStrategies(strategies, protocol, data, searchBudgetMs);
    const evaluation = await evaluateStrategies({
      strategies: searched?.strategies ?? strategies,
      interactions: data.interactions,
      items: data.items,
      protocol,
      k,
      seed,
      minInteractions,
      onProgress: (p) => {
        if (p.phase === 'scoring' && p.done === p.total) process.stderr.write(`  ${name} ${protocol} ${p.strategy}: scored ${p.total} users\n`);
      },
    });
    const seconds = (performance.now() - t0) / 1000;
    const r = ratios(evaluation);
    runs.push({ dataset: name, evaluation, ratios: r, seconds, search: searched?.searches ?? null });
    for (const [strategy, m] of Object.entries(searched?.searches ?? {})) {
      const share = m.searchBestUsersShare === undefined ? '' : ` on ${m.searchBestUsersShare * 100} % of users`;
      console.log(
        `- search ${strategy}: ${m.searchTrials} trials in ${m.searchSeconds?.toFixed(0)} s of ${m.searchBudgetSeconds} s${m.searchBestValidationNdcgAt10 === undefined ? ', no trial finished: configured params kept' : `, validation nDCG@10${share} ${m.searchDefaultValidationNdcgAt10?.toFixed(4)} -> ${m.searchBestValidationNdcgAt10.toFixed(4)}`}`,
      );
    }
    console.log(`### ${spec.title}, ${protocol}\n\n${describeSplit(evaluation)}\n\n${formatEvaluationTable(evaluation)}\n`);
    const lines = Object.entries(r).map(([key, value]) => `- nDCG@${k} ${key}: ${value.toFixed(2)}x`);
    if (lines.length > 0) console.log(`${lines.join('\n')}\n`);
  }
}

mkdirSync(path.dirname(args.out!), { recursive: true });
writeFileSync(
  args.out!,
  `${JSON.stringify(
    {
      date: started.toISOString(),
      command: `npx tsx bench/offline-eval.ts ${process.argv.slice(2).join(' ')}`.trimEnd(),
      machine: host,
      settings: { k, seed, minInteractions, protocols, strategies: strategies.map((s) => s.label ?? s.definition.name) },
      datasets: summaries,
      runs,
    },
    null,
    2,
  )}\n`,
);
console.log(`wrote ${path.relative(process.cwd(), args.out!)}`);
