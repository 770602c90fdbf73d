import { describe, expect, it } from 'vitest';
import {
  EVAL_PROTOCOLS,
  parseEvalProtocol,
  splitInteractions,
  stratifiedSplit,
  temporalSplit,
  type EvaluationSplit,
} from '../../src/evaluation/offline/index.js';
import { loadDataset } from '../../src/import/index.js';
import { createRandom } from '../../src/ml/random.js';
import type { InteractionRecord } from '../../src/strategies/contract.js';
import { MOVIETWEETINGS_DIR } from '../support/datasets.js';
import { catalog, catalogItem, interaction } from './fixtures.js';

/** 60 users with 1..14 distinct items each (some repeated), over 40 items, seeded. */
function synthetic(): { interactions: InteractionRecord[]; items: ReturnType<typeof catalog> } {
  const random = createRandom(7);
  const interactions: InteractionRecord[] = [];
  let t = 1_000;
  for (let u = 0; u < 60; u++) {
    const n = 1 + (u % 14);
    const items = random.shuffle(Array.from({ length: 40 }, (_, i) => `i${i}`)).slice(0, n);
    for (const itemId of items) {
      interactions.push(interaction(`u${u}`, itemId, (t += 1 + random.int(1000))));
      if (random.next() < 0.2) interactions.push(interaction(`u${u}`, itemId, (t += 1 + random.int(1000)))); // a repeat
    }
  }
  return { interactions, items: catalog(...Array.from({ length: 40 }, (_, i) => `i${i}`)) };
}

/** A split in plain values, for equality checks. */
const plain = (split: EvaluationSplit) => ({
  cases: split.cases.map((c) => ({ userId: c.userId, seen: [...c.seen].sort(), relevant: [...c.relevant].sort(), history: c.history })),
  train: split.train,
  stats: split.stats,
  now: split.now,
});

const distinctPositiveItems = (interactions: readonly InteractionRecord[], userId: string) =>
  new Set(interactions.filter((r) => r.userId === userId && r.weight > 0).map((r) => r.itemId)).size;

describe('protocol names', () => {
  it('accepts the two protocols and rejects others with RG_ERR_EVAL_PROTOCOL', () => {
    expect(EVAL_PROTOCOLS).toEqual(['stratified', 'temporal']);
    expect(parseEvalProtocol('temporal')).toBe('temporal');
    expect(() => parseEvalProtocol('random')).toThrow(expect.objectContaining({ code: 'RG_ERR_EVAL_PROTOCOL' }));
  });
});

