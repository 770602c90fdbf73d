/**
 * Does two-tower's per-user adaptation (`adapt`, docs/strategies/two-tower.md "Per-user
 * adaptation") rank users' held-out items better? On MovieTweetings 100k, under both split
 * protocols of the shared offline evaluator (`evaluateStrategies`, docs/evaluation.md):
 * two-tower is trained once per protocol, then the same trained model is evaluated with
 * adaptation off (`adaptSteps: 0`, the default) and on (a few settings). Reports nDCG@10 and
 * HR@10 per setting as ratios to "off" measured in the same run, the latency of `adapt` per
 * user (p50/p95) over the whole catalogue, and the same latency on a 4,000-item catalogue.
 * Writes bench/results/two-tower-adapt.json.
 *
 *   npx tsx bench/two-tower-adapt.ts                       # what the docs report (~9 min on 2 cores)
 *   npx tsx bench/two-tower-adapt.ts --protocols temporal --epochs 1
 *   npx tsx bench/two-tower-adapt.ts --settings '[{"adaptSteps":10,"adaptL2":20}]' --cache /tmp/tt-cache
 *
 * The evaluator asks every entry to train, so the entries of one protocol share one training
 * run through a memoising wrapper: the adaptation params do not enter training (and training
 * is deterministic under the seed anyway). `--cache DIR` also keeps each protocol's trained
 * artifact on disk and reuses it on the next run, for sweeps (key: protocol, epochs, seed).
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import {
  evaluateStrategies,
  parseEvalProtocol,
  splitInteractions,
  type EvalProtocol,
  type EvaluatedStrategy,
  type OfflineEvaluation,
} from '../src/evaluation/offline/index.js';
import { loadDataset } from '../src/import/index.js';
import { decodeArtifact, encodeArtifact } from '../src/strategies/artifact-codec.js';
import { twoTowerStrategy, type TwoTowerModel, type TwoTowerParams } from '../src/strategies/builtin/two-tower/index.js';
import type { AdaptContext, AdaptedUserState, StrategyDefinition, TrainContext, TrainResult, UserState } from '../src/strategies/contract.js';
import { createCatalogView } from '../src/strategies/in-memory-readers.js';
import { parseStrategyParams } from '../src/strategies/params.js';
import { datasetDirectory } from './support/datasets.js';
import { describeMachine, machineInfo, percentile } from './support/machine.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const RESULTS = path.join(here, 'results', 'two-tower-adapt.json');
/** Catalogue size of the extra latency measurement (the brief's "a few thousand items"). */
const SMALL_CATALOGUE = 4000;
const LATENCY_USERS = 1000;

const { values: args } = parseArgs({
  options: {
    protocols: { type: 'string', default: 'temporal,stratified' },
    epochs: { type: 'string', default: '3' },
    k: { type: 'string', default: '10' },
    seed: { type: 'string', default: '42' },
    'min-interactions': { type: 'string', default: '5' },
    settings: { type: 'string' },
    cache: { type: 'string' },
    out: { type: 'string', default: RESULTS },
  },
});
const k = Number(args.k);
const seed = Number(args.seed);
const epochs = Number(args.epochs);
const minInteractions = Number(args['min-interactions']);
const protocols = args.protocols!.split(',').map(parseEvalProtocol);

/**
 * Adaptation settings compared with "off" (the defaults): on with the default step size and
 * L2 (first: the small-catalogue latency uses it), a smaller and a larger step.
 */
const SETTINGS: ReadonlyArray<Partial<TwoTowerParams>> = args.settings
  ? (JSON.parse(args.settings) as Array<Partial<TwoTowerParams>>)
  : [{ adaptSteps: 5 }, { adaptSteps: 5, adaptLearningRate: 0.002 }, { adaptSteps: 5, adaptLearningRate: 0.01 }];

const labelOf = (setting: Partial<TwoTowerParams>): string =>
  Object.entries(setting)
    .map(([key, value]) => `${key}=${String(value)}`)
    .join(', ');

type TwoTower = StrategyDefinition<TwoTowerParams, TwoTowerModel>;

interface AdaptRecord {
  readonly ms: number[];
  readonly lossBefore: number[];
  readonly lossAfter: number[];
  readonly positives: number[];
}

