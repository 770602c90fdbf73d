/**
 * The metrics, checked against values computed by hand (the arithmetic is in the comments)
 * and against the expected values of Microsoft Recommenders' own test suite for
 * `python_evaluation` (tests/unit/recommenders/evaluation/test_python_evaluation.py, whose
 * fixture is rebuilt below).
 */
import { describe, expect, it } from 'vitest';
import {
  CatalogueMetricsAccumulator,
  itemPopularity,
  meanRankingMetrics,
  percentileOfSorted,
  scoreRanking,
  summariseLatency,
} from '../../src/evaluation/offline/index.js';
import type { InteractionRecord } from '../../src/strategies/contract.js';

const set = (...ids: string[]) => new Set(ids);

describe('scoreRanking (one user, binary relevance)', () => {
  it('scores a list with hits at ranks 1, 3 and 5', () => {
    // k = 5, list [a x b y c], relevant {a b c d}: hits at ranks 1, 3, 5.
    const s = scoreRanking(['a', 'x', 'b', 'y', 'c'], set('a', 'b', 'c', 'd'), 5);
    expect(s.hits).toBe(3);
    expect(s.precision).toBeCloseTo(0.6, 12); // 3 / 5
    expect(s.recall).toBeCloseTo(0.75, 12); // 3 / 4
    // AP@5 = (1/1 + 2/3 + 3/5) / min(4, 5) = 2.266667 / 4 = 0.566667
    expect(s.averagePrecision).toBeCloseTo(0.5666667, 6);
    // DCG  = 1/ln2 + 1/ln4 + 1/ln6          = 1.442695 + 0.721348 + 0.558111            = 2.722154
    // IDCG = 1/ln2 + 1/ln3 + 1/ln4 + 1/ln5  = 1.442695 + 0.910239 + 0.721348 + 0.621335 = 3.695617
    // nDCG = 2.722154 / 3.695617 = 0.73659 (the same with log2: 1.886853 / 2.561607)
    expect(s.ndcg).toBeCloseTo(0.73659, 5);
    expect(s.hit).toBe(1);
  });

  it('divides average precision by min(|relevant|, k), as Recommenders map_at_k does', () => {
    // k = 2, list [a b], relevant {a b c}: AP@2 = (1/1 + 2/2) / min(3, 2) = 2 / 2 = 1
    // (the older `map()` would divide by |relevant| = 3 and give 0.666667).
    const s = scoreRanking(['a', 'b'], set('a', 'b', 'c'), 2);
    expect(s.averagePrecision).toBeCloseTo(1, 12);
    expect(s.precision).toBeCloseTo(1, 12); // 2 / 2
    expect(s.recall).toBeCloseTo(2 / 3, 12); // 2 / 3
    // IDCG counts min(3, 2) = 2 ideal positions, so a perfect top 2 has nDCG 1.
    expect(s.ndcg).toBeCloseTo(1, 12);
  });

  it('keeps k as the precision denominator for a short list', () => {
    // k = 10, list [a], relevant {a}: precision 1/10, recall 1/1, nDCG (1/ln2)/(1/ln2) = 1, AP (1/1)/min(1,10) = 1
    const s = scoreRanking(['a'], set('a'), 10);
    expect(s.precision).toBeCloseTo(0.1, 12);
    expect(s.recall).toBe(1);
    expect(s.ndcg).toBeCloseTo(1, 12);
    expect(s.averagePrecision).toBeCloseTo(1, 12);
  });

  it('scores an empty list as zero everywhere', () => {
    expect(scoreRanking([], set('a'), 10)).toEqual({ hits: 0, precision: 0, recall: 0, ndcg: 0, averagePrecision: 0, hit: 0 });
  });

  it('counts an item repeated in the list once', () => {
    // k = 3, list [a a b], relevant {a b}: rank 1 hit, rank 2 a repeat (miss), rank 3 hit.
    const s = scoreRanking(['a', 'a', 'b'], set('a', 'b'), 3);
    expect(s.hits).toBe(2);
    expect(s.precision).toBeCloseTo(2 / 3, 12);
    // AP = (1/1 + 2/3) / min(2, 3) = 1.666667 / 2 = 0.833333
    expect(s.averagePrecision).toBeCloseTo(0.8333333, 6);
    // nDCG = (1/ln2 + 1/ln4) / (1/ln2 + 1/ln3) = 2.164043 / 2.352934 = 0.919721
    expect(s.ndcg).toBeCloseTo(0.919721, 6);
  });

  it('only looks at the first k entries', () => {
    // k = 2, list [x y a], relevant {a}: a is at rank 3, outside the top 2.
    expect(scoreRanking(['x', 'y', 'a'], set('a'), 2).hits).toBe(0);
  });

  it('rejects k < 1 and users without relevant items', () => {
    expect(() => scoreRanking(['a'], set('a'), 0)).toThrow(RangeError);
    expect(() => scoreRanking(['a'], set(), 5)).toThrow(RangeError);
  });
});