describe('stratified split', () => {
  const { interactions, items } = synthetic();

  it('is deterministic under a seed and independent of input order', () => {
    const a = stratifiedSplit(interactions, items, { seed: 42 });
    const b = stratifiedSplit(interactions, items, { seed: 42 });
    const shuffled = stratifiedSplit(createRandom(3).shuffle([...interactions]), items, { seed: 42 });
    expect(plain(b)).toEqual(plain(a));
    expect(plain(shuffled).cases.map((c) => c.relevant)).toEqual(plain(a).cases.map((c) => c.relevant));
    const other = stratifiedSplit(interactions, items, { seed: 43 });
    expect(plain(other).cases.map((c) => c.relevant)).not.toEqual(plain(a).cases.map((c) => c.relevant));
  });

  it("tests n - floor(0.75 n) of each eligible user's n distinct items, as python_stratified_split does", () => {
    const split = stratifiedSplit(interactions, items, { seed: 42 });
    // Users u0..u59 have 1 + (u % 14) items: the ones with at least 4 are eligible.
    const eligible = Array.from({ length: 60 }, (_, u) => `u${u}`).filter((u) => distinctPositiveItems(interactions, u) >= 4);
    expect(split.cases.map((c) => c.userId)).toEqual([...eligible].sort());
    let train = 0;
    let test = 0;
    for (const c of split.cases) {
      const n = distinctPositiveItems(interactions, c.userId);
      // rank r of n trains when r / n <= 0.75, i.e. r <= floor(0.75 n)
      expect(c.relevant.size).toBe(n - Math.floor(0.75 * n));
      expect(c.seen.size).toBe(Math.floor(0.75 * n));
      for (const itemId of c.relevant) expect(c.seen.has(itemId)).toBe(false);
      for (const r of c.history) expect(c.relevant.has(r.itemId)).toBe(false);
      train += c.seen.size;
      test += c.relevant.size;
    }
    // Overall close to 75 / 25 (floor rounds train down for small users).
    expect(test / (train + test)).toBeGreaterThan(0.25);
    expect(test / (train + test)).toBeLessThan(0.32);
  });

  it('keeps every interaction of train items (repeats too) and drops users below the minimum from train', () => {
    const split = stratifiedSplit(interactions, items, { seed: 1 });
    const testUsers = new Set(split.cases.map((c) => c.userId));
    const expected = interactions.filter((r) => testUsers.has(r.userId) && split.cases.find((c) => c.userId === r.userId)!.seen.has(r.itemId));
    expect(split.train.length).toBe(expected.length);
    expect(split.train.every((r) => testUsers.has(r.userId))).toBe(true);
    for (let i = 1; i < split.train.length; i++) expect(split.train[i]!.occurredAt).toBeGreaterThanOrEqual(split.train[i - 1]!.occurredAt);
    expect(split.now).toBe(split.train[split.train.length - 1]!.occurredAt);
  });

  it('takes relevance from positive interactions only and collapses repeats', () => {
    const data = [
      interaction('u', 'a', 1),
      interaction('u', 'a', 2), // repeat: still one relevant item
      interaction('u', 'b', 3),
      interaction('u', 'c', 4),
      interaction('u', 'd', 5),
      interaction('u', 'z', 6, { weight: 0, type: 'rating', value: 2 }), // seen, never relevant
      interaction('u', 'y', 7, { weight: -1, type: 'dismiss' }), // seen, never relevant
    ];
    const split = stratifiedSplit(data, catalog('a', 'b', 'c', 'd', 'y', 'z'), { seed: 9 });
    expect(split.cases).toHaveLength(1);
    const c = split.cases[0]!;
    expect(c.relevant.size).toBe(1); // 4 distinct positive items: 3 train, 1 test
    expect(c.seen.has('z') && c.seen.has('y')).toBe(true);
    expect(c.relevant.has('z') || c.relevant.has('y')).toBe(false);
    expect(c.seen.size).toBe(5);
  });

  it('ignores inactive and unknown items', () => {
    const data = ['a', 'b', 'c', 'd', 'e'].map((id, i) => interaction('u', id, i));
    const items = [...catalog('a', 'b', 'c', 'd'), catalogItem('e', { active: false })];
    const split = stratifiedSplit([...data, interaction('u', 'not-in-catalogue', 9)], items, { seed: 1 });
    expect(split.stats.interactionsOnActiveItems).toBe(4);
    expect([...split.cases[0]!.seen, ...split.cases[0]!.relevant].sort()).toEqual(['a', 'b', 'c', 'd']);
  });
});

