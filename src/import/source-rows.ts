/**
 * The order every import reads a source in: the catalogue first (so interactions find their
 * items), then the interactions. Rules that hold across formats live here: an item id listed
 * twice is a bad row, `limit` cuts the interactions file after N data lines, and an item that
 * only interactions mention gets a placeholder entry named after its id.
 */
import type { ByteProgress, ImportSource, InteractionRow, ItemRow, ParsedRow, RowSource } from './rows.js';
import { badRow } from './rows.js';

/** Catalogue rows, the second and later rows of one item id reported as bad. */
export async function* catalogueRows(source: ImportSource): AsyncGenerator<ParsedRow<ItemRow>> {
  const firstSeen = new Map<string, RowSource>();
  for await (const parsed of source.items()) {
    if (parsed.ok) {
      const first = firstSeen.get(parsed.row.externalId);
      if (first !== undefined) {
        yield badRow(parsed.source, `item "${parsed.row.externalId}" is listed again (first at line ${first.line})`);
        continue;
      }
      firstSeen.set(parsed.row.externalId, parsed.source);
    }
    yield parsed;
  }
}

export interface InteractionRowsOptions {
  /** Read at most this many data lines of the interactions file. @default no limit */
  readonly limit?: number;
  readonly progress?: ByteProgress;
}

export async function* interactionRows(
  source: ImportSource,
  options: InteractionRowsOptions = {},
): AsyncGenerator<ParsedRow<InteractionRow>> {
  const limit = options.limit ?? Infinity;
  if (limit <= 0) return;
  let read = 0;
  for await (const parsed of source.interactions(options.progress)) {
    yield parsed;
    read += 1;
    if (read >= limit) return;
  }
}

/** The catalogue entry for an item that only interactions mention. */
export function placeholderItem(externalId: string): ItemRow {
  return { externalId, title: externalId, description: '', categories: null, attributes: {} };
}