describe('cross-check with Microsoft Recommenders python_evaluation', () => {
  // Recommenders' conftest fixture: rating_true (user, item) and rating_pred (user, item, prediction).
  const trueItems: Record<number, number[]> = { 1: [3, 1, 2], 2: [1, 4, 5, 6, 7], 3: [2, 5, 6, 8, 9, 10, 11, 12, 13, 14] };
  const pred: Array<[user: number, item: number, prediction: number]> = [
    [1, 12, 12],
    [2, 10, 14],
    [2, 3, 13],
    [2, 5, 12],
    [2, 11, 11],
    [2, 13, 10],
    [3, 4, 14],
    [3, 10, 13],
    [3, 7, 12],
    [3, 13, 11],
    [3, 1, 10],
    [3, 3, 9],
    [3, 5, 8],
    [3, 2, 7],
    [3, 11, 6],
    [3, 14, 5],
    [1, 3, 14],
    [1, 10, 13],
  ];
  const lists = (): Map<number, string[]> => {
    const out = new Map<number, string[]>();
    for (const user of [1, 2, 3]) {
      const ranked = pred.filter(([u]) => u === user).sort((a, b) => b[2] - a[2]);
      out.set(
        user,
        ranked.map(([, item]) => String(item)),
      );
    }
    return out;
  };
  const evaluate = (k: number) => meanRankingMetrics([1, 2, 3].map((u) => scoreRanking(lists().get(u)!, new Set(trueItems[u]!.map(String)), k)));

  it('reproduces the expected values of Recommenders test_python_evaluation.py at k = 10', () => {
    // Lists by prediction: user 1 [3 10 12], user 2 [10 3 5 11 13], user 3 [4 10 7 13 1 3 5 2 11 14].
    // Hits: user 1 item 3 @1; user 2 item 5 @3; user 3 items 10 @2, 13 @4, 5 @7, 2 @8, 11 @9, 14 @10.
    const m = evaluate(10);
    // precision = (1/10 + 1/10 + 6/10) / 3 = 0.266667          (Recommenders: 0.26666)
    expect(m.precisionAtK).toBeCloseTo(0.26666, 4);
    // recall = (1/3 + 1/5 + 6/10) / 3 = 0.377778               (Recommenders: 0.37777)
    expect(m.recallAtK).toBeCloseTo(0.37777, 4);
    // nDCG: user 1 1.442695 / 3.074282 = 0.469279; user 2 0.721348 / 4.253728 = 0.169580;
    //       user 3 3.318918 / 6.554970 = 0.506322; mean 0.381727 (Recommenders: 0.38172)
    expect(m.ndcgAtK).toBeCloseTo(0.38172, 4);
    // MAP@10: user 1 (1/1)/3 = 0.333333; user 2 (1/3)/5 = 0.066667;
    //         user 3 (1/2 + 2/4 + 3/7 + 4/8 + 5/9 + 6/10)/10 = 3.084127/10 = 0.308413; mean 0.236138
    //         (Recommenders: 0.23613; here min(|rel|, 10) = |rel| for every user)
    expect(m.mapAtK).toBeCloseTo(0.23613, 4);
    // every user has a hit
    expect(m.hitRateAtK).toBe(1);
  });

  it('applies min(|relevant|, k) where a user has more relevant items than k', () => {
    // k = 5: user 1 [3 10 12] hit @1 -> AP 1/min(3,5) = 0.333333
    //        user 2 [10 3 5 11 13] hit @3 -> (1/3)/min(5,5) = 0.066667
    //        user 3 [4 10 7 13 1] hits @2, @4 -> (1/2 + 2/4)/min(10,5) = 1/5 = 0.2
    // MAP@5 = (0.333333 + 0.066667 + 0.2) / 3 = 0.2 (the older map() would give 0.166667)
    expect(evaluate(5).mapAtK).toBeCloseTo(0.2, 12);
    // precision@5 = (1/5 + 1/5 + 2/5) / 3 = 0.266667
    expect(evaluate(5).precisionAtK).toBeCloseTo(0.8 / 3, 12);
  });
});

