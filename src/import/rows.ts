/**
 * What importers produce: validated rows that remember where they came from, or bad rows
 * that say why they were rejected. Every format yields these, so the database writer and
 * `loadDataset` never know which file layout the data had.
 */
import type { FeedbackType } from '../interactions/feedback-type.js';
import type { JsonValue } from '../strategies/contract.js';

/** Where a row came from: the file (as given, resolved) and its 1-based line number. */
export interface RowSource {
  readonly file: string;
  readonly line: number;
}

/** A row that could not be imported, and why. */
export interface BadRow extends RowSource {
  readonly reason: string;
}

export type JsonObject = { readonly [key: string]: JsonValue };

/** One catalogue entry as a file describes it. */
export interface ItemRow {
  readonly externalId: string;
  readonly title: string;
  readonly description: string;
  /** The item's categories, or null when the source has none to say (stored ones are kept). */
  readonly categories: readonly string[] | null;
  /** Merged into the stored attributes (top-level keys from the source win). */
  readonly attributes: JsonObject;
}

/** One interaction as a file describes it. Ids are external ids. */
export interface InteractionRow {
  readonly userId: string;
  readonly itemId: string;
  readonly type: FeedbackType;
  /** A rating, a quantity; null when the type carries none. */
  readonly value: number | null;
  /** Milliseconds since the Unix epoch. */
  readonly occurredAt: number;
  /**
   * Attributes of the user this row reveals (e.g. the customer's country), or null when the
   * format knows nothing about users. Non-null attributes replace the stored ones.
   */
  readonly userAttributes: JsonObject | null;
  /**
   * Further source fields that tell two otherwise equal rows apart (invoice number, unit
   * price). They are part of the row's identity, hence of its idempotency key.
   */
  readonly details: JsonObject;
}

export type ParsedRow<T> = { readonly ok: true; readonly row: T; readonly source: RowSource } | { readonly ok: false; readonly bad: BadRow };

/** Called with the bytes of the interactions file read so far (compressed bytes for .gz). */
export type ByteProgress = (bytesRead: number) => void;

/** The files of one import, opened and checked, ready to be streamed (each call re-reads). */
export interface ImportSource {
  readonly format: string;
  /** Every file this import reads, resolved. */
  readonly files: readonly string[];
  /** Size on disk of the interactions file, the unit of progress. */
  readonly interactionBytes: number;
  /** Catalogue rows; may be empty when the format has no items file. */
  items(): AsyncIterable<ParsedRow<ItemRow>>;
  /** Interaction rows, one per data line of the interactions file, in file order. */
  interactions(progress?: ByteProgress): AsyncIterable<ParsedRow<InteractionRow>>;
}

export interface ImportSourceOptions {
  /** An items file for formats that take one separately (csv). */
  readonly itemsFile?: string;
}

/** A file layout recgate can import. */
export interface ImportFormat {
  readonly name: string;
  readonly description: string;
  /** Check that the files exist and are readable; throws `RG_ERR_IMPORT_FILE`. */
  open(path: string, options?: ImportSourceOptions): Promise<ImportSource>;
}

export const badRow = (source: RowSource, reason: string): ParsedRow<never> => ({
  ok: false,
  bad: { file: source.file, line: source.line, reason },
});

export const goodRow = <T>(source: RowSource, row: T): ParsedRow<T> => ({ ok: true, row, source });

/** `file:line: reason`, the form every report uses. */
export const formatBadRow = (bad: BadRow): string => `${bad.file}:${bad.line}: ${bad.reason}`;
