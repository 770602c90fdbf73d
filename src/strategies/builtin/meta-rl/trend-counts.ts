/**
 * The serving side of the trend features (trend-features.ts): per item and half-life, the
 * decayed count of positive interactions, kept in the growing form Σ 2^((τ − anchor)/h) so a
 * new interaction (`observe`) is an O(F) update; decayed to the request time t it is
 * value · 2^((anchor − t)/h). Items the model first hears of through `observe` get a row too.
 */
import type { InteractionRecord } from '../../contract.js';
import { TREND_FEATURES, TREND_HALF_LIVES_MS } from './trend-features.js';

/** Past this many of the shortest half-lives the growing values are rescaled (float range). */
const RESCALE_AFTER_HALF_LIVES = 400;

export class TrendCounts {
  private anchor: number;
  /** Item id -> [F] growing values. */
  private readonly values = new Map<string, Float64Array>();
  /** Bumped by every change, so cached scores know when they are stale. */
  version = 0;

  /** `decayed` [ids.length, F]: each item's decayed counts as of `anchor`. */
  constructor(ids: readonly string[], decayed: Float32Array, anchor: number) {
    this.anchor = anchor;
    const F = TREND_FEATURES;
    ids.forEach((id, row) => {
      const v = Float64Array.from(decayed.subarray(row * F, (row + 1) * F));
      if (v.some((x) => x > 0)) this.values.set(id, v);
    });
  }

  observe(interaction: InteractionRecord): void {
    if (!(interaction.weight > 0)) return;
    const F = TREND_FEATURES;
    if ((interaction.occurredAt - this.anchor) / TREND_HALF_LIVES_MS[0]! > RESCALE_AFTER_HALF_LIVES) this.moveAnchor(interaction.occurredAt);
    let v = this.values.get(interaction.itemId);
    if (!v) this.values.set(interaction.itemId, (v = new Float64Array(F)));
    for (let f = 0; f < F; f++) v[f]! += 2 ** ((interaction.occurredAt - this.anchor) / TREND_HALF_LIVES_MS[f]!);
    this.version++;
  }

  /**
   * Σ_h θ_h log(1 + D_h(id, t)) for each id (the logit offsets at time t); t earlier than the
   * anchor counts as the anchor (a request never sees counts grow backwards).
   */
  offsets(ids: readonly string[], theta: Float32Array, t: number): Float32Array {
    const F = TREND_FEATURES;
    const decay = TREND_HALF_LIVES_MS.map((h) => 2 ** ((this.anchor - Math.max(t, this.anchor)) / h));
    const out = new Float32Array(ids.length);
    ids.forEach((id, row) => {
      const v = this.values.get(id);
      if (!v) return;
      let sum = 0;
      for (let f = 0; f < F; f++) sum += theta[f]! * Math.log1p(v[f]! * decay[f]!);
      out[row] = sum;
    });
    return out;
  }

  private moveAnchor(anchor: number): void {
    const factors = TREND_HALF_LIVES_MS.map((h) => 2 ** ((this.anchor - anchor) / h));
    for (const v of this.values.values()) for (let f = 0; f < v.length; f++) v[f]! *= factors[f]!;
    this.anchor = anchor;
  }
}

/** Each row's decayed counts as of `anchor` from positive events (training's artifact array, [rows, F]). */
export function decayedCountsAt(rows: number, events: readonly { row: number; at: number }[], anchor: number): Float32Array {
  const F = TREND_FEATURES;
  const out = new Float64Array(rows * F);
  for (const e of events) for (let f = 0; f < F; f++) out[e.row * F + f]! += 2 ** (-(anchor - e.at) / TREND_HALF_LIVES_MS[f]!);
  return Float32Array.from(out);
}
