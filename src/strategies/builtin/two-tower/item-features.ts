/**
 * Per-item inputs of the item tower that do not change during training: hashed text tokens
 * and the precomputed embedding. Built once per item; batches copy rows out of them.
 */
import type { CatalogItem } from '../../contract.js';
import { itemTokenBuckets, type TextHashConfig } from './text-tokens.js';

export interface ItemFeatureConfig extends TextHashConfig {
  /** Expected embedding length; 0 ignores embeddings. Other lengths count as missing. */
  readonly embeddingDim: number;
}

/** One row per item; tokens in compressed-row form (item i owns tokenIds[tokenStart[i]..tokenStart[i+1])). */
export interface ItemFeatureRows {
  readonly count: number;
  readonly tokenStart: Int32Array;
  /** Item i's word-level tokens (words, categories) end here; its trigrams follow. */
  readonly wordEnd: Int32Array;
  readonly tokenIds: Int32Array;
  /**
   * Per token: 1 / the L2 norm of the idf of all the item's tokens. The text table's rows are
   * idf-scaled (see `initialWeights`), so the pooled text is the item's tf-idf vector (binary
   * tf) of unit norm mapped through the table; one weight per item keeps the bag on the fast
   * path of `embeddingBag`.
   */
  readonly tokenWeights: Float32Array;
  /** Per item: 1 / the idf norm over its word-level tokens only (the weight of each in its word bag). */
  readonly wordWeight: Float32Array;
  /** [count, embeddingDim] row-major; zeros where an item has none. */
  readonly embeddings: Float32Array;
  /** 1 where the item has an embedding of the expected length, else 0. */
  readonly hasEmbedding: Float32Array;
}

/** Rows for `items`; an undefined entry (an item the catalogue does not know) gets empty features. */
export function buildItemFeatureRows(items: readonly (CatalogItem | undefined)[], config: ItemFeatureConfig, idf: Float32Array): ItemFeatureRows {
  const count = items.length;
  const tokens = items.map((item) => (item ? itemTokenBuckets(item, config) : { buckets: new Int32Array(0), wordCount: 0 }));
  const tokenStart = new Int32Array(count + 1);
  const wordEnd = new Int32Array(count);
  tokens.forEach((t, i) => {
    tokenStart[i + 1] = tokenStart[i]! + t.buckets.length;
    wordEnd[i] = tokenStart[i]! + t.wordCount;
  });
  const tokenIds = new Int32Array(tokenStart[count]!);
  const tokenWeights = new Float32Array(tokenIds.length);
  const wordWeight = new Float32Array(count);
  tokens.forEach((t, i) => {
    const start = tokenStart[i]!;
    tokenIds.set(t.buckets, start);
    let all = 0;
    let wordsOnly = 0;
    t.buckets.forEach((bucket, j) => {
      const squared = idf[bucket]! * idf[bucket]!;
      all += squared;
      if (j < t.wordCount) wordsOnly += squared;
    });
    tokenWeights.fill(1 / Math.sqrt(all), start, start + t.buckets.length);
    wordWeight[i] = wordsOnly > 0 ? 1 / Math.sqrt(wordsOnly) : 0;
  });
  const embeddings = new Float32Array(count * config.embeddingDim);
  const hasEmbedding = new Float32Array(count);
  items.forEach((item, row) => {
    const embedding = item?.embedding;
    if (config.embeddingDim > 0 && embedding && embedding.length === config.embeddingDim) {
      embeddings.set(embedding, row * config.embeddingDim);
      hasEmbedding[row] = 1;
    }
  });
  return { count, tokenStart, wordEnd, tokenIds, tokenWeights, wordWeight, embeddings, hasEmbedding };
}

/**
 * The embedding length the model uses: the most common length among items that carry one
 * (ties go to the shorter), or 0 when none does.
 */
export function dominantEmbeddingDim(items: readonly CatalogItem[]): number {
  const counts = new Map<number, number>();
  for (const item of items) {
    if (item.embedding && item.embedding.length > 0) {
      counts.set(item.embedding.length, (counts.get(item.embedding.length) ?? 0) + 1);
    }
  }
  let best = 0;
  let bestCount = 0;
  for (const [dim, count] of [...counts].sort((a, b) => a[0] - b[0])) {
    if (count > bestCount) [best, bestCount] = [dim, count];
  }
  return best;
}
