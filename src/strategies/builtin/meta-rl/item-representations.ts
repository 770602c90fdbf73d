/**
 * Item representations from the big model: meta-rl trains its own item tower with the
 * two-tower strategy's modules (id, text tokens and precomputed embeddings, in-batch softmax
 * with logQ), nested in its artifact, and reads item vectors from it. New items and embeddings
 * supplied with `upsertItems` get vectors from the same tower at serving time.
 */
import type { Artifact, CatalogItem, CatalogView, LoadContext, TrainContext } from '../../contract.js';
import { arrayCatalogReader, createCatalogView } from '../../in-memory-readers.js';
import { twoTowerParamsSchema, twoTowerStrategy, type TwoTowerParams } from '../two-tower/index.js';
import { refreshItemVectors, type TwoTowerModel } from '../two-tower/serving-model.js';
import type { MetaRlParams } from './params.js';

export function towerParams(params: MetaRlParams): TwoTowerParams {
  return twoTowerParamsSchema.parse({
    epochs: params.towerEpochs,
    dim: params.dim,
    hiddenUnits: params.towerHiddenUnits,
    textHashBuckets: params.textHashBuckets,
    maxTextTokens: 32,
    batchSize: 512,
  });
}

/** The item as the tower sees it with `itemContent: false`: its id alone. */
export function idOnly(item: CatalogItem): CatalogItem {
  return { ...item, title: '', description: '', categories: [], embedding: null };
}

const idOnlyViews = new WeakMap<CatalogView, CatalogView>();

/** A catalogue view whose items carry their ids alone (cached per view, so the tower syncs each view once). */
export function idOnlyView(view: CatalogView): CatalogView {
  let stripped = idOnlyViews.get(view);
  if (!stripped) {
    const active = view.active.map(idOnly);
    stripped = {
      get: (id) => {
        const item = view.get(id);
        return item && idOnly(item);
      },
      active,
      matches: (id, filter) => view.matches(id, filter),
    };
    idOnlyViews.set(view, stripped);
  }
  return stripped;
}

/** Trains the item tower on the same interactions and catalogue; progress maps into [from, to] percent. */
export async function trainItemTower(ctx: TrainContext<MetaRlParams>, from: number, to: number): Promise<Artifact> {
  const result = await twoTowerStrategy.train({
    params: towerParams(ctx.params),
    seed: ctx.seed,
    signal: ctx.signal,
    interactions: ctx.interactions,
    catalog: ctx.params.itemContent ? ctx.catalog : arrayCatalogReader((await ctx.catalog.items()).map(idOnly)),
    clock: ctx.clock,
    log: ctx.log,
    progress: (p) => ctx.progress({ phase: `item tower: ${p.phase}`, percent: from + ((to - from) * p.percent) / 100 }),
  });
  return result.artifact;
}

/** A stand-in catalogue entry for an item interactions name but the catalogue lacks (placed by its id alone). */
export function bareItem(id: string): CatalogItem {
  return { id, title: '', description: '', categories: [], attributes: {}, embedding: null, active: false, createdAt: 0 };
}

export async function loadItemTower(artifact: Artifact, params: MetaRlParams, ctx: Pick<LoadContext<unknown>, 'catalog' | 'log'>): Promise<TwoTowerModel> {
  const catalog = params.itemContent ? ctx.catalog : idOnlyView(ctx.catalog);
  return twoTowerStrategy.load(artifact, { params: towerParams(params), catalog, log: ctx.log });
}

/** Vectors [ids.length, dim] for `ids` (catalogue entries where known, bare ones otherwise). */
export async function itemVectorsFor(
  artifact: Artifact,
  params: MetaRlParams,
  ids: readonly string[],
  catalog: readonly CatalogItem[],
  log: LoadContext<unknown>['log'],
): Promise<Float32Array> {
  const byId = new Map(catalog.map((item) => [item.id, item]));
  const entries = ids.map((id) => {
    const item = byId.get(id) ?? bareItem(id);
    return params.itemContent ? item : idOnly(item);
  });
  const tower = await loadItemTower(artifact, params, { catalog: createCatalogView([]), log });
  try {
    refreshItemVectors(tower, entries);
    const dim = tower.shapes.dim;
    const out = new Float32Array(ids.length * dim);
    ids.forEach((id, i) => {
      const row = tower.items.rowOf.get(id)!;
      out.set(tower.items.vectors.subarray(row * dim, (row + 1) * dim), i * dim);
    });
    return out;
  } finally {
    twoTowerStrategy.dispose(tower);
  }
}
