/**
 * The two-tower artifact: weights as Float32Arrays (named as in `WEIGHT_NAMES`) and a JSON
 * config with everything needed to rebuild the inputs exactly as in training (id vocabulary,
 * text hashing, history length) plus a record of how it was trained.
 */
import { z } from 'zod';
import { rgError } from '../../../errors.js';
import { BACKEND_NAMES } from '../../../ml/tf-backend.js';
import type { Artifact, JsonValue } from '../../contract.js';
import { WEIGHT_NAMES, weightShapes, weightSize, type TowerShapes, type TowerWeights } from './tower-weights.js';

export const TWO_TOWER_ARTIFACT_FORMAT = 'recgate.two-tower/1';

const positiveInt = z.number().int().positive();

const configSchema = z.object({
  format: z.literal(TWO_TOWER_ARTIFACT_FORMAT),
  shapes: z.object({
    dim: positiveInt,
    hiddenUnits: positiveInt,
    idRows: positiveInt,
    textBuckets: positiveInt,
    embeddingDim: z.number().int().min(0),
    /** How the id part joins the towers' sum; absent in artifacts of two-tower 1.0 ('unit'). */
    idPart: z.enum(['unit', 'raw']).optional(),
  }),
  /** Text hashing; `hash` names the function so a future change cannot silently misread. */
  text: z.object({ hash: z.literal('fnv1a-32'), maxTokens: positiveInt }),
  historyLength: positiveInt,
  temperature: z.number().positive(),
  /** id-table row r + 1 belongs to itemIds[r]. */
  itemIds: z.array(z.string()),
  training: z.object({
    backend: z.enum(BACKEND_NAMES),
    simd: z.boolean().nullable(),
    seed: z.number(),
    epochs: z.number().int().min(0),
    examples: z.number().int().min(0),
  }),
  /**
   * Serving adds `weight` · log(1 + training count) to each item's cosine (popularity-prior.ts);
   * absent before two-tower 1.2 (no prior). The counts are the `itemLogCounts` array.
   */
  popularityPrior: z.object({ weight: z.number().min(0) }).optional(),
});

export type TwoTowerConfig = z.output<typeof configSchema>;

/** Name of the array holding the text buckets' idf (part of the text config, not trained). */
const TEXT_IDF = 'textIdf';
/** Name of the array of log(1 + training count) per id-table row (the popularity prior's). */
const ITEM_LOG_COUNTS = 'itemLogCounts';

export function twoTowerArtifact(config: TwoTowerConfig, weights: TowerWeights<Float32Array>, textIdf: Float32Array, itemLogCounts: Float32Array): Artifact {
  const arrays: Record<string, Float32Array> = { [TEXT_IDF]: textIdf, [ITEM_LOG_COUNTS]: itemLogCounts };
  for (const name of WEIGHT_NAMES) arrays[name] = weights[name];
  return { json: config as unknown as JsonValue, arrays };
}

/** Validate an artifact (config, vocabulary size, every weight's length) before anything is built. */
export function readTwoTowerArtifact(
  artifact: Artifact,
  strategyName: string,
): { config: TwoTowerConfig; shapes: TowerShapes; weights: TowerWeights<Float32Array>; textIdf: Float32Array; itemLogCounts: Float32Array | null } {
  const invalid = (reason: string) => rgError('RG_ERR_ARTIFACT_INVALID', { name: strategyName, reason });
  const parsed = configSchema.safeParse(artifact.json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw invalid(`config ${issue?.path.join('.') || '(root)'}: ${issue?.message ?? 'invalid'}`);
  }
  const config = parsed.data;
  const shapes: TowerShapes = config.shapes;
  if (config.itemIds.length + 1 !== shapes.idRows) {
    throw invalid(`${config.itemIds.length} item ids for an id table of ${shapes.idRows} rows`);
  }
  const expected = weightShapes(shapes);
  const weights = {} as TowerWeights<Float32Array>;
  for (const name of WEIGHT_NAMES) {
    const values = artifact.arrays[name];
    if (!(values instanceof Float32Array)) throw invalid(`weight "${name}" is missing or not a Float32Array`);
    if (values.length !== weightSize(expected[name])) {
      throw invalid(`weight "${name}" has ${values.length} values, expected ${expected[name].join('x')}`);
    }
    weights[name] = values;
  }
  const textIdf = artifact.arrays[TEXT_IDF];
  if (!(textIdf instanceof Float32Array) || textIdf.length !== shapes.textBuckets) {
    throw invalid(`"${TEXT_IDF}" must be a Float32Array of ${shapes.textBuckets} values`);
  }
  // Artifacts before two-tower 1.2 have no counts (and no prior).
  const itemLogCounts = artifact.arrays[ITEM_LOG_COUNTS] ?? null;
  if (itemLogCounts !== null && (!(itemLogCounts instanceof Float32Array) || itemLogCounts.length !== shapes.idRows)) {
    throw invalid(`"${ITEM_LOG_COUNTS}" must be a Float32Array of ${shapes.idRows} values`);
  }
  if ((config.popularityPrior?.weight ?? 0) > 0 && itemLogCounts === null) throw invalid(`a popularity prior without "${ITEM_LOG_COUNTS}"`);
  return { config, shapes, weights, textIdf, itemLogCounts };
}
