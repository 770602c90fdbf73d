/**
 * A/B experiments' admin API: `experiments`, `experiment(key) { variants results srm audit }`
 * and the lifecycle mutations. Specs and changes are JSON validated by src/experiments/spec.ts
 * (the same format `recgate experiments create --file` reads).
 */
import { z } from 'zod';
import { EXPERIMENT_STATUSES, type ExperimentRecord } from '../experiments/experiment-record.js';
import type { AuditEntry } from '../experiments/experiment-service.js';
import type { PhaseResults } from '../experiments/experiment-results.js';
import type { MetricResult, MetricVariantResult, VariantComparison, VariantTotals } from '../experiments/results.js';
import type { Interval, SrmCheck } from '../experiments/statistics/index.js';
import type { VariantSpec } from '../experiments/spec.js';
import { experimentPreview, type ExperimentPreview, type PreviewEstimate, type VariantPreview } from '../experiments/preview.js';
import { parseInput } from '../serving/validation.js';
import type { GraphQLContext } from './context.js';
import { builder } from './builder.js';
import { scope } from '../auth/scopes.js';

/** NaN (no users, no denominator) and infinities are unknown values: null in the API. */
const finite = (x: number): number | null => (Number.isFinite(x) ? x : null);

const ExperimentStatusEnum = builder.enumType('ExperimentStatus', { values: EXPERIMENT_STATUSES });

const IntervalRef = builder.objectRef<Interval>('Interval').implement({
  description: 'A two-sided interval; bounds are null when they cannot be computed (too few users).',
  fields: (t) => ({
    lower: t.float({ nullable: true, resolve: (i) => finite(i[0]) }),
    upper: t.float({ nullable: true, resolve: (i) => finite(i[1]) }),
  }),
});

const VariantRef = builder.objectRef<VariantSpec & { isControl: boolean }>('ExperimentVariant').implement({
  fields: (t) => ({
    key: t.exposeString('key'),
    weight: t.exposeFloat('weight'),
    isControl: t.exposeBoolean('isControl'),
    serving: t.field({ type: 'JSON', description: 'What serves it: { kind: strategy | model-version | meta-policy, ... }.', resolve: (v) => v.serving }),
  }),
});

const NamespaceRef = builder.objectRef<{ name: string; range: readonly [number, number] }>('ExperimentNamespace').implement({
  fields: (t) => ({
    name: t.exposeString('name'),
    start: t.float({ resolve: (n) => n.range[0] }),
    end: t.float({ resolve: (n) => n.range[1] }),
  }),
});

const AuditRef = builder.objectRef<AuditEntry>('ExperimentAuditEntry').implement({
  fields: (t) => ({
    action: t.exposeString('action', { description: 'create, update, new-phase, start, pause, stop, archive.' }),
    actor: t.exposeString('actor', { description: 'Label of the API key (or CLI user) that made the change.' }),
    changes: t.field({ type: 'JSON', resolve: (a) => a.changes }),
    at: t.expose('at', { type: 'DateTime' }),
  }),
});

const SrmRef = builder.objectRef<SrmCheck>('SampleRatioCheck').implement({
  description: 'Chi-square test of exposed users per variant against the weights; flagged below p = 0.001.',
  fields: (t) => ({
    chiSquare: t.exposeFloat('chiSquare'),
    degreesOfFreedom: t.exposeInt('degreesOfFreedom'),
    pValue: t.exposeFloat('pValue'),
    flagged: t.exposeBoolean('flagged', { description: 'True: the split is broken; do not trust the other numbers.' }),
    observed: t.floatList({ resolve: (s) => [...s.observed] }),
    expected: t.floatList({ resolve: (s) => [...s.expected] }),
  }),
});

const TotalsRef = builder.objectRef<VariantTotals>('ExperimentVariantTotals').implement({
  fields: (t) => ({
    variant: t.exposeString('variant'),
    weight: t.exposeFloat('weight'),
    isControl: t.exposeBoolean('isControl'),
    users: t.exposeInt('users', { description: 'Users exposed (served at least one slate of the variant).' }),
    impressions: t.exposeInt('impressions'),
    clicks: t.exposeInt('clicks'),
    reward: t.exposeFloat('reward'),
    conversions: t.exposeInt('conversions'),
  }),
});

const SequentialRef = builder.objectRef<VariantComparison['sequential']>('SequentialComparison').implement({
  description: 'Always-valid confidence sequence (asymptotic, Waudby-Smith et al.): safe to look at every day.',
  fields: (t) => ({
    differenceInterval: t.field({ type: IntervalRef, resolve: (s) => s.differenceInterval }),
    liftInterval: t.field({ type: IntervalRef, resolve: (s) => s.liftInterval }),
    pValue: t.float({ nullable: true, resolve: (s) => finite(s.pValue) }),
    significant: t.exposeBoolean('significant'),
  }),
});

