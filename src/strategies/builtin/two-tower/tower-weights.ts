/**
 * The numbers a two-tower model consists of: their names, shapes and seeded initial values.
 * Training turns them into variables; serving into constant tensors; the artifact stores them
 * as Float32Arrays under these names.
 */
import type { Tensor } from '@tensorflow/tfjs';
import type { Random } from '../../../ml/random.js';

export interface TowerShapes {
  /** Vector dimension of both towers and of the embedding tables. */
  readonly dim: number;
  readonly hiddenUnits: number;
  /** Rows of the item-id table: known items + 1 (row 0 is reserved, never looked up). */
  readonly idRows: number;
  readonly textBuckets: number;
  /** Length of items' precomputed embeddings; 0 when no item has one. */
  readonly embeddingDim: number;
  /**
   * How the id part (an item's id row; a user's mean of history id rows) joins each tower's
   * sum: `raw`, as it is, so its length carries how much training has seen of the item (a
   * rare item's row stays near its small initial value and its text decides); `unit`,
   * L2-normalised like the other parts (two-tower 1.0: a rare item's barely trained row weighs
   * as much as its text). @default 'unit' (artifacts written before the field existed)
   */
  readonly idPart?: 'unit' | 'raw';
}

/**
 * Each tower's first dense layer is stored in parts, one per input (history id mean, history
 * text and a flag;
 * id embedding, pooled text, precomputed embedding and its flag): x·W for a concatenated x is
 * the sum of the parts' products, and skipping the concat saves a copy of every batch.
 */
export const WEIGHT_NAMES = [
  'itemIdTable',
  'textTable',
  'userHiddenFromHistory',
  'userHiddenFromHistoryText',
  'userHiddenBias',
  'userOut',
  'userOutBias',
  'itemHiddenFromId',
  'itemHiddenFromText',
  'itemHiddenFromEmbedding',
  'itemHiddenFromEmbeddingFlag',
  'itemHiddenBias',
  'itemOut',
  'itemOutBias',
] as const;

export type WeightName = (typeof WEIGHT_NAMES)[number];

export type TowerWeights<T = Tensor> = Record<WeightName, T>;

export function weightShapes(s: TowerShapes): Record<WeightName, readonly number[]> {
  // Without precomputed embeddings the embedding parts have zero rows (and are never used).
  return {
    itemIdTable: [s.idRows, s.dim],
    textTable: [s.textBuckets, s.dim],
    userHiddenFromHistory: [s.dim, s.hiddenUnits],
    userHiddenFromHistoryText: [s.dim, s.hiddenUnits],
    userHiddenBias: [s.hiddenUnits],
    userOut: [s.hiddenUnits, s.dim],
    userOutBias: [s.dim],
    itemHiddenFromId: [s.dim, s.hiddenUnits],
    itemHiddenFromText: [s.dim, s.hiddenUnits],
    itemHiddenFromEmbedding: [s.embeddingDim, s.hiddenUnits],
    itemHiddenFromEmbeddingFlag: [s.embeddingDim > 0 ? 1 : 0, s.hiddenUnits],
    itemHiddenBias: [s.hiddenUnits],
    itemOut: [s.hiddenUnits, s.dim],
    itemOutBias: [s.dim],
  };
}

/** Fan-in of each tower's first layer (all its parts together), for the initialisation. */
const firstLayerFanIn = (s: TowerShapes): Partial<Record<WeightName, number>> => {
  const user = 2 * s.dim;
  const item = 2 * s.dim + (s.embeddingDim > 0 ? s.embeddingDim + 1 : 0);
  return {
    userHiddenFromHistory: user,
    userHiddenFromHistoryText: user,
    itemHiddenFromId: item,
    itemHiddenFromText: item,
    itemHiddenFromEmbedding: item,
    itemHiddenFromEmbeddingFlag: item,
  };
};

export const weightSize = (shape: readonly number[]): number => shape.reduce((a, b) => a * b, 1);

/**
 * Seeded initial values: id embeddings N(0, 0.01²) (N(0, 0.1²) with unit id parts), token embeddings N(0, (0.1·idf)²); dense
 * layers Glorot-uniform (a first layer's
 * parts as one matrix); biases zero.
 * Drawn in WEIGHT_NAMES order, so the same seed always gives the same model.
 */
export function initialWeights(s: TowerShapes, random: Random, textIdf: Float32Array): TowerWeights<Float32Array> {
  const shapes = weightShapes(s);
  const fanIn = firstLayerFanIn(s);
  const out = {} as TowerWeights<Float32Array>;
  for (const name of WEIGHT_NAMES) {
    const shape = shapes[name];
    const values = new Float32Array(weightSize(shape));
    if (name === 'itemIdTable') {
      // Raw id parts start small, so an item the training barely saw adds little noise to its vector.
      const scale = (s.idPart ?? 'unit') === 'raw' ? 0.01 : 0.1;
      for (let i = 0; i < values.length; i++) values[i] = scale * random.normal();
    } else if (name === 'textTable') {
      // Row t starts at idf(t) times the usual scale: the table holds idf-weighted token
      // vectors, so rare tokens weigh more in a bag without per-token weights.
      for (let i = 0; i < values.length; i++) values[i] = 0.1 * textIdf[Math.floor(i / s.dim)]! * random.normal();
    } else if (shape.length === 2) {
      const limit = Math.sqrt(6 / ((fanIn[name] ?? shape[0]!) + shape[1]!));
      for (let i = 0; i < values.length; i++) values[i] = (2 * random.next() - 1) * limit;
    }
    out[name] = values;
  }
  return out;
}
