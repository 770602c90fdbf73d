import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestGateway, errorCode, type TestGateway } from '../support/test-gateway.js';

const POLICY = '{ metaPolicy { floor configuredFloor statistics features arms { strategy eligible pulls } } }';

describe('meta-policy admin API', () => {
  let on: TestGateway;
  let off: TestGateway;
  beforeAll(async () => {
    [on, off] = await Promise.all([createTestGateway('sqlite'), createTestGateway('sqlite', { RECGATE_META_POLICY: 'off' })]);
  });
  afterAll(async () => {
    await on?.close();
    await off?.close();
  });

  it('shows the policy to admins only', async () => {
    const r = await on.gql(POLICY);
    expect(r.errors).toBeUndefined();
    expect(r.data!.metaPolicy).toMatchObject({ floor: 0.02, configuredFloor: 0.02, statistics: 'in-process' });
    expect(r.data!.metaPolicy.features).toEqual(['interactions', 'recency', 'new-user', 'surface', 'hour']);
    expect(r.data!.metaPolicy.arms).toContainEqual({ strategy: 'popularity', eligible: true, pulls: 0 });
    expect(errorCode(await on.gql(POLICY, {}, on.clientKey))).toBe('RG_ERR_FORBIDDEN');
  });

  it('changes the floor, rejects a bad one unchanged, and restores the configured one', async () => {
    const set = await on.gql('mutation { setMetaPolicyFloor(floor: 0.2) { floor configuredFloor } }');
    expect(set.data!.setMetaPolicyFloor).toEqual({ floor: 0.2, configuredFloor: 0.02 });
    expect(errorCode(await on.gql('mutation { setMetaPolicyFloor(floor: 1.5) { floor } }'))).toBe('RG_ERR_INVALID_INPUT');
    expect((await on.gql('{ metaPolicy { floor } }')).data!.metaPolicy.floor).toBe(0.2);
    const back = await on.gql('mutation { setMetaPolicyFloor(floor: null) { floor } }');
    expect(back.data!.setMetaPolicyFloor.floor).toBe(0.02);
    // Every change is snapshotted, so a restart keeps it.
    expect(await on.database.db.prisma.policySnapshot.count()).toBeGreaterThanOrEqual(2);
  });

  it('resets the statistics', async () => {
    const policy = on.gateway.services.metaPolicy!.policy;
    await policy.reward('popularity', { interactions: '0' }, 1, true);
    expect((await on.gql(POLICY)).data!.metaPolicy.arms.find((a: { strategy: string }) => a.strategy === 'popularity').pulls).toBe(1);
    const reset = await on.gql('mutation { resetMetaPolicyStatistics { arms { strategy pulls } } }');
    expect(reset.data!.resetMetaPolicyStatistics.arms.find((a: { strategy: string }) => a.strategy === 'popularity').pulls).toBe(0);
  });

  it('with RECGATE_META_POLICY=off serves the fixed strategy and says the policy is off', async () => {
    expect((await off.gql(POLICY)).data!.metaPolicy).toBeNull();
    expect(errorCode(await off.gql('mutation { resetMetaPolicyStatistics { floor } }'))).toBe('RG_ERR_META_POLICY_OFF');
    const slate = await off.gql('{ recommendations(userId: "u") { impressionId strategy propensity } }');
    expect(slate.data!.recommendations).toMatchObject({ strategy: 'popularity', propensity: 1 });
    await off.gateway.services.impressions.flush();
    const row = await off.database.db.prisma.impression.findUniqueOrThrow({ where: { id: slate.data!.recommendations.impressionId } });
    expect(row.variant).toBeNull();
    expect(row.features).toBeNull();
  });
});