describe('temporal split', () => {
  it("holds out the item of each user's last interaction and trains on what came before", () => {
    const data = [
      interaction('u1', 'a', 10),
      interaction('u1', 'b', 20),
      interaction('u1', 'c', 30),
      interaction('u1', 'a', 40), // a repeat of an older item is not a new item
      interaction('u1', 'd', 35),
      interaction('u2', 'b', 5),
      interaction('u2', 'c', 6),
      interaction('u2', 'e', 50),
    ];
    const split = temporalSplit(data, catalog('a', 'b', 'c', 'd', 'e'), { seed: 1, minInteractions: 2 });
    const [u1, u2] = split.cases;
    // u1: first-positive times a 10, b 20, c 30, d 35 -> d is the test item; train is strictly before 35.
    expect([...u1!.relevant]).toEqual(['d']);
    expect(u1!.history.map((r) => r.occurredAt)).toEqual([10, 20, 30]);
    expect([...u2!.relevant]).toEqual(['e']);
    expect(u2!.history.map((r) => r.itemId)).toEqual(['b', 'c']);
    expect(split.now).toBe(30);
  });

  it('picks one item of a last basket with the seed and leaves the rest of the basket out of train', () => {
    const basket = ['x', 'y', 'z'].map((id) => interaction('u', id, 100));
    const data = [interaction('u', 'a', 1), interaction('u', 'b', 2), ...basket];
    const items = catalog('a', 'b', 'x', 'y', 'z');
    const picks = new Set<string>();
    for (let seed = 0; seed < 20; seed++) {
      const split = temporalSplit(data, items, { seed, minInteractions: 2 });
      const c = split.cases[0]!;
      expect(c.relevant.size).toBe(1);
      picks.add([...c.relevant][0]!);
      expect([...c.seen].sort()).toEqual(['a', 'b']);
      // the same seed picks the same item
      expect([...temporalSplit(data, items, { seed, minInteractions: 2 }).cases[0]!.relevant]).toEqual([...c.relevant]);
    }
    expect([...picks].sort()).toEqual(['x', 'y', 'z']);
  });

  it('skips a user whose items all arrived at once, and reports no data when nobody qualifies', () => {
    const data = ['x', 'y', 'z', 'w'].map((id) => interaction('u', id, 100));
    expect(() => temporalSplit(data, catalog('x', 'y', 'z', 'w'), { seed: 1 })).toThrow(expect.objectContaining({ code: 'RG_ERR_EVAL_NO_DATA' }));
    expect(() => stratifiedSplit(data, catalog('x', 'y', 'z', 'w'), { seed: 1, minInteractions: 5 })).toThrow(
      expect.objectContaining({ code: 'RG_ERR_EVAL_NO_DATA' }),
    );
    expect(() => stratifiedSplit([], [], { seed: 1 })).toThrow(expect.objectContaining({ code: 'RG_ERR_EVAL_NO_DATA' }));
  });

  it('rejects bad options with RG_ERR_INVALID_INPUT', () => {
    const data = [interaction('u', 'a', 1)];
    expect(() => temporalSplit(data, catalog('a'), { seed: -1 })).toThrow(expect.objectContaining({ code: 'RG_ERR_INVALID_INPUT' }));
    expect(() => stratifiedSplit(data, catalog('a'), { seed: 1, minInteractions: 0 })).toThrow(expect.objectContaining({ code: 'RG_ERR_INVALID_INPUT' }));
  });
});

describe('splits of a real slice (MovieTweetings, first 4000 ratings)', async () => {
  const data = await loadDataset('movietweetings', MOVIETWEETINGS_DIR, { limit: 4000 });

  it("temporal: the test item is the user's latest rating and nothing in train is later", () => {
    const split = splitInteractions('temporal', data.interactions, data.items, { seed: 42, minInteractions: 5 });
    expect(split.cases.length).toBeGreaterThan(50);
    const byUser = new Map<string, InteractionRecord[]>();
    for (const r of data.interactions) byUser.set(r.userId, [...(byUser.get(r.userId) ?? []), r]);
    for (const c of split.cases) {
      const ratings = byUser.get(c.userId)!;
      const latest = Math.max(...ratings.map((r) => r.occurredAt));
      const testItem = [...c.relevant][0]!;
      expect(ratings.some((r) => r.itemId === testItem && r.occurredAt === latest)).toBe(true);
      expect(Math.max(...c.history.map((r) => r.occurredAt))).toBeLessThan(latest);
    }
  });

  it('stratified: same seed, same split; about a quarter of the items test', () => {
    const a = splitInteractions('stratified', data.interactions, data.items, { seed: 42, minInteractions: 5 });
    const b = splitInteractions('stratified', data.interactions, data.items, { seed: 42, minInteractions: 5 });
    expect(plain(b)).toEqual(plain(a));
    const share = a.stats.testItems / (a.stats.testItems + a.cases.reduce((n, c) => n + c.seen.size, 0));
    expect(share).toBeGreaterThan(0.25);
    expect(share).toBeLessThan(0.3);
  });
});
