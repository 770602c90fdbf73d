/**
 * The two-tower model on data unlike what it was first tuned on (issue 11), beside popularity
 * and ALS, with the shared offline evaluator (stratified, k 10, seed 42, users with >= 5 items):
 *
 * - `long-tail`: synthetic listening log like the one two-tower failed on (1.9k users, 17.6k
 *   items, ~93k pairs, most items with one or two interactions, tags as text, one timestamp);
 * - `explicit`: synthetic dense 1-5 ratings like MovieLens 100k (943 users, 1.7k items, 100k
 *   ratings over seven months);
 * - `movietweetings-2k-tied`: 2,000 random MovieTweetings users with every movie in the
 *   catalogue and one timestamp for every row (the copy in data/).
 *
 *   npx tsx bench/two-tower-robustness.ts                     # everything; writes bench/results/two-tower-robustness.json
 *   npx tsx bench/two-tower-robustness.ts --datasets long-tail --params '{"epochs":3}' --out /tmp/x.json
 *   npx tsx bench/two-tower-robustness.ts --strategies popularity,meta-rl --strategy-params '{"meta-rl":{"taste":false}}' --out /tmp/y.json
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { evaluateStrategies, parseEvalProtocol, type EvaluatedStrategy } from '../src/evaluation/offline/index.js';
import { loadDataset } from '../src/import/index.js';
import { createRandom } from '../src/ml/random.js';
import { alsStrategy, itemItemStrategy, metaRlStrategy, popularityStrategy, twoTowerStrategy } from '../src/strategies/builtin/index.js';
import { denseExplicitRatings, longTailTagged, type SyntheticDataset } from '../test/support/synthetic-datasets.js';
import { datasetDirectory } from './support/datasets.js';
import { machineInfo } from './support/machine.js';

const here = path.dirname(fileURLToPath(import.meta.url));

const { values: args } = parseArgs({
  options: {
    datasets: { type: 'string', default: 'long-tail,explicit,movietweetings-2k-tied' },
    protocols: { type: 'string', default: 'stratified' },
    strategies: { type: 'string', default: 'popularity,als,two-tower' },
    params: { type: 'string', default: '{}' },
    /** Params of the other strategies by name, e.g. '{"meta-rl":{"taste":false}}'. */
    'strategy-params': { type: 'string', default: '{}' },
    seed: { type: 'string', default: '42' },
    verbose: { type: 'boolean', default: false },
    /** Users, items and interactions of the synthetic sets times this (quick comparisons). */
    scale: { type: 'string', default: '1' },
    out: { type: 'string', default: path.join(here, 'results', 'two-tower-robustness.json') },
  },
});
const seed = Number(args.seed);
const scale = Number(args.scale);

async function movieTweetingsTied(): Promise<SyntheticDataset> {
  const data = await loadDataset('movietweetings', datasetDirectory('movietweetings'));
  const users = [...new Set(data.interactions.map((r) => r.userId))].sort();
  const kept = new Set(createRandom(7).shuffle(users).slice(0, 2000));
  const at = Date.UTC(2024, 0, 1);
  return { interactions: data.interactions.filter((r) => kept.has(r.userId)).map((r) => ({ ...r, occurredAt: at })), items: [...data.items] };
}

const BUILDERS: Record<string, () => Promise<SyntheticDataset> | SyntheticDataset> = {
  'long-tail': () => longTailTagged({ users: Math.round(1900 * scale), items: Math.round(17600 * scale) }),
  explicit: () => denseExplicitRatings({ users: Math.round(943 * scale), items: Math.round(1682 * scale), ratings: Math.round(100_000 * scale) }),
  'movietweetings-2k-tied': movieTweetingsTied,
};

const twoTowerParams: unknown = JSON.parse(args.params!);
const STRATEGIES: Record<string, EvaluatedStrategy> = {
  popularity: { definition: popularityStrategy, params: { halfLifeHours: 876_000 } },
  als: { definition: alsStrategy },
  'two-tower': { definition: twoTowerStrategy, params: twoTowerParams },
  // The other learned strategies with their defaults, on the same data (robustness beyond two-tower).
  'item-item': { definition: itemItemStrategy },
  'meta-rl': { definition: metaRlStrategy },
};
for (const [name, params] of Object.entries(JSON.parse(args['strategy-params']!) as Record<string, unknown>)) {
  const strategy = STRATEGIES[name];
  if (!strategy) throw new Error(`--strategy-params: unknown strategy ${name}`);
  STRATEGIES[name] = { ...strategy, params };
}

