/**
 * The servable ALS model and its artifact layout. The artifact keeps item factors and each
 * training user's row (not user factors): serving folds a user in exactly from that row plus
 * whatever arrived since training, which also gives the per-item explanation for free.
 */
import { z } from 'zod';
import { rgError } from '../../../errors.js';
import type { Artifact } from '../../contract.js';
import { CONFIDENCE_SCALINGS, type ConfidenceScaling } from './confidence.js';
import { gramMatrix } from './dense-algebra.js';
import type { SparseRows } from './interaction-matrix.js';

export const ALS_STRATEGY_NAME = 'als';
const ARTIFACT_FORMAT = 'als/1';

export interface AlsModel {
  readonly factors: number;
  readonly alpha: number;
  readonly confidence: ConfidenceScaling;
  readonly itemIds: readonly string[];
  readonly itemIndex: ReadonlyMap<string, number>;
  /** items x factors, row-major. */
  readonly itemFactors: Float32Array;
  /** itemFactors^T itemFactors + lambda I: the shared part of every fold-in system. */
  readonly itemGram: Float64Array;
  readonly userIndex: ReadonlyMap<string, number>;
  /** Training interactions per user (columns are item indices). */
  readonly userRows: SparseRows;
  /** Mean training user factor: scores for someone the model knows nothing about. */
  readonly meanUserFactor: Float32Array;
  /** Newest training interaction; history after it is new signal. */
  readonly trainedUntil: number | null;
}

const artifactJson = z.object({
  format: z.literal(ARTIFACT_FORMAT),
  factors: z.number().int().positive(),
  alpha: z.number().positive(),
  confidence: z.enum(CONFIDENCE_SCALINGS),
  regularization: z.number().positive(),
  itemIds: z.array(z.string()),
  userIds: z.array(z.string()),
  trainedUntil: z.number().nullable(),
});

export interface AlsArtifactParts {
  readonly factors: number;
  readonly alpha: number;
  readonly confidence: ConfidenceScaling;
  readonly regularization: number;
  readonly itemIds: readonly string[];
  readonly userIds: readonly string[];
  readonly trainedUntil: number | null;
  readonly itemFactors: Float32Array;
  readonly meanUserFactor: Float32Array;
  readonly userRows: SparseRows;
}

export function alsArtifact(parts: AlsArtifactParts): Artifact {
  return {
    json: {
      format: ARTIFACT_FORMAT,
      factors: parts.factors,
      alpha: parts.alpha,
      confidence: parts.confidence,
      regularization: parts.regularization,
      itemIds: [...parts.itemIds],
      userIds: [...parts.userIds],
      trainedUntil: parts.trainedUntil,
    },
    arrays: {
      itemFactors: parts.itemFactors,
      meanUserFactor: parts.meanUserFactor,
      userRowStart: parts.userRows.start,
      userRowItems: parts.userRows.columns,
      userRowWeights: parts.userRows.weights,
    },
  };
}

function invalid(reason: string): Error {
  return rgError('RG_ERR_ARTIFACT_INVALID', { name: ALS_STRATEGY_NAME, reason });
}

/** Validates an artifact (it may come from disk or another version) and builds the model. */
export function alsModelFromArtifact(artifact: Artifact): AlsModel {
  const parsed = artifactJson.safeParse(artifact.json);
  if (!parsed.success) throw invalid(`json: ${parsed.error.issues[0]?.message ?? 'invalid'}`);
  const { factors: f, alpha, confidence, regularization, itemIds, userIds, trainedUntil } = parsed.data;
  const { itemFactors, meanUserFactor, userRowStart, userRowItems, userRowWeights } = artifact.arrays;
  if (!(itemFactors instanceof Float32Array) || itemFactors.length !== itemIds.length * f)
    throw invalid('itemFactors must be a Float32Array of items x factors');
  if (!(meanUserFactor instanceof Float32Array) || meanUserFactor.length !== f) throw invalid('meanUserFactor must be a Float32Array of length factors');
  if (!(userRowStart instanceof Int32Array) || userRowStart.length !== userIds.length + 1) throw invalid('userRowStart must be an Int32Array of users + 1');
  if (!(userRowItems instanceof Int32Array) || !(userRowWeights instanceof Float32Array) || userRowItems.length !== userRowWeights.length) {
    throw invalid('userRowItems (Int32Array) and userRowWeights (Float32Array) must have the same length');
  }
  if (userRowStart[0] !== 0 || userRowStart[userIds.length] !== userRowItems.length) throw invalid('userRowStart does not span the rows');
  for (let u = 0; u < userIds.length; u++) if (userRowStart[u + 1]! < userRowStart[u]!) throw invalid('userRowStart is not ascending');
  for (const i of userRowItems) if (i < 0 || i >= itemIds.length) throw invalid('userRowItems holds an item index out of range');

  return {
    factors: f,
    alpha,
    confidence,
    itemIds,
    itemIndex: new Map(itemIds.map((id, i) => [id, i])),
    itemFactors,
    itemGram: gramMatrix(itemFactors, itemIds.length, f, regularization),
    userIndex: new Map(userIds.map((id, u) => [id, u])),
    userRows: { start: userRowStart, columns: userRowItems, weights: userRowWeights },
    meanUserFactor,
    trainedUntil,
  };
}
