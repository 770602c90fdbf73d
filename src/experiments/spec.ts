/**
 * The experiment spec: what `createExperiment`, `updateExperiment` and
 * `recgate experiments create --file spec.json` accept. Shape is checked by zod (bad shape:
 * RG_ERR_INVALID_INPUT naming the field); the rules between fields have their own codes
 * (weights, control); what needs the registry or the database (strategies, model versions,
 * namespaces, surfaces) is checked by the experiment service.
 */
import { z } from 'zod';
import { rgError } from '../errors.js';
import { externalId } from '../external-id.js';
import { FEEDBACK_TYPES } from '../interactions/feedback-type.js';
import { parseInput } from '../serving/validation.js';
import { METRIC_NAMES } from './metric-names.js';

const KEY = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;
const key = (what: string) => z.string().regex(KEY, `${what} must be 1-64 letters, digits, "_", "-" or ".", starting with a letter or digit`);
const strategyName = z.string().min(1).max(64);

/** What serves a variant's requests. */
export const servingSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('strategy'), strategy: strategyName }).strict(),
  z.object({ kind: z.literal('model-version'), strategy: strategyName, modelVersion: z.string().min(1).max(128) }).strict(),
  z
    .object({
      kind: z.literal('meta-policy'),
      /** Strategies the meta-policy may choose; absent: every loaded one. */
      arms: z.array(strategyName).min(1).max(32).optional(),
      floor: z.number().min(0).max(1).optional(),
      temperature: z.number().positive().finite().optional(),
      alpha: z.number().min(0).finite().optional(),
    })
    .strict(),
]);

export type VariantServing = z.output<typeof servingSchema>;

const variantSchema = z
  .object({
    key: key('a variant key'),
    /** Share of the experiment's users; checked by `checkWeights` (positive, sum 1). */
    weight: z.number().finite(),
    serving: servingSchema,
  })
  .strict();

export type VariantSpec = z.output<typeof variantSchema>;

const namespaceSchema = z
  .object({
    name: z.string().min(1).max(64),
    range: z.tuple([z.number().min(0).max(1), z.number().min(0).max(1)]),
  })
  .strict()
  .refine((n) => n.range[0] < n.range[1], { message: 'range must be [start, end) with start < end', path: ['range'] });

const fields = {
  name: z.string().min(1).max(200),
  hypothesis: z.string().max(2000),
  surfaces: z.array(z.string().min(1).max(64)).min(1).max(50),
  /** Share of eligible users in the experiment. @default 1 */
  coverage: z.number().gt(0).max(1),
  /** Hashing seed. @default the key */
  seed: z.string().min(1).max(128).nullable(),
  namespace: namespaceSchema.nullable(),
  variants: z.array(variantSchema).min(2).max(20),
  control: key('control'),
  primaryMetric: z.enum(METRIC_NAMES),
  guardrailMetrics: z.array(z.enum(METRIC_NAMES)).max(METRIC_NAMES.length),
  /** Feedback type the conversions metric counts. @default purchase */
  conversionType: z.enum(FEEDBACK_TYPES),
  /** { userId: variantKey }: these users always get that variant (QA). */
  forcedVariants: z.record(externalId, z.string()).refine((r) => Object.keys(r).length <= 1000, 'at most 1,000 forced users'),
};

const createSchema = z
  .object({
    key: key('key'),
    name: fields.name.optional(),
    hypothesis: fields.hypothesis.default(''),
    surfaces: fields.surfaces,
    coverage: fields.coverage.default(1),
    seed: fields.seed.default(null),
    namespace: fields.namespace.default(null),
    variants: fields.variants,
    control: fields.control,
    primaryMetric: fields.primaryMetric.default('ctr'),
    guardrailMetrics: fields.guardrailMetrics.default([]),
    conversionType: fields.conversionType.default('purchase'),
    forcedVariants: fields.forcedVariants.default({}),
  })
  .strict();

export type ExperimentSpec = Omit<z.output<typeof createSchema>, 'name'> & { readonly name: string };

const changesSchema = z
  .object({
    name: fields.name,
    hypothesis: fields.hypothesis,
    surfaces: fields.surfaces,
    coverage: fields.coverage,
    seed: fields.seed,
    namespace: fields.namespace,
    variants: fields.variants,
    control: fields.control,
    primaryMetric: fields.primaryMetric,
    guardrailMetrics: fields.guardrailMetrics,
    conversionType: fields.conversionType,
    forcedVariants: fields.forcedVariants,
  })
  .partial()
  .strict();

export type ExperimentChanges = z.output<typeof changesSchema>;
export type ExperimentField = keyof ExperimentChanges;

/** Fields whose change while running or paused needs a new phase (they change who gets what). */
export const DESIGN_FIELDS: readonly ExperimentField[] = ['surfaces', 'coverage', 'seed', 'namespace', 'variants', 'control'];

/** Weights tolerance: floating sums like 0.1 + 0.2 + 0.7. */
const WEIGHT_SUM_TOLERANCE = 1e-6;

/** Every weight positive, summing to 1; variant keys unique; the control among them; forced users name variants. */
export function checkSpec(spec: ExperimentSpec): ExperimentSpec {
  const keys = spec.variants.map((v) => v.key);
  const duplicate = keys.find((k, i) => keys.indexOf(k) !== i);
  if (duplicate) throw rgError('RG_ERR_INVALID_INPUT', { path: 'spec.variants', reason: `variant key "${duplicate}" appears twice` });
  const bad = spec.variants.find((v) => !(v.weight > 0));
  if (bad) throw rgError('RG_ERR_EXPERIMENT_WEIGHTS', { key: spec.key, reason: `variant "${bad.key}" has weight ${bad.weight}` });
  const sum = spec.variants.reduce((s, v) => s + v.weight, 0);
  if (Math.abs(sum - 1) > WEIGHT_SUM_TOLERANCE) throw rgError('RG_ERR_EXPERIMENT_WEIGHTS', { key: spec.key, reason: `they sum to ${sum}` });
  if (!keys.includes(spec.control)) {
    throw rgError('RG_ERR_EXPERIMENT_CONTROL', { key: spec.key, control: spec.control, variants: keys.join(', ') });
  }
  for (const [user, variant] of Object.entries(spec.forcedVariants)) {
    if (!keys.includes(variant)) {
      throw rgError('RG_ERR_INVALID_INPUT', { path: `spec.forcedVariants.${user}`, reason: `"${variant}" is not a variant (${keys.join(', ')})` });
    }
  }
  return spec;
}

/** Parses and checks a new experiment's spec. */
export function parseExperimentSpec(input: unknown): ExperimentSpec {
  const parsed = parseInput(createSchema, input, 'spec');
  return checkSpec({ ...parsed, name: parsed.name ?? parsed.key });
}

/** Parses the changes of an update (every field optional; `key` cannot change). */
export function parseExperimentChanges(input: unknown): ExperimentChanges {
  return parseInput(changesSchema, input, 'changes');
}

/** The spec after `changes`, checked as a whole. */
export function applyChanges(spec: ExperimentSpec, changes: ExperimentChanges): ExperimentSpec {
  const merged = { ...spec } as Record<string, unknown>;
  for (const [field, value] of Object.entries(changes)) if (value !== undefined) merged[field] = value;
  return checkSpec(merged as unknown as ExperimentSpec);
}
