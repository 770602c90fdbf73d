/**
 * The order every import reads a source in: the catalogue first (so interactions find their
 * items), then the interactions. Rules that hold across formats live here: an item id listed
 * twice is a bad row, `limit` cuts the interactions file after N data lines, and an item that
 * only interactions mention gets a placeholder entry named after its id, and an interaction
 * outside the feedback bounds (a time in the future, a rating off the scale, a purchase of no
 * or negative quantity) is a bad row, as the API rejects it.
 */
import { DEFAULT_FEEDBACK_BOUNDS, feedbackProblem, type FeedbackBounds } from '../interactions/feedback-bounds.js';
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
  /** Accepted times and values (the config's RECGATE_RATING_SCALE, RECGATE_MAX_CLOCK_SKEW_SECONDS). @default DEFAULT_FEEDBACK_BOUNDS */
  readonly bounds?: FeedbackBounds;
}

export async function* interactionRows(source: ImportSource, options: InteractionRowsOptions = {}): AsyncGenerator<ParsedRow<InteractionRow>> {
  const limit = options.limit ?? Infinity;
  if (limit <= 0) return;
  const bounds = options.bounds ?? DEFAULT_FEEDBACK_BOUNDS;
  const now = Date.now();
  let read = 0;
  for await (const parsed of source.interactions(options.progress)) {
    const problem = parsed.ok ? feedbackProblem(bounds, parsed.row, now) : null;
    yield problem === null ? parsed : badRow(parsed.ok ? parsed.source : parsed.bad, `${problem.reason} (${problem.code})`);
    read += 1;
    if (read >= limit) return;
  }
}

/** The catalogue entry for an item that only interactions mention. */
export function placeholderItem(externalId: string): ItemRow {
  return { externalId, title: externalId, description: '', categories: null, attributes: {} };
}
