/**
 * Recency ("trend") features of an item as of a moment t: for each half-life h of
 * TREND_HALF_LIVES_HOURS, φ_h(a, t) = log(1 + D_h(a, t)) with
 *   D_h(a, t) = Σ over positive interactions with a at times τ < t of 2^(−(t − τ)/h),
 * the item's decayed count of positive interactions. The policy's logit adds Σ_h θ_h φ_h(a, t)
 * with learned θ: the item bias b_a is learned from all time, while on catalogues where what
 * is watched or bought moves week by week (MovieTweetings: one-week popularity beats all-time
 * counts) the recent counts say what is wanted now. Several half-lives with learned weights:
 * the data chooses the time scale, not a per-dataset setting.
 *
 * Training looks up φ at each logged action's own time from the interactions before it
 * (TrendHistory: causal, so no action sees its own or later interactions); serving uses the
 * counts decayed to the request time (trend-counts.ts).
 */

/** 1 day, 1 week, 1 month. */
export const TREND_HALF_LIVES_HOURS = [24, 168, 720] as const;
export const TREND_FEATURES = TREND_HALF_LIVES_HOURS.length;
export const TREND_HALF_LIVES_MS: readonly number[] = TREND_HALF_LIVES_HOURS.map((h) => h * 3_600_000);

/** A positive interaction with an item row, in time order. */
export interface TrendEvent {
  readonly row: number;
  readonly at: number;
}

/**
 * Per item, its positive interactions in time order with D_h just after each (a recursion,
 * D_k = D_{k−1}·2^(−Δ/h) + 1, so no float range trouble however long the data spans):
 * φ(a, t) is a binary search and one decay per half-life.
 */
export class TrendHistory {
  private readonly start: Int32Array;
  private readonly times: Float64Array;
  /** [events, F]: D_h right after each event. */
  private readonly decayed: Float64Array;

  /** `events` in time order. */
  constructor(rows: number, events: readonly TrendEvent[]) {
    const F = TREND_FEATURES;
    this.start = new Int32Array(rows + 1);
    for (const e of events) this.start[e.row + 1]!++;
    for (let r = 0; r < rows; r++) this.start[r + 1]! += this.start[r]!;
    this.times = new Float64Array(events.length);
    this.decayed = new Float64Array(events.length * F);
    const next = Int32Array.from(this.start.subarray(0, rows));
    for (const e of events) {
      const i = next[e.row]!++;
      this.times[i] = e.at;
      for (let f = 0; f < F; f++) {
        const previous = i > this.start[e.row]! ? this.decayed[(i - 1) * F + f]! * 2 ** (-(e.at - this.times[i - 1]!) / TREND_HALF_LIVES_MS[f]!) : 0;
        this.decayed[i * F + f] = previous + 1;
      }
    }
  }

  /** Writes φ_h(row, t) for every h at out[offset ..]. */
  features(row: number, t: number, out: Float64Array, offset: number): void {
    const F = TREND_FEATURES;
    let lo = this.start[row]!;
    let hi = this.start[row + 1]!;
    // Last event strictly before t.
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.times[mid]! < t) lo = mid + 1;
      else hi = mid;
    }
    const last = lo - 1;
    if (last < this.start[row]!) {
      for (let f = 0; f < F; f++) out[offset + f] = 0;
      return;
    }
    const age = t - this.times[last]!;
    for (let f = 0; f < F; f++) out[offset + f] = Math.log1p(this.decayed[last * F + f]! * 2 ** (-age / TREND_HALF_LIVES_MS[f]!));
  }
}

/** Features of the candidates [action, ...negatives] at time t: [S + 1, F]. */
export function candidateTrend(history: TrendHistory, action: number, negatives: Int32Array, t: number): Float64Array {
  const F = TREND_FEATURES;
  const out = new Float64Array((negatives.length + 1) * F);
  history.features(action, t, out, 0);
  for (let j = 0; j < negatives.length; j++) history.features(negatives[j]!, t, out, (j + 1) * F);
  return out;
}

/** The logit offsets Σ_h θ_h φ_h of candidates with features [C, F]. */
export function trendOffsets(features: Float64Array, theta: Float32Array): Float64Array {
  const F = TREND_FEATURES;
  const C = features.length / F;
  const out = new Float64Array(C);
  for (let j = 0; j < C; j++) {
    let sum = 0;
    for (let f = 0; f < F; f++) sum += theta[f]! * features[j * F + f]!;
    out[j] = sum;
  }
  return out;
}

/**
 * Adds coef · ∂(−log p_action)/∂θ to `into`: the logit offset of candidate j is θ·φ_j, so the
 * gradient is Σ_j (p_j − [j = action]) φ_j.
 */
export function accumulateTrendGradient(coef: number, probs: Float64Array, features: Float64Array, into: Float32Array): void {
  if (coef === 0) return;
  const F = TREND_FEATURES;
  for (let j = 0; j < probs.length; j++) {
    const g = coef * (probs[j]! - (j === 0 ? 1 : 0));
    if (g === 0) continue;
    for (let f = 0; f < F; f++) into[f]! += g * features[j * F + f]!;
  }
}
