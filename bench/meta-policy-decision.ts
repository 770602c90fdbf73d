/**
 * What the meta-policy adds to a request: computing the features, scoring every arm with
 * LinUCB, the floored softmax and the draw; and one reward update (in process). Statistics
 * from 20,000 rewarded impressions over 4 arms; an arm's LinUCB model is rebuilt only when
 * its statistics change, so the "after an update" line includes one rebuild (of that arm).
 *
 *   npx tsx bench/meta-policy-decision.ts [--decisions 200000]
 */
import { parseArgs } from 'node:util';
import { createRandom } from '../src/ml/random.js';
import { defaultMetaPolicyConfig, InProcessStatistics, MetaPolicy, type DecisionContext } from '../src/policy/index.js';
import { describeMachine, percentile } from './support/machine.js';

const { values: args } = parseArgs({ options: { decisions: { type: 'string', default: '200000' } } });
const n = Number(args.decisions);
const ARMS = ['popularity', 'als', 'two-tower', 'category-affinity'];
const policy = new MetaPolicy(defaultMetaPolicyConfig(), new InProcessStatistics());
const random = createRandom(7);
const now = Date.UTC(2026, 10, 22, 12);
const context = (): DecisionContext => {
  const count = Math.floor(random.next() ** 3 * 300);
  return {
    interactionCount: count,
    lastInteractionAt: count === 0 ? null : now - random.next() * 40 * 86_400_000,
    known: count > 0,
    surface: ['home', 'item-page', 'email'][random.int(3)]!,
    context: {},
    now: now + random.int(86_400_000),
  };
};
for (let i = 0; i < 20_000; i++) await policy.reward(ARMS[random.int(ARMS.length)]!, policy.features(context()), random.next() < 0.1 ? 1 : 0, true);

console.log(
  `# Meta-policy decision cost\n\nMachine: ${describeMachine()}\nCommand: npx tsx bench/meta-policy-decision.ts ${process.argv.slice(2).join(' ')}`.trimEnd(),
);
const contexts = Array.from({ length: 1000 }, context);
policy.decide('warm-up', policy.features(contexts[0]!), ARMS).next(); // builds the models once
const times: number[] = [];
for (let i = 0; i < n; i++) {
  const t0 = performance.now();
  policy.decide(`imp-${i}`, policy.features(contexts[i % contexts.length]!), ARMS).next();
  times.push(performance.now() - t0);
}
const updates: number[] = [];
for (let i = 0; i < 200; i++) {
  const features = policy.features(contexts[i]!);
  const t0 = performance.now();
  await policy.reward('als', features, 1, true);
  policy.decide(`after-${i}`, features, ARMS).next();
  updates.push(performance.now() - t0);
}
const us = (ms: number) => `${(ms * 1000).toFixed(1)} us`;
console.log(`\n| step | p50 | p99 |\n|---|---:|---:|`);
console.log(`| decision (features, ${ARMS.length} LinUCB scores, softmax, draw) | ${us(percentile(times, 50))} | ${us(percentile(times, 99))} |`);
console.log(
  `| reward update + next decision (rebuilds the updated arm, dimension ${policy.layout.dimension}) | ${us(percentile(updates, 50))} | ${us(percentile(updates, 99))} |`,
);
