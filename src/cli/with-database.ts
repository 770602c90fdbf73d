import { loadConfig } from '../config/index.js';
import { openDatabase, type Database } from '../db/index.js';

/** Opens DATABASE_URL (migrating it), runs `work`, and always closes the connection. */
export async function withDatabase<T>(work: (db: Database) => Promise<T>, env: NodeJS.ProcessEnv = process.env): Promise<T> {
  const db = await openDatabase(loadConfig(env).databaseUrl);
  try {
    return await work(db);
  } finally {
    await db.close();
  }
}