const started = new Date();
const host = machineInfo();
console.log(
  `# Two-tower robustness (${started.toISOString()})\n\nMachine: ${host.cpu}, ${host.cores} cores, Node ${host.node}, load ${host.loadAverage.join(' ')}; params ${args.params}\n`,
);
const runs = [];
for (const name of args.datasets!.split(',')) {
  const build = BUILDERS[name];
  if (!build) throw new Error(`unknown dataset ${name}; known: ${Object.keys(BUILDERS).join(', ')}`);
  const data = await build();
  const itemCounts = new Map<string, number>();
  for (const r of data.interactions) itemCounts.set(r.itemId, (itemCounts.get(r.itemId) ?? 0) + 1);
  const rare = [...itemCounts.values()].filter((c) => c <= 2).length / Math.max(1, itemCounts.size);
  const users = new Set(data.interactions.map((r) => r.userId)).size;
  console.log(
    `## ${name}: ${data.interactions.length} interactions, ${users} users, ${data.items.length} items, ${(100 * rare).toFixed(0)} % of used items with <= 2 interactions\n`,
  );
  for (const protocol of args.protocols!.split(',').map(parseEvalProtocol)) {
    const evaluation = await evaluateStrategies({
      strategies: args.strategies!.split(',').map((s) => STRATEGIES[s]!),
      interactions: data.interactions,
      items: data.items,
      protocol,
      k: 10,
      seed,
      minInteractions: 5,
      ...(args.verbose
        ? {
            log: {
              info: (m: string, d?: object) => console.error(m, JSON.stringify(d ?? {})),
              warn: (m: string, d?: object) => console.error(m, JSON.stringify(d ?? {})),
            },
          }
        : {}),
    });
    const ndcg = Object.fromEntries(evaluation.strategies.map((s) => [s.strategy, s.metrics.ndcgAtK]));
    const seconds = Object.fromEntries(evaluation.strategies.map((s) => [s.strategy, s.trainSeconds]));
    const line = Object.entries(ndcg)
      .map(([s, v]) => `${s} ${v.toFixed(4)} (train ${seconds[s]?.toFixed(1)} s)`)
      .join(', ');
    const ratios =
      ndcg['two-tower'] !== undefined
        ? ` | two-tower/popularity ${(ndcg['two-tower'] / ndcg.popularity!).toFixed(2)}x, two-tower/als ${(ndcg['two-tower'] / ndcg.als!).toFixed(2)}x`
        : '';
    const tt = evaluation.strategies.find((s) => s.strategy === 'two-tower')?.trainMetrics;
    const fit = tt
      ? ` | two-tower epochs ${tt.epochs} of ${tt.epochsRun ?? tt.epochs}, validation ${tt.validationScore?.toFixed(4) ?? '-'}, loss ${tt.loss?.toFixed(3)}`
      : '';
    console.log(`- ${protocol}: nDCG@10 ${line}${ratios}${fit}`);
    runs.push({
      dataset: name,
      protocol,
      ndcg,
      trainSeconds: seconds,
      twoTowerTraining: tt ?? null,
      metrics: evaluation.strategies.map((s) => ({ strategy: s.strategy, ...s.metrics })),
    });
  }
}
mkdirSync(path.dirname(args.out!), { recursive: true });
const command = `npx tsx bench/two-tower-robustness.ts ${process.argv.slice(2).join(' ')}`;
const strategyParams: unknown = JSON.parse(args['strategy-params']!);
writeFileSync(
  args.out!,
  `${JSON.stringify({ date: started.toISOString(), command, machine: host, params: twoTowerParams, strategyParams, seed, runs }, null, 2)}\n`,
);
console.log(`\nwrote ${path.relative(process.cwd(), args.out!)}`);
