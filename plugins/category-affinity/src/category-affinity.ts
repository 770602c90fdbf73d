/**
 * Category affinity: a user's taste as a distribution over categories (from their own
 * positive history, with recency decay), times each item's popularity within its categories.
 * A content-based counterpart to collaborative filtering: it needs only a few interactions
 * of the user, and none of the other users' overlap.
 *
 * score(u, i) = sum over categories c of i:  affinity(u, c) * log(1 + popularity(i))
 * affinity(u, c) = (decayed positive weight of u's history in c + prior) / normaliser
 */
import { z } from 'zod';
import { defineStrategy, rgError, type InteractionRecord, type ScoredItem } from 'recgate';

const params = z
  .object({
    /** Weight of each newer interaction vs the one before, in (0, 1]. @default 0.97 */
    recencyDecay: z.number().gt(0).lte(1).default(0.97),
    /** Pseudo-count added to every category, so one click does not decide everything. @default 0.5 */
    prior: z.number().min(0).default(0.5),
    /** At most this many candidate items per category are scored. @default 200 */
    candidatesPerCategory: z.number().int().positive().max(10_000).default(200),
  })
  .strict();

type Params = z.output<typeof params>;

interface Model {
  /** item -> log(1 + positive interaction count) */
  readonly popularity: ReadonlyMap<string, number>;
  /** category -> items of that category, most popular first */
  readonly byCategory: ReadonlyMap<string, readonly string[]>;
  readonly categoriesOf: ReadonlyMap<string, readonly string[]>;
  readonly params: Params;
}

function userAffinity(model: Model, history: readonly InteractionRecord[]): Map<string, number> {
  const affinity = new Map<string, number>();
  let weight = 1;
  // Newest first: each step back in time counts a little less.
  for (let i = history.length - 1; i >= 0; i--) {
    const r = history[i]!;
    if (r.weight > 0) {
      for (const c of model.categoriesOf.get(r.itemId) ?? []) affinity.set(c, (affinity.get(c) ?? 0) + weight * r.weight);
    }
    weight *= model.params.recencyDecay;
  }
  return affinity;
}

export const categoryAffinityStrategy = defineStrategy<Params, Model>({
  name: 'category-affinity',
  version: '1.0.0',
  description: 'Popular items from the categories the user engages with most (content-based).',
  params,

  async train(ctx) {
    ctx.progress({ phase: 'counting', percent: 0 });
    const counts = new Map<string, number>();
    for await (const batch of ctx.interactions.scan()) {
      if (ctx.signal.aborted) throw rgError('RG_ERR_TRAINING_ABORTED', { name: 'category-affinity' });
      for (const r of batch) if (r.weight > 0) counts.set(r.itemId, (counts.get(r.itemId) ?? 0) + 1);
    }
    if (ctx.signal.aborted) throw rgError('RG_ERR_TRAINING_ABORTED', { name: 'category-affinity' });
    ctx.progress({ phase: 'indexing', percent: 60 });
    const items = await ctx.catalog.items();
    const ids = items.map((i) => i.id);
    const categories = items.map((i) => i.categories.join('\u001f'));
    const popularity = new Float32Array(ids.length);
    ids.forEach((id, i) => (popularity[i] = Math.log1p(counts.get(id) ?? 0)));
    ctx.progress({ phase: 'done', percent: 100 });
    return {
      artifact: { json: { ids, categories }, arrays: { popularity } },
      metrics: { items: ids.length, itemsWithSignal: counts.size },
    };
  },

  load(artifact, ctx) {
    const json = artifact.json as { ids?: unknown; categories?: unknown };
    const popularityArray = artifact.arrays.popularity;
    if (!Array.isArray(json.ids) || !Array.isArray(json.categories) || !(popularityArray instanceof Float32Array)) {
      throw rgError('RG_ERR_ARTIFACT_INVALID', { name: 'category-affinity', reason: 'expected ids, categories and a popularity array' });
    }
    const popularity = new Map<string, number>();
    const categoriesOf = new Map<string, string[]>();
    const byCategory = new Map<string, string[]>();
    (json.ids as string[]).forEach((id, i) => {
      popularity.set(id, popularityArray[i]!);
      const cats = String((json.categories as string[])[i] ?? '')
        .split('\u001f')
        .filter(Boolean);
      categoriesOf.set(id, cats);
      for (const c of cats) {
        let list = byCategory.get(c);
        if (!list) byCategory.set(c, (list = []));
        list.push(id);
      }
    });
    for (const list of byCategory.values()) list.sort((a, b) => popularity.get(b)! - popularity.get(a)! || (a < b ? -1 : 1));
    for (const list of byCategory.values()) list.length = Math.min(list.length, ctx.params.candidatesPerCategory * 50);
    return { popularity, byCategory, categoriesOf, params: ctx.params };
  },

  recommend(model, request) {
    const affinity = userAffinity(model, request.user.history);
    if (affinity.size === 0) return []; // no taste yet: the host's fallback (popularity) serves
    const total = [...affinity.values()].reduce((a, b) => a + b, 0) + model.params.prior * affinity.size;
    const scores = new Map<string, { score: number; because: string; best: number }>();
    for (const [category, weight] of affinity) {
      const share = (weight + model.params.prior) / total;
      let taken = 0;
      for (const itemId of model.byCategory.get(category) ?? []) {
        if (taken >= model.params.candidatesPerCategory) break;
        if (request.exclude.has(itemId) || !request.catalog.matches(itemId, request.filter)) continue;
        taken++;
        const contribution = share * (model.popularity.get(itemId) ?? 0);
        const entry = scores.get(itemId) ?? { score: 0, because: category, best: 0 };
        entry.score += contribution;
        if (contribution > entry.best) Object.assign(entry, { best: contribution, because: category });
        scores.set(itemId, entry);
      }
    }
    const ranked: ScoredItem[] = [...scores.entries()]
      .sort((a, b) => b[1].score - a[1].score || (a[0] < b[0] ? -1 : 1))
      .slice(0, request.k)
      .map(([itemId, s]) => ({ itemId, score: s.score, explanation: `because you like ${s.because}` }));
    return ranked;
  },
});
