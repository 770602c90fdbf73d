/**
 * The two-tower model as served: the item tower is run once per item, ahead of requests, into
 * an item matrix (kept both as Float32Array rows and as a pre-transposed [dim, items] tensor);
 * a request runs only the user tower on the user's history (in JS, see user-vector.ts) and one
 * product against that matrix.
 *
 * Items the model never saw in training (in the catalogue at load time, or added later) get
 * their vector from their text and embedding through the same item tower, with a zero id
 * part, which training prepared the tower for by hiding ids at random (`idDropout`).
 */
import type { Tensor, Tensor1D, Tensor2D } from '@tensorflow/tfjs';
import { initTensorflow, warmUpTensorflow, type BackendName, type Tf } from '../../../ml/tf-backend.js';
import type { Artifact, CatalogItem, CatalogView, InteractionRecord, Logger } from '../../contract.js';
import type { AdaptationSettings } from './adapt.js';
import { readTwoTowerArtifact, type TwoTowerConfig } from './artifact.js';
import { buildItemFeatureRows } from './item-features.js';
import { itemPriors } from './popularity-prior.js';
import { itemTowerInput, userTowerInput, type UserTowerInput } from './tower-inputs.js';
import { WEIGHT_NAMES, weightShapes, type TowerShapes, type TowerWeights } from './tower-weights.js';
import { itemTower } from './towers.js';

/** How a request's scores are computed; both give the same ranking. */
export type ScoringPath = 'tensor' | 'loop';

export interface ItemMatrix {
  readonly ids: string[];
  readonly rowOf: Map<string, number>;
  /** [ids.length, dim] row-major, unit-length rows. */
  vectors: Float32Array;
  /** The same, transposed to [dim, ids.length] for a transpose-free product; null when empty. */
  transposed: Tensor2D | null;
  /** [ids.length] popularity prior added to each item's cosine (popularity-prior.ts; zeros without one). */
  priors: Float32Array;
  /** The same as a tensor, null when empty or all zero. */
  priorsTensor: Tensor1D | null;
}

export interface TwoTowerModel {
  readonly tf: Tf;
  readonly backend: BackendName;
  readonly config: TwoTowerConfig;
  readonly shapes: TowerShapes;
  readonly weights: TowerWeights;
  /** The same weights as Float32Arrays, for the per-request user tower in JS. */
  readonly weightValues: TowerWeights<Float32Array>;
  /** Item id -> row of the item-id table (items seen in training). */
  readonly idRowOf: ReadonlyMap<string, number>;
  /**
   * `tensor`: matMul against the transposed item matrix, then topk, in the backend (fastest on
   * wasm and native); `loop`: a plain Float32Array dot-product loop (fastest on the JS cpu
   * backend). See bench/two-tower-train.ts for the measurements.
   */
  scoring: ScoringPath;
  readonly items: ItemMatrix;
  /** Inverse document frequency per text bucket, from training. */
  readonly textIdf: Float32Array;
  /** log(1 + training count) per id-table row; null in artifacts before two-tower 1.2. */
  readonly itemLogCounts: Float32Array | null;
  /** Word-level token buckets (and their weight) of items seen in requests' histories, by item id. */
  readonly historyWords: Map<string, { readonly buckets: Int32Array; readonly weight: number }>;
  /** Per-user adaptation params (from the strategy's params, not the artifact). */
  readonly adaptation: AdaptationSettings;
  /** The catalogue view the item matrix last caught up with (new views are checked once). */
  syncedCatalog: CatalogView | null;
  disposed: boolean;
}

const ITEM_BATCH = 512;
let runtimeWarmedUp = false;

export async function loadTwoTowerModel(
  artifact: Artifact,
  catalog: CatalogView,
  log: Logger,
  strategyName: string,
  adaptation: AdaptationSettings,
): Promise<TwoTowerModel> {
  const { config, shapes, weights: values, textIdf, itemLogCounts } = readTwoTowerArtifact(artifact, strategyName);
  const { tf, backend } = await initTensorflow();
  const weights = {} as TowerWeights;
  for (const name of WEIGHT_NAMES) weights[name] = tf.tensor(values[name], [...weightShapes(shapes)[name]]);
  const model: TwoTowerModel = {
    tf,
    backend,
    config,
    shapes,
    weights,
    weightValues: values,
    idRowOf: new Map(config.itemIds.map((id, i) => [id, i + 1])),
    scoring: backend === 'cpu' ? 'loop' : 'tensor',
    items: { ids: [], rowOf: new Map(), vectors: new Float32Array(0), transposed: null, priors: new Float32Array(0), priorsTensor: null },
    textIdf,
    itemLogCounts,
    historyWords: new Map(),
    adaptation,
    syncedCatalog: null,
    disposed: false,
  };
  syncCatalog(model, catalog);
  if (!runtimeWarmedUp) {
    // Once per process: the slow first calls are the runtime's, not this model's.
    runtimeWarmedUp = true;
    const ms = warmUpTensorflow(tf, { items: Math.max(model.items.ids.length, 1), dim: shapes.dim });
    log.info('two-tower: warmed up', { backend, ms: Math.round(ms) });
  }
  log.info('two-tower: loaded', {
    backend,
    items: model.items.ids.length,
    coldItems: model.items.ids.filter((id) => !model.idRowOf.has(id)).length,
  });
  return model;
}

