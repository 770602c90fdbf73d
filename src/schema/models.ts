/** Model versions: `modelVersions`, `promoteModel`, `rollbackModel` (all admin). */
import { MODEL_STATUSES, type ModelVersionSummary } from '../models/model-version.js';
import { builder } from './builder.js';
import { scope } from '../auth/scopes.js';

const ModelStatusEnum = builder.enumType('ModelStatus', {
  values: Object.fromEntries(MODEL_STATUSES.map((s) => [s.toUpperCase(), { value: s }])) as Record<
    Uppercase<(typeof MODEL_STATUSES)[number]>,
    { value: (typeof MODEL_STATUSES)[number] }
  >,
});

const ModelVersionRef = builder.objectRef<ModelVersionSummary>('ModelVersion').implement({
  description: 'A stored, trained model of one strategy.',
  fields: (t) => ({
    id: t.exposeID('id'),
    strategy: t.exposeString('strategy'),
    strategyVersion: t.exposeString('strategyVersion'),
    status: t.field({ type: ModelStatusEnum, resolve: (v) => v.status }),
    metrics: t.field({
      type: 'JSON',
      description: 'Training metrics and the held-out ones promotion compares (heldOutNdcgAt10, ...).',
      resolve: (v) => v.metrics,
    }),
    params: t.field({ type: 'JSON', resolve: (v) => v.params }),
    dataFingerprint: t.exposeString('dataFingerprint'),
    backend: t.exposeString('backend', { description: 'TensorFlow.js backend it was trained on.' }),
    durationMs: t.exposeInt('durationMs'),
    trainedAt: t.expose('trainedAt', { type: 'DateTime' }),
    promotedAt: t.expose('promotedAt', { type: 'DateTime', nullable: true }),
    retiredAt: t.expose('retiredAt', { type: 'DateTime', nullable: true }),
  }),
});

builder.queryField('modelVersions', (t) =>
  t.field({
    ...scope('admin'),
    type: [ModelVersionRef],
    description: 'Stored model versions, newest first. Scope: admin.',
    args: {
      strategy: t.arg.string({ required: false }),
      status: t.arg({ type: ModelStatusEnum, required: false }),
      limit: t.arg.int({ required: false, description: '@default 50 (max 500)' }),
    },
    resolve: (_root, args, ctx) =>
      ctx.services.modelStore.list({
        strategy: args.strategy ?? undefined,
        status: args.status ?? undefined,
        limit: Math.min(500, Math.max(1, args.limit ?? 50)),
      }),
  }),
);

builder.mutationField('promoteModel', (t) =>
  t.field({
    ...scope('admin'),
    type: ModelVersionRef,
    description: 'Makes a version live whatever its metrics; every gateway switches to it. Scope: admin.',
    args: { id: t.arg.id({ required: true }) },
    resolve: async (_root, args, ctx) => {
      const promoted = await ctx.services.modelStore.promote(String(args.id));
      await ctx.services.modelReloader.announce(promoted.strategy, promoted.id);
      return promoted;
    },
  }),
);

builder.mutationField('rollbackModel', (t) =>
  t.field({
    ...scope('admin'),
    type: ModelVersionRef,
    description: 'Returns a strategy to its previous live version (the current one becomes a candidate). Scope: admin.',
    args: { strategy: t.arg.string({ required: true }) },
    resolve: async (_root, args, ctx) => {
      ctx.services.registry.get(args.strategy);
      const live = await ctx.services.modelStore.rollback(args.strategy);
      await ctx.services.modelReloader.announce(live.strategy, live.id);
      return live;
    },
  }),
);