const BayesianRef = builder.objectRef<VariantComparison['bayesian']>('BayesianComparison').implement({
  description: 'Normal approximation with a flat prior.',
  fields: (t) => ({
    chanceToBeatControl: t.float({ nullable: true, resolve: (b) => finite(b.chanceToBeatControl) }),
    liftCredibleInterval: t.field({ type: IntervalRef, resolve: (b) => b.liftCredibleInterval }),
    risk: t.float({ nullable: true, description: 'Expected loss of choosing this variant, in metric units.', resolve: (b) => finite(b.risk) }),
  }),
});

const ComparisonRef = builder.objectRef<VariantComparison>('VariantComparison').implement({
  description: 'This variant against the control.',
  fields: (t) => ({
    difference: t.float({ nullable: true, resolve: (c) => finite(c.difference) }),
    differenceInterval: t.field({ type: IntervalRef, resolve: (c) => c.differenceInterval }),
    lift: t.float({ nullable: true, description: 'Relative lift (0.05 = +5%).', resolve: (c) => finite(c.lift) }),
    liftInterval: t.field({ type: IntervalRef, resolve: (c) => c.liftInterval }),
    pValue: t.float({ nullable: true, resolve: (c) => finite(c.pValue) }),
    adjustedPValue: t.float({ nullable: true, description: 'Holm-adjusted across the variants.', resolve: (c) => finite(c.adjustedPValue) }),
    significant: t.exposeBoolean('significant', { description: 'Fixed-horizon: adjusted p-value below alpha.' }),
    sequential: t.field({ type: SequentialRef, resolve: (c) => c.sequential }),
    bayesian: t.field({ type: BayesianRef, resolve: (c) => c.bayesian }),
  }),
});

const MetricVariantRef = builder.objectRef<MetricVariantResult>('MetricVariantResult').implement({
  fields: (t) => ({
    variant: t.exposeString('variant'),
    value: t.float({ nullable: true, resolve: (v) => finite(v.value) }),
    standardError: t.float({ nullable: true, resolve: (v) => finite(v.standardError) }),
    comparison: t.field({ type: ComparisonRef, nullable: true, description: 'Null for the control.', resolve: (v) => v.comparison }),
  }),
});

const MetricResultRef = builder.objectRef<MetricResult>('ExperimentMetricResult').implement({
  fields: (t) => ({
    metric: t.exposeString('metric'),
    role: t.exposeString('role', { description: 'primary, guardrail or secondary.' }),
    cuped: t.exposeBoolean('cuped', { description: 'Adjusted with the pre-exposure reward.' }),
    variants: t.field({ type: [MetricVariantRef], resolve: (m) => [...m.variants] }),
    violations: t.stringList({ description: 'Guardrails: variants significantly worse than the control.', resolve: (m) => [...m.violations] }),
  }),
});

const ResultsRef = builder.objectRef<PhaseResults>('ExperimentResults').implement({
  fields: (t) => ({
    phase: t.exposeInt('phase'),
    phaseStartedAt: t.expose('phaseStartedAt', { type: 'DateTime', nullable: true }),
    computedAt: t.expose('computedAt', { type: 'DateTime' }),
    alpha: t.exposeFloat('alpha'),
    totals: t.field({ type: [TotalsRef], resolve: (r) => [...r.totals] }),
    srm: t.field({ type: SrmRef, resolve: (r) => r.srm }),
    metrics: t.field({ type: [MetricResultRef], resolve: (r) => [...r.metrics] }),
  }),
});

// One results computation per experiment object and request, shared by `results` and `srm`.
const defaultResults = new WeakMap<ExperimentRecord, Promise<PhaseResults>>();
function resultsOf(e: ExperimentRecord, ctx: GraphQLContext): Promise<PhaseResults> {
  let pending = defaultResults.get(e);
  if (!pending) {
    pending = ctx.services.experiments.results(e.spec.key);
    defaultResults.set(e, pending);
  }
  return pending;
}

const resultsArgs = z.object({ alpha: z.number().gt(0).lt(0.5), cuped: z.boolean(), phase: z.number().int().min(1).optional() });

