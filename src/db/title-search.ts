/**
 * `items(filter: { titleContains })`: a literal, case-sensitive substring of the title.
 *
 * Prisma turns `contains` into SQL `LIKE '%value%'` without escaping the value, so a `%` or
 * `_` typed by a user is a wildcard (`"%_"` matched every title). PostgreSQL's LIKE takes `\`
 * as its escape character, so there the escaped pattern is exact. SQLite's LIKE has no escape
 * character unless the query says `ESCAPE`, which Prisma cannot emit, and it ignores ASCII
 * case: there the unescaped pattern selects a superset of the literal matches (each `%` and
 * `_` also matches itself), and {@link collectTitleMatches} keeps only the titles that really
 * contain the text.
 */
import type { Provider } from './database-url.js';

/** The Prisma string filter that selects every title containing `text` (and, on SQLite, a few more). */
export function titleContainsFilter(provider: Provider, text: string): { contains: string } {
  return { contains: provider === 'postgres' ? text.replace(/[\\%_]/g, (c) => `\\${c}`) : text };
}

/** The exact test the database filter approximates. */
export function titleContains(title: string, text: string): boolean {
  return title.includes(text);
}

/**
 * Reads rows in page order, batch by batch, keeping those that pass `keep`, until `limit` are
 * kept or the rows run out. `readBatch(lastId, take)` returns up to `take` rows after
 * `lastId` (undefined: from the page's start) in page order.
 */
export async function collectTitleMatches<Row extends { readonly dbId: number }>(
  readBatch: (lastId: number | undefined, take: number) => Promise<Row[]>,
  keep: (row: Row) => boolean,
  limit: number,
): Promise<Row[]> {
  // Batches at least this large keep the number of round trips small when SQLite's superset
  // holds many non-matches (a search for "_" in a catalogue of snake_case-free titles).
  const take = Math.max(limit, 100);
  const kept: Row[] = [];
  let lastId: number | undefined;
  for (;;) {
    const batch = await readBatch(lastId, take);
    for (const row of batch) {
      if (keep(row)) kept.push(row);
      if (kept.length === limit) return kept;
    }
    if (batch.length < take) return kept;
    lastId = batch[batch.length - 1]!.dbId;
  }
}
