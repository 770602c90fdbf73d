/** The `strategies` query: what is registered and what each serves. */
import type { RegisteredStrategy } from '../strategies/registry.js';
import type { LiveModel } from '../models/live-models.js';
import { builder } from './builder.js';
import { scope } from '../auth/scopes.js';

interface StrategyShape {
  readonly entry: RegisteredStrategy;
  readonly live: LiveModel | undefined;
  readonly serving: boolean;
}

const StrategyStatus = builder.enumType('StrategyStatus', {
  values: {
    SERVING: { description: 'Has a loaded model and serves: an arm of the meta-policy, or the fixed serving strategy when the meta-policy is off.' },
    READY: { description: 'Has a loaded model.' },
    UNTRAINED: { description: 'Registered, no model loaded yet: requests fall back to popularity.' },
  } as const,
});

const Metric = builder.objectRef<{ name: string; value: number }>('Metric').implement({
  fields: (t) => ({ name: t.exposeString('name'), value: t.exposeFloat('value') }),
});

const StrategyRef = builder.objectRef<StrategyShape>('Strategy').implement({
  fields: (t) => ({
    name: t.string({ resolve: (s) => s.entry.definition.name }),
    version: t.string({ description: "The strategy code's version.", resolve: (s) => s.entry.definition.version }),
    description: t.string({ resolve: (s) => s.entry.definition.description }),
    source: t.string({
      description: '"built-in", or "plugin:<name>".',
      resolve: (s) => (s.entry.source.kind === 'builtin' ? 'built-in' : `plugin:${s.entry.source.plugin}`),
    }),
    status: t.field({ type: StrategyStatus, resolve: (s) => (!s.live ? 'UNTRAINED' : s.serving ? 'SERVING' : 'READY') }),
    params: t.field({ type: 'JSON', resolve: (s) => s.entry.params }),
    modelVersion: t.string({ nullable: true, resolve: (s) => s.live?.version ?? null }),
    trainedAt: t.field({ type: 'DateTime', nullable: true, resolve: (s) => s.live?.trainedAt ?? null }),
    metrics: t.field({
      type: [Metric],
      resolve: (s) => Object.entries(s.live?.metrics ?? {}).map(([name, value]) => ({ name, value })),
    }),
  }),
});

builder.queryField('strategies', (t) =>
  t.field({
    ...scope('admin'),
    type: [StrategyRef],
    description: 'Registered strategies with their status and loaded model.',
    resolve: (_root, _args, ctx) => {
      const { registry, models, servingPolicy } = ctx.services;
      const serving = new Set(servingPolicy.servingArms(models.list().map((m) => m.strategy)));
      return registry.list().map((entry) => {
        const live = models.get(entry.definition.name);
        return { entry, live, serving: serving.has(entry.definition.name) };
      });
    },
  }),
);
