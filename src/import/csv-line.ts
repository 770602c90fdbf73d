/**
 * Splits one CSV line, RFC 4180 quoting: `"a, b"` and `""` for a quote inside quotes. The one
 * CSV splitter of recgate (imports, off-policy logs). Fields never span lines in the files
 * recgate reads, so a quote left open at the end of the line is an error rather than a
 * reason to read on. A stray quote (inside an unquoted field, or text after a closing quote)
 * is an error too: guessing what the writer meant would silently shift or merge fields.
 */
export type CsvFields = { readonly ok: true; readonly fields: string[] } | { readonly ok: false; readonly reason: string };

export function splitCsvLine(line: string): CsvFields {
  if (!line.includes('"')) return { ok: true, fields: line.split(',') };
  const fields: string[] = [];
  let field = '';
  let i = 0;
  let quoted = false;
  let closed = false; // the current field was quoted and its closing quote has been read
  while (i < line.length) {
    const ch = line[i]!;
    if (quoted) {
      if (ch === '"') {
        if (line[i + 1] === '"') {
          field += '"';
          i += 2;
          continue;
        }
        quoted = false;
        closed = true;
      } else {
        field += ch;
      }
    } else if (ch === ',') {
      fields.push(field);
      field = '';
      closed = false;
    } else if (closed) {
      return { ok: false, reason: `text after a closing quote at column ${i + 1}` };
    } else if (ch === '"') {
      if (field.length > 0) return { ok: false, reason: `a quote inside an unquoted field at column ${i + 1}` };
      quoted = true;
    } else {
      field += ch;
    }
    i += 1;
  }
  if (quoted) return { ok: false, reason: 'a quoted field is not closed on this line' };
  fields.push(field);
  return { ok: true, fields };
}
