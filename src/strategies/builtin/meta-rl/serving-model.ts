/**
 * The meta-rl model as served: the item tower's item matrix (the item space, which grows as
 * new items arrive), the policy weights, and per-item biases and negative-sampling weights
 * aligned with the matrix's rows. Requests and adapt runs are plain Float32Array loops: no
 * tensor is made per request.
 */
import type { Artifact, CatalogItem, CatalogView, InteractionRecord, LoadContext } from '../../contract.js';
import { twoTowerStrategy } from '../two-tower/index.js';
import { refreshItemVectors, syncCatalog, type TwoTowerModel } from '../two-tower/serving-model.js';
import { readMetaRlArtifact, type MetaRlConfig } from './artifact.js';
import type { HistoryStep } from './history-input.js';
import { idOnly, idOnlyView, loadItemTower } from './item-representations.js';
import { NegativeSampler } from './negative-sampler.js';
import type { MetaRlParams } from './params.js';
import type { PolicyShapes, PolicyWeights } from './policy-weights.js';
import type { ItemSpace } from './sampled-softmax.js';
import { encodeStates, tasteBefore, type StateTrace } from './state-encoder.js';
import { TrendCounts } from './trend-counts.js';

export interface AdaptationSettings {
  readonly steps: number;
  readonly learningRate: number;
  readonly negatives: number;
  /** The support's softmax leaves out items seen before (params.maskSeen, as in training). */
  readonly maskSeen: boolean;
}

/** Biases and sampling weights per row of the item matrix, rebuilt when it grows. */
interface AlignedRows {
  readonly rows: number;
  readonly bias: Float32Array;
  readonly sampler: NegativeSampler;
}

/** The trend logit offsets per row of the item matrix, as of `at`. */
interface TrendCache {
  readonly rows: number;
  readonly version: number;
  readonly at: number;
  readonly offsets: Float32Array;
}

/**
 * Requests within this long of the cached trend offsets reuse them: the shortest half-life
 * (a day) moves a count by under 0.1% in a minute, and recomputing the logs over the whole
 * catalogue per request would cost more than the rest of the request.
 */
const TREND_CACHE_MS = 60_000;

export interface MetaRlModel {
  readonly tower: TwoTowerModel;
  readonly config: MetaRlConfig;
  readonly shapes: PolicyShapes;
  readonly weights: PolicyWeights;
  /** Training row (bias, sampling weight) of each item id. */
  readonly trainRowOf: ReadonlyMap<string, number>;
  readonly sampling: Float32Array;
  /** Decayed counts of positive interactions per item (the trend features), kept current by `observe`. */
  readonly trendCounts: TrendCounts;
  readonly adaptation: AdaptationSettings;
  /** False: the item tower sees ids only (the `itemContent` ablation). */
  readonly itemContent: boolean;
  aligned: AlignedRows | null;
  trendCache: TrendCache | null;
  disposed: boolean;
}

export async function loadMetaRlModel(artifact: Artifact, ctx: LoadContext<MetaRlParams>): Promise<MetaRlModel> {
  const read = readMetaRlArtifact(artifact);
  const tower = await loadItemTower(read.tower, ctx.params, ctx);
  // Training items the catalogue still knows but no longer shows (history items) need vectors too.
  const inactive = read.config.itemIds
    .map((id) => ctx.catalog.get(id))
    .filter((item): item is CatalogItem => item !== undefined && !tower.items.rowOf.has(item.id));
  refreshItemVectors(tower, ctx.params.itemContent ? inactive : inactive.map(idOnly));
  return {
    tower,
    config: read.config,
    shapes: read.shapes,
    weights: read.weights,
    trainRowOf: new Map(read.config.itemIds.map((id, row) => [id, row])),
    sampling: read.itemState.sampling,
    trendCounts: new TrendCounts(read.config.itemIds, read.itemState.trendCounts, read.config.trendAnchor),
    itemContent: ctx.params.itemContent,
    adaptation: { steps: ctx.params.adaptSteps, learningRate: ctx.params.adaptLearningRate, negatives: ctx.params.negatives, maskSeen: ctx.params.maskSeen },
    aligned: null,
    trendCache: null,
    disposed: false,
  };
}

/** The item space for `catalog` (new active items get vectors first) and the aligned rows. */
export function servingSpace(model: MetaRlModel, catalog: CatalogView): { items: ItemSpace; aligned: AlignedRows; ids: readonly string[] } {
  syncCatalog(model.tower, model.itemContent ? catalog : idOnlyView(catalog));
  const matrix = model.tower.items;
  const n = matrix.ids.length;
  if (!model.aligned || model.aligned.rows !== n) {
    // Items training never saw start at the lowest trained bias: the policy has no evidence for them yet.
    let lowest = 0;
    for (const b of model.weights.itemBias) lowest = Math.min(lowest, b);
    const bias = new Float32Array(n);
    const sampling = new Float32Array(n);
    matrix.ids.forEach((id, row) => {
      const trainRow = model.trainRowOf.get(id);
      bias[row] = trainRow === undefined ? lowest : model.weights.itemBias[trainRow]!;
      sampling[row] = trainRow === undefined ? 0 : model.sampling[trainRow]!;
    });
    model.aligned = { rows: n, bias, sampler: new NegativeSampler(sampling) };
  }
  return { items: { dim: model.shapes.dim, vectors: matrix.vectors }, aligned: model.aligned, ids: matrix.ids };
}

/** Σ_h θ_h φ_h(a, now) per row of the item matrix (call after servingSpace, which aligns the rows). */
export function servingTrend(model: MetaRlModel, ids: readonly string[], now: number): Float32Array {
  const cache = model.trendCache;
  if (cache && cache.rows === ids.length && cache.version === model.trendCounts.version && Math.abs(now - cache.at) < TREND_CACHE_MS) return cache.offsets;
  const offsets = model.trendCounts.offsets(ids, model.weights.trend, now);
  model.trendCache = { rows: ids.length, version: model.trendCounts.version, at: now, offsets };
  return offsets;
}

/** Interactions as encoder steps over the item matrix's rows. */
function toSteps(model: MetaRlModel, history: readonly InteractionRecord[]): HistoryStep[] {
  return history.map((r) => ({ row: model.tower.items.rowOf.get(r.itemId) ?? -1, type: r.type, weight: r.weight, occurredAt: r.occurredAt }));
}

export interface ServingStates {
  /** The latest `historyLength` interactions: what the GRU reads. */
  readonly steps: HistoryStep[];
  /** States over `steps` (row steps.length: the state after the last, the request's). */
  readonly trace: StateTrace;
}

/**
 * The states of a request's or an adapt run's history: the GRU over the latest `historyLength`
 * interactions, the taste over all of them (call after servingSpace, which gives new items rows).
 */
export function servingStates(model: MetaRlModel, history: readonly InteractionRecord[], items: ItemSpace): ServingStates {
  const split = Math.max(0, history.length - model.config.historyLength);
  const steps = toSteps(model, history.slice(split));
  const before = model.shapes.taste && split > 0 ? tasteBefore(toSteps(model, history.slice(0, split)), split, items) : null;
  return { steps, trace: encodeStates(model.weights, model.shapes, steps, items, before) };
}

export function disposeMetaRlModel(model: MetaRlModel): void {
  if (model.disposed) return;
  model.disposed = true;
  twoTowerStrategy.dispose(model.tower);
}
