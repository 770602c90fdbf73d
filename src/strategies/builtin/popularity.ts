/**
 * Time-decayed popularity: each positive interaction adds its signal weight times
 * 2^((t - anchor) / halfLife). Scores grow with recency instead of old ones shrinking, so
 * the ranking is the same as decaying everything to "now" and a new interaction is an O(1)
 * update: serving applies feedback immediately through `observe`.
 *
 * It is the fallback every other strategy relies on (new users, models not trained yet,
 * failures, time budgets), so it never needs history and never throws for a user.
 */
import { z } from 'zod';
import { defineStrategy, type InteractionRecord, type ScoredItem } from '../contract.js';
import { rgError } from '../../errors.js';

const HOUR_MS = 3_600_000;
/** Past this many half-lives the running scores are rescaled to keep them in float range. */
const RESCALE_AFTER_HALF_LIVES = 400;

export const popularityParams = z
  .object({
    /** Half-life of an interaction's contribution, hours. @default 168 (one week) */
    halfLifeHours: z.number().positive().default(168),
  })
  .strict();

export type PopularityParams = z.output<typeof popularityParams>;

export interface PopularityModel {
  readonly halfLifeMs: number;
  /** Time at which a contribution counts 2^0; moved forward when scores grow too large. */
  anchor: number;
  /** Time of the newest signal seen; scores are reported as of then. */
  latest: number;
  readonly scores: Map<string, number>;
  /** Item ids, highest score first; kept sorted as feedback arrives. */
  readonly ranked: string[];
  readonly rankOf: Map<string, number>;
}

/** "this week" etc.: how the explanation names the window the half-life stands for. */
export function popularityWindowPhrase(halfLifeHours: number): string {
  if (halfLifeHours <= 36) return ' today';
  if (halfLifeHours <= 240) return ' this week';
  if (halfLifeHours <= 1080) return ' this month';
  return '';
}

function contribution(model: PopularityModel, r: InteractionRecord): number {
  return r.weight * 2 ** ((r.occurredAt - model.anchor) / model.halfLifeMs);
}

function rescale(model: PopularityModel, newAnchor: number): void {
  const factor = 2 ** ((model.anchor - newAnchor) / model.halfLifeMs);
  for (const [id, s] of model.scores) model.scores.set(id, s * factor);
  model.anchor = newAnchor;
}

/** Moves an item up the ranking after its score grew (scores only grow here). */
function bubbleUp(model: PopularityModel, itemId: string): void {
  let i = model.rankOf.get(itemId);
  if (i === undefined) {
    i = model.ranked.length;
    model.ranked.push(itemId);
  }
  const score = model.scores.get(itemId) ?? 0;
  while (i > 0 && (model.scores.get(model.ranked[i - 1]!) ?? 0) < score) {
    const above = model.ranked[i - 1]!;
    model.ranked[i] = above;
    model.rankOf.set(above, i);
    i--;
  }
  model.ranked[i] = itemId;
  model.rankOf.set(itemId, i);
}