/** One training per protocol shared by every entry (from disk with --cache); `adapt` timed per entry. */
function sharedTraining(protocol: EvalProtocol) {
  let training: Promise<TrainResult> | undefined;
  const file = args.cache ? path.join(args.cache, `movietweetings-${protocol}-e${epochs}-s${seed}.rgaf`) : null;
  const train = (ctx: TrainContext<TwoTowerParams>): Promise<TrainResult> =>
    (training ??= (async () => {
      if (file && existsSync(file)) return { artifact: decodeArtifact(readFileSync(file)), metrics: { cached: 1 } };
      const result = await twoTowerStrategy.train(ctx);
      if (file) {
        mkdirSync(path.dirname(file), { recursive: true });
        writeFileSync(file, encodeArtifact(result.artifact));
      }
      return result;
    })());
  const records = new Map<string, AdaptRecord>();
  const entry = (label: string, params: Partial<TwoTowerParams>): EvaluatedStrategy => {
    const record: AdaptRecord = { ms: [], lossBefore: [], lossAfter: [], positives: [] };
    records.set(label, record);
    const definition: TwoTower = Object.freeze({
      ...twoTowerStrategy,
      train,
      adapt: (model: TwoTowerModel, user: UserState, ctx: AdaptContext) => {
        const start = performance.now();
        const state = twoTowerStrategy.adapt(model, user, ctx) as AdaptedUserState | null;
        if (state) {
          record.ms.push(performance.now() - start);
          const facts = state.json as { lossBefore: number; lossAfter: number; positives: number };
          record.lossBefore.push(facts.lossBefore);
          record.lossAfter.push(facts.lossAfter);
          record.positives.push(facts.positives);
        }
        return state;
      },
    });
    return { definition, params: { epochs, ...params }, label };
  };
  return { entry, records, trained: () => training };
}

interface SettingResult {
  readonly label: string;
  readonly params: unknown;
  readonly ndcgAtK: number;
  readonly hitRateAtK: number;
  readonly recallAtK: number;
  readonly ndcgVsOff: number;
  readonly hitRateVsOff: number;
  readonly recallVsOff: number;
  /** Over the users adapt returned state for. */
  readonly adaptP50Ms: number;
  readonly adaptP95Ms: number;
  readonly meanLossBefore: number;
  readonly meanLossAfter: number;
  readonly meanPositives: number;
  readonly usersAdapted: number;
  /** Per evaluated request: adapt + recommend, as the evaluator times it. */
  readonly requestLatency: unknown;
}

const mean = (values: readonly number[]): number => (values.length === 0 ? NaN : values.reduce((a, b) => a + b, 0) / values.length);
const fixed = (x: number, digits: number): string => (Number.isFinite(x) ? x.toFixed(digits) : '–');

const host = machineInfo();
const command = `npx tsx bench/two-tower-adapt.ts ${process.argv.slice(2).join(' ')}`.trimEnd();
console.log(`# two-tower per-user adaptation: ${describeMachine(host)}\n`);
console.log(`Command: ${command}`);
console.log(`MovieTweetings 100k, two-tower ${epochs} epoch(s) (other training params default), k ${k}, seed ${seed}, min ${minInteractions} items/user\n`);

