/**
 * Multi-row SQL through Prisma's raw queries, the same text on SQLite and PostgreSQL apart
 * from placeholders (`?` vs `$n`). Identifiers are quoted exactly as the generated migrations
 * quote them ("Interaction", "occurredAt"). Values are always bound, never spliced in.
 */
import type { Provider } from './database-url.js';

/**
 * Bound values per statement. SQLite's SQLITE_MAX_VARIABLE_NUMBER is 32,766 (checked against
 * the bundled better-sqlite3); PostgreSQL allows 65,535. The smaller one keeps the code shared.
 */
export const MAX_BOUND_VALUES = 32_766;

/** What multi-row writes need of a Prisma client or transaction client. */
export interface RawSql {
  $executeRawUnsafe(query: string, ...values: unknown[]): PromiseLike<number>;
  $queryRawUnsafe<T = unknown>(query: string, ...values: unknown[]): PromiseLike<T>;
}

export type SqlValue = string | number | null | Date;

/** `(?, ?), (?, ?)` or `($1, $2), ($3, $4)` for `rows` x `columns` values. */
export function valuesClause(provider: Provider, rows: number, columns: number): string {
  const tuples: string[] = new Array(rows);
  let n = 0;
  for (let r = 0; r < rows; r++) {
    const marks: string[] = new Array(columns);
    for (let c = 0; c < columns; c++) marks[c] = provider === 'sqlite' ? '?' : `$${++n}`;
    tuples[r] = `(${marks.join(',')})`;
  }
  return tuples.join(',');
}

/** `IN (...)` placeholders for a list of values. */
export function inList(provider: Provider, count: number): string {
  return `(${valuesClause(provider, count, 1).replace(/[()]/g, '')})`;
}

/** Splits rows so that no statement binds more than MAX_BOUND_VALUES values. */
export function* chunksFor<T>(rows: readonly T[], columns: number): Generator<readonly T[]> {
  const size = Math.max(1, Math.floor(MAX_BOUND_VALUES / columns));
  for (let i = 0; i < rows.length; i += size) yield rows.slice(i, i + size);
}

export const quoted = (identifier: string): string => `"${identifier}"`;

/** SQL that merges a JSON object into a stored one (top-level keys of the new one win). */
export function jsonMerge(provider: Provider, stored: string, incoming: string): string {
  return provider === 'sqlite' ? `json_patch(${stored}, ${incoming})` : `${stored} || ${incoming}`;
}
