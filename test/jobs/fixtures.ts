/**
 * Shared set-up of the job tests: a fresh database holding the first N MovieTweetings
 * ratings, and BullMQ names of their own (a unique prefix) removed afterwards.
 */
import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
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
    async remove() {
      const redis = new Redis(REDIS_URL);
      try {
        let cursor = '0';
        do {
          const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
          cursor = next;
          if (keys.length > 0) await redis.del(...keys);
        } while (cursor !== '0');
      } finally {
        redis.disconnect();
      }
    },
  };
}
