import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { defineStrategy } from '../../src/strategies/contract.js';
import { createPolicyGateway, type PolicyGateway } from './policy-gateway.js';

/** Switches the test flips to make its strategies misbehave. */
const mode = { throwing: true, slow: true };

/** Every catalogue item in id order: a strategy that always has something to say. */
const listing = (name: string, misbehave: () => Promise<void>) =>
  defineStrategy({
    name,
    version: '1.0.0',
    params: z.object({}),
    train: async () => ({ artifact: { json: null, arrays: {} }, metrics: {} }),
    load: () => null,
    recommend: async (_model, request) => {
      await misbehave();
      return request.catalog.active
        .map((item) => item.id)
        .filter((id) => !request.exclude.has(id))
        .slice(0, request.k)
        .map((itemId, i) => ({ itemId, score: -i, explanation: name }));
    },
  });

const thrower = listing('thrower', async () => {
  if (mode.throwing) throw new Error('model exploded');
});
const sluggish = listing('sluggish', async () => {
  if (mode.slow) await new Promise((r) => setTimeout(r, 500));
});

const SLATE = '{ recommendations(userId: "u1", limit: 3) { impressionId strategy propensity items { item { id } } } }';
const POLICY = `{ metaPolicy { arms { strategy eligible breaker { status consecutiveFailures openUntil lastFailure } }
  segments { name probabilities { strategy probability } } } }`;

describe('failure isolation', () => {
  let t: PolicyGateway;
  beforeAll(async () => {
    t = await createPolicyGateway('sqlite', [thrower, sluggish], {
      RECGATE_STRATEGY_TIMEOUT_MS: '100',
      RECGATE_BREAKER_FAILURES: '2',
      // Long enough that a loaded machine cannot let a breaker half-open between two assertions.
      RECGATE_BREAKER_COOLDOWN_SECONDS: '3',
      // Three arms, floor 1/3: uniform, so every arm is drawn often.
      RECGATE_META_POLICY_FLOOR: '0.34',
    });
  });
  afterAll(() => t?.close());

  const breakers = async () => {
    const r = await t.gql(POLICY);
    expect(r.errors).toBeUndefined();
    return Object.fromEntries(r.data!.metaPolicy.arms.map((a: { strategy: string; breaker: { status: string } }) => [a.strategy, a.breaker.status]));
  };

  it('serves every request while strategies throw or blow their budget, then opens their breakers', async () => {
    // Until both breakers are open (each needs 2 failures; uniform draws get there fast).
    for (let i = 0; i < 60; i++) {
      if (i >= 10 && Object.values(await breakers()).filter((s) => s === 'OPEN').length === 2) break;
      const r = await t.gql(SLATE);
      expect(r.errors).toBeUndefined();
      const slate = r.data!.recommendations;
      expect(slate.items).toHaveLength(3);
      expect(slate.strategy).toBe('popularity');
      // Uniform over 3 arms: 1/3 when popularity was drawn first, 1/2 after one arm failed, 1 after both.
      expect([1 / 3, 1 / 2, 1].some((p) => Math.abs(p - slate.propensity) < 1e-12)).toBe(true);
    }
    expect(await breakers()).toEqual({ popularity: 'CLOSED', thrower: 'OPEN', sluggish: 'OPEN' });
    const r = await t.gql(POLICY);
    const arms = r.data!.metaPolicy.arms;
    expect(arms.find((a: { strategy: string }) => a.strategy === 'thrower').breaker.lastFailure).toContain('model exploded');
    expect(arms.find((a: { strategy: string }) => a.strategy === 'sluggish').breaker.lastFailure).toContain('time budget');
    // Out of rotation: probability 0, popularity certain, propensity 1.
    const policy = t.gateway.services.metaPolicy!.policy;
    const features = policy.features({ interactionCount: 0, lastInteractionAt: null, known: false, surface: 'default', context: {}, now: Date.now() });
    expect(Object.fromEntries(policy.probabilities(features, ['popularity', 'sluggish', 'thrower']))).toEqual({ popularity: 1, sluggish: 0, thrower: 0 });
    expect((await t.gql(SLATE)).data!.recommendations.propensity).toBe(1);
    // The API's segment view: u1 is a new user; its recent mean distribution is listed per arm.
    const newUsers = r.data!.metaPolicy.segments.find((s: { name: string }) => s.name === 'new users');
    expect(newUsers.probabilities.map((p: { strategy: string }) => p.strategy)).toEqual(['popularity', 'sluggish', 'thrower']);
    expect(newUsers.probabilities.reduce((s: number, p: { probability: number }) => s + p.probability, 0)).toBeCloseTo(1, 9);
  });

  it('closes the breakers once the strategies behave again after the cooldown', async () => {
    mode.throwing = false;
    mode.slow = false;
    await new Promise((r) => setTimeout(r, 3_100));
    expect(await breakers()).toEqual({ popularity: 'CLOSED', thrower: 'HALF_OPEN', sluggish: 'HALF_OPEN' });
    const strategies = new Set<string>();
    for (let i = 0; i < 40 && strategies.size < 3; i++) {
      const r = await t.gql(SLATE);
      expect(r.errors).toBeUndefined();
      strategies.add(r.data!.recommendations.strategy);
    }
    expect([...strategies].sort()).toEqual(['popularity', 'sluggish', 'thrower']);
    expect(await breakers()).toEqual({ popularity: 'CLOSED', thrower: 'CLOSED', sluggish: 'CLOSED' });
  });
});