describe('meanRankingMetrics', () => {
  it('averages over every user, an empty list counting as zero', () => {
    // user A: [a] vs {a} at k 2 -> precision 1/2, recall 1, nDCG 1, AP 1, hit 1; user B: [] -> all 0.
    const m = meanRankingMetrics([scoreRanking(['a'], set('a'), 2), scoreRanking([], set('b'), 2)]);
    expect(m).toEqual({ precisionAtK: 0.25, recallAtK: 0.5, ndcgAtK: 0.5, mapAtK: 0.5, hitRateAtK: 0.5 });
  });
});

describe('catalogue metrics', () => {
  const r = (userId: string, itemId: string, weight: number): InteractionRecord => ({
    userId,
    itemId,
    type: weight < 0 ? 'dismiss' : 'click',
    value: null,
    weight,
    occurredAt: 0,
  });

  it('computes coverage and mean popularity of the recommended items', () => {
    // Train: u1 {a, b}, u2 {a, a}, u3 {a, c dismissed}. Popularity = distinct positive users:
    // a = 3, b = 1, c = 0 (a dismissal is not positive); 3 train users.
    const popularity = itemPopularity([r('u1', 'a', 1), r('u1', 'b', 1), r('u2', 'a', 1), r('u2', 'a', 1), r('u3', 'a', 1), r('u3', 'c', -1)]);
    expect(popularity.byItem.get('a')).toBe(3);
    expect(popularity.users).toBe(3);
    const acc = new CatalogueMetricsAccumulator(popularity, 6);
    acc.add(['a', 'b']); // mean popularity (3 + 1) / 2 = 2
    acc.add(['c']); // 0
    acc.add([]); // no list: not part of the popularity mean
    const m = acc.result();
    // coverage = |{a, b, c}| / 6 active items = 0.5
    expect(m.coverage).toBeCloseTo(0.5, 12);
    expect(m.distinctItems).toBe(3);
    // mean popularity = (2 + 0) / 2 users with a list = 1; share = 1 / 3 train users
    expect(m.meanPopularity).toBeCloseTo(1, 12);
    expect(m.meanPopularityShare).toBeCloseTo(1 / 3, 12);
  });
});

describe('latency percentiles', () => {
  it('uses the nearest rank', () => {
    const values = Float64Array.from({ length: 100 }, (_, i) => 100 - i); // 100 .. 1, unsorted
    const summary = summariseLatency(values);
    expect(summary.p50Ms).toBe(50); // ceil(0.50 * 100) = 50th smallest
    expect(summary.p99Ms).toBe(99); // ceil(0.99 * 100) = 99th smallest
    expect(summary.meanMs).toBeCloseTo(50.5, 12);
    expect(percentileOfSorted([7], 99)).toBe(7);
  });
});
