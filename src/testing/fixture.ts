/**
 * A small slice of real data for strategy tests: the first N ratings of MovieTweetings 100k
 * (Dooms et al., RecSys 2013, MIT licence) with the rated movies as the catalogue (title,
 * genres as categories, year as an attribute). Small enough that a strategy trains on it in
 * a second, real enough that sparsity, ties and long tails look like production.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { rgError } from '../errors.js';
import { DEFAULT_SIGNAL_POLICY, signalWeight, type SignalPolicy } from '../interactions/index.js';
import type { CatalogItem, InteractionRecord } from '../strategies/contract.js';

const PACKAGE_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
/** The copy shipped with recgate (the demo's data): found wherever the package is installed. */
const DEFAULT_DIRECTORY = join(PACKAGE_ROOT, 'data/movietweetings-100k');

export interface MovieTweetingsFixtureOptions {
  /** Folder holding `ratings.dat` and `movies.dat`. @default recgate's own `data/movietweetings-100k/` */
  readonly directory?: string;
  /** How many ratings to read, from the top of `ratings.dat` (which is ordered by user). @default 3000 */
  readonly ratings?: number;
  /** Turns ratings into learning weights. @default DEFAULT_SIGNAL_POLICY (every rating is a positive of weight 1) */
  readonly signalPolicy?: SignalPolicy;
  /** Catalogue: only the movies rated in the slice, or every movie in `movies.dat`. @default 'rated' */
  readonly catalogue?: 'rated' | 'all';
}

export interface MovieTweetingsFixture {
  readonly directory: string;
  /** Oldest first. */
  readonly interactions: readonly InteractionRecord[];
  readonly items: readonly CatalogItem[];
  /** Distinct user ids, in file order. */
  readonly userIds: readonly string[];
  /** One second after the newest rating: a fixed "now" for clocks and requests. */
  readonly now: number;
}

function findDirectory(explicit: string | undefined): string {
  const directory = explicit === undefined ? DEFAULT_DIRECTORY : resolve(explicit);
  if (!existsSync(join(directory, 'ratings.dat')) || !existsSync(join(directory, 'movies.dat'))) {
    throw rgError('RG_ERR_IMPORT_FILE', { file: directory, reason: 'no ratings.dat and movies.dat there' });
  }
  return directory;
}

function badLine(file: string, line: number, text: string): Error {
  return rgError('RG_ERR_IMPORT_FILE', { file, reason: `line ${line} is not "a::b::c::d": ${JSON.stringify(text.slice(0, 80))}` });
}

/** Reads the fixture; throws `RG_ERR_IMPORT_FILE` when the files are missing or malformed. */
export function loadMovieTweetingsFixture(options: MovieTweetingsFixtureOptions = {}): MovieTweetingsFixture {
  const directory = findDirectory(options.directory);
  const limit = options.ratings ?? 3000;
  const policy = options.signalPolicy ?? DEFAULT_SIGNAL_POLICY;

  const ratingsFile = join(directory, 'ratings.dat');
  const interactions: InteractionRecord[] = [];
  const userIds: string[] = [];
  const seenUsers = new Set<string>();
  const firstRatedAt = new Map<string, number>();
  const lines = readFileSync(ratingsFile, 'utf8').split('\n');
  for (let n = 0; n < lines.length && interactions.length < limit; n++) {
    const text = lines[n]!.trim();
    if (text === '') continue;
    const [userId, itemId, rating, seconds] = text.split('::');
    const value = Number(rating);
    const occurredAt = Number(seconds) * 1000;
    if (!userId || !itemId || !Number.isFinite(value) || !Number.isFinite(occurredAt)) throw badLine(ratingsFile, n + 1, text);
    interactions.push({ userId, itemId, type: 'rating', value, weight: signalWeight(policy, 'rating', value), occurredAt });
    if (!seenUsers.has(userId)) {
      seenUsers.add(userId);
      userIds.push(userId);
    }
    const first = firstRatedAt.get(itemId);
    if (first === undefined || occurredAt < first) firstRatedAt.set(itemId, occurredAt);
  }

  const moviesFile = join(directory, 'movies.dat');
  const items: CatalogItem[] = [];
  const movieLines = readFileSync(moviesFile, 'utf8').split('\n');
  for (let n = 0; n < movieLines.length; n++) {
    const text = movieLines[n]!.trim();
    if (text === '') continue;
    const [id, title, genres] = text.split('::');
    if (!id || title === undefined) throw badLine(moviesFile, n + 1, text);
    if (options.catalogue !== 'all' && !firstRatedAt.has(id)) continue;
    const year = /\((\d{4})\)\s*$/.exec(title)?.[1];
    items.push({
      id,
      title,
      description: '',
      categories: genres ? genres.split('|').filter((g) => g !== '') : [],
      attributes: year ? { year: Number(year) } : {},
      embedding: null,
      active: true,
      // The data has no release dates; the first rating is when the movie "arrived".
      createdAt: firstRatedAt.get(id) ?? 0,
    });
  }

  interactions.sort((a, b) => a.occurredAt - b.occurredAt);
  const newest = interactions.length > 0 ? interactions[interactions.length - 1]!.occurredAt : 0;
  return { directory, interactions, items, userIds, now: newest + 1000 };
}
