/**
 * The two towers' forward passes. Both end in an L2 normalisation, so a user-item score is a
 * cosine similarity and the softmax temperature alone sets how sharp the model is.
 *
 * Built only from ops that train on every backend: lookups and products use the custom ops of
 * `src/ml/` (segment-sum lookups with scatter-add gradients, explicit transposes), the rest
 * has wasm kernels. Training pools both towers' inputs with one lookup per table
 * (`bothTowers`), so each table gets one dense gradient per step instead of two.
 */
import type { Tensor, Tensor1D, Tensor2D } from '@tensorflow/tfjs';
import { concatBags, embeddingBag } from '../../../ml/embedding-lookup.js';
import { l2Normalize } from '../../../ml/l2-normalize.js';
import { matMul } from '../../../ml/mat-mul.js';
import type { Tf } from '../../../ml/tf-backend.js';
import type { ItemTowerInput, UserTowerInput } from './tower-inputs.js';
import type { TowerShapes, TowerWeights } from './tower-weights.js';

/**
 * relu(Σ part·kernel + bias) -> dense, plus the parts themselves (skip connections): the
 * output and the text part L2-normalised, the id part raw (or normalised too: `shapes.idPart`),
 * then the sum L2-normalised. The skips put both towers' outputs in the space
 * of the shared tables, so a user and an item with the same words or co-occurring ids score
 * high before the MLPs have learned anything; normalising the parts keeps the text part of an
 * item a fixed share of its vector, so an item without an id (a new one) is placed by its text
 * rather than washed out by the MLP's output. An empty part (no id, no history) stays zeros.
 * `extra` joins the first layer only (the precomputed embedding).
 */
function head(
  tf: Tf,
  [id, idKernel]: readonly [Tensor2D, Tensor],
  [text, textKernel]: readonly [Tensor2D, Tensor],
  shapes: Pick<TowerShapes, 'idPart'> | undefined,
  extra: Tensor2D | null,
  [hiddenBias, out, outBias]: readonly [Tensor, Tensor, Tensor],
): Tensor2D {
  let first = tf.add(matMul(tf, id, idKernel as Tensor2D), matMul(tf, text, textKernel as Tensor2D));
  if (extra) first = tf.add(first, extra);
  const hidden = tf.relu(tf.add(first, hiddenBias as Tensor1D)) as Tensor2D;
  const output = tf.add(matMul(tf, hidden, out as Tensor2D), outBias as Tensor1D) as Tensor2D;
  const idPart = (shapes?.idPart ?? 'unit') === 'unit' ? l2Normalize(tf, id) : id;
  return l2Normalize(tf, tf.add(tf.add(l2Normalize(tf, output), idPart), l2Normalize(tf, text)) as Tensor2D);
}

/** The user tower after pooling: history id mean and history text, [size, dim] each. */
function userHead(tf: Tf, w: TowerWeights, historyId: Tensor2D, historyText: Tensor2D, shapes?: Pick<TowerShapes, 'idPart'>): Tensor2D {
  const top = [w.userHiddenBias, w.userOut, w.userOutBias] as const;
  return head(tf, [historyId, w.userHiddenFromHistory], [historyText, w.userHiddenFromHistoryText], shapes, null, top);
}

/** The item tower after pooling: id embedding and text, [size, dim] each, plus the precomputed embedding. */
function itemHead(tf: Tf, w: TowerWeights, id: Tensor2D, text: Tensor2D, input: ItemTowerInput, shapes: TowerShapes): Tensor2D {
  let extra: Tensor2D | null = null;
  if (shapes.embeddingDim > 0) {
    const embedding = tf.tensor2d(input.embeddings, [input.size, shapes.embeddingDim]);
    // Items without an embedding have a zero row; the flag lets the layer tell "none" from "zero".
    const flag = tf.mul(tf.tensor2d(input.hasEmbedding, [input.size, 1]), w.itemHiddenFromEmbeddingFlag) as Tensor2D;
    extra = tf.add(matMul(tf, embedding, w.itemHiddenFromEmbedding as Tensor2D), flag) as Tensor2D;
  }
  return head(tf, [id, w.itemHiddenFromId], [text, w.itemHiddenFromText], shapes, extra, [w.itemHiddenBias, w.itemOut, w.itemOutBias]);
}

/**
 * User vectors [size, dim] from their history: the weighted mean of its items' id embeddings
 * and of its items' word vectors (pooled from the same token table the item tower reads, so a
 * user and an item that share words are alike from the first step of training).
 */
export function userTower(tf: Tf, w: TowerWeights, input: UserTowerInput, shapes?: Pick<TowerShapes, 'idPart'>): Tensor2D {
  const historyId = embeddingBag(tf, w.itemIdTable as Tensor2D, input.history);
  const historyText = embeddingBag(tf, embeddingBag(tf, w.textTable as Tensor2D, input.historyItemWords), input.historyText);
  return userHead(tf, w, historyId, historyText, shapes);
}

/** Item vectors [size, dim] from id embedding (zeros for items without one), pooled text tokens and precomputed embedding. */
export function itemTower(tf: Tf, w: TowerWeights, input: ItemTowerInput, shapes: TowerShapes): Tensor2D {
  const id = embeddingBag(tf, w.itemIdTable as Tensor2D, input.ids);
  const text = embeddingBag(tf, w.textTable as Tensor2D, input.text);
  return itemHead(tf, w, id, text, input, shapes);
}

/** Both towers for one training batch, the same as `userTower` and `itemTower`, with one lookup per table. */
export function bothTowers(tf: Tf, w: TowerWeights, users: UserTowerInput, items: ItemTowerInput, shapes: TowerShapes): [Tensor2D, Tensor2D] {
  const ids = embeddingBag(tf, w.itemIdTable as Tensor2D, concatBags([users.history, items.ids]));
  const [historyId, itemId] = tf.split(ids, [users.size, items.size]) as [Tensor2D, Tensor2D];
  const historyItems = users.historyItemWords.bags;
  const words = embeddingBag(tf, w.textTable as Tensor2D, concatBags([users.historyItemWords, items.text]));
  const [historyItemWords, itemText] = tf.split(words, [historyItems, items.size]) as [Tensor2D, Tensor2D];
  const historyText = embeddingBag(tf, historyItemWords, users.historyText);
  return [userHead(tf, w, historyId, historyText, shapes), itemHead(tf, w, itemId, itemText, items, shapes)];
}
