/**
 * Smaller slices of the tests' datasets (test/support/datasets.ts), written to a temp directory in each format's layout:
 * the first N lines of the real interaction files (gzipped again for Online Retail) and the
 * catalogue lines those rows refer to. Tests append malformed lines to them where needed.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { splitCsvLine } from '../../src/import/csv-line.js';
import { MOVIETWEETINGS_DIR, ONLINE_RETAIL_DIR } from '../support/datasets.js';

export const MOVIELENS_FIXTURE = path.resolve(import.meta.dirname, '../fixtures/movielens');

const lines = (text: string): string[] => text.split('\n').filter((l) => l !== '');

export function tempDirectory(): { dir: string; remove(): void } {
  const dir = mkdtempSync(path.join(tmpdir(), 'recgate-import-'));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

export interface MovieTweetingsSlice {
  readonly ratings: string[];
  readonly movies: string[];
}

/** The first `n` ratings and the movies.dat lines of the movies they rate. */
export function movieTweetingsSlice(dir: string, n: number, extraRatings: readonly string[] = []): MovieTweetingsSlice {
  const ratings = lines(readFileSync(path.join(MOVIETWEETINGS_DIR, 'ratings.dat'), 'utf8')).slice(0, n);
  const rated = new Set(ratings.map((l) => l.split('::')[1]));
  const movies = lines(readFileSync(path.join(MOVIETWEETINGS_DIR, 'movies.dat'), 'utf8')).filter((l) => rated.has(l.split('::')[0]));
  writeFileSync(path.join(dir, 'ratings.dat'), [...ratings, ...extraRatings].join('\n') + '\n');
  writeFileSync(path.join(dir, 'movies.dat'), movies.join('\n') + '\n');
  return { ratings, movies };
}

export interface OnlineRetailSlice {
  /** Data lines, without the header. */
  readonly purchases: string[];
  readonly items: string[];
}

/** The header and first `n` purchases (gzipped), and the items.csv lines of their stock codes. */
export function onlineRetailSlice(dir: string, n: number, extraPurchases: readonly string[] = []): OnlineRetailSlice {
  const all = lines(gunzipSync(readFileSync(path.join(ONLINE_RETAIL_DIR, 'purchases.csv.gz'))).toString('utf8'));
  const header = all[0]!;
  const purchases = all.slice(1, n + 1);
  const codes = new Set(purchases.map((l) => l.split(',')[1]));
  const itemLines = lines(readFileSync(path.join(ONLINE_RETAIL_DIR, 'items.csv'), 'utf8'));
  const items = itemLines.slice(1).filter((l) => {
    const split = splitCsvLine(l);
    return split.ok && codes.has(split.fields[0]!);
  });
  writeFileSync(path.join(dir, 'purchases.csv.gz'), gzipSync([header, ...purchases, ...extraPurchases].join('\n') + '\n'));
  writeFileSync(path.join(dir, 'items.csv'), [itemLines[0]!, ...items].join('\n') + '\n');
  return { purchases, items };
}

/** The MovieLens fixture's files, copied so a test may append to them. */
export function movieLensCopy(dir: string, extraRatings: readonly string[] = []): { readonly ratings: string[] } {
  const ratings = lines(readFileSync(path.join(MOVIELENS_FIXTURE, 'u.data'), 'utf8'));
  writeFileSync(path.join(dir, 'u.data'), [...ratings, ...extraRatings].join('\n') + '\n');
  writeFileSync(path.join(dir, 'u.item'), readFileSync(path.join(MOVIELENS_FIXTURE, 'u.item')));
  return { ratings };
}

/** A csv-format interactions file (and optionally an items file) from literal lines. */
export function csvFiles(dir: string, interactions: readonly string[], items?: readonly string[]): { file: string; itemsFile?: string } {
  const file = path.join(dir, 'interactions.csv');
  writeFileSync(file, interactions.join('\n') + '\n');
  if (items === undefined) return { file };
  const itemsFile = path.join(dir, 'items.csv');
  writeFileSync(itemsFile, items.join('\n') + '\n');
  return { file, itemsFile };
}
