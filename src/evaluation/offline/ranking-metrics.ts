/**
 * Top-k ranking metrics with binary relevance, defined as Microsoft Recommenders'
 * `recommenders/evaluation/python_evaluation.py` defines them (every held-out item of the
 * user is relevant, everything else is not). docs/evaluation.md has each formula.
 */

/** One user's scores for one top-k list. */
export interface UserRankingScores {
  /** Relevant items among the first k recommended. */
  readonly hits: number;
  /** hits / k (not / list length: a short list cannot reach 1; as Recommenders and Spark). */
  readonly precision: number;
  /** hits / |relevant|. */
  readonly recall: number;
  /** DCG / IDCG with gain 1 and discount 1 / ln(1 + rank). */
  readonly ndcg: number;
  /** Sum over hits at rank r of (hits up to r) / r, divided by min(|relevant|, k). */
  readonly averagePrecision: number;
  /** 1 when at least one relevant item is in the top k, else 0. */
  readonly hit: number;
}

export interface RankingMetrics {
  readonly precisionAtK: number;
  readonly recallAtK: number;
  readonly ndcgAtK: number;
  readonly mapAtK: number;
  readonly hitRateAtK: number;
}

/** Ideal DCG: all of the first min(|relevant|, k) positions relevant. */
function idealDcg(relevantCount: number, k: number): number {
  let sum = 0;
  for (let rank = 1; rank <= Math.min(relevantCount, k); rank++) sum += 1 / Math.log(1 + rank);
  return sum;
}

/**
 * Scores one recommended list (best first) against the user's relevant items. Only the
 * first k entries count; an item repeated within them counts once (later copies are misses).
 */
export function scoreRanking(recommended: readonly string[], relevant: ReadonlySet<string>, k: number): UserRankingScores {
  if (!Number.isInteger(k) || k < 1) throw new RangeError(`k must be a positive integer, got ${k}`);
  if (relevant.size === 0) throw new RangeError('a user without relevant items cannot be scored');
  let hits = 0;
  let dcg = 0;
  let precisionSum = 0;
  const counted = new Set<string>();
  const depth = Math.min(k, recommended.length);
  for (let i = 0; i < depth; i++) {
    const itemId = recommended[i]!;
    if (counted.has(itemId)) continue;
    counted.add(itemId);
    if (!relevant.has(itemId)) continue;
    const rank = i + 1;
    hits++;
    dcg += 1 / Math.log(1 + rank);
    precisionSum += hits / rank;
  }
  return {
    hits,
    precision: hits / k,
    recall: hits / relevant.size,
    ndcg: dcg / idealDcg(relevant.size, k),
    averagePrecision: precisionSum / Math.min(relevant.size, k),
    hit: hits > 0 ? 1 : 0,
  };
}

/**
 * The mean of each metric over users. Every evaluated user counts in the denominator,
 * including users who got an empty list (they score 0); see docs/evaluation.md for how
 * that relates to Recommenders.
 */
export function meanRankingMetrics(scores: readonly UserRankingScores[]): RankingMetrics {
  const n = scores.length;
  if (n === 0) return { precisionAtK: 0, recallAtK: 0, ndcgAtK: 0, mapAtK: 0, hitRateAtK: 0 };
  let precision = 0;
  let recall = 0;
  let ndcg = 0;
  let ap = 0;
  let hit = 0;
  for (const s of scores) {
    precision += s.precision;
    recall += s.recall;
    ndcg += s.ndcg;
    ap += s.averagePrecision;
    hit += s.hit;
  }
  return { precisionAtK: precision / n, recallAtK: recall / n, ndcgAtK: ndcg / n, mapAtK: ap / n, hitRateAtK: hit / n };
}
