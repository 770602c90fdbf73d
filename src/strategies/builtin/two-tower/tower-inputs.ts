/**
 * One batch of inputs for each tower, as flat typed arrays (tensors are made from them inside
 * the step that uses them, so nothing outlives the step).
 */
import type { EmbeddingBags } from '../../../ml/embedding-lookup.js';
import type { ItemFeatureRows } from './item-features.js';

export interface ItemTowerInput {
  readonly size: number;
  /** One bag per item holding its id-table row, or nothing (zeros) for an item without one (new, or dropped out). */
  readonly ids: EmbeddingBags;
  /**
   * One bag of text-token buckets per item with tf-idf weights of unit L2 norm: unlike a mean,
   * this keeps the pooled vector's scale independent of the text's length.
   */
  readonly text: EmbeddingBags;
  /** [size, embeddingDim]. */
  readonly embeddings: Float32Array;
  readonly hasEmbedding: Float32Array;
}

export interface UserTowerInput {
  readonly size: number;
  /** One bag of item-id rows per user, weights summing to 1 (empty without known history items). */
  readonly history: EmbeddingBags;
  /**
   * The distinct history items of the batch that have words, one bag each over the text table
   * (word-level tokens, weight 1 / the item's idf norm): the items' word vectors.
   */
  readonly historyItemWords: EmbeddingBags;
  /**
   * One bag per user over the rows of those word vectors, weights summing to 1: the user's
   * history as text. Items the id table lacks (new items) still count here.
   */
  readonly historyText: EmbeddingBags;
}

/**
 * Inputs for the items whose features are rows `featureRows` of `features`, with the given
 * id-table rows (0: the item has none).
 */
export function itemTowerInput(features: ItemFeatureRows, featureRows: ArrayLike<number>, idRows: Int32Array, embeddingDim: number): ItemTowerInput {
  const size = idRows.length;
  let slots = 0;
  for (let i = 0; i < size; i++) slots += features.tokenStart[featureRows[i]! + 1]! - features.tokenStart[featureRows[i]!]!;
  const text = { bags: size, ids: new Int32Array(slots), bagOf: new Int32Array(slots), weights: new Float32Array(slots) };
  const embeddings = new Float32Array(size * embeddingDim);
  const hasEmbedding = new Float32Array(size);
  let k = 0;
  for (let i = 0; i < size; i++) {
    const row = featureRows[i]!;
    const start = features.tokenStart[row]!;
    const end = features.tokenStart[row + 1]!;
    for (let t = start; t < end; t++, k++) {
      text.ids[k] = features.tokenIds[t]!;
      text.bagOf[k] = i;
      text.weights[k] = features.tokenWeights[t]!;
    }
    if (embeddingDim > 0) {
      embeddings.set(features.embeddings.subarray(row * embeddingDim, (row + 1) * embeddingDim), i * embeddingDim);
      hasEmbedding[i] = features.hasEmbedding[row]!;
    }
  }
  return { size, ids: idBags(idRows), text, embeddings, hasEmbedding };
}

function idBags(idRows: Int32Array): EmbeddingBags {
  const size = idRows.length;
  let known = 0;
  for (const row of idRows) if (row > 0) known++;
  const ids = { bags: size, ids: new Int32Array(known), bagOf: new Int32Array(known), weights: new Float32Array(known).fill(1) };
  for (let i = 0, k = 0; i < size; i++) {
    if (idRows[i]! <= 0) continue;
    ids.ids[k] = idRows[i]!;
    ids.bagOf[k++] = i;
  }
  return ids;
}

/**
 * Adds one history item: its id-table row (0: none), its signal weight, a key naming the item
 * within the batch (the same item, the same key), and its word-level token buckets as
 * positions [from, to) of `words` (a range of a shared array, so a batch allocates no views),
 * each of weight `wordWeight`.
 */
export type AddHistoryItem = (idRow: number, weight: number, key: number, words: Int32Array, from: number, to: number, wordWeight: number) => void;

/**
 * A user-tower input of `size` users, filled by `fill(user, add)`, most relevant (recent) item
 * first: the first `historyLength` usable items count (weight > 0, and an id row or words).
 * Each distinct item's words are pooled once per batch, however many users have it.
 */
export function userTowerInput(size: number, historyLength: number, fill: (user: number, add: AddHistoryItem) => void): UserTowerInput {
  const history = new GrowingBags(size * historyLength);
  const historyText = new GrowingBags(size * historyLength);
  // Distinct history items times words per item: a guess that saves most regrowth.
  const itemWords = new GrowingBags(Math.min(size * historyLength * 8, 1 << 16));
  const wordRowOfKey = new Map<number, number>();
  for (let u = 0; u < size; u++) {
    const idStart = history.count;
    const textStart = historyText.count;
    let used = 0;
    fill(u, (idRow, weight, key, words, from, to, wordWeight) => {
      if (used >= historyLength || !(weight > 0) || (idRow <= 0 && to <= from)) return;
      used++;
      if (idRow > 0) history.push(idRow, u, weight);
      if (to > from) {
        let row = wordRowOfKey.get(key);
        if (row === undefined) {
          row = wordRowOfKey.size;
          wordRowOfKey.set(key, row);
          for (let j = from; j < to; j++) itemWords.push(words[j]!, row, wordWeight);
        }
        historyText.push(row, u, weight);
      }
    });
    history.normalizeFrom(idStart);
    historyText.normalizeFrom(textStart);
  }
  return {
    size,
    history: history.toBags(size),
    historyItemWords: itemWords.toBags(wordRowOfKey.size),
    historyText: historyText.toBags(size),
  };
}

/** Slots appended one by one into typed arrays that double when full. */
class GrowingBags {
  private ids: Int32Array;
  private bagOf: Int32Array;
  private weights: Float32Array;
  count = 0;

  constructor(capacity: number) {
    this.ids = new Int32Array(Math.max(capacity, 16));
    this.bagOf = new Int32Array(this.ids.length);
    this.weights = new Float32Array(this.ids.length);
  }

  push(id: number, bag: number, weight: number): void {
    if (this.count === this.ids.length) {
      this.ids = grow(this.ids, new Int32Array(this.count * 2));
      this.bagOf = grow(this.bagOf, new Int32Array(this.count * 2));
      this.weights = grow(this.weights, new Float32Array(this.count * 2));
    }
    this.ids[this.count] = id;
    this.bagOf[this.count] = bag;
    this.weights[this.count++] = weight;
  }

  /** Scale the weights of slots [start, count) to sum to 1. */
  normalizeFrom(start: number): void {
    let total = 0;
    for (let k = start; k < this.count; k++) total += this.weights[k]!;
    for (let k = start; k < this.count; k++) this.weights[k]! /= total;
  }

  toBags(bags: number): EmbeddingBags {
    return { bags, ids: this.ids.slice(0, this.count), bagOf: this.bagOf.slice(0, this.count), weights: this.weights.slice(0, this.count) };
  }
}

function grow<T extends Int32Array | Float32Array>(from: T, to: T): T {
  to.set(from);
  return to;
}