const ExperimentRef = builder.objectRef<ExperimentRecord>('Experiment').implement({
  description: 'An A/B experiment: who gets which variant on which surfaces, and its results.',
  fields: (t) => ({
    key: t.string({ resolve: (e) => e.spec.key }),
    name: t.string({ resolve: (e) => e.spec.name }),
    hypothesis: t.string({ resolve: (e) => e.spec.hypothesis }),
    status: t.field({ type: ExperimentStatusEnum, resolve: (e) => e.status }),
    archived: t.boolean({ resolve: (e) => e.archivedAt !== null }),
    surfaces: t.stringList({ resolve: (e) => [...e.spec.surfaces] }),
    coverage: t.float({ resolve: (e) => e.spec.coverage }),
    seed: t.string({ description: 'Hashing seed (GrowthBook hash v2); the key unless set.', resolve: (e) => e.spec.seed ?? e.spec.key }),
    namespace: t.field({ type: NamespaceRef, nullable: true, resolve: (e) => e.spec.namespace }),
    control: t.string({ resolve: (e) => e.spec.control }),
    variants: t.field({ type: [VariantRef], resolve: (e) => e.spec.variants.map((v) => ({ ...v, isControl: v.key === e.spec.control })) }),
    primaryMetric: t.string({ resolve: (e) => e.spec.primaryMetric }),
    guardrailMetrics: t.stringList({ resolve: (e) => [...e.spec.guardrailMetrics] }),
    conversionType: t.string({ resolve: (e) => e.spec.conversionType }),
    forcedVariants: t.field({ type: 'JSON', resolve: (e) => e.spec.forcedVariants }),
    phase: t.int({ resolve: (e) => e.phase }),
    phaseStartedAt: t.field({ type: 'DateTime', nullable: true, resolve: (e) => e.phaseStartedAt }),
    startedAt: t.field({ type: 'DateTime', nullable: true, resolve: (e) => e.startedAt }),
    stoppedAt: t.field({ type: 'DateTime', nullable: true, resolve: (e) => e.stoppedAt }),
    createdAt: t.field({ type: 'DateTime', resolve: (e) => e.createdAt }),
    updatedAt: t.field({ type: 'DateTime', resolve: (e) => e.updatedAt }),
    results: t.field({
      type: ResultsRef,
      description: 'Metrics per variant with the user as the unit, each variant against the control. Defaults: alpha 0.05, no CUPED, the current phase.',
      args: {
        alpha: t.arg.float({ defaultValue: 0.05 }),
        cuped: t.arg.boolean({ defaultValue: false, description: "Adjust per-user metrics with each user's reward before the phase (CUPED)." }),
        phase: t.arg.int({ required: false }),
      },
      resolve: (e, args, ctx) => {
        const options = parseInput(resultsArgs, { alpha: args.alpha ?? 0.05, cuped: args.cuped ?? false, phase: args.phase ?? undefined }, 'results');
        if (options.alpha === 0.05 && !options.cuped && options.phase === undefined) return resultsOf(e, ctx);
        return ctx.services.experiments.results(e.spec.key, options);
      },
    }),
    srm: t.field({
      type: SrmRef,
      description: 'The sample-ratio check of the current phase.',
      resolve: async (e, _args, ctx) => (await resultsOf(e, ctx)).srm,
    }),
    audit: t.field({ type: [AuditRef], resolve: (e, _args, ctx) => ctx.services.experiments.service.audit(e.spec.key) }),
  }),
});

builder.queryField('experiments', (t) =>
  t.field({
    ...scope('admin'),
    type: [ExperimentRef],
    description: 'Experiments, oldest first; archived ones only with includeArchived. Scope: admin.',
    args: { status: t.arg({ type: ExperimentStatusEnum, required: false }), includeArchived: t.arg.boolean({ defaultValue: false }) },
    resolve: (_root, args, ctx) => ctx.services.experiments.service.list({ status: args.status ?? undefined, includeArchived: args.includeArchived ?? false }),
  }),
);

builder.queryField('experiment', (t) =>
  t.field({
    ...scope('admin'),
    type: ExperimentRef,
    nullable: true,
    description: 'One experiment by key, or null. Scope: admin.',
    args: { key: t.arg.string({ required: true }) },
    resolve: (_root, args, ctx) => ctx.services.experiments.service.find(args.key),
  }),
);

const actor = (ctx: GraphQLContext): string => ctx.apiKey?.label ?? 'unknown';

builder.mutationField('createExperiment', (t) =>
  t.field({
    ...scope('admin'),
    type: ExperimentRef,
    description: 'Creates a DRAFT experiment from a spec (see docs/experiments.md). Scope: admin.',
    args: { spec: t.arg({ type: 'JSON', required: true }) },
    resolve: (_root, args, ctx) => ctx.services.experiments.service.create(args.spec, actor(ctx)),
  }),
);

