/**
 * The item text encoder's input: an item's title, categories and description as a bag of
 * hashed tokens (words, whole category names, character trigrams of words).
 *
 * Trigrams make "Potter" and "Potter's", or "HEART" and "HEARTS", share most of their tokens,
 * so an item nobody has interacted with still lands near items with similar wording. Hashing
 * (the "hashing trick") needs no vocabulary: a new item's words map to the same buckets at
 * serving time as at training time, as long as the bucket count is the one in the artifact.
 */
import type { CatalogItem } from '../../contract.js';

export interface TextHashConfig {
  /** Rows of the token embedding table. */
  readonly buckets: number;
  /** Tokens kept per item (the first ones, in the order below). */
  readonly maxTokens: number;
}

export type ItemText = Pick<CatalogItem, 'title' | 'description' | 'categories'>;

/** An item's distinct tokens: the word-level ones (words, categories) first, then trigrams. */
export interface ItemTokens {
  readonly tokens: readonly string[];
  /** How many leading tokens are words or categories. */
  readonly wordCount: number;
}

const WORD = /[\p{L}\p{N}]+/gu;

function words(text: string): string[] {
  return text.toLowerCase().match(WORD) ?? [];
}

function trigrams(word: string): string[] {
  const marked = `#${word}#`;
  const grams: string[] = [];
  for (let i = 0; i + 3 <= marked.length; i++) grams.push(marked.slice(i, i + 3));
  return grams;
}

/**
 * The distinct tokens of an item, most telling first (title words, categories, description
 * words, then title and description trigrams), at most `maxTokens`, so truncation drops the
 * least telling.
 */
export function itemTextTokens(item: ItemText, maxTokens: number): ItemTokens {
  const titleWords = words(item.title);
  const descriptionWords = words(item.description);
  const tokens = new Set<string>();
  for (const w of titleWords) tokens.add(`w:${w}`);
  for (const c of item.categories) tokens.add(`c:${c.toLowerCase()}`);
  for (const w of descriptionWords) tokens.add(`w:${w}`);
  const wordCount = tokens.size;
  for (const w of [...titleWords, ...descriptionWords]) for (const g of trigrams(w)) tokens.add(`t:${g}`);
  const kept = [...tokens].slice(0, maxTokens);
  return { tokens: kept, wordCount: Math.min(wordCount, kept.length) };
}

/** FNV-1a (32 bit) over UTF-16 code units: fast, stable across runs and platforms. */
export function hashToken(token: string, buckets: number): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < token.length; i++) {
    hash ^= token.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return (hash >>> 0) % buckets;
}

/** An item's token buckets (word-level first) and how many of them are word-level. */
export function itemTokenBuckets(item: ItemText, config: TextHashConfig): { buckets: Int32Array; wordCount: number } {
  const { tokens, wordCount } = itemTextTokens(item, config.maxTokens);
  return { buckets: Int32Array.from(tokens, (token) => hashToken(token, config.buckets)), wordCount };
}
