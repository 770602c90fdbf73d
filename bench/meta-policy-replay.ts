/**
 * Replay benchmark of the meta-policy on Online Retail or MovieTweetings 100k (docs/meta-policy.md).
 *
 * Simulator, fitted on a held-out split: interactions are sorted by time; every arm (popularity,
 * ALS, category-affinity) is trained on the first half. The second half is replayed as a
 * stream of requests: at each rating (user u, item i, time t) of a movie u had not rated
 * before, every arm recommends 10 items to u from u's history up to t, and an arm's reward
 * is 1 when its slate holds i (the movie u actually rated next), else 0. Every arm's reward
 * is known for every request, so each policy's cumulative reward is exact, with no replay
 * rejection (Li et al. 2011 need that only when the log holds one arm per event). The
 * meta-policy (production code, default configuration) sees its own arm's reward at once.
 * As in the gateway, an arm with an empty slate (ALS for a user it cannot fold in) does not
 * serve: a fixed strategy falls back to popularity, the meta-policy draws its next arm, and
 * uniform random is the expectation over the arms that answered. After each event the user's
 * history grows and every model observes the rating (popularity learns online).
 *
 *   npx tsx bench/meta-policy-replay.ts                  # what the docs report
 *   npx tsx bench/meta-policy-replay.ts --events 1000    # a quick look
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { loadDataset } from '../src/import/index.js';
import { trainStrategy } from '../src/models/train-strategy.js';
import { defaultMetaPolicyConfig, InProcessStatistics, interactionBucket, MetaPolicy, policySegments, SEGMENT_BUCKETS } from '../src/policy/index.js';
import { alsStrategy } from '../src/strategies/builtin/cf/index.js';
import { popularityStrategy } from '../src/strategies/builtin/popularity.js';
import type { InteractionRecord, RecommendRequest } from '../src/strategies/contract.js';
import { arrayCatalogReader, arrayInteractionReader, createCatalogView } from '../src/strategies/in-memory-readers.js';
import { StrategyRegistry } from '../src/strategies/registry.js';
import { categoryAffinityStrategy } from '../plugins/category-affinity/src/category-affinity.js';
import { datasetDirectory } from './support/datasets.js';
import { describeMachine } from './support/machine.js';
import { linePanelsSvg } from './support/line-chart-svg.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const { values: args } = parseArgs({
  options: {
    dataset: { type: 'string', default: 'online-retail' },
    events: { type: 'string', default: '6000' },
    k: { type: 'string', default: '10' },
    seed: { type: 'string', default: '1' },
    temperature: { type: 'string' },
    alpha: { type: 'string' },
    floor: { type: 'string' },
    'prior-pulls': { type: 'string' },
    samples: { type: 'string', default: '60' },
    out: { type: 'string', default: path.join(here, 'results', 'meta-policy-replay.json') },
    svg: { type: 'string', default: path.resolve(here, '../docs/meta-policy-arms.svg') },
  },
});
const maxEvents = Number(args.events);
const k = Number(args.k);

const DATASETS = {
  'online-retail': { format: 'online-retail', dir: 'online-retail', title: 'Online Retail (UCI)' },
  movietweetings: { format: 'movietweetings', dir: 'movietweetings-100k', title: 'MovieTweetings 100k' },
} as const;
const dataset = DATASETS[args.dataset as keyof typeof DATASETS];
if (!dataset) throw new Error(`--dataset must be one of ${Object.keys(DATASETS).join(', ')}`);
console.log(`# Meta-policy replay (${dataset.title})\n\nMachine: ${describeMachine()}`);
console.log(`Command: npx tsx bench/meta-policy-replay.ts ${process.argv.slice(2).join(' ')}`.trimEnd());

const data = await loadDataset(dataset.format, datasetDirectory(dataset.format));
const all = [...data.interactions].sort((a, b) => a.occurredAt - b.occurredAt);
const cut = Math.floor(all.length / 2);
const train = all.slice(0, cut);
const stream = all.slice(cut);

const registry = new StrategyRegistry();
for (const s of [popularityStrategy, alsStrategy, categoryAffinityStrategy]) registry.register(s);
const catalog = createCatalogView(data.items);
const models = new Map<string, unknown>();
for (const entry of registry.list()) {
  const t0 = performance.now();
  const trained = await trainStrategy(entry, { interactions: arrayInteractionReader(train), catalog: arrayCatalogReader(data.items), seed: 42 });
  models.set(entry.definition.name, await entry.definition.load(trained.artifact, { params: entry.params, catalog, log: { info() {}, warn() {} } }));
  console.log(`trained ${entry.definition.name} on ${train.length} ratings in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
}
const arms = registry.names().sort();
const FALLBACK = 'popularity';

const overrides = Object.fromEntries([
  ...(['temperature', 'alpha', 'floor'] as const).filter((key) => args[key] !== undefined).map((key) => [key, Number(args[key])]),
  ...(args['prior-pulls'] !== undefined ? [['priorPulls', Number(args['prior-pulls'])]] : []),
]);
const config = defaultMetaPolicyConfig({ seed: Number(args.seed), ...overrides });
console.log(
  `meta-policy: temperature ${config.temperature}, alpha ${config.alpha}, floor ${config.floor}, prior pulls ${config.priorPulls}, features ${config.features.join(',')}`,
);
const policy = new MetaPolicy(config, new InProcessStatistics());
const segments = policySegments(config.features);

const histories = new Map<string, InteractionRecord[]>();
const seen = new Map<string, Set<string>>();
const remember = (r: InteractionRecord) => {
  let h = histories.get(r.userId);
  if (!h) histories.set(r.userId, (h = []));
  h.push(r);
  let s = seen.get(r.userId);
  if (!s) seen.set(r.userId, (s = new Set()));
  s.add(r.itemId);
};
for (const r of train) remember(r);

type Totals = Record<string, number>;
const policies = [...arms, 'uniform', 'meta-policy'];
const zero = (): Totals => Object.fromEntries(policies.map((p) => [p, 0]));
const overall = zero();
const bySegment = new Map<string, { events: number; reward: Totals }>(SEGMENT_BUCKETS.map((b) => [b, { events: 0, reward: zero() }]));
const chosen = new Map<string, Totals>(SEGMENT_BUCKETS.map((b) => [b, Object.fromEntries(arms.map((a) => [a, 0]))]));
const trace: Array<{ event: number; segments: Record<string, Record<string, number>> }> = [];
const sampleEvery = Math.max(1, Math.floor(maxEvents / Number(args.samples)));
const cumulative: Array<{ event: number } & Totals> = [];

let events = 0;
const t0 = performance.now();
for (const e of stream) {
  if (events >= maxEvents) break;
  const userSeen = seen.get(e.userId);
  if (e.weight <= 0 || !catalog.get(e.itemId) || userSeen?.has(e.itemId)) {
    remember(e);
    continue;
  }
  const history = histories.get(e.userId) ?? [];
  const request: RecommendRequest = {
    user: { id: e.userId, known: history.length > 0, attributes: {}, history: history.slice(-200) },
    k,
    exclude: userSeen ?? new Set(),
    filter: {},
    context: {},
    surface: 'default',
    catalog,
    now: e.occurredAt,
  };
  const hits: Totals = {};
  const empty = new Set<string>();
  for (const arm of arms) {
    const slate = await registry.get(arm).definition.recommend(models.get(arm), request);
    if (slate.length === 0) empty.add(arm);
    hits[arm] = slate.slice(0, k).some((s) => s.itemId === e.itemId) ? 1 : 0;
  }
  // As the gateway serves: a fixed strategy with nothing to say falls back to popularity; the
  // meta-policy draws again from the remaining arms (and uniform is its expectation over them).
  const fixed: Totals = Object.fromEntries(arms.map((a) => [a, empty.has(a) ? hits[FALLBACK]! : hits[a]!]));
  const answering = arms.filter((a) => !empty.has(a));
  fixed.uniform = answering.length === 0 ? 0 : answering.reduce((s, a) => s + hits[a]!, 0) / answering.length;
  const features = policy.features({
    interactionCount: history.length,
    lastInteractionAt: history.at(-1)?.occurredAt ?? null,
    known: history.length > 0,
    surface: 'default',
    context: {},
    now: e.occurredAt,
  });
  const decision = policy.decide(`replay-${events}`, features, arms);
  let choice = decision.next()!;
  while (empty.has(choice.arm)) {
    await policy.reward(choice.arm, features, 0, true); // as the gateway does
    const next = decision.next();
    if (!next) break;
    choice = next;
  }
  fixed['meta-policy'] = hits[choice.arm]!;
  await policy.reward(choice.arm, features, hits[choice.arm]!, true);
  Object.assign(hits, fixed);

  const bucket = interactionBucket(history.length);
  const segment = bySegment.get(bucket)!;
  segment.events++;
  chosen.get(bucket)![choice.arm]!++;
  for (const p of policies) {
    overall[p]! += hits[p]!;
    segment.reward[p]! += hits[p]!;
  }
  remember(e);
  for (const arm of arms) registry.get(arm).definition.observe(models.get(arm), e);
  events++;
  if (events % sampleEvery === 0 || events === 1) {
    trace.push({
      event: events,
      segments: Object.fromEntries(segments.map((s) => [s, Object.fromEntries(policy.segments.get(s) ?? [])])),
    });
    cumulative.push({ event: events, ...overall });
  }
}
const seconds = (performance.now() - t0) / 1000;
console.log(`replayed ${events} requests in ${seconds.toFixed(1)} s (${arms.length} arms scored per request)\n`);

const fmt = (x: number) => x.toFixed(x >= 100 ? 0 : 1);
const header = `| policy | cumulative reward (hits@${k}) | ${SEGMENT_BUCKETS.map((b) => `${b === '0' ? 'new users' : `${b} interactions`} (n=${bySegment.get(b)!.events})`).join(' | ')} |`;
const lines = [header, `|---|---:|${SEGMENT_BUCKETS.map(() => '---:').join('|')}|`];
for (const p of policies) {
  const cells = SEGMENT_BUCKETS.map((b) => {
    const s = bySegment.get(b)!;
    return s.events === 0 ? '-' : `${fmt(s.reward[p]!)} (${((100 * s.reward[p]!) / s.events).toFixed(1)}%)`;
  });
  lines.push(`| ${p} | ${fmt(overall[p]!)} | ${cells.join(' | ')} |`);
}
console.log(lines.join('\n'));
const best = arms.reduce((a, b) => (overall[a]! >= overall[b]! ? a : b));
console.log(
  `\nmeta-policy / best single strategy (${best}): ${(overall['meta-policy']! / overall[best]!).toFixed(3)}x; meta-policy / uniform: ${(overall['meta-policy']! / overall.uniform!).toFixed(3)}x`,
);
console.log('\nArms the meta-policy served, per segment:');
for (const b of SEGMENT_BUCKETS) console.log(`- ${b}: ${arms.map((a) => `${a} ${chosen.get(b)![a]}`).join(', ')}`);

const panels = segments.map((s) => ({
  title: s,
  x: trace.map((t) => t.event),
  series: arms.map((a) => ({ label: a, values: trace.map((t) => t.segments[s]![a] ?? 0) })),
}));
mkdirSync(path.dirname(args.svg!), { recursive: true });
writeFileSync(args.svg!, linePanelsSvg(`Meta-policy arm probabilities per user segment (${dataset.title} replay)`, 'requests replayed', 'probability', panels));
mkdirSync(path.dirname(args.out!), { recursive: true });
writeFileSync(
  args.out!,
  `${JSON.stringify(
    {
      machine: describeMachine(),
      command: `npx tsx bench/meta-policy-replay.ts ${process.argv.slice(2).join(' ')}`.trimEnd(),
      settings: { events, k, config: { ...config, rewardWeights: undefined } },
      split: { train: train.length, streamConsidered: events },
      overall,
      bySegment: Object.fromEntries(bySegment),
      chosen: Object.fromEntries(chosen),
      cumulative,
      trace,
    },
    null,
    2,
  )}\n`,
);
console.log(`\nwrote ${path.relative(process.cwd(), args.out!)} and ${path.relative(process.cwd(), args.svg!)}`);
