/**
 * The meta-rl artifact: the policy's weights (POLICY_WEIGHT_NAMES), the sampling weights of
 * `adapt`'s negatives, the items' decayed counts as of `trendAnchor` (the trend features'
 * serving state), and the item tower's own two-tower artifact nested under `tower.` (its JSON
 * under `tower`, its arrays prefixed), so one artifact holds the whole model.
 */
import { z } from 'zod';
import { rgError } from '../../../errors.js';
import type { Artifact, JsonValue } from '../../contract.js';
import { META_RL_NAME } from './meta-training.js';
import { TREND_FEATURES } from './trend-features.js';
import {
  POLICY_WEIGHT_NAMES,
  policyFromArrays,
  policyWeightSizes,
  type PolicyShapes,
  type PolicyWeightName,
  type PolicyWeights,
  flattenPolicy,
} from './policy-weights.js';

/**
 * /2: trend features (trendAnchor, trendCounts, the trend weights). The step-size multipliers
 * (headRateW, headRateB, strategy 1.2.0) were added without a new format: an artifact without
 * them loads with multipliers 1, the plain SGD it was trained with.
 */
export const META_RL_ARTIFACT_FORMAT = 'recgate.meta-rl/2';
const TOWER_PREFIX = 'tower.';
const SAMPLING = 'sampling';
const TREND_COUNTS = 'trendCounts';

/** Weights older /2 artifacts lack, and the value they stand for. */
const OPTIONAL_WEIGHTS: Partial<Record<PolicyWeightName, number>> = { headRateW: 1, headRateB: 1 };

const positiveInt = z.number().int().positive();

const configSchema = z.object({
  format: z.literal(META_RL_ARTIFACT_FORMAT),
  // taste: absent in artifacts from before strategy 1.2.0, whose state is the GRU's alone.
  shapes: z.object({ dim: positiveInt, stateUnits: positiveInt, items: z.number().int().min(0), taste: z.boolean().default(false) }),
  historyLength: positiveInt,
  /** Bias row r belongs to itemIds[r]. */
  itemIds: z.array(z.string()),
  /** The time trendCounts are decayed to (the newest positive interaction training read). */
  trendAnchor: z.number(),
  training: z.object({
    seed: z.number(),
    epochs: z.number().int().min(0),
    actions: z.number().int().min(0),
    slateActions: z.number().int().min(0),
    metaLearning: z.boolean(),
  }),
  tower: z.unknown(),
});

export type MetaRlConfig = Omit<z.output<typeof configSchema>, 'tower'>;

/** Per-item arrays beside the weights, aligned with `itemIds`. */
export interface ItemState {
  /** Negative-sampling weight per item. */
  readonly sampling: Float32Array;
  /** [items, F]: decayed counts as of trendAnchor. */
  readonly trendCounts: Float32Array;
}

export function metaRlArtifact(config: MetaRlConfig, weights: PolicyWeights, itemState: ItemState, tower: Artifact): Artifact {
  const arrays: Record<string, Float32Array | Int32Array> = { [SAMPLING]: itemState.sampling, [TREND_COUNTS]: itemState.trendCounts };
  const flat = flattenPolicy(weights);
  for (const name of POLICY_WEIGHT_NAMES) arrays[name] = flat[name];
  for (const [name, values] of Object.entries(tower.arrays)) arrays[TOWER_PREFIX + name] = values;
  return { json: { ...config, tower: tower.json } as unknown as JsonValue, arrays };
}

export interface ReadMetaRlArtifact {
  readonly config: MetaRlConfig;
  readonly shapes: PolicyShapes;
  readonly weights: PolicyWeights;
  readonly itemState: ItemState;
  readonly tower: Artifact;
}

/** Validates the config and every array's length before anything is built. */
export function readMetaRlArtifact(artifact: Artifact): ReadMetaRlArtifact {
  const invalid = (reason: string) => rgError('RG_ERR_ARTIFACT_INVALID', { name: META_RL_NAME, reason });
  const parsed = configSchema.safeParse(artifact.json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw invalid(`config ${issue?.path.join('.') || '(root)'}: ${issue?.message ?? 'invalid'}`);
  }
  const { tower: towerJson, ...config } = parsed.data;
  const shapes: PolicyShapes = config.shapes;
  if (config.itemIds.length !== shapes.items) throw invalid(`${config.itemIds.length} item ids for ${shapes.items} item biases`);
  const sizes = policyWeightSizes(shapes);
  const arrays = {} as Record<PolicyWeightName, Float32Array>;
  for (const name of POLICY_WEIGHT_NAMES) {
    const fill = OPTIONAL_WEIGHTS[name];
    const values = artifact.arrays[name] ?? (fill === undefined ? undefined : new Float32Array(sizes[name]).fill(fill));
    if (!(values instanceof Float32Array)) throw invalid(`weight "${name}" is missing or not a Float32Array`);
    if (values.length !== sizes[name]) throw invalid(`weight "${name}" has ${values.length} values, expected ${sizes[name]}`);
    arrays[name] = values;
  }
  const sampling = artifact.arrays[SAMPLING];
  if (!(sampling instanceof Float32Array) || sampling.length !== shapes.items) {
    throw invalid(`"${SAMPLING}" must be a Float32Array of ${shapes.items} values`);
  }
  const trendCounts = artifact.arrays[TREND_COUNTS];
  if (!(trendCounts instanceof Float32Array) || trendCounts.length !== shapes.items * TREND_FEATURES) {
    throw invalid(`"${TREND_COUNTS}" must be a Float32Array of ${shapes.items * TREND_FEATURES} values`);
  }
  const towerArrays: Record<string, Float32Array | Int32Array> = {};
  for (const [name, values] of Object.entries(artifact.arrays)) {
    if (name.startsWith(TOWER_PREFIX)) towerArrays[name.slice(TOWER_PREFIX.length)] = values;
  }
  return {
    config,
    shapes,
    weights: policyFromArrays(shapes, arrays),
    itemState: { sampling, trendCounts },
    tower: { json: (towerJson ?? null) as JsonValue, arrays: towerArrays },
  };
}
