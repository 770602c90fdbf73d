import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEST_PROVIDERS } from '../support/test-database.js';
import { errorCode } from '../support/test-gateway.js';
import { createPolicyGateway, type PolicyGateway } from './policy-gateway.js';

const SLATE = `query($u: ID!) { recommendations(userId: $u, limit: 2, context: { device: "ios" }) { impressionId strategy propensity } }`;
const FEEDBACK = `mutation($input: FeedbackInput!) { recordFeedback(input: $input) { id } }`;
const ARMS = '{ metaPolicy { arms { strategy pulls meanReward lastUpdate } } }';

describe.each(TEST_PROVIDERS)('rewards on %s', (provider) => {
  let t: PolicyGateway;
  // Long enough that a busy machine still answers the first test's feedback inside it; the
  // third test waits it out once.
  const WINDOW_MS = 4000;
  beforeAll(async () => {
    t = await createPolicyGateway(provider, [], {
      RECGATE_REWARD_WINDOW_SECONDS: String(WINDOW_MS / 1000),
      RECGATE_REWARD_DEFAULT: '-0.5',
      // The test sweeps by hand; the timer would race it.
      RECGATE_REWARD_SWEEP_SECONDS: '3600',
      RECGATE_REWARD_WEIGHTS: 'click=1,purchase=5',
      RECGATE_META_POLICY_FEATURES: 'interactions,new-user,surface,context.device',
    });
  });
  afterAll(() => t?.close());

  const popularity = async () => {
    const r = await t.gql(ARMS);
    expect(r.errors).toBeUndefined();
    return r.data!.metaPolicy.arms.find((a: { strategy: string }) => a.strategy === 'popularity');
  };
  const slate = async (user: string) => {
    const r = await t.gql(SLATE, { u: user });
    expect(r.errors).toBeUndefined();
    return r.data!.recommendations as { impressionId: string; strategy: string; propensity: number };
  };
  const feedback = (input: Record<string, unknown>) => t.gql(FEEDBACK, { input });
  const impression = (id: string) => t.database.db.prisma.impression.findUniqueOrThrow({ where: { id } });

  it('logs features, arm and propensity, and sums the feedback inside the window into one pull', async () => {
    const s = await slate('u1');
    await t.gateway.services.impressions.flush();
    const row = await impression(s.impressionId);
    expect(row.strategy).toBe('popularity');
    expect(row.propensity).toBe(1); // the only arm with a model
    expect(row.variant).toBe('meta-policy');
    const features = typeof row.features === 'string' ? JSON.parse(row.features) : row.features;
    expect(features).toEqual({ interactions: '0', 'new-user': 'true', surface: 'default', 'context.device': 'ios' });
    expect(row.reward).toBeNull();

    expect((await feedback({ impressionId: s.impressionId, userId: 'u1', itemId: 'm1', type: 'CLICK' })).errors).toBeUndefined();
    // The bandit has it as soon as the mutation answered.
    expect(await popularity()).toMatchObject({ pulls: 1, meanReward: 1 });
    expect((await feedback({ impressionId: s.impressionId, userId: 'u1', itemId: 'm1', type: 'PURCHASE' })).errors).toBeUndefined();
    expect(await popularity()).toMatchObject({ pulls: 1, meanReward: 6 });
    const rewarded = await impression(s.impressionId);
    expect(rewarded.reward).toBe(6);
    expect(rewarded.rewardedAt).not.toBeNull();
  });

  it('rejects feedback naming an unknown impression and changes nothing', async () => {
    const before = await popularity();
    const r = await feedback({ impressionId: 'no-such-impression', userId: 'u1', itemId: 'm1', type: 'PURCHASE' });
    expect(errorCode(r)).toBe('RG_ERR_UNKNOWN_IMPRESSION');
    expect(await popularity()).toEqual(before);
    expect(await t.database.db.prisma.interaction.count({ where: { type: 'purchase' } })).toBe(1);
  });

  it('gives the default reward after the window, once, and ignores feedback that comes later', async () => {
    const quiet = await slate('u2');
    const late = await slate('u3');
    const future = await slate('u4');
    await t.gateway.services.impressions.flush();
    const runtime = t.gateway.services.metaPolicy!;
    // Feedback that says it happened after the window counts for nothing, even if sent early.
    const after = new Date(Date.now() + 5 * WINDOW_MS).toISOString();
    expect((await feedback({ impressionId: future.impressionId, userId: 'u4', itemId: 'm3', type: 'PURCHASE', occurredAt: after })).errors).toBeUndefined();
    expect((await impression(future.impressionId)).reward).toBeNull();
    // Inside the window the sweep leaves them alone.
    expect(await runtime.rewards.sweep()).toBe(0);
    await new Promise((r) => setTimeout(r, WINDOW_MS + 100));
    expect((await feedback({ impressionId: late.impressionId, userId: 'u3', itemId: 'm2', type: 'PURCHASE' })).errors).toBeUndefined();
    expect(await runtime.rewards.sweep()).toBe(3);
    expect(await runtime.rewards.sweep()).toBe(0);
    for (const s of [quiet, late, future]) expect((await impression(s.impressionId)).reward).toBe(-0.5);
    // 6 from the first slate, -0.5 three times: four pulls.
    const arm = await popularity();
    expect(arm.pulls).toBe(4);
    expect(arm.meanReward).toBeCloseTo(4.5 / 4, 12);
    expect(arm.lastUpdate).not.toBeNull();
  });

  it('sweeps a backlog bigger than one batch, each slate once, leaving rewarded ones alone', async () => {
    const runtime = t.gateway.services.metaPolicy!;
    const pullsBefore = (await popularity()).pulls;
    const old = new Date(Date.now() - 10 * WINDOW_MS);
    const features = { interactions: '0', 'new-user': 'true', surface: 'default', 'context.device': 'ios' };
    const rows = Array.from({ length: 1_100 }, (_, i) => ({
      id: `backlog-${String(i).padStart(4, '0')}`,
      userExternalId: `backlog-user-${i % 50}`,
      surface: 'default',
      strategy: 'popularity',
      items: [],
      propensity: 1,
      context: {},
      features,
      variant: 'meta-policy',
      // Every tenth slate was already rewarded by its feedback: the sweep must not count it again.
      ...(i % 10 === 0 ? { reward: 2, rewardedAt: old } : {}),
      createdAt: old,
    }));
    await t.database.db.prisma.impression.createMany({ data: rows });
    expect(await runtime.rewards.sweep()).toBe(990);
    expect(await runtime.rewards.sweep()).toBe(0);
    expect(await t.database.db.prisma.impression.count({ where: { id: { startsWith: 'backlog-' }, reward: -0.5 } })).toBe(990);
    expect(await t.database.db.prisma.impression.count({ where: { id: { startsWith: 'backlog-' }, reward: 2 } })).toBe(110);
    expect((await popularity()).pulls).toBe(pullsBefore + 990);
  });

  it('survives a restart through the snapshot', async () => {
    const runtime = t.gateway.services.metaPolicy!;
    await runtime.snapshot();
    const { startMetaPolicy } = await import('../../src/policy/index.js');
    const restarted = await startMetaPolicy(runtime.policy.config, { db: t.database.db, redisUrl: null, log: { info() {}, warn() {} }, timers: false });
    expect(restarted.policy.statistics.current()).toEqual(runtime.policy.statistics.current());
    await restarted.close();
  });
});
