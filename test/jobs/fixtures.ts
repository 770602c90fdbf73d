/**
 * Shared set-up of the job tests: a fresh database holding the first N MovieTweetings
 * ratings, and BullMQ names of their own (a unique prefix) removed afterwards.
 */
import { randomUUID } from 'node:crypto';
import { deleteKeysUnder } from '../../bench/support/redis-keys.js';
import type { Database } from '../../src/db/index.js';
import { importIntoDatabase } from '../../src/import/index.js';
import { movieTweetingsSlice, tempDirectory } from '../import/dataset-slices.js';

export const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

/** Imports the first `ratings` MovieTweetings ratings (and their movies). */
export async function seedMovieTweetings(db: Database, ratings: number): Promise<void> {
  const temp = tempDirectory();
  try {
    movieTweetingsSlice(temp.dir, ratings);
    await importIntoDatabase(db, 'movietweetings', temp.dir);
  } finally {
    temp.remove();
  }
}

/** A queue prefix no other test uses; `remove()` deletes every key under it. */
export function uniquePrefix(): { prefix: string; remove(): Promise<void> } {
  const prefix = `rgtest-${randomUUID().slice(0, 8)}`;
  return {
    prefix,
    remove: () => deleteKeysUnder(REDIS_URL, prefix),
  };
}
