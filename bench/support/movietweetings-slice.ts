/** The first N MovieTweetings ratings (with every movie) imported into a database of the bench's own. */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Database } from '../../src/db/index.js';
import { importIntoDatabase } from '../../src/import/index.js';
import { datasetDirectory } from './datasets.js';

/** Writes the slice under `workDir` and imports it; returns how many ratings it holds. */
export async function importMovieTweetingsSlice(db: Database, ratings: number, workDir: string): Promise<number> {
  const DATASET = datasetDirectory('movietweetings');
  const lines = readFileSync(path.join(DATASET, 'ratings.dat'), 'utf8')
    .split('\n')
    .filter((l) => l !== '')
    .slice(0, ratings);
  const data = path.join(workDir, 'movietweetings-slice');
  mkdirSync(data, { recursive: true });
  writeFileSync(path.join(data, 'ratings.dat'), lines.join('\n') + '\n');
  writeFileSync(path.join(data, 'movies.dat'), readFileSync(path.join(DATASET, 'movies.dat')));
  await importIntoDatabase(db, 'movietweetings', data);
  return lines.length;
}
