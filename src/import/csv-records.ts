/**
 * CSV files with a header line: the header is checked when the import opens (a wrong file
 * fails before anything is read or written), data lines come out as records keyed by column.
 */
import type { z } from 'zod';
import { rgError } from '../errors.js';
import { validateFields } from './field-schemas.js';
import { splitCsvLine } from './csv-line.js';
import { readLines } from './line-reader.js';
import { badRow, goodRow, type ByteProgress, type ParsedRow, type RowSource } from './rows.js';

export interface CsvColumns<C extends string> {
  /** Column name -> index in each line. Optional columns that are absent are missing. */
  readonly index: Readonly<Partial<Record<C, number>>>;
  readonly width: number;
}

export type CsvRecord<C extends string> =
  | { readonly ok: true; readonly source: RowSource; readonly values: Readonly<Partial<Record<C, string>>> }
  | { readonly ok: false; readonly source: RowSource; readonly reason: string };

/** Reads the header line and maps column names (any order) to indexes. */
export async function readCsvHeader<R extends string, O extends string = never>(
  file: string,
  required: readonly R[],
  optional: readonly O[] = [],
): Promise<CsvColumns<R | O>> {
  let header: string | null = null;
  for await (const { text } of readLines(file)) {
    header = text;
    break;
  }
  const expected = `${[...required, ...optional].join(',')}`;
  if (header === null || header.trim() === '') {
    throw rgError('RG_ERR_IMPORT_FILE', { file, reason: `it is empty; expected a header line "${expected}"` });
  }
  const split = splitCsvLine(header);
  if (!split.ok) throw rgError('RG_ERR_IMPORT_FILE', { file, reason: `bad header line: ${split.reason}` });
  const names = split.fields.map((f) => f.trim());
  const known = new Set<string>([...required, ...optional]);
  const unknown = names.filter((n) => !known.has(n));
  const missing = required.filter((n) => !names.includes(n));
  const repeated = names.filter((n, i) => names.indexOf(n) !== i);
  if (unknown.length > 0 || missing.length > 0 || repeated.length > 0) {
    const problems = [
      missing.length > 0 ? `missing column(s) ${missing.join(', ')}` : '',
      unknown.length > 0 ? `unknown column(s) ${unknown.join(', ')}` : '',
      repeated.length > 0 ? `repeated column(s) ${repeated.join(', ')}` : '',
    ].filter(Boolean);
    throw rgError('RG_ERR_IMPORT_FILE', {
      file,
      reason: `header "${header}" has ${problems.join(' and ')}; expected columns ${expected}`,
    });
  }
  const index: Partial<Record<R | O, number>> = {};
  names.forEach((name, i) => {
    index[name as R | O] = i;
  });
  return { index, width: names.length };
}

/** Data lines (after the header) as records; blank lines are skipped. */
export async function* readCsvRecords<C extends string>(file: string, columns: CsvColumns<C>, progress?: ByteProgress): AsyncGenerator<CsvRecord<C>> {
  const entries = Object.entries(columns.index) as [C, number][];
  for await (const { text, line } of readLines(file, { progress })) {
    if (line === 1 || text.trim() === '') continue;
    const source = { file, line };
    const split = splitCsvLine(text);
    if (!split.ok) {
      yield { ok: false, source, reason: split.reason };
      continue;
    }
    if (split.fields.length !== columns.width) {
      yield { ok: false, source, reason: `has ${split.fields.length} fields, the header has ${columns.width}` };
      continue;
    }
    const values: Partial<Record<C, string>> = {};
    for (const [name, i] of entries) values[name] = split.fields[i]!;
    yield { ok: true, source, values };
  }
}

/**
 * Data lines validated with a zod schema and mapped to rows: a malformed line or a field the
 * schema rejects becomes a bad row with its file and line, everything else `toRow(value)`.
 */
export async function* validatedCsvRows<C extends string, S extends z.ZodType, T>(
  file: string,
  columns: CsvColumns<C>,
  schema: S,
  toRow: (value: z.output<S>) => T,
  progress?: ByteProgress,
): AsyncGenerator<ParsedRow<T>> {
  for await (const record of readCsvRecords(file, columns, progress)) {
    if (!record.ok) {
      yield badRow(record.source, record.reason);
      continue;
    }
    const parsed = validateFields(schema, record.values);
    yield parsed.ok ? goodRow(record.source, toRow(parsed.value)) : badRow(record.source, parsed.reason);
  }
}