builder.mutationField('updateExperiment', (t) =>
  t.field({
    ...scope('admin'),
    type: ExperimentRef,
    description:
      'Changes fields of an experiment. While it runs or is paused, a change of variants, weights, coverage, surfaces, namespace, seed or control needs newPhase: true (results restart from the new phase). Scope: admin.',
    args: { key: t.arg.string({ required: true }), changes: t.arg({ type: 'JSON', required: true }), newPhase: t.arg.boolean({ defaultValue: false }) },
    resolve: (_root, args, ctx) => ctx.services.experiments.service.update(args.key, args.changes, { newPhase: args.newPhase ?? false }, actor(ctx)),
  }),
);

const lifecycle = [
  [
    'startExperiment',
    'start',
    'Starts a draft or resumes a paused experiment (refused for a stopped one, or when another active experiment holds its surfaces or namespace range). Scope: admin.',
  ],
  ['pauseExperiment', 'pause', 'Pauses a running experiment: no new exposures; the users seen so far stay in the results. Scope: admin.'],
  ['stopExperiment', 'stop', 'Stops a running or paused experiment for good. Scope: admin.'],
  ['archiveExperiment', 'archive', 'Hides a draft or stopped experiment from `experiments` (unless includeArchived). Scope: admin.'],
] as const;

for (const [field, action, description] of lifecycle) {
  builder.mutationField(field, (t) =>
    t.field({
      ...scope('admin'),
      type: ExperimentRef,
      description,
      args: { key: t.arg.string({ required: true }) },
      resolve: (_root, args, ctx) => ctx.services.experiments.service[action](args.key, actor(ctx)),
    }),
  );
}

const PreviewEstimateRef = builder.objectRef<PreviewEstimate>('PreviewEstimate').implement({
  fields: (t) => ({
    estimator: t.exposeString('estimator', { description: 'ips, snips or dr (see docs/off-policy-evaluation.md).' }),
    estimate: t.float({ nullable: true, description: 'Reward per impression.', resolve: (e) => finite(e.estimate) }),
    interval: t.field({ type: IntervalRef, description: 'Bootstrap 95% interval.', resolve: (e) => e.interval }),
    standardError: t.float({ nullable: true, resolve: (e) => finite(e.standardError) }),
  }),
});

const VariantPreviewRef = builder.objectRef<VariantPreview>('VariantPreview').implement({
  fields: (t) => ({
    variant: t.exposeString('variant'),
    supported: t.exposeBoolean('supported', { description: 'False: the log cannot say anything about this variant (see reason).' }),
    reason: t.exposeString('reason', { nullable: true }),
    estimates: t.field({ type: [PreviewEstimateRef], resolve: (v) => [...v.estimates] }),
    effectiveSampleSize: t.float({ nullable: true, resolve: (v) => v.effectiveSampleSize }),
    notes: t.stringList({ resolve: (v) => [...v.notes] }),
  }),
});

const PreviewRef = builder.objectRef<ExperimentPreview>('ExperimentPreview').implement({
  description: "Variants' reward per impression estimated off-policy from the impression log.",
  fields: (t) => ({
    rounds: t.exposeInt('rounds', { description: 'Finalised meta-policy slates the estimates rest on.' }),
    loggedReward: t.exposeFloat('loggedReward', { description: "The logging policy's own reward per impression." }),
    variants: t.field({ type: [VariantPreviewRef], resolve: (p) => [...p.variants] }),
  }),
});

const previewArgs = z.object({ bootstrap: z.number().int().min(10).max(10_000), limit: z.number().int().min(1).optional() });

builder.queryField('experimentPreview', (t) =>
  t.field({
    ...scope('admin'),
    type: PreviewRef,
    description:
      'Estimates variants ([{ key, serving }], as in a spec) from the logged impressions before anyone sees them: IPS, SNIPS and DR with bootstrap intervals; unsupported variants say why. Scope: admin.',
    args: { variants: t.arg({ type: 'JSON', required: true }), bootstrap: t.arg.int({ defaultValue: 200 }), limit: t.arg.int({ required: false }) },
    resolve: (_root, args, ctx) => {
      const options = parseInput(previewArgs, { bootstrap: args.bootstrap ?? 200, limit: args.limit ?? undefined }, 'preview');
      const { services } = ctx;
      return experimentPreview(
        args.variants,
        { db: services.db, arms: services.registry.names(), metaPolicy: services.metaPolicy?.policy.config ?? null, rewards: services.experiments.rewards },
        options,
      );
    },
  }),
);
