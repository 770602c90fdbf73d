/**
 * Seeded synthetic datasets shaped like the data the two-tower model once failed on (issue 11),
 * for regression tests (small sizes) and `bench/two-tower-robustness.ts` (full sizes):
 *
 * - `longTailTagged`: like a listening log (1.9k users, 17.6k items, ~93k pairs): a Zipf
 *   catalogue where most items have one or two interactions, items described by a few tags,
 *   and one timestamp for every row.
 * - `denseExplicitRatings`: like MovieLens 100k (943 users, 1.7k items, 100k ratings over
 *   seven months): users rate many items, drawn from latent factors, 1-5 stars.
 *
 * Both draw taste from latent structure the data exposes (topics, factors), so a model that
 * learns anything beats popularity on them, as ALS does.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { createRandom, type Random } from '../../src/ml/random.js';
import type { CatalogItem, InteractionRecord } from '../../src/strategies/contract.js';

export interface SyntheticDataset {
  readonly interactions: InteractionRecord[];
  readonly items: CatalogItem[];
}

const DAY_MS = 86_400_000;
const START = Date.UTC(2024, 0, 1);

function catalogItem(id: string, title: string, categories: string[]): CatalogItem {
  return { id, title, description: '', categories, attributes: {}, embedding: null, active: true, createdAt: START };
}

/** Index drawn from the cumulative weights `cdf` (last entry = total). */
function drawFrom(cdf: Float64Array, random: Random): number {
  const target = random.next() * cdf[cdf.length - 1]!;
  let lo = 0;
  let hi = cdf.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (cdf[mid]! > target) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

function cumulative(weights: ArrayLike<number>): Float64Array {
  const cdf = new Float64Array(weights.length);
  let total = 0;
  for (let i = 0; i < weights.length; i++) cdf[i] = total += weights[i]!;
  return cdf;
}

export interface LongTailOptions {
  /** @default 1900 */
  readonly users?: number;
  /** @default 17600 */
  readonly items?: number;
  /** Mean distinct items per user. @default 49 */
  readonly itemsPerUser?: number;
  /** Taste topics; each item belongs to one. @default 60 */
  readonly topics?: number;
  /** Zipf exponent of item popularity. @default 1 */
  readonly zipf?: number;
  /** @default 1 */
  readonly seed?: number;
}

/**
 * Users with one to three favourite topics pick 85 % of their items within them (by
 * popularity) and the rest from the whole catalogue. Items are tagged with their topic's tags
 * plus a noise tag; every row has the same timestamp.
 */
export function longTailTagged(options: LongTailOptions = {}): SyntheticDataset {
  const { users = 1900, items = 17600, itemsPerUser = 49, topics = 60, zipf = 1, seed = 1 } = options;
  const random = createRandom(seed);
  // Zipf weights in random id order, so an item's id says nothing about its popularity.
  const popularity = Float64Array.from(random.shuffle(Array.from({ length: items }, (_, rank) => 1 / (rank + 1) ** zipf)));
  const topicOf = Int32Array.from({ length: items }, () => random.int(topics));
  const byTopic = Array.from({ length: topics }, () => [] as number[]);
  for (let i = 0; i < items; i++) byTopic[topicOf[i]!]!.push(i);
  const topicCdf = byTopic.map((list) => cumulative(list.map((i) => popularity[i]!)));
  const globalCdf = cumulative(popularity);
  const catalog = Array.from({ length: items }, (_, i) =>
    catalogItem(`a${i}`, `artist ${i}`, [`tag${topicOf[i]}`, `style${topicOf[i]! % 7}`, `noise${random.int(200)}`]),
  );
  const interactions: InteractionRecord[] = [];
  for (let u = 0; u < users; u++) {
    const favourites = Array.from({ length: 1 + random.int(3) }, () => random.int(topics));
    const count = Math.max(5, Math.round(itemsPerUser * Math.exp(0.5 * random.normal() - 0.125)));
    const chosen = new Set<number>();
    for (let attempt = 0; chosen.size < count && attempt < count * 20; attempt++) {
      if (random.next() < 0.85) {
        const topic = favourites[random.int(favourites.length)]!;
        chosen.add(byTopic[topic]![drawFrom(topicCdf[topic]!, random)]!);
      } else {
        chosen.add(drawFrom(globalCdf, random));
      }
    }
    for (const i of chosen) interactions.push({ userId: `u${u}`, itemId: `a${i}`, type: 'view', value: null, weight: 1, occurredAt: START });
  }
  return { interactions, items: catalog };
}

export interface DenseExplicitOptions {
  /** @default 943 */
  readonly users?: number;
  /** @default 1682 */
  readonly items?: number;
  /** @default 100000 */
  readonly ratings?: number;
  /** Latent factors of taste. @default 8 */
  readonly factors?: number;
  /** @default 1 */
  readonly seed?: number;
}

/** How much taste, against popularity, decides what a user rates. */
const TASTE = 4;
const GENRES = ['action', 'comedy', 'drama', 'horror', 'romance', 'scifi', 'thriller', 'animation', 'western', 'documentary', 'musical', 'crime'];

/**
 * Users and items get latent vectors; a user rates item i with probability proportional to
 * popularity(i) · exp(4 u·v) (people watch what they expect to like), and gives
 * round(3 + 1.5 u·v + noise) stars, clamped to 1-5. Each user's ratings are spread over their
 * own stretch of a seven-month window. Items are titled with the genres of their two largest
 * factors.
 */
export function denseExplicitRatings(options: DenseExplicitOptions = {}): SyntheticDataset {
  const { users = 943, items = 1682, ratings = 100_000, factors = 8, seed = 1 } = options;
  const random = createRandom(seed);
  const vector = (): Float64Array => {
    const v = Float64Array.from({ length: factors }, () => random.normal());
    const norm = Math.hypot(...v);
    return v.map((x) => x / norm);
  };
  const itemVectors = Array.from({ length: items }, vector);
  const popularity = Float64Array.from({ length: items }, (_, i) => 1 / (i + 30) ** 0.8);
  const catalog = itemVectors.map((v, i) => {
    const top = [...v.keys()].sort((a, b) => v[b]! - v[a]!).slice(0, 2);
    return catalogItem(
      `m${i}`,
      `movie ${i}`,
      top.map((f) => GENRES[f % GENRES.length]!),
    );
  });
  // Activity per user: heavy-tailed like MovieLens (20 to several hundred ratings).
  const activity = Float64Array.from({ length: users }, () => Math.exp(random.normal()));
  const activityTotal = activity.reduce((a, b) => a + b, 0);
  const windowMs = 210 * DAY_MS;
  const interactions: InteractionRecord[] = [];
  for (let u = 0; u < users; u++) {
    const taste = vector();
    const affinity = itemVectors.map((v) => v.reduce((sum, x, f) => sum + x * taste[f]!, 0));
    const cdf = cumulative(popularity.map((p, i) => p * Math.exp(TASTE * affinity[i]!)));
    const count = Math.min(items - 1, Math.max(20, Math.round((ratings * activity[u]!) / activityTotal)));
    const chosen = new Set<number>();
    for (let attempt = 0; chosen.size < count && attempt < count * 20; attempt++) chosen.add(drawFrom(cdf, random));
    const begin = START + random.next() * windowMs * 0.7;
    const span = random.next() * (START + windowMs - begin);
    for (const i of chosen) {
      const stars = Math.min(5, Math.max(1, Math.round(3 + 1.5 * affinity[i]! + 0.7 * random.normal())));
      const occurredAt = Math.floor(begin + random.next() * span);
      interactions.push({ userId: `u${u}`, itemId: `m${i}`, type: 'rating', value: stars, weight: 1, occurredAt });
    }
  }
  interactions.sort((a, b) => a.occurredAt - b.occurredAt);
  return { interactions, items: catalog };
}

/**
 * Writes a dataset in recgate's CSV import layout (`interactions.csv`, `items.csv` under
 * `dir`), for `importIntoDatabase(db, 'csv', interactionsFile, { itemsFile })`.
 */
export function writeDatasetCsv(data: SyntheticDataset, dir: string): { interactionsFile: string; itemsFile: string } {
  const interactionsFile = path.join(dir, 'interactions.csv');
  const itemsFile = path.join(dir, 'items.csv');
  const rows = data.interactions.map((r) => `${r.userId},${r.itemId},${r.type},${r.value ?? ''},${Math.floor(r.occurredAt / 1000)}`);
  writeFileSync(interactionsFile, ['user,item,type,value,ts', ...rows].join('\n') + '\n');
  const items = data.items.map((i) => `${i.id},${i.title},${i.description},${i.categories.join('|')}`);
  writeFileSync(itemsFile, ['item,title,description,categories', ...items].join('\n') + '\n');
  return { interactionsFile, itemsFile };
}
