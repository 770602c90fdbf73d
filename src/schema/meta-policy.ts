/** The meta-policy's admin API: `metaPolicy`, `setMetaPolicyFloor`, `resetMetaPolicyStatistics`. */
import { z } from 'zod';
import { rgError } from '../errors.js';
import type { MetaPolicyRuntime } from '../policy/meta-policy-runtime.js';
import type { BreakerState } from '../policy/circuit-breaker.js';
import { policySegments } from '../policy/policy-segments.js';
import { meanRewardOf, pullsOf, EMPTY_ARM } from '../policy/sufficient-statistics.js';
import { parseInput } from '../serving/validation.js';
import type { GatewayServices } from './gateway-services.js';
import { builder } from './builder.js';
import { scope } from '../auth/scopes.js';

interface ArmShape {
  readonly strategy: string;
  readonly eligible: boolean;
  readonly pulls: number;
  readonly meanReward: number | null;
  readonly lastUpdate: Date | null;
  readonly breaker: BreakerState;
}

interface SegmentShape {
  readonly name: string;
  readonly probabilities: ReadonlyArray<{ strategy: string; probability: number }>;
}

interface MetaPolicyShape {
  readonly runtime: MetaPolicyRuntime;
  readonly arms: readonly ArmShape[];
  readonly segments: readonly SegmentShape[];
}

function describe(services: GatewayServices): MetaPolicyShape {
  const runtime = services.metaPolicy;
  if (!runtime) throw rgError('RG_ERR_META_POLICY_OFF', { operation: 'this operation' });
  const { policy } = runtime;
  const loaded = services.models.list().map((m) => m.strategy);
  const stats = policy.statistics.current();
  const arms = services.registry.names().map((strategy): ArmShape => {
    const s = stats.arms[strategy] ?? EMPTY_ARM;
    return {
      strategy,
      eligible: loaded.includes(strategy) && policy.breaker.allows(strategy),
      pulls: pullsOf(s),
      meanReward: meanRewardOf(s),
      lastUpdate: s.updatedAt === null ? null : new Date(s.updatedAt),
      breaker: policy.breaker.state(strategy),
    };
  });
  const segments = policySegments(policy.config.features).map((name) => ({
    name,
    probabilities: [...(policy.segments.get(name) ?? [])].map(([strategy, probability]) => ({ strategy, probability })),
  }));
  return { runtime, arms, segments };
}

const BreakerStatusEnum = builder.enumType('CircuitBreakerStatus', {
  values: {
    CLOSED: { description: 'The arm serves normally.' },
    OPEN: { description: 'Failed repeatedly: out of rotation until openUntil.' },
    HALF_OPEN: { description: 'Back in rotation on probation: one failure reopens it.' },
  } as const,
});

const BreakerRef = builder.objectRef<BreakerState>('CircuitBreaker').implement({
  fields: (t) => ({
    status: t.field({ type: BreakerStatusEnum, resolve: (b) => (b.status === 'half-open' ? 'HALF_OPEN' : b.status === 'open' ? 'OPEN' : 'CLOSED') }),
    consecutiveFailures: t.exposeInt('consecutiveFailures'),
    openUntil: t.field({ type: 'DateTime', nullable: true, resolve: (b) => (b.openUntil === null ? null : new Date(b.openUntil)) }),
    lastFailure: t.exposeString('lastFailure', { nullable: true }),
  }),
});

const ArmRef = builder.objectRef<ArmShape>('MetaPolicyArm').implement({
  description: 'One strategy as an arm of the meta-policy.',
  fields: (t) => ({
    strategy: t.exposeString('strategy'),
    eligible: t.exposeBoolean('eligible', { description: 'Has a loaded model and a closed (or half-open) breaker.' }),
    pulls: t.exposeInt('pulls', { description: 'Impressions of this arm whose reward counted.' }),
    meanReward: t.exposeFloat('meanReward', { nullable: true }),
    lastUpdate: t.expose('lastUpdate', { type: 'DateTime', nullable: true }),
    breaker: t.field({ type: BreakerRef, resolve: (a) => a.breaker }),
  }),
});

