/**
 * An arm's share grows with evidence, not with one click (docs/meta-policy.md, "How much one
 * reward moves"): each arm starts with RECGATE_META_POLICY_PRIOR_PULLS pseudo-pulls at the
 * arms' pooled mean.
 */
import { describe, expect, it } from 'vitest';
import { InProcessStatistics, MetaPolicy, defaultMetaPolicyConfig, type ContextFeatures } from '../../src/policy/index.js';

const ARMS = ['als', 'category-affinity', 'popularity', 'two-tower'];
const K = ARMS.length;
const at = (interactions: string, newUser: boolean, surface = 'home'): ContextFeatures => ({
  interactions,
  recency: newUser ? 'never' : '<1d',
  'new-user': String(newUser),
  surface,
  hour: '8-11',
});
/** One context per segment the admin API reports, and another surface. */
const CONTEXTS = [at('0', true), at('1-4', false), at('5-19', false), at('20-99', false), at('100+', false), at('20-99', false, 'search')];
const DEMO_CLICK = at('0', true);

const policyWith = (priorPulls?: number) => new MetaPolicy(defaultMetaPolicyConfig(priorPulls === undefined ? {} : { priorPulls }), new InProcessStatistics());

/**
 * The most one reward r in [0, 1] can do once every arm has evidence: it moves the arm's
 * mean by at most r / (n + n0) <= 1 / (1 + n0) above the others', so its softmax weight grows
 * by at most exp(1 / ((1 + n0) tau)) against each of the K - 1 others, and the floor mixes in:
 *   p <= f + (1 - K f) e / (e + K - 1),  e = exp(1 / ((1 + n0) tau)).
 * With the defaults (n0 = 100, tau = 0.01, f = 0.02, K = 4): 0.455. Before the prior (n0 = 0,
 * tau = 0.02, f = 0.05) one click gave 0.85.
 */
function oneRewardBound(config: { priorPulls: number; temperature: number; floor: number }): number {
  const e = Math.exp(1 / ((1 + config.priorPulls) * config.temperature));
  return config.floor + ((1 - K * config.floor) * e) / (e + K - 1);
}

describe('meta-policy evidence', () => {
  it('does not let the first rewarded slate of a fresh install move its arm above an even share, in any segment', async () => {
    const policy = policyWith();
    await policy.reward('als', DEMO_CLICK, 1, true);
    for (const features of CONTEXTS) {
      const p = policy.probabilities(features, ARMS);
      // The only evidence there is: the pooled mean is ALS's own, and the others keep a larger UCB bonus.
      expect(p.get('als')!).toBeLessThanOrEqual(1 / K + 1e-12);
    }
  });

  it('keeps one rewarded slate among unrewarded ones under the bound, in any segment', async () => {
    const policy = policyWith();
    for (const arm of ARMS) for (let i = 0; i < 3; i++) await policy.reward(arm, DEMO_CLICK, 0, true);
    await policy.reward('als', DEMO_CLICK, 1, true);
    const bound = oneRewardBound(policy.config);
    expect(bound).toBeCloseTo(0.455, 3);
    for (const features of CONTEXTS) expect(policy.probabilities(features, ARMS).get('als')!).toBeLessThan(bound);
  });

  it('without the prior (RECGATE_META_POLICY_PRIOR_PULLS=0) one click is trusted, as it was', async () => {
    const policy = policyWith(0);
    for (const arm of ARMS) for (let i = 0; i < 3; i++) await policy.reward(arm, DEMO_CLICK, 0, true);
    await policy.reward('als', DEMO_CLICK, 1, true);
    expect(policy.probabilities(at('20-99', false), ARMS).get('als')!).toBeGreaterThan(0.8);
  });

  it('lets the share grow as rewards keep coming, up to the floor of the others', async () => {
    const policy = policyWith();
    const share = () => policy.probabilities(DEMO_CLICK, ARMS).get('als')!;
    const seen: number[] = [share()];
    // ALS earns 0.3 per slate, the others 0.1: a real difference, shown again and again.
    for (let round = 1; round <= 400; round++) {
      for (const arm of ARMS) await policy.reward(arm, DEMO_CLICK, arm === 'als' ? (round % 10 < 3 ? 1 : 0) : round % 10 === 0 ? 1 : 0, true);
      if (round % 100 === 0) seen.push(share());
    }
    for (let i = 1; i < seen.length; i++) expect(seen[i]!).toBeGreaterThan(seen[i - 1]!);
    expect(seen.at(-1)!).toBeGreaterThan(0.8);
  });
});
