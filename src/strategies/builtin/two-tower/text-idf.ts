/**
 * Inverse document frequency of text-token buckets over the catalogue, so a token that many
 * items share ("the", "men", category "Drama") weighs less in an item's text bag than one
 * few items have ("wolverine", "retrospot"). Computed once at training from the whole
 * catalogue (items nobody interacted with included) and stored in the artifact.
 */
import type { CatalogItem } from '../../contract.js';
import { itemTokenBuckets, type TextHashConfig } from './text-tokens.js';

/** Smoothed idf per bucket: ln((items + 1) / (df + 1)) + 1; unseen buckets get the maximum. */
export function catalogTokenIdf(items: readonly CatalogItem[], config: TextHashConfig): Float32Array {
  const df = new Float64Array(config.buckets);
  const seen = new Int32Array(config.buckets).fill(-1);
  items.forEach((item, i) => {
    for (const bucket of itemTokenBuckets(item, config).buckets) {
      if (seen[bucket] === i) continue; // two tokens of one item hashed together count once
      seen[bucket] = i;
      df[bucket]!++;
    }
  });
  return Float32Array.from(df, (d) => Math.log((items.length + 1) / (d + 1)) + 1);
}