const ArmProbabilityRef = builder.objectRef<{ strategy: string; probability: number }>('ArmProbability').implement({
  fields: (t) => ({ strategy: t.exposeString('strategy'), probability: t.exposeFloat('probability') }),
});

const SegmentRef = builder.objectRef<SegmentShape>('MetaPolicySegment').implement({
  description: 'A user segment (interaction-count bucket) and the probability of each arm in it.',
  fields: (t) => ({
    name: t.exposeString('name'),
    probabilities: t.field({
      type: [ArmProbabilityRef],
      description: "Mean distribution of this gateway's recent requests in the segment (moving average over about 50); empty before the first.",
      resolve: (s) => [...s.probabilities],
    }),
  }),
});

const MetaPolicyRef = builder.objectRef<MetaPolicyShape>('MetaPolicy').implement({
  description: 'The contextual bandit (LinUCB scores, floored softmax) choosing the strategy per request.',
  fields: (t) => ({
    floor: t.float({ description: 'Lowest probability of every eligible arm now.', resolve: (m) => m.runtime.policy.floor }),
    configuredFloor: t.float({ resolve: (m) => m.runtime.policy.config.floor }),
    temperature: t.float({ resolve: (m) => m.runtime.policy.config.temperature }),
    alpha: t.float({ resolve: (m) => m.runtime.policy.config.alpha }),
    priorPulls: t.float({
      description: 'Pseudo-pulls at the pooled mean each arm starts with (RECGATE_META_POLICY_PRIOR_PULLS).',
      resolve: (m) => m.runtime.policy.config.priorPulls,
    }),
    features: t.stringList({ resolve: (m) => [...m.runtime.policy.config.features] }),
    statistics: t.string({ description: '"in-process" or "redis".', resolve: (m) => m.runtime.policy.statistics.kind }),
    arms: t.field({ type: [ArmRef], resolve: (m) => [...m.arms] }),
    segments: t.field({ type: [SegmentRef], resolve: (m) => [...m.segments] }),
  }),
});

builder.queryField('metaPolicy', (t) =>
  t.field({
    ...scope('admin'),
    type: MetaPolicyRef,
    nullable: true,
    description: 'The meta-policy: arms, per-segment probabilities, pulls, rewards, breakers. Null when it is off. Scope: admin.',
    resolve: (_root, _args, ctx) => (ctx.services.metaPolicy ? describe(ctx.services) : null),
  }),
);

const floorInput = z.number().min(0).max(1).nullable();

builder.mutationField('setMetaPolicyFloor', (t) =>
  t.field({
    ...scope('admin'),
    type: MetaPolicyRef,
    description: 'Sets the exploration floor (0 to 1) for every gateway; null restores RECGATE_META_POLICY_FLOOR. Scope: admin.',
    args: { floor: t.arg.float({ required: false }) },
    resolve: async (_root, args, ctx) => {
      const floor = parseInput(floorInput, args.floor ?? null, 'floor');
      const runtime = ctx.services.metaPolicy;
      if (!runtime) throw rgError('RG_ERR_META_POLICY_OFF', { operation: 'setMetaPolicyFloor' });
      await runtime.setFloor(floor);
      return describe(ctx.services);
    },
  }),
);

builder.mutationField('resetMetaPolicyStatistics', (t) =>
  t.field({
    ...scope('admin'),
    type: MetaPolicyRef,
    description: 'Forgets every arm statistic (pulls, rewards, LinUCB sums) for every gateway. Scope: admin.',
    resolve: async (_root, _args, ctx) => {
      const runtime = ctx.services.metaPolicy;
      if (!runtime) throw rgError('RG_ERR_META_POLICY_OFF', { operation: 'resetMetaPolicyStatistics' });
      await runtime.reset();
      return describe(ctx.services);
    },
  }),
);
