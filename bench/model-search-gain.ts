/**
 * Model search's gain over the configured params, per strategy and dataset: `searchStrategyParams`,
 * the train job's search step (validation carved from the data a job trains on, the held-out
 * split kept away), within a time budget, on MovieTweetings 100k and Online Retail. Reports the
 * configured and the best validation nDCG@10 on the winner's rung, the trials, and the search's
 * wall and CPU seconds against the budget. Writes bench/results/model-search-gain.json.
 *
 *   npx tsx bench/model-search-gain.ts                                   # als, item-item, two-tower; 3m each
 *   npx tsx bench/model-search-gain.ts --datasets movietweetings --strategies als --budget 5m
 *   npx tsx bench/model-search-gain.ts --datasets synthetic-explicit --strategies als --trials 15
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { parseSearchBudget } from '../src/config/search-budget.js';
import { loadDataset } from '../src/import/index.js';
import { describeTrial } from '../src/models/model-search/describe-trial.js';
import { searchStrategyParams } from '../src/models/model-search/search-strategy-params.js';
import { alsStrategy, itemItemStrategy, twoTowerStrategy } from '../src/strategies/builtin/index.js';
import type { CatalogItem, InteractionRecord } from '../src/strategies/contract.js';
import { parseStrategyParams } from '../src/strategies/params.js';
import type { AnyStrategy } from '../src/strategies/registry.js';
import { denseExplicitRatings, longTailTagged } from '../test/support/synthetic-datasets.js';
import { datasetDirectory } from './support/datasets.js';
import { machineInfo } from './support/machine.js';

const STRATEGIES: Record<string, AnyStrategy> = { als: alsStrategy, 'item-item': itemItemStrategy, 'two-tower': twoTowerStrategy };

interface Data {
  readonly interactions: readonly InteractionRecord[];
  readonly items: readonly CatalogItem[];
}
const DATASETS: Record<string, { title: string; load: () => Promise<Data> }> = {
  movietweetings: { title: 'MovieTweetings 100k', load: () => loadDataset('movietweetings', datasetDirectory('movietweetings')) },
  'online-retail': { title: 'Online Retail (UCI)', load: () => loadDataset('online-retail', datasetDirectory('online-retail')) },
  'synthetic-explicit': {
    title: 'synthetic explicit (300 users, 500 items, 15k ratings)',
    load: async () => denseExplicitRatings({ users: 300, items: 500, ratings: 15000, seed: 9 }),
  },
  'synthetic-long-tail': {
    title: 'synthetic long-tail, one timestamp (600 users, 5,000 items)',
    load: async () => longTailTagged({ users: 600, items: 5000, seed: 9 }),
  },
};

const { values: args } = parseArgs({
  options: {
    datasets: { type: 'string', default: 'movietweetings,online-retail' },
    strategies: { type: 'string', default: 'als,item-item,two-tower' },
    budget: { type: 'string', default: '3m' },
    trials: { type: 'string' },
    seed: { type: 'string', default: '42' },
    out: { type: 'string', default: path.join(import.meta.dirname, 'results', 'model-search-gain.json') },
  },
});
const budgetSeconds = parseSearchBudget(args.budget!, '--budget');
const pick = <T>(list: string, table: Record<string, T>, what: string): Array<[string, T]> =>
  list.split(',').map((name) => {
    if (!(name in table)) throw new Error(`unknown ${what} ${name}; known: ${Object.keys(table).join(', ')}`);
    return [name, table[name]!];
  });
const datasets = pick(args.datasets!, DATASETS, 'dataset');
const strategies = pick(args.strategies!, STRATEGIES, 'strategy');
const command = `npx tsx bench/model-search-gain.ts ${process.argv.slice(2).join(' ')}`.trimEnd();
const host = machineInfo();
console.log(`# Model search gain (${host.date}; ${host.cpu}, ${host.cores} cores, load ${host.loadAverage.join(' ')})\n\n${command}\n`);

const rows: Array<Record<string, unknown>> = [];
for (const [datasetName, dataset] of datasets) {
  const data = await dataset.load();
  for (const [name, definition] of strategies) {
    const entry = { definition, params: parseStrategyParams(definition, {}), source: { kind: 'builtin' as const } };
    const loadAtStart = machineInfo().loadAverage[0];
    const cpu0 = process.cpuUsage();
    const result = await searchStrategyParams(entry, data.interactions, data.items, {
      seed: Number(args.seed),
      budgetMs: budgetSeconds * 1000,
      ...(args.trials ? { maxTrials: Number(args.trials) } : {}),
      signal: new AbortController().signal,
      onTrial: (t) => process.stderr.write(`  ${datasetName} ${name}: ${describeTrial(t)} (${t.seconds.toFixed(1)} s)\n`),
    });
    const cpu = process.cpuUsage(cpu0);
    const { defaultScore, bestScore, best, trials, seconds, bestFraction } = result.outcome;
    const row = {
      dataset: datasetName,
      strategy: name,
      budgetSeconds,
      searchSeconds: seconds,
      overBudget: seconds / budgetSeconds - 1,
      cpuSeconds: (cpu.user + cpu.system) / 1e6,
      loadAtStart,
      trials: trials.length,
      finishedTrials: trials.filter((t) => t.score !== null).length,
      winnerUsersShare: bestFraction,
      configuredValidationNdcgAt10: defaultScore,
      bestValidationNdcgAt10: bestScore,
      gain: defaultScore && bestScore ? bestScore / defaultScore : null,
      best,
      params: result.params,
      metrics: result.metrics,
    };
    rows.push(row);
    console.log(
      `- ${dataset.title}, ${name}: ${trials.length} trials in ${seconds.toFixed(0)} s of ${budgetSeconds} s (${(row.overBudget * 100).toFixed(1)} %), ` +
        `${row.cpuSeconds.toFixed(0)} CPU s; ` +
        (bestScore === null
          ? 'no trial finished: configured params kept'
          : `validation nDCG@10 on ${(bestFraction ?? 0) * 100} % of users ${defaultScore?.toFixed(4)} -> ${bestScore.toFixed(4)} (${row.gain?.toFixed(2) ?? '-'}x), ${JSON.stringify(best)}`),
    );
  }
}
mkdirSync(path.dirname(args.out!), { recursive: true });
writeFileSync(args.out!, `${JSON.stringify({ date: host.date, command, machine: host, rows }, null, 2)}\n`);
console.log(`\nwrote ${path.relative(process.cwd(), args.out!)}`);