/** Vectors [items.length, dim] of items through the item tower. */
function itemVectors(model: TwoTowerModel, items: readonly CatalogItem[]): Float32Array {
  const { tf, shapes, config } = model;
  const dim = shapes.dim;
  const out = new Float32Array(items.length * dim);
  for (let start = 0; start < items.length; start += ITEM_BATCH) {
    const chunk = items.slice(start, start + ITEM_BATCH);
    const features = buildItemFeatureRows(
      chunk,
      { buckets: shapes.textBuckets, maxTokens: config.text.maxTokens, embeddingDim: shapes.embeddingDim },
      model.textIdf,
    );
    const idRows = Int32Array.from(chunk, (item) => model.idRowOf.get(item.id) ?? 0);
    const rows = Int32Array.from(chunk, (_, i) => i);
    const vectors = tf.tidy(() => itemTower(tf, model.weights, itemTowerInput(features, rows, idRows, shapes.embeddingDim), shapes));
    out.set(vectors.dataSync(), start * dim);
    vectors.dispose();
  }
  return out;
}

/**
 * (Re)compute the vectors of `items` (new items, or items whose text or embedding changed) and
 * add or replace them in the item matrix. Inactive items are kept out of results by the
 * catalogue's filter at request time, so they need no removal here.
 */
export function refreshItemVectors(model: TwoTowerModel, items: readonly CatalogItem[]): void {
  if (model.disposed || items.length === 0) return;
  for (const item of items) model.historyWords.delete(item.id); // their text may have changed
  const dim = model.shapes.dim;
  const fresh = itemVectors(model, items);
  const matrix = model.items;
  const added = new Set<string>();
  for (const item of items) if (!matrix.rowOf.has(item.id)) added.add(item.id);
  const vectors = new Float32Array((matrix.ids.length + added.size) * dim);
  vectors.set(matrix.vectors);
  for (const id of added) {
    matrix.rowOf.set(id, matrix.ids.length);
    matrix.ids.push(id);
  }
  items.forEach((item, i) => vectors.set(fresh.subarray(i * dim, (i + 1) * dim), matrix.rowOf.get(item.id)! * dim));
  matrix.vectors = vectors;
  const idRows = matrix.ids.map((id) => model.idRowOf.get(id) ?? 0);
  matrix.priors = itemPriors(idRows, model.itemLogCounts, model.config.popularityPrior?.weight ?? 0);
  rebuildTransposed(model);
}

function rebuildTransposed(model: TwoTowerModel): void {
  const { tf } = model;
  const matrix = model.items;
  const n = matrix.ids.length;
  const dim = model.shapes.dim;
  matrix.transposed?.dispose();
  matrix.transposed = null;
  matrix.priorsTensor?.dispose();
  matrix.priorsTensor = null;
  if (n === 0) return;
  if (matrix.priors.some((p) => p !== 0)) matrix.priorsTensor = tf.tensor1d(matrix.priors);
  const transposed = new Float32Array(dim * n);
  for (let r = 0; r < n; r++) for (let d = 0; d < dim; d++) transposed[d * n + r] = matrix.vectors[r * dim + d]!;
  matrix.transposed = tf.tensor2d(transposed, [dim, n]);
}

/** Give every active item of `catalog` a vector; a view already synced costs nothing. */
export function syncCatalog(model: TwoTowerModel, catalog: CatalogView): void {
  if (model.syncedCatalog === catalog) return;
  const missing = catalog.active.filter((item) => !model.items.rowOf.has(item.id));
  refreshItemVectors(model, missing);
  model.syncedCatalog = catalog;
}

interface HistoryWords {
  readonly buckets: Int32Array;
  readonly weight: number;
}

const NO_WORDS: HistoryWords = { buckets: new Int32Array(0), weight: 0 };

/** An item's word-level token buckets and their weight (none when the catalogue lacks it), cached. */
function wordsOf(model: TwoTowerModel, catalog: CatalogView, itemId: string): HistoryWords {
  let words = model.historyWords.get(itemId);
  if (!words) {
    const item = catalog.get(itemId);
    if (!item) return NO_WORDS;
    const config = { buckets: model.shapes.textBuckets, maxTokens: model.config.text.maxTokens, embeddingDim: 0 };
    const features = buildItemFeatureRows([item], config, model.textIdf);
    words = { buckets: features.tokenIds.slice(0, features.wordEnd[0]), weight: features.wordWeight[0]! };
    model.historyWords.set(itemId, words);
  }
  return words;
}

/**
 * The user tower's input for a history (oldest first): its latest positive items, by id row
 * when training saw them and by their words when the catalogue has them.
 */
export function historyInput(model: TwoTowerModel, history: readonly InteractionRecord[], catalog: CatalogView): UserTowerInput {
  const keyOf = new Map<string, number>();
  return userTowerInput(1, model.config.historyLength, (_, add) => {
    for (let i = history.length - 1; i >= 0; i--) {
      const record = history[i]!;
      if (record.weight <= 0) continue;
      let key = keyOf.get(record.itemId);
      if (key === undefined) keyOf.set(record.itemId, (key = keyOf.size));
      const words = wordsOf(model, catalog, record.itemId);
      add(model.idRowOf.get(record.itemId) ?? 0, record.weight, key, words.buckets, 0, words.buckets.length, words.weight);
    }
  });
}

export function disposeTwoTowerModel(model: TwoTowerModel): void {
  if (model.disposed) return;
  model.disposed = true;
  model.tf.dispose(Object.values(model.weights) as Tensor[]);
  model.items.transposed?.dispose();
  model.items.transposed = null;
  model.items.priorsTensor?.dispose();
  model.items.priorsTensor = null;
}
