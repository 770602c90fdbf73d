/**
 * Model search's gain over the configured params, per strategy, on the seeded synthetic sets
 * (test/support/synthetic-datasets.ts): `searchStrategyParams`, the train job's search step,
 * with a trial count instead of a time budget so the result does not depend on the machine.
 *
 *   npx tsx bench/model-search-gain.ts                      # ALS, 15 trials (one bracket)
 *   npx tsx bench/model-search-gain.ts --strategy two-tower --trials 15
 */
import { parseArgs } from 'node:util';
import { searchStrategyParams } from '../src/models/model-search/search-strategy-params.js';
import { alsStrategy, twoTowerStrategy } from '../src/strategies/builtin/index.js';
import { parseStrategyParams } from '../src/strategies/params.js';
import type { AnyStrategy } from '../src/strategies/registry.js';
import { denseExplicitRatings, longTailTagged } from '../test/support/synthetic-datasets.js';
import { machineInfo } from './support/machine.js';

const { values: args } = parseArgs({
  options: { strategy: { type: 'string', default: 'als' }, trials: { type: 'string', default: '15' }, seed: { type: 'string', default: '42' } },
});
const definition: AnyStrategy = args.strategy === 'two-tower' ? twoTowerStrategy : alsStrategy;
const host = machineInfo();
console.log(
  `# Model search gain, ${definition.name}, ${args.trials} trials (${host.date}; ${host.cpu}, ${host.cores} cores, load ${host.loadAverage.join(' ')})\n`,
);
const datasets = [
  ['explicit (300 users, 500 items, 15k ratings)', denseExplicitRatings({ users: 300, items: 500, ratings: 15000, seed: 9 })],
  ['long-tail, one timestamp (600 users, 5,000 items)', longTailTagged({ users: 600, items: 5000, seed: 9 })],
] as const;
for (const [name, data] of datasets) {
  const entry = { definition, params: parseStrategyParams(definition, {}), source: { kind: 'builtin' as const } };
  const started = Date.now();
  const result = await searchStrategyParams(entry, data.interactions, data.items, {
    seed: Number(args.seed),
    budgetMs: 7 * 24 * 3600 * 1000,
    maxTrials: Number(args.trials),
    signal: new AbortController().signal,
  });
  const { defaultScore, bestScore, best, trials } = result.outcome;
  const gain = defaultScore && bestScore ? (bestScore / defaultScore).toFixed(2) : '-';
  console.log(
    `- ${name}: ${trials.length} trials, ${((Date.now() - started) / 1000).toFixed(0)} s; validation nDCG@10 ${defaultScore?.toFixed(4)} -> ${bestScore?.toFixed(4)} (${gain}x), ${JSON.stringify(best)}`,
  );
}
