/** Lines and cells of a bandit log file (CSV, split by the importer's RFC 4180 splitter). */
import { rgError } from '../../errors.js';
import { splitCsvLine } from '../../import/csv-line.js';

/** Lines of a text file without the trailing empty line and without `\r`. */
export function textLines(text: string): string[] {
  const lines = text.split('\n');
  if (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  return lines.map((line) => (line.endsWith('\r') ? line.slice(0, -1) : line));
}

/** The fields of line `line` (1-based) of `file`; a malformed line is RG_ERR_OPE_LOG naming it. */
export function csvCells(file: string, line: number, text: string): string[] {
  const split = splitCsvLine(text);
  if (!split.ok) throw rgError('RG_ERR_OPE_LOG', { file, line, reason: split.reason });
  return split.fields;
}
