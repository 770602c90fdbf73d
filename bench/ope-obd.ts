/**
 * Off-policy estimators against the truth on the Open Bandit Dataset sample ("men" campaign).
 *
 * The two logs come from one A/B test: a uniform-random policy and Bernoulli Thompson
 * Sampling served the same traffic in the same week, so each policy's observed CTR in its own
 * log is the ground truth for an estimate made from the other log. As in OBP's
 * `examples/obd/evaluate_off_policy_estimators.py`: in each of R runs, resample the behaviour
 * log with replacement, refit the reward model (3-fold cross-fitting), estimate, and record
 * |estimate - truth| / truth; report the mean over runs.
 *
 *   npx tsx bench/ope-obd.ts [--runs 30] [--seed 12345]
 *
 * Writes bench/results/ope-obd.json.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import {
  ESTIMATOR_NAMES,
  estimateOffPolicy,
  readObdFeedback,
  resolveTargetPolicy,
  REWARD_MODEL_KINDS,
  type EstimatorName,
  type LoggedBanditFeedback,
  type RewardModelKind,
} from '../src/evaluation/off-policy/index.js';
import { createRandom } from '../src/ml/random.js';
import { datasetDirectory } from './support/datasets.js';

const { values: args } = parseArgs({
  options: { runs: { type: 'string', default: '30' }, seed: { type: 'string', default: '12345' } },
});
const RUNS = Number(args.runs);
const SEED = Number(args.seed);

const REPO_ROOT = path.resolve(import.meta.dirname, '..');
const OBD = datasetDirectory('open-bandit');
const LOGS = { random: path.join(OBD, 'random/men/men.csv'), bts: path.join(OBD, 'bts/men/men.csv') };

/**
 * OBP's published mean relative errors, small sample, "All" campaign, BTS evaluated on the
 * random log, 30 bootstrap runs (as quoted in recgate issue 5). Our sample is the "men"
 * campaign, so the comparison is indicative only.
 */
const OBP_PUBLISHED: Partial<Record<EstimatorName, number>> = {
  dm: 0.157,
  ips: 0.311,
  snips: 0.312,
  dr: 0.292,
  'switch-dr': 0.258,
  'dr-os': 0.16,
};

function resample(feedback: LoggedBanditFeedback, seed: number): LoggedBanditFeedback {
  const random = createRandom(seed);
  const n = feedback.rounds.length;
  return { ...feedback, rounds: Array.from({ length: n }, () => feedback.rounds[random.int(n)]!) };
}

interface DirectionResult {
  readonly behaviour: keyof typeof LOGS;
  readonly target: keyof typeof LOGS;
  readonly truth: number;
  readonly rewardModel: RewardModelKind;
  readonly meanRelativeError: Record<EstimatorName, number>;
  readonly stdRelativeError: Record<EstimatorName, number>;
  readonly meanEstimate: Record<EstimatorName, number>;
  readonly seconds: number;
}

async function direction(behaviour: keyof typeof LOGS, target: keyof typeof LOGS, rewardModel: RewardModelKind): Promise<DirectionResult> {
  const started = performance.now();
  const log = await readObdFeedback(LOGS[behaviour]);
  const policy = await resolveTargetPolicy(`logged:${LOGS[target]}`, log.space);
  const truth = policy.observed!.value;
  const errors = Object.fromEntries(ESTIMATOR_NAMES.map((name) => [name, [] as number[]])) as Record<EstimatorName, number[]>;
  const estimates = Object.fromEntries(ESTIMATOR_NAMES.map((name) => [name, [] as number[]])) as Record<EstimatorName, number[]>;
  for (let run = 0; run < RUNS; run++) {
    const sample = resample(log, SEED + run);
    const { estimates: values } = await estimateOffPolicy(sample, policy, { rewardModel, folds: 3, seed: SEED + run });
    for (const name of ESTIMATOR_NAMES) {
      errors[name].push(Math.abs(values[name] - truth) / truth);
      estimates[name].push(values[name]);
    }
  }
  const mean = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;
  const std = (xs: number[]): number => {
    const m = mean(xs);
    return Math.sqrt(xs.reduce((a, b) => a + (b - m) ** 2, 0) / Math.max(xs.length - 1, 1));
  };
  const map = (f: (xs: number[]) => number, source: Record<EstimatorName, number[]>) =>
    Object.fromEntries(ESTIMATOR_NAMES.map((name) => [name, f(source[name])])) as Record<EstimatorName, number>;
  return {
    behaviour,
    target,
    truth,
    rewardModel,
    meanRelativeError: map(mean, errors),
    stdRelativeError: map(std, errors),
    meanEstimate: map(mean, estimates),
    seconds: (performance.now() - started) / 1000,
  };
}

const machine = `${os.cpus()[0]?.model ?? 'unknown CPU'} x${os.cpus().length}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}, ${os.hostname()}`;
const date = new Date().toISOString();
console.log(`ope-obd: ${RUNS} bootstrap runs, seed ${SEED}\nmachine: ${machine}\ndate: ${date}\n`);

const results: DirectionResult[] = [];
for (const [behaviour, target] of [
  ['random', 'bts'],
  ['bts', 'random'],
] as const) {
  for (const rewardModel of REWARD_MODEL_KINDS) {
    const result = await direction(behaviour, target, rewardModel);
    results.push(result);
    console.log(`${target} evaluated on the ${behaviour} log, ${rewardModel} reward model: truth ${result.truth.toFixed(4)}, ${result.seconds.toFixed(1)} s`);
  }
}

const find = (behaviour: string, model: RewardModelKind) => results.find((r) => r.behaviour === behaviour && r.rewardModel === model)!;
const cell = (r: DirectionResult, name: EstimatorName) => `${r.meanRelativeError[name].toFixed(3)} ± ${r.stdRelativeError[name].toFixed(3)}`;
const header = [
  'estimator',
  'BTS on random (logistic q)',
  'BTS on random (empirical q)',
  'OBP published (All, BTS on random)',
  'random on BTS (logistic q)',
  'random on BTS (empirical q)',
];
const rows = ESTIMATOR_NAMES.map((name) => [
  name,
  cell(find('random', 'logistic'), name),
  cell(find('random', 'empirical'), name),
  OBP_PUBLISHED[name]?.toFixed(3) ?? '-',
  cell(find('bts', 'logistic'), name),
  cell(find('bts', 'empirical'), name),
]);
const table = [`| ${header.join(' | ')} |`, `|${header.map(() => '---').join('|')}|`, ...rows.map((row) => `| ${row.join(' | ')} |`)].join('\n');
console.log(`\nmean relative error |estimate - truth| / truth over ${RUNS} runs (± standard deviation across runs):\n\n${table}\n`);

const output = path.join(REPO_ROOT, 'bench/results/ope-obd.json');
await mkdir(path.dirname(output), { recursive: true });
await writeFile(
  output,
  `${JSON.stringify(
    {
      command: `npx tsx bench/ope-obd.ts --runs ${RUNS} --seed ${SEED}`,
      machine,
      date,
      runs: RUNS,
      seed: SEED,
      obpPublished: { ...OBP_PUBLISHED, note: 'OBP small sample, "All" campaign, BTS on random, 30 runs; ours is "men": indicative' },
      results,
      table,
    },
    null,
    2,
  )}\n`,
);
console.log(`wrote ${path.relative(REPO_ROOT, output)}`);
