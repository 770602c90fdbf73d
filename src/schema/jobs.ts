/**
 * Jobs: `trainStrategy`, `jobs`, `job(id)` and the `jobProgress(id)` subscription (server-
 * sent events). All admin. Backed by BullMQ with REDIS_URL, by the gateway itself without.
 */
import type { GraphQLResolveInfo } from 'graphql';
import { rootFieldScopes, scope } from '../auth/scopes.js';
import { scopeError } from '../auth/scope-check.js';
import { rgError } from '../errors.js';
import { parseStrategyParams } from '../strategies/params.js';
import { searchSpaceOf } from '../strategies/search-space.js';
import { JOB_QUEUES } from '../jobs/job-definitions.js';
import { JOB_STATES, jobUpdates, type JobView } from '../jobs/job-service.js';
import type { ScheduleView } from '../jobs/train-schedules.js';
import type { GraphQLContext } from './context.js';
import { builder } from './builder.js';

const JobQueueEnum = builder.enumType('JobQueue', {
  values: Object.fromEntries(JOB_QUEUES.map((q) => [q.toUpperCase(), { value: q }])) as Record<
    Uppercase<(typeof JOB_QUEUES)[number]>,
    { value: (typeof JOB_QUEUES)[number] }
  >,
});

const JobStateEnum = builder.enumType('JobState', {
  values: Object.fromEntries(JOB_STATES.map((s) => [s.toUpperCase(), { value: s }])) as Record<
    Uppercase<(typeof JOB_STATES)[number]>,
    { value: (typeof JOB_STATES)[number] }
  >,
});

const JobProgressRef = builder.objectRef<{ phase: string; percent: number }>('JobProgress').implement({
  fields: (t) => ({
    phase: t.exposeString('phase', { description: 'What the job is doing, e.g. "held-out evaluation", "training: fitting".' }),
    percent: t.exposeFloat('percent', { description: '0..100 of the whole job.' }),
  }),
});

const JobRef = builder.objectRef<JobView>('Job').implement({
  description: 'A train, adapt or evaluate job.',
  fields: (t) => ({
    id: t.exposeID('id'),
    queue: t.field({ type: JobQueueEnum, resolve: (j) => j.queue }),
    state: t.field({ type: JobStateEnum, resolve: (j) => j.state }),
    progress: t.field({ type: JobProgressRef, nullable: true, resolve: (j) => j.progress }),
    data: t.field({ type: 'JSON', description: 'The validated payload.', resolve: (j) => j.data }),
    result: t.field({
      type: 'JSON',
      nullable: true,
      description: 'What the job returned (for train: outcome, version, metrics, backend).',
      resolve: (j) => j.result ?? null,
    }),
    failedReason: t.exposeString('failedReason', { nullable: true }),
    attemptsMade: t.exposeInt('attemptsMade'),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
    finishedAt: t.expose('finishedAt', { type: 'DateTime', nullable: true }),
  }),
});

builder.mutationField('trainStrategy', (t) =>
  t.field({
    ...scope('admin'),
    type: JobRef,
    description:
      'Queues a train job. The new version is promoted only if it beats the live one on the held-out metric; unchanged data is skipped unless force. Scope: admin.',
    args: {
      name: t.arg.string({ required: true }),
      params: t.arg({ type: 'JSON', required: false, description: 'Params for this run; absent: the configured ones.' }),
      force: t.arg.boolean({ required: false, description: 'Train even if the data is unchanged. @default false' }),
      searchBudgetSeconds: t.arg.int({
        required: false,
        description: 'Search the params first (model search, docs/model-search.md) for at most this many seconds; 0 = no search. @default RECGATE_TRAIN_SEARCH',
      }),
    },
    resolve: (_root, args, ctx) => {
      // An unknown name, bad params or a strategy that cannot be searched fail here, at the edge, not later in a worker.
      const entry = ctx.services.registry.get(args.name);
      if (args.params !== null && args.params !== undefined) parseStrategyParams(entry.definition, args.params);
      const budget = args.searchBudgetSeconds;
      if (budget !== null && budget !== undefined && budget > 0) searchSpaceOf(entry.definition);
      return ctx.services.jobs.enqueue('train', {
        strategy: args.name,
        ...(args.params !== null && args.params !== undefined ? { params: args.params as Record<string, unknown> } : {}),
        force: args.force ?? false,
        ...(budget === null || budget === undefined ? {} : { search: budget === 0 ? false : { budgetSeconds: budget } }),
      });
    },
  }),
);

