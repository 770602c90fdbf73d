/**
 * The one serving loop with a policy picked per request (what an experiment variant does):
 * the draw order, the propensity served, the outcomes reported, and what the impression logs.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recommendationsInput } from '../../src/serving/input-schemas.js';
import type { ArmOutcome, ServingChoice, ServingPolicy, ServingRequest } from '../../src/serving/serving-policy.js';
import { FixedChainPolicy } from '../../src/serving/fixed-chain-policy.js';
import { FALLBACK_STRATEGY, servingChain } from '../../src/serving/serving-chain.js';
import { createTestGateway, type TestGateway } from '../support/test-gateway.js';

/** Draws `arms` in order with the given propensities and records what it is told. */
function scriptedPolicy(arms: ReadonlyArray<readonly [string, number]>) {
  const reports: Array<[string, ArmOutcome['kind']]> = [];
  const requests: ServingRequest[] = [];
  const policy: ServingPolicy = {
    name: 'scripted',
    servingArms: (loaded) => loaded,
    decide(request) {
      requests.push(request);
      let at = 0;
      return {
        features: { arm: 'scripted' },
        variant: 'scripted-variant',
        next: (): ServingChoice | null => (at < arms.length ? { arm: arms[at]![0], propensity: arms[at++]![1] } : null),
        report: (choice, outcome) => void reports.push([choice.arm, outcome.kind]),
      };
    },
  };
  return { policy, reports, requests };
}

describe('serving policy per request', () => {
  let t: TestGateway;
  const input = (userId: string) => recommendationsInput.parse({ userId, limit: 3 });

  beforeAll(async () => {
    t = await createTestGateway('sqlite', { RECGATE_META_POLICY: 'off' });
    const items = ['m1', 'm2', 'm3', 'm4'].map((id) => ({ id, title: id, categories: ['Drama'] }));
    expect((await t.gql('mutation($items: [ItemInput!]!) { upsertItems(items: $items) { id } }', { items })).errors).toBeUndefined();
    const feedback = ['a', 'b'].map((userId) => ({ userId, itemId: 'm2', type: 'CLICK' }));
    expect((await t.gql('mutation($inputs: [FeedbackInput!]!) { recordFeedbackBatch(inputs: $inputs) { id } }', { inputs: feedback })).errors).toBeUndefined();
    await t.gateway.refresh();
  });
  afterAll(() => t?.close());

  it('serves with the fixed chain by default: the fallback, propensity 1, no variant', async () => {
    const service = t.gateway.services.recommend;
    expect(service.policy).toBeInstanceOf(FixedChainPolicy);
    expect(t.gateway.services.servingPolicy.servingArms([FALLBACK_STRATEGY, 'als'])).toEqual([FALLBACK_STRATEGY]);
    expect(new FixedChainPolicy(servingChain('als')).servingArms([FALLBACK_STRATEGY, 'als'])).toEqual(['als']);
    const slate = await service.recommend(input('u1'));
    expect(slate).toMatchObject({ strategy: FALLBACK_STRATEGY, propensity: 1 });
    expect(slate.items.map((i) => i.item.id)[0]).toBe('m2');
    await t.gateway.services.impressions.flush();
    const row = await t.database.db.prisma.impression.findUniqueOrThrow({ where: { id: slate.impressionId } });
    expect(row.variant).toBeNull();
    expect(row.features).toBeNull();
  });

  it("skips an arm without a model, serves the policy's draw with its propensity and logs its variant", async () => {
    const { policy, reports, requests } = scriptedPolicy([
      ['not-loaded', 0.5],
      [FALLBACK_STRATEGY, 0.25],
    ]);
    const slate = await t.gateway.services.recommend.recommend(input('a'), policy);
    expect(slate).toMatchObject({ strategy: FALLBACK_STRATEGY, propensity: 0.25 });
    expect(reports).toEqual([[FALLBACK_STRATEGY, 'served']]);
    // The decision saw the user's context and the loaded arms only.
    expect(requests[0]).toMatchObject({ userId: 'a', candidates: [FALLBACK_STRATEGY], context: { interactionCount: 1, known: true, surface: 'default' } });
    await t.gateway.services.impressions.flush();
    const row = await t.database.db.prisma.impression.findUniqueOrThrow({ where: { id: slate.impressionId } });
    expect(row.variant).toBe('scripted-variant');
    expect(row.propensity).toBe(0.25);
    const features = typeof row.features === 'string' ? JSON.parse(row.features) : row.features;
    expect(features).toEqual({ arm: 'scripted' });
  });

  it('reports an empty arm and ends with an empty fallback slate that teaches nothing', async () => {
    const { policy, reports } = scriptedPolicy([[FALLBACK_STRATEGY, 1]]);
    // A category no item has: popularity answers nothing.
    const slate = await t.gateway.services.recommend.recommend(recommendationsInput.parse({ userId: 'u2', filter: { categories: ['Nothing'] } }), policy);
    expect(slate).toMatchObject({ strategy: FALLBACK_STRATEGY, propensity: 1, items: [] });
    expect(reports).toEqual([[FALLBACK_STRATEGY, 'empty']]);
    await t.gateway.services.impressions.flush();
    const row = await t.database.db.prisma.impression.findUniqueOrThrow({ where: { id: slate.impressionId } });
    expect(row.variant).toBeNull();
  });
});

describe('fixed chain for similarItems', () => {
  const request = (operation: ServingRequest['operation'], candidates: string[]): ServingRequest => ({
    impressionId: 'i',
    userId: 'u',
    context: { interactionCount: 0, lastInteractionAt: null, known: false, surface: 'item-page', context: {}, now: 0 },
    candidates,
    operation,
  });
  const arms = (policy: ServingPolicy, r: ServingRequest): string[] => {
    const decision = policy.decide(r);
    const out: string[] = [];
    for (let c = decision.next(); c; c = decision.next()) out.push(c.arm);
    return out;
  };

  it('asks the chain first, then the other strategies that define similar, by name; recommendations keep the chain alone', () => {
    expect(arms(new FixedChainPolicy(servingChain(null)), request('similarItems', ['two-tower', 'als', 'item-item']))).toEqual([
      'als',
      'item-item',
      'two-tower',
    ]);
    expect(arms(new FixedChainPolicy(servingChain('item-item')), request('similarItems', ['als', 'item-item']))).toEqual(['item-item', 'als']);
    expect(arms(new FixedChainPolicy(servingChain('item-item')), request('recommendations', [FALLBACK_STRATEGY, 'als', 'item-item']))).toEqual([
      'item-item',
      FALLBACK_STRATEGY,
    ]);
  });
});