const data = await loadDataset('movietweetings', datasetDirectory('movietweetings'));
const runs: Array<{ protocol: EvalProtocol; seconds: number; split: OfflineEvaluation['split']; settings: SettingResult[]; smallCatalogue: unknown }> = [];
for (const protocol of protocols) {
  const t0 = performance.now();
  const shared = sharedTraining(protocol);
  const entries = [shared.entry('off (default)', {}), ...SETTINGS.map((s) => shared.entry(labelOf(s), s))];
  const settings: SettingResult[] = [];
  let split: OfflineEvaluation['split'] | undefined;
  let off: SettingResult | undefined;
  // One evaluation per setting (same split every time: it depends on the data and seed only),
  // so each row prints as soon as it is measured.
  for (const entry of entries) {
    const evaluation = await evaluateStrategies({
      strategies: [entry],
      interactions: data.interactions,
      items: data.items,
      protocol,
      k,
      seed,
      minInteractions,
    });
    const s = evaluation.strategies[0]!;
    const record = shared.records.get(s.strategy)!;
    const base = off?.ndcgAtK === undefined ? s.metrics : { ndcgAtK: off.ndcgAtK, hitRateAtK: off.hitRateAtK, recallAtK: off.recallAtK };
    const row: SettingResult = {
      label: s.strategy,
      params: s.params,
      ndcgAtK: s.metrics.ndcgAtK,
      hitRateAtK: s.metrics.hitRateAtK,
      recallAtK: s.metrics.recallAtK,
      ndcgVsOff: s.metrics.ndcgAtK / base.ndcgAtK,
      hitRateVsOff: s.metrics.hitRateAtK / base.hitRateAtK,
      recallVsOff: s.metrics.recallAtK / base.recallAtK,
      adaptP50Ms: percentile(record.ms, 50),
      adaptP95Ms: percentile(record.ms, 95),
      meanLossBefore: mean(record.lossBefore),
      meanLossAfter: mean(record.lossAfter),
      meanPositives: mean(record.positives),
      usersAdapted: record.ms.length,
      requestLatency: s.latency,
    };
    if (!split) {
      split = evaluation.split;
      off = row;
      console.log(`## ${protocol}: ${s.users} test users, ${data.items.length} items\n`);
      console.log(`| setting | nDCG@${k} | HR@${k} | nDCG vs off | HR vs off | adapt p50 ms | adapt p95 ms | loss before → after (mean) | users adapted |`);
      console.log('|---|---|---|---|---|---|---|---|---|');
    }
    console.log(
      `| ${row.label} | ${fixed(row.ndcgAtK, 4)} | ${fixed(row.hitRateAtK, 4)} | ${fixed(row.ndcgVsOff, 3)}x | ${fixed(row.hitRateVsOff, 3)}x | ${fixed(row.adaptP50Ms, 2)} | ${fixed(row.adaptP95Ms, 2)} | ${fixed(row.meanLossBefore, 3)} → ${fixed(row.meanLossAfter, 3)} | ${row.usersAdapted} |`,
    );
    settings.push(row);
  }
  const smallCatalogue = await smallCatalogueLatency(protocol, (await shared.trained())!);
  const seconds = (performance.now() - t0) / 1000;
  console.log(
    `\nadapt on a ${SMALL_CATALOGUE}-item catalogue (${labelOf(SETTINGS[0] ?? {})}), ${smallCatalogue.users} users: p50 ${fixed(smallCatalogue.p50Ms, 2)} ms, p95 ${fixed(smallCatalogue.p95Ms, 2)} ms. (${fixed(seconds, 0)} s)\n`,
  );
  runs.push({ protocol, seconds, split: split!, settings, smallCatalogue });
}

/** `adapt` latency with the same trained model loaded over the first SMALL_CATALOGUE items only. */
async function smallCatalogueLatency(protocol: EvalProtocol, trained: TrainResult) {
  const items = data.items.slice(0, SMALL_CATALOGUE);
  const catalog = createCatalogView(items);
  const params = parseStrategyParams(twoTowerStrategy, { epochs, ...(SETTINGS[0] ?? { adaptSteps: 5 }) });
  const model = await twoTowerStrategy.load(trained.artifact, { params, catalog, log: { info() {}, warn() {} } });
  const cases = splitInteractions(protocol, data.interactions, data.items, { seed, minInteractions }).cases;
  const ms: number[] = [];
  try {
    for (const c of cases) {
      if (ms.length === LATENCY_USERS) break;
      const user: UserState = { id: c.userId, known: true, attributes: {}, history: c.history.slice(-200) };
      const start = performance.now();
      const state = twoTowerStrategy.adapt(model, user, { catalog, now: 0 });
      if (state) ms.push(performance.now() - start);
    }
  } finally {
    twoTowerStrategy.dispose(model);
  }
  return { items: model.items.ids.length, users: ms.length, p50Ms: percentile(ms, 50), p95Ms: percentile(ms, 95) };
}

mkdirSync(path.dirname(args.out!), { recursive: true });
writeFileSync(
  args.out!,
  `${JSON.stringify({ date: host.date, command, machine: host, settings: { k, seed, epochs, minInteractions, protocols, compared: SETTINGS }, runs }, null, 2)}\n`,
);
console.log(`wrote ${path.relative(process.cwd(), args.out!)}`);