builder.queryField('jobs', (t) =>
  t.field({
    ...scope('admin'),
    type: [JobRef],
    description: 'Recent jobs, newest first. Scope: admin.',
    args: {
      state: t.arg({ type: JobStateEnum, required: false }),
      queue: t.arg({ type: JobQueueEnum, required: false }),
      limit: t.arg.int({ required: false, description: '@default 50 (max 500)' }),
    },
    resolve: (_root, args, ctx) =>
      ctx.services.jobs.list({ state: args.state ?? undefined, queue: args.queue ?? undefined, limit: Math.min(500, Math.max(1, args.limit ?? 50)) }),
  }),
);

const TrainScheduleRef = builder.objectRef<ScheduleView>('TrainSchedule').implement({
  description: 'A strategy retrained on a schedule (RECGATE_TRAIN_SCHEDULE), as registered by the workers.',
  fields: (t) => ({
    strategy: t.exposeString('strategy'),
    pattern: t.exposeString('pattern', { nullable: true, description: 'The cron pattern; null for an interval.' }),
    everyMs: t.exposeFloat('everyMs', { nullable: true, description: 'The interval, ms; null for a cron pattern.' }),
    next: t.expose('next', { type: 'DateTime', nullable: true, description: 'When the next train job is due.' }),
  }),
});

builder.queryField('trainSchedules', (t) =>
  t.field({
    ...scope('admin'),
    type: [TrainScheduleRef],
    description: 'Scheduled retraining as the workers registered it. Needs Redis (RG_ERR_REDIS_REQUIRED without). Scope: admin.',
    resolve: (_root, _args, ctx) => ctx.services.jobs.schedules(),
  }),
);

builder.queryField('job', (t) =>
  t.field({
    ...scope('admin'),
    type: JobRef,
    nullable: true,
    description: 'One job with its progress. Scope: admin.',
    args: { id: t.arg.id({ required: true }) },
    resolve: (_root, args, ctx) => ctx.services.jobs.get(String(args.id)),
  }),
);

builder.mutationField('cancelJob', (t) =>
  t.boolean({
    ...scope('admin'),
    description:
      'Cancels a job: a waiting one is removed, a running one aborted between steps (nothing is stored). False when it had finished or does not exist. Scope: admin.',
    args: { id: t.arg.id({ required: true }) },
    resolve: (_root, args, ctx) => ctx.services.jobs.cancel(String(args.id)),
  }),
);

/** Subscriptions do not pass the execute-time scope check, so they check the scope they declare. */
function requireDeclaredScope(ctx: GraphQLContext, info: GraphQLResolveInfo): void {
  const denied = scopeError(rootFieldScopes(info.schema), [info.fieldName], ctx.apiKey);
  if (denied) throw denied;
}

builder.subscriptionType({});

builder.subscriptionField('jobProgress', (t) =>
  t.field({
    ...scope('admin'),
    type: JobRef,
    description: 'The job each time its state or progress changes, until it finishes (server-sent events). Scope: admin.',
    args: { id: t.arg.id({ required: true }) },
    subscribe: async (_root, args, ctx, info) => {
      requireDeclaredScope(ctx, info);
      const id = String(args.id);
      if (!(await ctx.services.jobs.get(id))) throw rgError('RG_ERR_JOB_UNKNOWN', { id });
      return jobUpdates(ctx.services.jobs, id);
    },
    resolve: (job) => job,
  }),
);