export const popularityStrategy = defineStrategy<PopularityParams, PopularityModel>({
  name: 'popularity',
  version: '1.0.0',
  description: 'Time-decayed popularity of positive feedback; per category when filtered.',
  params: popularityParams,

  async train(ctx) {
    const halfLifeMs = ctx.params.halfLifeHours * HOUR_MS;
    ctx.progress({ phase: 'reading', percent: 0 });
    const total = await ctx.interactions.count();
    // The newest interaction anchors the scale: deterministic for the same data.
    const records: InteractionRecord[] = [];
    let anchor = 0;
    for await (const batch of ctx.interactions.scan()) {
      if (ctx.signal.aborted) throw rgError('RG_ERR_TRAINING_ABORTED', { name: 'popularity' });
      for (const r of batch) {
        if (r.weight > 0) records.push(r);
        if (r.occurredAt > anchor) anchor = r.occurredAt;
      }
      ctx.progress({ phase: 'reading', percent: total > 0 ? Math.min(90, (90 * records.length) / total) : 90 });
    }
    const scores = new Map<string, number>();
    for (const r of records) scores.set(r.itemId, (scores.get(r.itemId) ?? 0) + r.weight * 2 ** ((r.occurredAt - anchor) / halfLifeMs));
    const itemIds = [...scores.keys()].sort();
    const values = new Float32Array(itemIds.length);
    itemIds.forEach((id, i) => (values[i] = scores.get(id)!));
    ctx.progress({ phase: 'done', percent: 100 });
    return {
      artifact: { json: { anchor, halfLifeHours: ctx.params.halfLifeHours, itemIds }, arrays: { scores: values } },
      metrics: { items: itemIds.length, positiveInteractions: records.length },
    };
  },

  load(artifact, ctx) {
    const json = artifact.json as { anchor?: unknown; itemIds?: unknown };
    const values = artifact.arrays.scores;
    if (typeof json?.anchor !== 'number' || !Array.isArray(json.itemIds) || !(values instanceof Float32Array) || values.length !== json.itemIds.length) {
      throw rgError('RG_ERR_ARTIFACT_INVALID', {
        name: 'popularity',
        reason: 'expected json { anchor, itemIds } and a Float32Array "scores" of the same length',
      });
    }
    const scores = new Map<string, number>();
    (json.itemIds as string[]).forEach((id, i) => scores.set(String(id), values[i]!));
    // Items never interacted with still rank (score 0), newest first, so a slate can fill up.
    const unscored = ctx.catalog.active.filter((item) => !scores.has(item.id)).sort((a, b) => b.createdAt - a.createdAt || (a.id < b.id ? -1 : 1));
    const ranked = [...scores.keys()].sort((a, b) => scores.get(b)! - scores.get(a)! || (a < b ? -1 : a > b ? 1 : 0));
    for (const item of unscored) ranked.push(item.id);
    return {
      halfLifeMs: ctx.params.halfLifeHours * HOUR_MS,
      anchor: json.anchor,
      latest: json.anchor,
      scores,
      ranked,
      rankOf: new Map(ranked.map((id, i) => [id, i])),
    };
  },

  recommend(model, request) {
    const out: ScoredItem[] = [];
    if (request.k <= 0) return out;
    // Scores are decayed to the newest signal, not to the wall clock: on a catalogue whose
    // data stopped a while ago they stay readable, and the ranking is the same either way.
    const toLatest = 2 ** ((model.anchor - model.latest) / model.halfLifeMs);
    const wanted = request.filter.categories;
    // "this week" only for an item whose own signal, decayed to now, is still worth at least
    // one full-weight interaction; popularity from long ago is just "popular".
    const toNow = 2 ** ((model.anchor - Math.max(request.now, model.anchor)) / model.halfLifeMs);
    const phrase = popularityWindowPhrase(model.halfLifeMs / HOUR_MS);
    for (const itemId of model.ranked) {
      if (request.exclude.has(itemId) || !request.catalog.matches(itemId, request.filter)) continue;
      const item = request.catalog.get(itemId)!;
      const category = wanted && wanted.length > 0 ? item.categories.find((c) => wanted.includes(c)) : undefined;
      out.push({
        itemId,
        score: (model.scores.get(itemId) ?? 0) * toLatest,
        explanation: `popular${category ? ` in ${category}` : ''}${(model.scores.get(itemId) ?? 0) * toNow >= 1 ? phrase : ''}`,
      });
      if (out.length >= request.k) return out;
    }
    // Items added to the catalogue after this model loaded: never interacted with, score 0.
    for (const item of request.catalog.active) {
      if (out.length >= request.k) break;
      if (model.rankOf.has(item.id) || request.exclude.has(item.id) || !request.catalog.matches(item.id, request.filter)) continue;
      out.push({ itemId: item.id, score: 0, explanation: 'new in the catalogue' });
    }
    return out;
  },

  observe(model, interaction) {
    if (interaction.weight <= 0) return;
    if ((interaction.occurredAt - model.anchor) / model.halfLifeMs > RESCALE_AFTER_HALF_LIVES) rescale(model, interaction.occurredAt);
    model.scores.set(interaction.itemId, (model.scores.get(interaction.itemId) ?? 0) + contribution(model, interaction));
    if (interaction.occurredAt > model.latest) model.latest = interaction.occurredAt;
    bubbleUp(model, interaction.itemId);
  },
});
