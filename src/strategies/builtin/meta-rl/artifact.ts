/**
 * The meta-rl artifact: the policy's weights (POLICY_WEIGHT_NAMES), the sampling weights of
 * `adapt`'s negatives, and the item tower's own two-tower artifact nested under `tower.`
 * (its JSON under `tower`, its arrays prefixed), so one artifact holds the whole model.
 */
import { z } from 'zod';
import { rgError } from '../../../errors.js';
import type { Artifact, JsonValue } from '../../contract.js';
import { META_RL_NAME } from './meta-training.js';
import {
  POLICY_WEIGHT_NAMES,
  policyFromArrays,
  policyWeightSizes,
  type PolicyShapes,
  type PolicyWeightName,
  type PolicyWeights,
  flattenPolicy,
} from './policy-weights.js';

export const META_RL_ARTIFACT_FORMAT = 'recgate.meta-rl/1';
const TOWER_PREFIX = 'tower.';
const SAMPLING = 'sampling';

const positiveInt = z.number().int().positive();

const configSchema = z.object({
  format: z.literal(META_RL_ARTIFACT_FORMAT),
  shapes: z.object({ dim: positiveInt, stateUnits: positiveInt, items: z.number().int().min(0) }),
  historyLength: positiveInt,
  /** Bias row r belongs to itemIds[r]. */
  itemIds: z.array(z.string()),
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

export function metaRlArtifact(config: MetaRlConfig, weights: PolicyWeights, sampling: Float32Array, tower: Artifact): Artifact {
  const arrays: Record<string, Float32Array | Int32Array> = { [SAMPLING]: sampling };
  const flat = flattenPolicy(weights);
  for (const name of POLICY_WEIGHT_NAMES) arrays[name] = flat[name];
  for (const [name, values] of Object.entries(tower.arrays)) arrays[TOWER_PREFIX + name] = values;
  return { json: { ...config, tower: tower.json } as unknown as JsonValue, arrays };
}

export interface ReadMetaRlArtifact {
  readonly config: MetaRlConfig;
  readonly shapes: PolicyShapes;
  readonly weights: PolicyWeights;
  readonly sampling: Float32Array;
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
    const values = artifact.arrays[name];
    if (!(values instanceof Float32Array)) throw invalid(`weight "${name}" is missing or not a Float32Array`);
    if (values.length !== sizes[name]) throw invalid(`weight "${name}" has ${values.length} values, expected ${sizes[name]}`);
    arrays[name] = values;
  }
  const sampling = artifact.arrays[SAMPLING];
  if (!(sampling instanceof Float32Array) || sampling.length !== shapes.items) {
    throw invalid(`"${SAMPLING}" must be a Float32Array of ${shapes.items} values`);
  }
  const towerArrays: Record<string, Float32Array | Int32Array> = {};
  for (const [name, values] of Object.entries(artifact.arrays)) {
    if (name.startsWith(TOWER_PREFIX)) towerArrays[name.slice(TOWER_PREFIX.length)] = values;
  }
  return { config, shapes, weights: policyFromArrays(shapes, arrays), sampling, tower: { json: (towerJson ?? null) as JsonValue, arrays: towerArrays } };
}
