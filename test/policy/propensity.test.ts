import { describe, expect, it } from 'vitest';
import { InProcessStatistics, MetaPolicy, defaultMetaPolicyConfig, type ContextFeatures } from '../../src/policy/index.js';

const ARMS = ['popularity', 'cf', 'two-tower', 'category-affinity'];
const NEW_USER: ContextFeatures = { interactions: '0', 'new-user': 'true', surface: 'home' };
const REGULAR: ContextFeatures = { interactions: '20-99', 'new-user': 'false', surface: 'home' };

/** A policy that has learned: popularity pays for new users, cf for established ones. */
async function trainedPolicy(floor = 0.05): Promise<MetaPolicy> {
  const policy = new MetaPolicy(defaultMetaPolicyConfig({ floor }), new InProcessStatistics());
  for (let i = 0; i < 200; i++) {
    await policy.reward('popularity', NEW_USER, i % 2 === 0 ? 1 : 0, true);
    await policy.reward('cf', NEW_USER, 0, true);
    await policy.reward('cf', REGULAR, i % 4 === 0 ? 0 : 1, true);
    await policy.reward('popularity', REGULAR, i % 5 === 0 ? 1 : 0, true);
  }
  return policy;
}

describe('meta-policy propensities', () => {
  it('serves each arm as often as the probability it reports (fixed seed, 4-sigma tolerance)', async () => {
    const policy = await trainedPolicy();
    for (const features of [NEW_USER, REGULAR]) {
      const n = 20_000;
      const counts = new Map<string, number>();
      let reported: ReadonlyMap<string, number> | null = null;
      for (let i = 0; i < n; i++) {
        const decision = policy.decide(`impression-${i}`, features, ARMS);
        reported ??= decision.probabilities;
        const choice = decision.next()!;
        expect(choice.propensity).toBe(decision.probabilities.get(choice.arm));
        counts.set(choice.arm, (counts.get(choice.arm) ?? 0) + 1);
      }
      let sum = 0;
      for (const [arm, p] of reported!) {
        sum += p;
        // Binomial standard error; 4 sigma: a false alarm about once in 16,000 runs per arm.
        const tolerance = 4 * Math.sqrt((p * (1 - p)) / n);
        expect(Math.abs((counts.get(arm) ?? 0) / n - p)).toBeLessThan(tolerance);
      }
      expect(sum).toBeCloseTo(1, 12);
    }
    // It learned the segments apart.
    const pNew = policy.probabilities(NEW_USER, ARMS);
    const pRegular = policy.probabilities(REGULAR, ARMS);
    expect(pNew.get('popularity')!).toBeGreaterThan(pNew.get('cf')!);
    expect(pRegular.get('cf')!).toBeGreaterThan(pRegular.get('popularity')!);
  });

  it('keeps every eligible arm at or above the floor, and gives arms without a model 0', async () => {
    for (const floor of [0.05, 0.1, 0.2]) {
      const policy = await trainedPolicy(floor);
      for (const features of [NEW_USER, REGULAR]) {
        const p = policy.probabilities(features, ['popularity', 'cf', 'two-tower']);
        expect(p.has('category-affinity')).toBe(false);
        for (const value of p.values()) expect(value).toBeGreaterThanOrEqual(floor - 1e-12);
        expect([...p.values()].reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
      }
    }
    // A floor too high for the number of arms means uniform.
    const policy = await trainedPolicy(0.4);
    expect([...policy.probabilities(REGULAR, ARMS).values()]).toEqual([0.25, 0.25, 0.25, 0.25]);
  });

  it('is deterministic per impression id and seed', async () => {
    const a = await trainedPolicy();
    const b = await trainedPolicy();
    const draws = (p: MetaPolicy) => Array.from({ length: 50 }, (_, i) => p.decide(`id-${i}`, REGULAR, ARMS).next()!.arm);
    expect(draws(a)).toEqual(draws(b));
    const other = new MetaPolicy(defaultMetaPolicyConfig({ seed: 99 }), a.statistics);
    expect(draws(other)).not.toEqual(draws(a));
  });

  it('renormalises over the remaining arms after a failure and logs the propensity of the policy that applied', async () => {
    const policy = await trainedPolicy();
    const n = 20_000;
    const served = new Map<string, number>();
    const p = policy.probabilities(REGULAR, ARMS);
    const rest = 1 - p.get('cf')!;
    for (let i = 0; i < n; i++) {
      const decision = policy.decide(`fail-${i}`, REGULAR, ARMS);
      let choice = decision.next()!;
      if (choice.arm === 'cf') {
        // cf fails for this request: the next draw serves, from the distribution without cf.
        choice = decision.next()!;
        expect(choice.arm).not.toBe('cf');
        expect(choice.propensity).toBeCloseTo(p.get(choice.arm)! / rest, 12);
      } else {
        expect(choice.propensity).toBe(p.get(choice.arm));
      }
      served.set(choice.arm, (served.get(choice.arm) ?? 0) + 1);
    }
    // Drawing again without replacement serves each other arm with probability p / (1 - p(cf)).
    for (const arm of ['popularity', 'two-tower', 'category-affinity']) {
      const expected = p.get(arm)! / rest;
      const tolerance = 4 * Math.sqrt((expected * (1 - expected)) / n);
      expect(Math.abs(served.get(arm)! / n - expected)).toBeLessThan(tolerance);
    }
    // Every arm failing in turn: the last one is certain.
    const decision = policy.decide('all-fail', REGULAR, ARMS);
    const propensities = [decision.next(), decision.next(), decision.next(), decision.next()].map((c) => c!.propensity);
    expect(propensities[3]).toBe(1);
    expect(decision.next()).toBeNull();
  });
});
