import { describe, expect, it } from 'vitest';
import { popularityStrategy, popularityWindowPhrase, type PopularityModel } from '../../src/strategies/builtin/popularity.js';
import { arrayCatalogReader, arrayInteractionReader, createCatalogView } from '../../src/strategies/in-memory-readers.js';
import type { CatalogItem, InteractionRecord, RecommendRequest, ScoredItem } from '../../src/strategies/contract.js';
import { trainStrategy } from '../../src/models/train-strategy.js';
import { StrategyRegistry } from '../../src/strategies/registry.js';

const H = 3_600_000;
const T0 = Date.UTC(2026, 0, 1);
const item = (id: string, categories: string[], active = true): CatalogItem => ({
  id,
  title: id.toUpperCase(),
  description: '',
  categories,
  attributes: {},
  embedding: null,
  active,
  createdAt: T0,
});
const catalog = [item('a', ['Drama']), item('b', ['Comedy']), item('c', ['Drama', 'Comedy']), item('d', ['Drama'], false)];
const at = (userId: string, itemId: string, hoursAfterT0: number, weight = 1): InteractionRecord => ({
  userId,
  itemId,
  type: 'click',
  value: null,
  weight,
  occurredAt: T0 + hoursAfterT0 * H,
});

async function trained(records: InteractionRecord[], halfLifeHours = 10) {
  const registry = new StrategyRegistry();
  const entry = registry.register(popularityStrategy, { params: { halfLifeHours } });
  const result = await trainStrategy(entry, { interactions: arrayInteractionReader(records), catalog: arrayCatalogReader(catalog) });
  const view = createCatalogView(catalog);
  const model = (await popularityStrategy.load(result.artifact, { params: entry.params as any, catalog: view, log: console })) as PopularityModel;
  const ask = (over: Partial<RecommendRequest> = {}): readonly ScoredItem[] =>
    popularityStrategy.recommend(model, {
      user: { id: 'u', known: false, attributes: {}, history: [] },
      k: 10,
      exclude: new Set(),
      filter: {},
      context: {},
      surface: 'home',
      catalog: view,
      now: T0 + 100 * H,
      ...over,
    }) as readonly ScoredItem[];
  return { model, ask, result };
}

describe('popularity', () => {
  it('decays each signal by its age in half-lives (hand-computed)', async () => {
    // a: 2 clicks at t=0 -> 2 * 2^(-20/10) = 0.5 as of t=20; b: 1 click at t=20 -> 1; c: 4 clicks at t=10 -> 4 * 2^-1 = 2
    const { ask } = await trained([at('u1', 'a', 0), at('u2', 'a', 0), at('u1', 'b', 20), ...[1, 2, 3, 4].map((u) => at(`v${u}`, 'c', 10))]);
    const slate = ask();
    expect(slate.map((s) => s.itemId)).toEqual(['c', 'b', 'a']);
    expect(slate.map((s) => s.score)).toEqual([expect.closeTo(2, 6), expect.closeTo(1, 6), expect.closeTo(0.5, 6)]);
  });

  it('ranks within the category when filtered and explains it; never serves inactive or excluded items', async () => {
    const { ask } = await trained([at('u', 'a', 0), at('u', 'c', 0), at('w', 'c', 0), at('u', 'd', 0)], 100);
    const drama = ask({ filter: { categories: ['Drama'] }, now: T0 + H });
    expect(drama.map((s) => s.itemId)).toEqual(['c', 'a']);
    expect(drama[0]!.explanation).toBe('popular in Drama this week');
    expect(ask({ exclude: new Set(['c']), now: T0 + H }).map((s) => s.itemId)).toEqual(['a', 'b']);
    // a signal older than two half-lives is no longer "this week"
    expect(ask({ now: T0 + 1000 * H })[0]!.explanation).toBe('popular');
  });

  it('says "this week" only for items whose own signal is recent', async () => {
    // Half-life 100 h. a: 50 clicks 800 h (8 half-lives) ago, worth 50 / 256 = 0.2 now; b: 1 click now.
    const old = Array.from({ length: 50 }, (_, i) => at(`u${i}`, 'a', 0));
    const { ask } = await trained([...old, at('x', 'b', 800)], 100);
    const slate = ask({ now: T0 + 800 * H, k: 2 });
    expect(slate.map((s) => [s.itemId, s.explanation])).toEqual([
      ['b', 'popular this week'],
      ['a', 'popular'],
    ]);
  });

  it('ignores non-positive signals and moves an item up as feedback arrives', async () => {
    const { ask, model } = await trained([at('u', 'a', 0), at('u', 'a', 0), at('u', 'b', 0, -1), at('u', 'c', 0, 0)]);
    expect(ask()[0]!.itemId).toBe('a');
    popularityStrategy.observe(model, at('x', 'c', 5));
    popularityStrategy.observe(model, at('y', 'c', 5));
    // c: 2 * 2^(5/10) = 2.83 > a: 2 (both relative to t=0)
    expect(ask().map((s) => s.itemId)).toEqual(['c', 'a', 'b']);
  });

  it('keeps scores finite far into the future (rescaling)', async () => {
    const { ask, model } = await trained([at('u', 'a', 0)], 1);
    popularityStrategy.observe(model, at('x', 'b', 24 * 365 * 20));
    const slate = ask({ now: T0 + 24 * 365 * 20 * H });
    expect(slate[0]!.itemId).toBe('b');
    expect(slate.every((s) => Number.isFinite(s.score))).toBe(true);
  });

  it('is deterministic and names windows from the half-life', async () => {
    const records = [at('u', 'a', 0), at('u', 'b', 3)];
    const one = await trained(records);
    const two = await trained(records);
    expect(one.result.artifact).toEqual(two.result.artifact);
    expect([24, 168, 720, 5000].map(popularityWindowPhrase)).toEqual([' today', ' this week', ' this month', '']);
  });

  it('rejects bad params with a coded error', () => {
    const registry = new StrategyRegistry();
    expect(() => registry.register(popularityStrategy, { params: { halfLifeHours: -1 } })).toThrow(expect.objectContaining({ code: 'RG_ERR_STRATEGY_PARAMS' }));
    expect(() => registry.register(popularityStrategy, { params: { halfLife: 3 } })).toThrow(expect.objectContaining({ code: 'RG_ERR_STRATEGY_PARAMS' }));
    registry.register(popularityStrategy);
    expect(() => registry.register(popularityStrategy)).toThrow(expect.objectContaining({ code: 'RG_ERR_STRATEGY_DUPLICATE' }));
    expect(() => registry.get('nope')).toThrow(expect.objectContaining({ code: 'RG_ERR_STRATEGY_UNKNOWN' }));
  });
});
