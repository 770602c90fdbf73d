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

export interface AdaptationSettings {
  readonly steps: number;
  readonly learningRate: number;
  readonly negatives: number;
}

/** Biases and sampling weights per row of the item matrix, rebuilt when it grows. */
interface AlignedRows {
  readonly rows: number;
  readonly bias: Float32Array;
  readonly sampler: NegativeSampler;
}

export interface MetaRlModel {
  readonly tower: TwoTowerModel;
  readonly config: MetaRlConfig;
  readonly shapes: PolicyShapes;
  readonly weights: PolicyWeights;
  /** Training row (bias, sampling weight) of each item id. */
  readonly trainRowOf: ReadonlyMap<string, number>;
  readonly sampling: Float32Array;
  readonly adaptation: AdaptationSettings;
  /** False: the item tower sees ids only (the `itemContent` ablation). */
  readonly itemContent: boolean;
  aligned: AlignedRows | null;
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
    sampling: read.sampling,
    itemContent: ctx.params.itemContent,
    adaptation: { steps: ctx.params.adaptSteps, learningRate: ctx.params.adaptLearningRate, negatives: ctx.params.negatives },
    aligned: null,
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

/** The latest `historyLength` interactions as encoder steps over the item matrix's rows. */
export function historySteps(model: MetaRlModel, history: readonly InteractionRecord[]): HistoryStep[] {
  const recent = history.slice(Math.max(0, history.length - model.config.historyLength));
  return recent.map((r) => ({ row: model.tower.items.rowOf.get(r.itemId) ?? -1, type: r.type, weight: r.weight, occurredAt: r.occurredAt }));
}

export function disposeMetaRlModel(model: MetaRlModel): void {
  if (model.disposed) return;
  model.disposed = true;
  twoTowerStrategy.dispose(model.tower);
}
