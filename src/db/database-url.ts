import path from 'node:path';
import { rgError } from '../errors.js';

export type Provider = 'sqlite' | 'postgres';

export interface DatabaseTarget {
  readonly provider: Provider;
  /** The URL as given. */
  readonly url: string;
  /** For SQLite: the absolute file path (or ":memory:"). */
  readonly file: string | null;
}

/** Which engine a DATABASE_URL names: `file:<path>` is SQLite, `postgres(ql)://` PostgreSQL. */
export function parseDatabaseUrl(url: string, cwd = process.cwd()): DatabaseTarget {
  if (url.startsWith('file:')) {
    const raw = url.slice('file:'.length).split('?')[0]!;
    if (raw === '') throw rgError('RG_ERR_DATABASE_URL', { url });
    const file = raw === ':memory:' ? raw : path.resolve(cwd, raw);
    return { provider: 'sqlite', url, file };
  }
  if (/^postgres(ql)?:\/\//.test(url)) return { provider: 'postgres', url, file: null };
  throw rgError('RG_ERR_DATABASE_URL', { url: url.replace(/\/\/[^@/]*@/, '//***@') });
}

/** The URL with any password replaced by `***`, fit for messages and logs. */
export function redactDatabaseUrl(url: string): string {
  return url.replace(/(\/\/[^:@/]*):[^@/]*@/, '$1:***@');
}

/**
 * Which database a message should name: the SQLite file's absolute path (so a user sees
 * which `recgate.db` was opened), or the PostgreSQL URL without its password.
 */
export function describeDatabase(url: string, cwd = process.cwd()): string {
  try {
    const target = parseDatabaseUrl(url, cwd);
    return target.file ?? redactDatabaseUrl(url);
  } catch {
    return redactDatabaseUrl(url);
  }
}
